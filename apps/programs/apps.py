from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "apps.programs"
    verbose_name = "创建工作"

    def ready(self) -> None:
        from . import imports  # noqa: F401 - registers this app's staged-import kinds
