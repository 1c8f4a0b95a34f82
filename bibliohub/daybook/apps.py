from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DaybookConfig(AppConfig):
    name = "bibliohub.daybook"
    verbose_name = _("Daily record book")
