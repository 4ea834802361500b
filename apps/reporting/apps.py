from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "apps.reporting"
    verbose_name = "调度填报"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import imports  # noqa: F401, PLC0415 - registers this app's staged-import kind
