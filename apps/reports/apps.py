from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = "报告"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import jobs  # noqa: F401, PLC0415 - registers the reports.generate job
