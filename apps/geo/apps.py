from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "apps.geo"
    verbose_name = "区域与单位"
