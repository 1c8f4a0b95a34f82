from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandConfig(AppConfig):
    name = "bibliohub.demand"
    verbose_name = _("Unmet demand and purchase suggestions")
