"""Settings for xiehui, read from the environment with strict helpers.

Every variable is documented in README.md ("Configuration"). Development defaults
let a fresh clone run with no configuration; XIEHUI_ENV=production refuses to
start without the secrets it needs.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("XIEHUI_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


XIEHUI_ENV = env_str("XIEHUI_ENV", "development")
if XIEHUI_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("XIEHUI_ENV must be development, test or production")
PRODUCTION = XIEHUI_ENV == "production"

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789abcdef"
SECRET_KEY = env_str("XIEHUI_SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
DEBUG = env_bool("XIEHUI_DEBUG", XIEHUI_ENV == "development")
ALLOWED_HOSTS = env_list("XIEHUI_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("XIEHUI_CSRF_TRUSTED_ORIGINS", "")

# Personal information (identity numbers, phones) is encrypted with this key
# (AES-256-GCM) and indexed with a keyed hash; see core/pii.py.
_DEV_PII_KEY = "ZGV2LW9ubHktcGlpLWtleS0zMi1ieXRlcy1sb25nISE="
PII_KEY = env_str("XIEHUI_PII_KEY", None if PRODUCTION else _DEV_PII_KEY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "xiehui.core",
    "xiehui.registry",
    "xiehui.supervision",
    "xiehui.credit",
    "xiehui.membership",
    "xiehui.governance",
    "xiehui.voting",
    "xiehui.disclosure",
    "xiehui.selfregulation",
    "xiehui.dataport",
    "xiehui.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xiehui.core.middleware.ApiProblemMiddleware",
    "xiehui.core.middleware.NulCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xiehui.core.middleware.OfficerTwoFactorMiddleware",
    "xiehui.dataport.middleware.DataPortGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xiehui.urls"
WSGI_APPLICATION = "xiehui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "xiehui.web.context.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xiehui.sqlite3'}"),
        conn_max_age=int(os.environ.get("XIEHUI_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Lockout after repeated failures (django-axes): 5 failures lock the
# username for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("XIEHUI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False
# Lock by username, not by IP: officers share NAT addresses, and rotating
# addresses must not reset the count (axes.W006 warns about the opposite case).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "xiehui 协会"

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["xiehui.formats"]  # ISO dates first in forms (formats/zh_Hans)
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
XIEHUI_MAX_UPLOAD_BYTES = int(os.environ.get("XIEHUI_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["XIEHUI_REDIS_URL"]}
        if os.environ.get("XIEHUI_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Complaint filing is rate-limited per client address (django-ratelimit, supervision/views_complaints.py).
# Production sets XIEHUI_REDIS_URL, a cache shared by every worker (Django's RedisCache: atomic, but not
# on django-ratelimit's list, W001); development and tests use the per-process LocMemCache (E003).
SILENCED_SYSTEM_CHECKS += ["django_ratelimit.E003", "django_ratelimit.W001"]
# Behind a reverse proxy, name its address(es) so the limit counts clients, not the proxy (core/clientip.py).
XIEHUI_TRUSTED_PROXIES = env_list("XIEHUI_TRUSTED_PROXIES", "")
RATELIMIT_IP_META_KEY = "xiehui.core.clientip.client_ip"

# The data port (dataport/): requests per minute per client address without credentials (0: no limit,
# the default outside production, where the test client and benchmarks share 127.0.0.1), and how the
# query audit of keyed requests is written (dataport/journal.py: "journal" batches through per-worker
# files, "direct" inserts one row per request).
XIEHUI_API_ANON_RATE = int(env_str("XIEHUI_API_ANON_RATE", "600" if PRODUCTION else "0"))
# The fast lane answers cookie-less GET /api/v1/organizations/{uscc} in front of Django (dataport/fastlane.py).
XIEHUI_API_FAST_LANE = env_str("XIEHUI_API_FAST_LANE", "1") != "0"
XIEHUI_QUERY_AUDIT = env_str("XIEHUI_QUERY_AUDIT", "journal" if PRODUCTION else "direct")
if XIEHUI_QUERY_AUDIT not in {"journal", "direct"}:
    raise ImproperlyConfigured("XIEHUI_QUERY_AUDIT must be journal or direct")
# How often each worker hands its journal to the database (seconds; 0: only `xiehui dataport flush`).
XIEHUI_QUERY_AUDIT_FLUSH_SECONDS = float(env_str("XIEHUI_QUERY_AUDIT_FLUSH_SECONDS", "10"))
XIEHUI_QUERY_AUDIT_DIR = Path(env_str("XIEHUI_QUERY_AUDIT_DIR", str(VAR_DIR / "query-audit")))
# Bulk exports (dataport/exports.py) are kept this many days, then `xiehui dataport prune` deletes their files.
XIEHUI_EXPORT_KEEP_DAYS = int(env_str("XIEHUI_EXPORT_KEEP_DAYS", "7"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("XIEHUI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get("XIEHUI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("XIEHUI_FROM_EMAIL", "noreply@xiehui.invalid")

# Content security policy: no inline scripts, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # ECharts positions its tooltip with style attributes; no inline <style> or script is allowed.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("XIEHUI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("XIEHUI_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_AGE = 8 * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XIEHUI_LOG_LEVEL", "WARNING")},
    # pypdf warns about every slightly damaged PDF it still reads while uploads are checked (core/files.py)
    "loggers": {"pypdf": {"level": "ERROR"}},
}

# The province this deployment serves (GB/T 2260 province code): the portal's
# region filters, charts and application forms offer its cities and counties.
XIEHUI_PROVINCE = env_str("XIEHUI_PROVINCE", "370000")
if len(XIEHUI_PROVINCE) != 6 or not XIEHUI_PROVINCE.isdigit() or not XIEHUI_PROVINCE.endswith("0000"):
    raise ImproperlyConfigured("XIEHUI_PROVINCE must be a province code such as 370000")

# Name search: 'auto' uses the bigram index of the database in use (see
# registry/search.py); 'like' forces a plain scan (for comparison in benchmarks).
XIEHUI_SEARCH_BACKEND = os.environ.get("XIEHUI_SEARCH_BACKEND", "auto")
