from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # Signal receivers connect on import, which may happen only once the apps are ready.
        from . import receivers  # noqa: F401, PLC0415 - connects the login / logout / lockout receivers
