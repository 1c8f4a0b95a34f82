from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "bibliohub.surveys"
    verbose_name = _("Questionnaires and polls")

    def ready(self) -> None:
        # Patrons cannot depend on surveys (surveys depends on patrons): what surveys holds of a
        # patron joins their data export through the section registered here.
        from bibliohub.patrons.selectors import register_export_section
        from bibliohub.surveys.selectors import exported_for

        register_export_section("survey_answers", exported_for)
