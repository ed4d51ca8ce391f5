"""Referral Tracker settings: one module, every value read from the environment.

Defaults are safe for production (DEBUG off, secure headers). The embedded
default needs nothing: SQLite and Celery's filesystem broker, both in var/.
Every variable is listed in README.md.
"""

import datetime as dt
import secrets
import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Where the embedded default keeps its database, broker queue and evidence.
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

# Commands that sign nothing and serve nothing may run without a key (CI and hooks check
# migrations with no environment at all); they get a throwaway one.
COMMANDS_WITHOUT_SECRETS = {"makemigrations", "help", "version"}
SECRET_KEY = env.str("SECRET_KEY", default="")
if (
    not SECRET_KEY
    and Path(sys.argv[0]).name == "manage.py"
    and sys.argv[1:2]
    and (sys.argv[1] in COMMANDS_WITHOUT_SECRETS)
):
    SECRET_KEY = secrets.token_urlsafe(50)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))"), '
            "or set DEBUG=1 for local development only."
        )
    SECRET_KEY = "development-only-insecure-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "audit",
    "accounts",
    "incidents",
    "casework",
    "capture",
    "dossiers",
    "ops",
    "vault",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # The 12-hour limit on a log-in, and no-store on every signed-in response (accounts/middleware.py).
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out log-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "referral_tracker.urls"
WSGI_APPLICATION = "referral_tracker.wsgi.application"

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
                # A download asked for before "Confirm it is you" starts on the page it came from.
                "accounts.context_processors.pending_download",
            ],
        },
    },
]

# Database: DATABASE_URL, or an SQLite file in var/ in WAL mode.
SQLITE_PATH = VAR_DIR / "db.sqlite3"
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the worker write while the web server reads; IMMEDIATE
            # takes the write lock at BEGIN so concurrent writers queue, not fail.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username from that address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Log-in throttling (django-axes): 5 failures in 15 minutes lock that username from that
# address for 15 minutes. A success clears the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A fixed 15 minutes: more attempts during the lock do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The log-in form posts the email as "username"; count it lower-cased (log-in ignores case).
AXES_USERNAME_CALLABLE = "accounts.middleware.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = 1 if env.bool("BEHIND_PROXY", default=False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# No address kept in full longer than the lock needs it: no log of successful log-ins (axes'
# AccessLog), and attempts past the cool-off removed (axes on each log-in event, accounts.sweep too).
AXES_DISABLE_ACCESS_LOG = True
ACCOUNTS_SWEEP_SECONDS = env.int("ACCOUNTS_SWEEP_SECONDS", default=300)

# Sessions: a new key at log-in (Django's default), 30 minutes idle, 12 hours at most
# (accounts.middleware.SessionLimitsMiddleware), re-authentication valid for 10 minutes.
SESSION_COOKIE_AGE = 30 * 60
# Signed-in sessions are saved (their expiry moved on) at most once a minute, by
# accounts.middleware.SessionLimitsMiddleware, rather than on every request.
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
REAUTH_SECONDS = 10 * 60

OTP_TOTP_ISSUER = "Referral Tracker"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env.bool("STATIC_MANIFEST", default=True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Media is never served publicly: evidence lives outside any URL and is read
# only through the authorised download views.
EVIDENCE_ROOT = Path(env.str("EVIDENCE_ROOT", default=str(VAR_DIR / "evidence")))
DOSSIER_ROOT = Path(env.str("DOSSIER_ROOT", default=str(VAR_DIR / "dossiers")))
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=200 * 1024 * 1024)
# The master key that wraps each case's evidence key: base64 of 32 random bytes, given
# directly (EVIDENCE_MASTER_KEY) or in a file (EVIDENCE_KEY_FILE, created on first use).
EVIDENCE_MASTER_KEY = env.str("EVIDENCE_MASTER_KEY", default="")
EVIDENCE_KEY_FILE = Path(env.str("EVIDENCE_KEY_FILE", default=str(VAR_DIR / "keys" / "evidence-master.key")))
# Every upload streams to a temporary file (never memory) and stops at EVIDENCE_MAX_BYTES.
FILE_UPLOAD_HANDLERS = ["vault.uploads.LimitedTemporaryFileUploadHandler"]
# Uploads above this size stream to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env.str("FILE_UPLOAD_TEMP_DIR", default=None)

# Celery: the broker URL comes from here; everything else is set once in
# referral_tracker/celery.py.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")

# Dossiers: the sweep re-enqueues a dossier queued this long (the broker was down), and
# restarts one whose worker has shown no progress for this long (the worker died).
DOSSIER_REQUEUE_SECONDS = env.int("DOSSIER_REQUEUE_SECONDS", default=120)
DOSSIER_STALE_SECONDS = env.int("DOSSIER_STALE_SECONDS", default=180)
DOSSIER_MAX_ATTEMPTS = env.int("DOSSIER_MAX_ATTEMPTS", default=3)
DOSSIER_SWEEP_SECONDS = env.int("DOSSIER_SWEEP_SECONDS", default=60)
# The owner's email about what others did on their cases: beat looks this often, and sends
# anyone at most one every DIGEST_MIN_SECONDS.
DIGEST_SWEEP_SECONDS = env.int("DIGEST_SWEEP_SECONDS", default=600)
DIGEST_MIN_SECONDS = env.int("DIGEST_MIN_SECONDS", default=3600)
# The installation's signing key and certificate (PEM). `manage.py make_signing_key` creates a self-signed pair.
SIGNING_KEY_FILE = Path(env.str("SIGNING_KEY_FILE", default=str(VAR_DIR / "keys" / "signing-key.pem")))
SIGNING_CERT_FILE = Path(env.str("SIGNING_CERT_FILE", default=str(VAR_DIR / "keys" / "signing-cert.pem")))
SIGNING_KEY_PASSPHRASE = env.str("SIGNING_KEY_PASSPHRASE", default="")
# RFC 3161 time-stamping authorities (issue 17), tried in order: every new exhibit's SHA-256 gets a token, and
# dossiers are signed PAdES B-T. Empty (the embedded default, which has no internet): nothing is timestamped and
# the exhibit page says so. TIMESTAMP_SWEEP_SECONDS: how often beat retries tokens an authority did not give.
TSA_URLS = env.list("TSA_URLS", default=[])
TSA_TIMEOUT_SECONDS = env.float("TSA_TIMEOUT_SECONDS", default=10.0)
TIMESTAMP_SWEEP_SECONDS = env.int("TIMESTAMP_SWEEP_SECONDS", default=600)
# The site's public address, e.g. https://records.example.org: the links in emails and the address printed
# on dossiers for checking a copy. Required in production (`check --deploy` fails without it, ops/checks.py);
# in development it is the address `make run` serves on, http://127.0.0.1:PORT, for the web server and the
# worker alike (scripts/devserver.py hands both the same environment).
SITE_URL_GIVEN = bool(env.str("SITE_URL", default=""))
SITE_URL = env.str("SITE_URL", default="") or f"http://127.0.0.1:{env.int('PORT', default=8000)}"

# Email: the console in development; EMAIL_URL (smtp+tls://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Referral Tracker <no-reply@localhost>")

# Security headers. TLS=1 turns on HTTPS-only cookies, redirect and HSTS.
# The capture worker fetches only public addresses (capture/guard.py). Tests serve their pages from loopback and
# turn this on; `manage.py check --deploy` refuses it (capture/checks.py).
CAPTURE_ALLOW_PRIVATE_NETWORKS = env.bool("CAPTURE_ALLOW_PRIVATE_NETWORKS", default=False)

TLS = env.bool("TLS", default=False)
SECURE_SSL_REDIRECT = TLS
SESSION_COOKIE_SECURE = TLS
CSRF_COOKIE_SECURE = TLS
SECURE_HSTS_SECONDS = env.int("HSTS_SECONDS", default=31536000 if TLS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("HSTS_INCLUDE_SUBDOMAINS", default=TLS)
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=TLS)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The largest JSON body the API reads (uploads are multipart and have their own limit).
API_JSON_MAX_BYTES = 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.AccessTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.api_auth.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="1200/minute"),
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bodies are JSON (a file upload is multipart: the evidence view says so itself). JSON is refused (400)
    # beyond API_JSON_MAX_BYTES or 20 levels deep, before it is parsed (parsers.py).
    "DEFAULT_PARSER_CLASSES": ["referral_tracker.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # DRF answers a create with "Location: <the body's url field>", meant for hyperlinked APIs. An incident's
    # "url" is where the post was (text as sent, control characters and all), never the new row's address:
    # as a header it could be invalid (gunicorn answered 500) and would point elsewhere. No field has this name.
    "URL_FIELD_NAME": "self_link",
    # 400 against the schema, 409 against the case as it stands, 422 against a rule no schema states (rest.py).
    "EXCEPTION_HANDLER": "referral_tracker.rest.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Referral Tracker API",
    "DESCRIPTION": "Cases, incidents, evidence and dossiers. Authenticate with a personal access token "
    "(Authorization: Bearer rt_...) made under Your details > API tokens. Bodies are JSON; a file upload is "
    "multipart/form-data. A refused request is answered in JSON with its reasons: 400 when it does not match "
    "this schema, 409 when it conflicts with the case as it stands (an id that is not a row of the case, an item "
    "already withdrawn), 422 when it breaks a rule no schema can state (a date in the future, an end before its "
    "start, a file type not taken).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No link inside each operation's button (Swagger UI's deep links nest a link in a button).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name for each choice set (the evidence serializers share the evidence kinds).
    "ENUM_NAME_OVERRIDES": {"EvidenceKindEnum": "incidents.models.Evidence.Kind"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # 400/401/403/404/429 on every operation, in one place.
        "referral_tracker.api_urls.document_error_responses",
    ],
}
# Throttle counters live in the cache: CACHE_URL (redis://...) shares them between processes.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A 403 is an everyday answer: one INFO line, no traceback (referral_tracker/logs.py).
    "filters": {"refusals_as_info": {"()": "referral_tracker.logs.RefusalsAsInfo"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every line a second time via the root.
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["refusals_as_info"]},
        # runserver's access lines, through the root's handler like everything else.
        "django.server": {"filters": ["refusals_as_info"], "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}
