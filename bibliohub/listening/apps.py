from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "bibliohub.listening"
    verbose_name = _("Complaints, suggestions and thanks")

    def ready(self) -> None:
        # Patrons cannot depend on listening (listening depends on patrons): what listening holds of a
        # patron joins their data export through the section registered here.
        # An erased patron's contact leaves the complaints they sent through the step
        # registered here.
        from bibliohub.listening.selectors import exported_for
        from bibliohub.listening.services import forget_patron
        from bibliohub.patrons.selectors import register_export_section
        from bibliohub.patrons.services import register_erasure_step

        register_export_section("complaints_suggestions_thanks", exported_for)
        register_erasure_step(forget_patron)
