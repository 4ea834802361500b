from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "apps.surveys"
    verbose_name = "问卷调查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The workflow's labels are lazy translations, and the import kind's module imports models: both once ready.
        from apps.review.workflow import register  # noqa: PLC0415 - see above

        from . import imports  # noqa: F401, PLC0415 - registers the surveys.responses import kind
        from .workflow import SURVEY_WORKFLOW  # noqa: PLC0415 - see above

        register("surveys.survey", SURVEY_WORKFLOW)
