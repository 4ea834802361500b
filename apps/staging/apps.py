from django.apps import AppConfig


class StagingConfig(AppConfig):
    name = "apps.staging"
    verbose_name = "分步导入"

    def ready(self) -> None:
        from . import jobs  # noqa: F401 - registers the staging.check / staging.commit jobs
