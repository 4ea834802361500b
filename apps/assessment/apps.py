from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "apps.assessment"
    verbose_name = "达标评估与可达性分析"
