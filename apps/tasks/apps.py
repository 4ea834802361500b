from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "apps.tasks"
    verbose_name = "任务项目与督办"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import imports, jobs  # noqa: F401, PLC0415 - register this app's staged-import kinds and jobs
