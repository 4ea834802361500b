from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "apps.setup"
    verbose_name = "设置"
