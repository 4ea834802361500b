from django.apps import AppConfig, apps
from django.db import models
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "基础"

    def ready(self) -> None:
        from . import converters  # noqa: F401, PLC0415 - registers the ``id`` path converter before any URLconf loads
        from .validation import check_before_save  # noqa: PLC0415 - with the converters, once apps are ready

        for model in apps.get_models():
            if model.__module__.startswith("apps."):
                name_plural_as_singular(model)
                # every model of the project's apps: no save stores a value its column cannot hold as given
                pre_save.connect(
                    check_before_save, sender=model, dispatch_uid=f"check_before_save:{model._meta.label}"
                )


def name_plural_as_singular(model: type[models.Model]) -> None:
    """Chinese has no plural: a model of the project that names itself (``Meta.verbose_name``) and states no
    ``verbose_name_plural`` is called the same in the plural, as if its ``Meta`` said so (the migrations' state
    reads the stated options, so it is recorded as stated)."""
    opts = model._meta
    stated = opts.original_attrs
    if "verbose_name" in stated and "verbose_name_plural" not in stated:
        opts.verbose_name_plural = stated["verbose_name_plural"] = stated["verbose_name"]
