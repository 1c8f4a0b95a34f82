from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandConfig(AppConfig):
    name = "bibliohub.demand"
    verbose_name = _("Unmet demand and purchase suggestions")

    def ready(self) -> None:
        # Patrons cannot depend on demand (demand depends on patrons): what demand holds of a
        # patron joins their data export through the section registered here.
        from bibliohub.demand.selectors import exported_for
        from bibliohub.patrons.selectors import register_export_section

        register_export_section("purchase_suggestions_and_requests", exported_for)
