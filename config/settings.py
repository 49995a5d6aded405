"""Perkline settings, read from the environment (django-environ).

Production defaults are the secure ones; `make run` and the tests set what they need.
"""

from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="" if not DEBUG else "dev-insecure-key-change-me")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_q",
    "simple_history",
    "core",
    "loyalty",
    "customers",
    "coupons",
    "certificates",
    "giftcards",
    "terminal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer, the refusals below included (R20).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL bytes, broken UTF-8 and oversized bodies refused before any view (R18).
    "core.middleware.RequestHygieneMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "loyalty.middleware.CurrentBusinessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "loyalty.context_processors.panel",
            ],
        },
    },
]

# PostgreSQL only. Unset, DATABASE_URL is the local server in var/pg that `make run` and the
# make targets that touch the database start (scripts/local_pg.sh).
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5433/perkline")
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# Server-side binding with prepared statements: a statement run 5 times on a connection
# is planned once. It took a third of PostgreSQL's time per confirm (docs/benchmarks.md,
# P2). Behind a transaction-pooling PgBouncer older than 1.21, set it off.
if env.bool("DB_PREPARED_STATEMENTS", default=True):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

# No JIT: it compiled the reports' aggregates for 1-2 s per query on a million sales, to
# save milliseconds (docs/benchmarks.md, reports). Behind a PgBouncer that refuses the
# `options` startup parameter, set DB_JIT_OFF=0 and turn jit off in postgresql.conf.
if env.bool("DB_JIT_OFF", default=True):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "panel:login"
LOGIN_REDIRECT_URL = "panel:home"
LOGOUT_REDIRECT_URL = "panel:login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Uploaded and generated files of one business (imports, rejected lines, exports: R12): a
# folder outside MEDIA_ROOT that no web server serves; only views that check access read it.
PERKLINE_PRIVATE_ROOT = env.path("PERKLINE_PRIVATE_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "core.files.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads larger than this are refused before they reach a form (R10).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PERKLINE_MAX_UPLOAD_BYTES = env.int("PERKLINE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)

REDIS_URL = env("REDIS_URL", default="")
# The shared cache holds the throttle counters (quality.md R14): Redis with REDIS_URL, else
# a table in the database (core.cache: Django's database cache with an atomic incr). Never
# process memory: with several workers each would count on its own.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.DatabaseCache",
            "LOCATION": "perkline_cache",
            "OPTIONS": {"MAX_ENTRIES": 50000, "CULL_FREQUENCY": 4},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.db"

Q_CLUSTER = {
    "name": "perkline",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": 600,
    "retry": 900,
    "queue_limit": 50,
    "bulk": 10,
    "catch_up": False,
    "sync": env.bool("Q_SYNC", default=False),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["terminal.auth.DeviceTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["terminal.auth.IsDevice"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # DRF's JSON parser with a nesting limit and the body size limit (R18).
    "DEFAULT_PARSER_CLASSES": ["terminal.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "terminal.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Perkline terminal, kiosk and public API",
    "DESCRIPTION": "HTTP surface for POS terminals, kiosks and integrations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from the sidecar package: the docs work offline on a shop network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Django 6.1 mailers: SMTP in production (localhost:25 unless EMAIL_HOST says otherwise),
# the console when DEBUG is on and no EMAIL_HOST is given.
_email_host = env("EMAIL_HOST", default="")
_smtp = bool(_email_host) or not DEBUG
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend"
        if _smtp
        else "django.core.mail.backends.console.EmailBackend",
        "OPTIONS": {
            "host": _email_host or "localhost",
            "port": env.int("EMAIL_PORT", default=25),
            "username": env("EMAIL_HOST_USER", default=""),
            "password": env("EMAIL_HOST_PASSWORD", default=""),
            "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        }
        if _smtp
        else {},
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Perkline <noreply@perkline.local>")

# Notification channels: dotted paths of backends, one per channel.
PERKLINE_NOTIFICATION_BACKENDS = {
    "sms": env("PERKLINE_SMS_BACKEND", default="customers.notify.backends.ConsoleBackend"),
    "email": env("PERKLINE_EMAIL_BACKEND", default="customers.notify.backends.ConsoleBackend"),
    "telegram": env(
        "PERKLINE_TELEGRAM_BACKEND", default="customers.notify.backends.ConsoleBackend"
    ),
    "viber": env("PERKLINE_VIBER_BACKEND", default="customers.notify.backends.ConsoleBackend"),
}
# Links in messages are absolute: the public site's origin, without a trailing slash.
PERKLINE_PUBLIC_URL = env("PERKLINE_PUBLIC_URL", default="http://localhost:8000")
# How long a process keeps a business's message templates before reading them again.
PERKLINE_MESSAGE_TEMPLATE_CACHE_SECONDS = env.float(
    "PERKLINE_MESSAGE_TEMPLATE_CACHE_SECONDS", default=30.0
)
# Telegram and Viber bots (customers/notify/bots.py; journey.md, Hear).
PERKLINE_TELEGRAM_BOT_TOKEN = env("PERKLINE_TELEGRAM_BOT_TOKEN", default="")
PERKLINE_TELEGRAM_API_URL = env("PERKLINE_TELEGRAM_API_URL", default="https://api.telegram.org")
PERKLINE_TELEGRAM_BOT_NAME = env("PERKLINE_TELEGRAM_BOT_NAME", default="")
PERKLINE_TELEGRAM_WEBHOOK_SECRET = env("PERKLINE_TELEGRAM_WEBHOOK_SECRET", default="")
PERKLINE_VIBER_AUTH_TOKEN = env("PERKLINE_VIBER_AUTH_TOKEN", default="")
PERKLINE_VIBER_API_URL = env("PERKLINE_VIBER_API_URL", default="https://chatapi.viber.com/pa")
PERKLINE_VIBER_BOT_URI = env("PERKLINE_VIBER_BOT_URI", default="")
PERKLINE_VIBER_SENDER_NAME = env("PERKLINE_VIBER_SENDER_NAME", default="Perkline")
# A commit that queued messages wakes the sending job at most this often per process
# (customers/notify/outbox.py); 0 wakes it at every such commit.
PERKLINE_NOTIFICATION_WAKE_SECONDS = env.float("PERKLINE_NOTIFICATION_WAKE_SECONDS", default=1.0)
PERKLINE_SMS_GATEWAY_URL = env("PERKLINE_SMS_GATEWAY_URL", default="")
PERKLINE_SMS_GATEWAY_TEMPLATE = env(
    "PERKLINE_SMS_GATEWAY_TEMPLATE", default='{"to": "{recipient}", "text": "{body}"}'
)
# Throttles (core/throttle.py): rates like "60/min" or "3/10min".
PERKLINE_THROTTLE_CODES = env("PERKLINE_THROTTLE_CODES", default="60/min")
PERKLINE_THROTTLE_CODES_ADDRESS = env("PERKLINE_THROTTLE_CODES_ADDRESS", default="")
PERKLINE_PUBLIC_LOOKUP_RATE = env("PERKLINE_PUBLIC_LOOKUP_RATE", default="30/min")
PERKLINE_OTP_PHONE_RATE = env("PERKLINE_OTP_PHONE_RATE", default="3/10min")
PERKLINE_OTP_ADDRESS_RATE = env("PERKLINE_OTP_ADDRESS_RATE", default="10/hour")
PERKLINE_LOGIN_FAILURES_PER_LOGIN = env("PERKLINE_LOGIN_FAILURES_PER_LOGIN", default="5/15min")
PERKLINE_LOGIN_FAILURES_PER_ADDRESS = env("PERKLINE_LOGIN_FAILURES_PER_ADDRESS", default="20/15min")
# Proxies whose X-Forwarded-For is believed (addresses or networks); empty: none (R14).
PERKLINE_TRUSTED_PROXIES = env.list("PERKLINE_TRUSTED_PROXIES", default=[])
PERKLINE_EXPIRING_SOON_DAYS = env.int("PERKLINE_EXPIRING_SOON_DAYS", default=30)
# The "points expiring" message tells of lots expiring within this many days (docs/messages.md).
PERKLINE_POINTS_EXPIRING_DAYS = env.int("PERKLINE_POINTS_EXPIRING_DAYS", default=7)
# Apple Wallet passes (core/pkpass.py, journey.md "Carry"): PEM files of the pass-type
# certificate, its key and Apple's WWDR certificate, the team and pass type ids. Any unset:
# no pass is offered. Updates are pushed through PERKLINE_PASS_PUSH_BACKEND.
PERKLINE_PKPASS_CERT = env("PERKLINE_PKPASS_CERT", default="")
PERKLINE_PKPASS_KEY = env("PERKLINE_PKPASS_KEY", default="")
PERKLINE_PKPASS_KEY_PASSWORD = env("PERKLINE_PKPASS_KEY_PASSWORD", default="")
PERKLINE_PKPASS_WWDR = env("PERKLINE_PKPASS_WWDR", default="")
PERKLINE_PKPASS_TEAM_ID = env("PERKLINE_PKPASS_TEAM_ID", default="")
PERKLINE_PKPASS_TYPE_ID = env("PERKLINE_PKPASS_TYPE_ID", default="")
PERKLINE_PASS_PUSH_BACKEND = env(
    "PERKLINE_PASS_PUSH_BACKEND", default="customers.passes.push.ConsolePushBackend"
)
# customers.passes.apns.APNsPushBackend: Apple's push service, token-based with the team's
# .p8 auth key when PERKLINE_APNS_KEY_ID is set, else with the pass-type certificate.
PERKLINE_APNS_URL = env("PERKLINE_APNS_URL", default="https://api.push.apple.com")
PERKLINE_APNS_KEY = env("PERKLINE_APNS_KEY", default="")
PERKLINE_APNS_KEY_ID = env("PERKLINE_APNS_KEY_ID", default="")
PERKLINE_APNS_TIMEOUT = env.float("PERKLINE_APNS_TIMEOUT", default=10.0)
PERKLINE_CUSTOMER_TOKEN_MINUTES = env.int("PERKLINE_CUSTOMER_TOKEN_MINUTES", default=10)

# Security: on by default, a TLS-terminating proxy or a loopback benchmark turns it off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health endpoint over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (R20), sent with DEBUG on or off: scripts, styles and images only
# from the site itself, no inline script or style (data: images for the QR logo overlay).
# /api/docs/ (Swagger UI) overrides it in config/urls.py. docs/operations.md "Security headers".
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
