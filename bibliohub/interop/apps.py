from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "bibliohub.interop"
    verbose_name = _("Self-check and protocols")
