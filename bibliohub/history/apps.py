from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    name = "bibliohub.history"
    verbose_name = _("History")

    def ready(self) -> None:
        # Each app declares what it records in its own `kinds` module; importing them all
        # here makes every kind known (labels, filters, roll-ups) before the first request,
        # whichever app's code runs first.
        autodiscover_modules("kinds")
