from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "apps.monitoring"
    verbose_name = "监测数据核算"

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the monitoring.check job and the monitoring import kinds
