from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "apps.review"
    verbose_name = "审核流程"
