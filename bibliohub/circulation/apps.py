from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirculationConfig(AppConfig):
    name = "bibliohub.circulation"
    verbose_name = _("Circulation")

    def ready(self) -> None:
        # Patrons cannot depend on circulation (circulation depends on patrons): a patron
        # with loans or fines is kept from erasure by the check registered here.
        from bibliohub.circulation.selectors import erasure_refusals
        from bibliohub.patrons.selectors import register_erasure_check

        register_erasure_check(erasure_refusals)
