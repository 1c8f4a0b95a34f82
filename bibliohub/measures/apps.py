from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "bibliohub.measures"
    verbose_name = _("Indicators and targets")
