from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "apps.programs"
    verbose_name = "创建工作"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import imports  # noqa: F401, PLC0415 - registers this app's staged-import kinds
