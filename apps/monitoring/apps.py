from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apps.monitoring"
    verbose_name = "监测数据核算"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import jobs  # noqa: F401, PLC0415 - registers the monitoring.check job and the monitoring import kinds
