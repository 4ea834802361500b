from django.apps import AppConfig, apps
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import converters  # noqa: F401, PLC0415 - registers the ``id`` path converter before any URLconf loads
        from .validation import check_before_save  # noqa: PLC0415 - with the converters, once apps are ready

        # every model of the project's apps: no save stores a value its column cannot hold as given
        for model in apps.get_models():
            if model.__module__.startswith("apps."):
                pre_save.connect(check_before_save, sender=model, dispatch_uid=f"check_before_save:{model._meta.label}")
