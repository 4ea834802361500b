from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "apps.surveys"
    verbose_name = "问卷调查"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import imports  # noqa: F401, PLC0415 - registers the surveys.responses import kind
