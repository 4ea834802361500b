from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "apps.scoring"
    verbose_name = "考核评分"

