from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "apps.scoring"
    verbose_name = "考核评分"

    def ready(self) -> None:
        from . import imports  # noqa: F401, PLC0415 - registers the scheme import kind (models must be ready)

