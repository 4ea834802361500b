from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "apps.tasks"
    verbose_name = "任务项目与督办"

    def ready(self) -> None:
        from . import imports  # noqa: F401 - registers this app's staged-import kinds
