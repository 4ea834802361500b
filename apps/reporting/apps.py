from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "apps.reporting"
    verbose_name = "调度填报"
