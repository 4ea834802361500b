"""Settings shared by every environment; ``dev``, ``test`` and ``prod`` only override."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("ECOCIV_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("ECOCIV_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("ECOCIV_DEBUG", False)
ALLOWED_HOSTS = env_list("ECOCIV_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("ECOCIV_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # serves /api/docs from its own static files (not a CDN)
    "apps.core",
    "apps.audit",
    "apps.jobs",
    "apps.accounts",
    "apps.geo",
    "apps.indicators",
    "apps.programs",
    "apps.setup",
    "apps.review",
    "apps.evidence",
    "apps.reporting",
    "apps.tasks",
    "apps.planimport",
    "apps.assessment",
    "apps.province",
    "apps.monitoring",
    "apps.surveys",
    "apps.scoring",
    "apps.reports",
    "apps.staging",
    "apps.publication",
    "apps.demo",
    "apps.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.core.middleware.ControlCharacterMiddleware",
    "apps.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.middleware.ContentSecurityPolicyMiddleware",
    "apps.audit.middleware.AuditDownloadsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a refused login into the lockout page
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "apps.programs.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("ECOCIV_DATABASE_URL", f"sqlite:///{VAR_DIR / 'ecociv.sqlite3'}"),
        conn_max_age=env_int("ECOCIV_DB_CONN_MAX_AGE", 60),
    )
}


def sqlite_options(*, synchronous: str = "NORMAL") -> dict[str, object]:
    """Every SQLite connection of the embedded default: WAL (readers never wait for the writer, the writer never
    waits for readers), a 20 s busy timeout (writers queue for each other instead of failing at once), IMMEDIATE
    transactions (a writer takes the lock up front, so two never deadlock upgrading a read), and
    ``synchronous=NORMAL`` (WAL's safe setting: a power cut may lose the last commits, never corrupt the file)."""
    return {"timeout": 20, "transaction_mode": "IMMEDIATE",
            "init_command": f"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous}; PRAGMA busy_timeout=20000"}


if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default: make its folder, and let concurrent requests wait rather than fail.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = sqlite_options()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "apps.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes, apps/accounts/lockout.py): failed logins are counted per username + address,
# per username and per address, each with its own limit; reaching one locks that counter out for the cool-off,
# counted from the last failure. A refused login answers 429 with the lockout page.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "apps.accounts.lockout.PerCounterLimitHandler"
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.client_username"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
ECOCIV_LOGIN_LIMITS = {
    "username+ip_address": env_int("ECOCIV_LOGIN_FAILURE_LIMIT", 5),
    "username": env_int("ECOCIV_LOGIN_ACCOUNT_LIMIT", 10),
    "ip_address": env_int("ECOCIV_LOGIN_IP_LIMIT", 20),
}
AXES_FAILURE_LIMIT = ECOCIV_LOGIN_LIMITS["username+ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("ECOCIV_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # a lockout ends on time, however often it is knocked on
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log (apps/audit)
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("ECOCIV_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("ECOCIV_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

#: Uploads (imports and evidence) larger than this are refused before they are read.
ECOCIV_MAX_UPLOAD_BYTES = env_int("ECOCIV_MAX_UPLOAD_MB", 20) * 1024 * 1024
ECOCIV_MAX_MONITORING_UPLOAD_BYTES = env_int("ECOCIV_MAX_MONITORING_UPLOAD_MB", 200) * 1024 * 1024
#: Sheet imports (xlsx): a workbook that unpacks to more than this, or at a higher ratio of unpacked to packed
#: size, is refused from its zip directory before it is parsed; a sheet with more data rows is refused at the
#: first row past the cap (read as a stream).
ECOCIV_MAX_SHEET_UNPACKED_BYTES = env_int("ECOCIV_MAX_SHEET_UNPACKED_MB", 200) * 1024 * 1024
ECOCIV_MAX_SHEET_RATIO = env_int("ECOCIV_MAX_SHEET_RATIO", 100)
ECOCIV_MAX_IMPORT_ROWS = env_int("ECOCIV_MAX_IMPORT_ROWS", 100_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

#: The Celery broker (Redis: ``redis://host:6379/0``). Set, jobs run on Celery workers (``config/celery.py``);
#: unset, in a thread of the web process (the embedded default: nothing else to run).
ECOCIV_BROKER_URL = env_str("ECOCIV_BROKER_URL", "")
#: Where submitted jobs run: ``thread`` (a background thread of the web process: the embedded default),
#: ``celery`` (a Celery worker), ``inline`` (synchronously, in the caller: tests) or a backend's dotted path.
ECOCIV_JOB_BACKEND = env_str("ECOCIV_JOB_BACKEND", "celery" if ECOCIV_BROKER_URL else "thread")
#: A running job or import whose heartbeat has not moved for this long reads as interrupted (may be retried).
ECOCIV_JOB_STALE_MINUTES = env_int("ECOCIV_JOB_STALE_MINUTES", 10)
#: The same in seconds, when set (overrides the minutes; the worker tests use a few seconds).
ECOCIV_JOB_STALE_SECONDS = env_int("ECOCIV_JOB_STALE_SECONDS", 0) or None
#: How often a job whose worker was lost runs before the reaper fails it instead of queueing it again.
ECOCIV_JOB_MAX_ATTEMPTS = env_int("ECOCIV_JOB_MAX_ATTEMPTS", 3)
#: When Celery beat starts the daily supervision run (Asia/Shanghai).
ECOCIV_SUPERVISION_HOUR = env_int("ECOCIV_SUPERVISION_HOUR", 7)
ECOCIV_SUPERVISION_MINUTE = env_int("ECOCIV_SUPERVISION_MINUTE", 0)

# Celery (read by config/celery.py). Only a job's id travels; its state and result are in the database. Tasks
# are acknowledged after they ran and given back when their worker process dies; a message left unacknowledged
# by a killed worker comes back after the visibility timeout (longer than any job: the reaper, not the broker,
# recovers lost jobs in minutes).
CELERY_BROKER_URL = ECOCIV_BROKER_URL or "memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("ECOCIV_BROKER_VISIBILITY_SECONDS", 6 * 3600)}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env_str("ECOCIV_JOB_QUEUE", "ecociv")
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long job does not hold back the next one's message
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "Asia/Shanghai"

#: The shared cache (Redis, through django-redis) when ECOCIV_CACHE_URL (or ECOCIV_REDIS_URL) is set: the
#: assessment frames, the inbox badge counts and the login throttle's counters are then one for every app
#: process. Unset, each process keeps its own memory cache (the embedded default: one process).
ECOCIV_CACHE_URL = env_str("ECOCIV_CACHE_URL", env_str("ECOCIV_REDIS_URL", ""))
if ECOCIV_CACHE_URL:
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": ECOCIV_CACHE_URL,
        "KEY_PREFIX": env_str("ECOCIV_CACHE_PREFIX", "ecociv"),
        "TIMEOUT": 3600,
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 5,
                    "SOCKET_TIMEOUT": 5},
    }}
    # Sessions read from the cache and written through to the database: a Redis flush logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

#: Media and staged files in S3-compatible object storage (django-storages) when ECOCIV_S3_BUCKET is set;
#: else on the local disk under MEDIA_ROOT.
ECOCIV_S3_BUCKET = env_str("ECOCIV_S3_BUCKET", "")
if ECOCIV_S3_BUCKET:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": ECOCIV_S3_BUCKET,
        "endpoint_url": env_str("ECOCIV_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("ECOCIV_S3_REGION", "") or None,
        "access_key": env_str("ECOCIV_S3_ACCESS_KEY", "") or None,
        "secret_key": env_str("ECOCIV_S3_SECRET_KEY", "") or None,
        "location": env_str("ECOCIV_S3_PREFIX", ""),
        "addressing_style": env_str("ECOCIV_S3_ADDRESSING_STYLE", "path"),
        "default_acl": None,  # private objects; downloads go through the views that check scope
        "querystring_auth": True,
        "file_overwrite": False,
    }}
#: Rows per transaction when a large import commits (SQLite's write lock is held one chunk at a time).
ECOCIV_COMMIT_CHUNK_ROWS = env_int("ECOCIV_COMMIT_CHUNK_ROWS", 1000)
#: A confirmed import of more rows than this commits as a job (a progress page polls it); smaller ones inline.
ECOCIV_INLINE_COMMIT_ROWS = env_int("ECOCIV_INLINE_COMMIT_ROWS", 2000)
#: A users import creates at most this many users per sheet: each one-time password is hashed (about 1 s with
#: PBKDF2) in the confirming request, which alone receives the passwords, so that request must stay short.
ECOCIV_USER_IMPORT_MAX_NEW = env_int("ECOCIV_USER_IMPORT_MAX_NEW", 50)

# Sessions suited to office work: a login lasts a working day (8 hours) and ends when the browser closes.
SESSION_COOKIE_AGE = env_int("ECOCIV_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-free meta tag; kept default-safe
X_FRAME_OPTIONS = "DENY"

#: Content-Security-Policy of every response (apps.core.middleware.ContentSecurityPolicyMiddleware): scripts only
#: from our own static files (HTMX, ECharts, the API docs' Swagger UI, the admin), no inline script or event
#: handler; inline style attributes stay allowed (bar widths are computed in templates).
ECOCIV_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("ECOCIV_LOG_LEVEL", "INFO")},
}
