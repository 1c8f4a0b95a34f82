from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "bibliohub.listening"
    verbose_name = _("Complaints, suggestions and thanks")
