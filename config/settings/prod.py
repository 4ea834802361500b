from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_str

from .base import *  # noqa: F403

SECRET_KEY = env_str("ECOCIV_SECRET_KEY")
if SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set ECOCIV_SECRET_KEY to a long random value in production.")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
SESSION_COOKIE_SECURE = env_bool("ECOCIV_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
