from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "bibliohub.listening"
    verbose_name = _("Complaints, suggestions and thanks")

    def ready(self) -> None:
        # Patrons cannot depend on listening (listening depends on patrons): what listening holds of a
        # patron joins their data export through the section registered here.
        from bibliohub.listening.selectors import exported_for
        from bibliohub.patrons.selectors import register_export_section

        register_export_section("complaints_suggestions_thanks", exported_for)
