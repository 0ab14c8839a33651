"""Settings for the fact-check registry.

Everything that differs between a laptop and production comes from the
environment; the defaults are safe for local development only.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Without a key, management commands (migrate, makemigrations --check, check)
# still run, with a throwaway key; serving does not: factcheck/wsgi.py and
# asgi.py refuse to start (SECRET_KEY_MISSING), since a missing or predictable key in production
# would let anyone forge sessions.
SECRET_KEY_MISSING = not SECRET_KEY and not DEBUG
if SECRET_KEY_MISSING:
    import secrets

    SECRET_KEY = secrets.token_urlsafe(50)
elif not SECRET_KEY:
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"


ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # intcomma: figures grouped as the language writes them
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "registry",
    "simple_history",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware, as Django asks.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the signed-in user on every history row.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

# SQLite under a git-ignored folder is the laptop default; production and CI
# pass DATABASE_URL=postgres://...
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'registry.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A SELECT 1 before the first query of every request, so that a
        # connection the database dropped is replaced instead of failing
        # that request; CONN_HEALTH_CHECKS=0 saves the round trip (see the
        # benchmark).
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite: wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Two languages (issue 14): the admin and the public pages follow the
# user's choice (set_language, a cookie) or else the browser's
# Accept-Language. The API's JSON stays language-neutral (field names,
# enumerations, stored labels); only its error messages are translated.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
# One catalog for the whole project: locale/es/LC_MESSAGES/django.po, with
# its compiled .mo committed beside it (tests/test_i18n.py keeps them in step).
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats for people: English pages keep "25 October 2019"; Spanish
# ones use Django's "25 de octubre de 2019".
FORMAT_MODULE_PATH = ["factcheck.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check registry API",
    "DESCRIPTION": "Published claims with their sources, quotes, figures and conflicts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Production hardening, active whenever DEBUG is off.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # One year, as the preload list asks; lower it (SECURE_HSTS_SECONDS=300)
    # while first trying HTTPS on a new domain.
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
    )
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is hard to undo and is the domain owner's decision.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# History is for reading: changes go through the edit forms and their rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# whitenoise warns on every request when the folder is missing (before
# collectstatic has run, e.g. in tests).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# -- Public API (issue 5): HTTP caching, CORS, throttling, gzip ---------------
INSTALLED_APPS += ["corsheaders"]
# CORS first, so that even a throttled or failed response carries its headers;
# gzip before everything that reads the body, conditional GET after it.
MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "django.middleware.gzip.GZipMiddleware",
)
MIDDLEWARE.append("django.middleware.http.ConditionalGetMiddleware")

CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "60"))
REGISTRY_NAME = os.environ.get("REGISTRY_NAME", "Fact-check registry")
REGISTRY_URL = os.environ.get("REGISTRY_URL", "")
# The licence the published data is offered under, as an SPDX identifier
# (datapackage.json names it). Set it to what the registry's owners decide.
REGISTRY_DATA_LICENSE = os.environ.get("REGISTRY_DATA_LICENSE", "CC-BY-4.0")
# The public site's /sitemap.xml (its template ships with the app).
INSTALLED_APPS += ["django.contrib.sitemaps"]

# A shared cache (throttle counters) when REDIS_URL is
# set, so that every app server counts and caches in one place; else per
# process. DRF's throttles use this default cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "factcheck"),
            # A cache that is down must not hang every request.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }

REST_FRAMEWORK.update(
    {
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
        + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        "UNAUTHENTICATED_USER": None,
        # X-Forwarded-For is believed only as far as our own proxies appended
        # to it: 0 (no proxy) uses the connection's address alone.
        "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
        "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
        "DEFAULT_THROTTLE_RATES": {
            "anon": os.environ.get("API_ANON_RATE", "600/minute") or None
        },
    }
)
SPECTACULAR_SETTINGS.update(
    {
        "COMPONENT_SPLIT_REQUEST": True,
        "ENUM_NAME_OVERRIDES": {
            "SourceKindEnum": "registry.choices.SourceKind",
            "DocumentKindEnum": "registry.choices.DocumentKind",
            "ClaimKindEnum": "registry.choices.ClaimKind",
            "FigureKindEnum": "registry.choices.FigureKind",
            "DatePrecisionEnum": "registry.choices.DatePrecision",
            "PublicClaimStateEnum": "registry.api.serializers.PUBLIC_STATE_CHOICES",
        },
    }
)
# Swagger UI served from our own static files, not a CDN.
INSTALLED_APPS += ["drf_spectacular_sidecar"]
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)

# -- Hardening (issue 12) ------------------------------------------------------
# A NUL byte in the path or query string is a 400 before any view.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware"),
    "registry.middleware.RejectNulBytesMiddleware",
)

# Password guessing on the admin login: django-axes locks a username from
# one address after AXES_FAILURE_LIMIT failures for AXES_COOLOFF_HOURS.
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes asks
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
# Per username and address: one guesser cannot lock everyone out of an
# office that shares an address, nor a user out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every command: `manage.py check` stays silent
# The same address the throttle sees (NUM_PROXIES), never a spoofed header.
AXES_CLIENT_IP_CALLABLE = "registry.web.throttle.client_ip"

# Content-Security-Policy on every response (admin, API docs, public
# pages): scripts and styles from our own static files only. Inline styles
# are allowed (the admin and the pages use style attributes); inline
# scripts are not (the API docs load their setup script as a file).
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# A second factor (django-otp, TOTP or static codes) for everyone who signs
# in to the admin, when ADMIN_OTP=1: factcheck.admin_site asks for it.
ADMIN_OTP = env_bool("ADMIN_OTP", default=False)
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "django_otp.middleware.OTPMiddleware",
)
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "factcheck.apps.RegistryAdminConfig"
)

# -- Past one machine (issue 16): read replica, health, metrics ---------------
# A PostgreSQL hot standby for the public reads (factcheck/db_router.py).
# In tests it mirrors the default database: the same test database name
# (a physical replica holds whatever the primary holds), read from the
# replica's own host and port.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", default=True),
    )
    # An unreachable replica is given up quickly: reads fall back to the primary.
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["factcheck.db_router.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "factcheck.db_router.ReadReplicaMiddleware",
    )
# Whether public reads go to the replica when there is one (tests that run
# inside a transaction switch it off: the replica cannot see their data).
READ_REPLICA = "replica" in DATABASES

# Load balancers probe over plain HTTP, and Prometheus scrapes the same way.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]

# Prometheus metrics at /metrics (django-prometheus): request latency by view,
# database time by alias, cache hits, workflow transitions. Off unless METRICS=1.
METRICS = env_bool("METRICS", default=False)
if METRICS:
    INSTALLED_APPS += ["django_prometheus"]
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]
    for _database in DATABASES.values():
        _database["ENGINE"] = _database["ENGINE"].replace(
            "django.db.backends.", "django_prometheus.db.backends."
        )
