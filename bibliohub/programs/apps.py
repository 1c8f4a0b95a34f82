from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "bibliohub.programs"
    verbose_name = _("Programmes and events")
