from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "apps.reporting"
    verbose_name = "调度填报"

    def ready(self) -> None:
        from . import imports  # noqa: F401 - registers this app's staged-import kind
