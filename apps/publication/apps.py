from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "apps.publication"
    verbose_name = "发布与门户"
    default_auto_field = "django.db.models.BigAutoField"
