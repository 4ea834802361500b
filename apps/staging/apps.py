from django.apps import AppConfig


class StagingConfig(AppConfig):
    name = "apps.staging"
    verbose_name = "分步导入"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import jobs  # noqa: F401, PLC0415 - registers the staging.check / staging.commit jobs
