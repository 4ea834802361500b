from django.apps import AppConfig


class PlanImportConfig(AppConfig):
    name = "apps.planimport"
    verbose_name = "规划文件导入"

    def ready(self) -> None:
        from . import imports  # noqa: F401, PLC0415 - register the plan document's staged-import kind
