from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "apps.setup"
    verbose_name = "设置"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import imports, user_imports  # noqa: F401, PLC0415 - registers this app's staged-import kinds
