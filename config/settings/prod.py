"""Production: a real secret, HTTPS only (HSTS, secure cookies, redirect), hashed static files.

``manage.py check --deploy --settings=config.settings.prod`` prints no warning (tests/core/test_deploy_check.py).
Behind a reverse proxy that terminates TLS, set ``ECOCIV_PROXY_SSL_HEADER=true`` and have the proxy send
``X-Forwarded-Proto: https``.
"""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403

SECRET_KEY = env_str("ECOCIV_SECRET_KEY")
if SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("Set ECOCIV_SECRET_KEY to a long random value in production.")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
SESSION_COOKIE_SECURE = env_bool("ECOCIV_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = env_bool("ECOCIV_SSL_REDIRECT", True)
if env_bool("ECOCIV_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("ECOCIV_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ECOCIV_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading into the browsers' HSTS list is a commitment of the whole domain that only its owner can make:
# off unless asked for, and the deploy check's reminder about it silenced while off.
SECURE_HSTS_PRELOAD = env_bool("ECOCIV_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
