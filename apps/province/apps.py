from django.apps import AppConfig


class ProvinceConfig(AppConfig):
    name = "apps.province"
    verbose_name = "全省驾驶舱"

    def ready(self) -> None:
        # A registration module imports models, which may be imported only once ready() runs.
        from . import imports  # noqa: F401, PLC0415 - registers the province sheet's staged-import kind
