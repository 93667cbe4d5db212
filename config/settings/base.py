"""Settings shared by every environment. Values that differ per machine come from the environment."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from .env import BASE_DIR, database_from_url, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The province this instance serves (deployment profile).
MOTCUA_PROVINCE_CODE = env_str("MOTCUA_PROVINCE_CODE", "H56")
MOTCUA_PROVINCE_NAME = env_str("MOTCUA_PROVINCE_NAME", "Thanh Hóa")
# Demo mode shows the demo accounts on the home page. Never on in production.
MOTCUA_DEMO = env_bool("MOTCUA_DEMO", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",  # the API docs page from ninja's bundled Swagger UI, never a CDN (the system works offline)
    "django_tasks",
    "django_tasks_db",
    "motcua.core",
    "motcua.org",
    "motcua.accounts",
    "motcua.calendar",
    "motcua.catalogue",
    "motcua.notifications",
    "motcua.documents",
    "motcua.dossiers",
    "motcua.wallet",
    "motcua.results",
    "motcua.feedback",
    "motcua.payments",
    "motcua.reporting",
    "motcua.integrations",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Under /api/: 413 before reading an oversized body, JSON for Django's own error pages, the refusal log.
    "motcua.api.middleware.ApiErrorMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # One usage-log row per API request that presented a key, written after the response (motcua.api.auth).
    "motcua.api.key_usage.ApiKeyUsageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle/absolute session timeouts and the staff second factor (motcua.accounts.middleware).
    "motcua.accounts.middleware.IdleTimeoutMiddleware",
    "motcua.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The visit counter: a cache increment per portal page view, no personal data (motcua.portal.visits).
    "motcua.portal.visits.VisitCounterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.site",
                "motcua.portal.context_processors.inbox",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///var/motcua.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["motcua.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Account lockout: this many consecutive failures lock the account for this many minutes.
MOTCUA_LOGIN_MAX_FAILURES = env_int("MOTCUA_LOGIN_MAX_FAILURES", 5)
MOTCUA_LOGIN_LOCK_MINUTES = env_int("MOTCUA_LOGIN_LOCK_MINUTES", 15)
# API keys of client systems (docs/api/authentication.md): the requests a minute a new key may make unless
# the administrator sets another limit, and the public label that starts every key (mc_live_…, mc_test_…).
MOTCUA_API_KEY_RATE_PER_MINUTE = env_int("MOTCUA_API_KEY_RATE_PER_MINUTE", 120)
MOTCUA_API_KEY_LABEL = env_str("MOTCUA_API_KEY_LABEL", "mc_live")
# The usage log of API keys (ApiKeyUse) is kept this many days, then ``motcua prune_api_key_use`` deletes it
# (security level 3 asks that logs be kept at least 12 months).
MOTCUA_API_KEY_USE_RETENTION_DAYS = env_int("MOTCUA_API_KEY_USE_RETENTION_DAYS", 400)
# Identity (docs/operations/identity.md). Administrators and leaders must sign in with an authenticator app
# (TOTP); other staff may opt in. The TOTP secrets are encrypted with MOTCUA_TOTP_KEY (empty: SECRET_KEY).
MOTCUA_STAFF_TOTP_REQUIRED = env_bool("MOTCUA_STAFF_TOTP_REQUIRED", True)
MOTCUA_TOTP_ISSUER = env_str("MOTCUA_TOTP_ISSUER", "motcua")
MOTCUA_TOTP_KEY = env_str("MOTCUA_TOTP_KEY", "")
# Personal ID numbers (CCCD) are stored encrypted (docs/architecture/personal-data.md). The keys:
# "<key id>:<base64 of 32 random bytes>", comma-separated; new values use MOTCUA_PERSONAL_DATA_KEY_ID (default:
# the first), every listed key decrypts (rotation: `motcua rotate_personal_data_key`). Empty: keys derived
# from SECRET_KEY — development, tests and the demo only; production settings refuse to start without keys.
MOTCUA_PERSONAL_DATA_KEYS = env_str("MOTCUA_PERSONAL_DATA_KEYS", "")
MOTCUA_PERSONAL_DATA_KEY_ID = env_str("MOTCUA_PERSONAL_DATA_KEY_ID", "")
# Citizens and businesses confirm a password sign-in with a 6-digit code by SMS (or email): valid this many
# seconds, this many attempts; at most one send per MOTCUA_OTP_RESEND_SECONDS and MOTCUA_OTP_MAX_PER_HOUR.
MOTCUA_CITIZEN_OTP = env_bool("MOTCUA_CITIZEN_OTP", True)
MOTCUA_OTP_TTL_SECONDS = env_int("MOTCUA_OTP_TTL_SECONDS", 300)
MOTCUA_OTP_MAX_ATTEMPTS = env_int("MOTCUA_OTP_MAX_ATTEMPTS", 5)
MOTCUA_OTP_RESEND_SECONDS = env_int("MOTCUA_OTP_RESEND_SECONDS", 60)
MOTCUA_OTP_MAX_PER_HOUR = env_int("MOTCUA_OTP_MAX_PER_HOUR", 5)
# Idle timeouts in minutes (0: none); SESSION_COOKIE_AGE is the absolute limit after sign-in.
MOTCUA_IDLE_MINUTES_ADMIN = env_int("MOTCUA_IDLE_MINUTES_ADMIN", 5)
MOTCUA_IDLE_MINUTES_STAFF = env_int("MOTCUA_IDLE_MINUTES_STAFF", 15)
MOTCUA_IDLE_MINUTES_CITIZEN = env_int("MOTCUA_IDLE_MINUTES_CITIZEN", 30)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "motcua" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env_str("MOTCUA_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    # FileSystemStorage whose writes are all or nothing (no partial file on a full disk): core/storage.py
    "default": {"BACKEND": "motcua.core.storage.AtomicFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads (docs/operations/uploads.md): at most 100 files and 1,000 fields in one request (Django's own
# defaults against CVE-2023-24580, stated so they are not loosened by accident: more is a 400). Files above
# 2.5 MB are spooled to FILE_UPLOAD_TEMP_DIR (the system's temporary folder unless set) and deleted when the
# request ends; each upload's own limit (20–25 MB) is checked by motcua.core.uploads.
DATA_UPLOAD_MAX_NUMBER_FILES = 100
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_TEMP_DIR = env_str("MOTCUA_UPLOAD_TEMP_DIR", "") or None
# Files are content-addressed (motcua.core.blobs) and only ever served through permission-checked views.
# Setting MOTCUA_S3_BUCKET stores them in an S3-compatible bucket instead of MEDIA_ROOT (django-storages).
MOTCUA_S3_BUCKET = env_str("MOTCUA_S3_BUCKET", "")
if MOTCUA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MOTCUA_S3_BUCKET,
            "endpoint_url": env_str("MOTCUA_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("MOTCUA_S3_REGION", "") or None,
            "access_key": env_str("MOTCUA_S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("MOTCUA_S3_SECRET_KEY", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,  # same name = same bytes (content-addressed)
        },
    }

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "motcua <no-reply@localhost>")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The cache holds the rate-limit counters (sign-in, one-time codes, public look-ups, feedback, API keys) and a
# few read caches. One process (make run) can keep them in memory; several web processes or machines must share
# them, so production points REDIS_URL at Redis (redis://host:6379/0) and every process counts in one place.
REDIS_URL = env_str("REDIS_URL", "")
# GET /metrics (Prometheus): with a token, the scraper sends "Authorization: Bearer <token>"; without one,
# only the loopback address may read it.
MOTCUA_METRICS_TOKEN = env_str("MOTCUA_METRICS_TOKEN", "")
CACHES: dict[str, dict[str, Any]] = (
    {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    if REDIS_URL
    else {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "motcua"}}
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Origins outside this site a form may lead to (the identity provider, the payment gateway), for the CSP.
MOTCUA_CSP_FORM_ACTION = env_list("MOTCUA_CSP_FORM_ACTION", [])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Personal ID and phone numbers in other people's messages (a URL in a 404 line) are masked.
    "filters": {
        "redact": {"()": "motcua.core.logging.RedactPersonalData"},
        "caller": {"()": "motcua.core.logging.NameTheCaller"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["caller", "redact"]},
        "django.server": {"filters": ["redact"]},
        "django_tasks": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Notifications (motcua.notifications): the SMS adapter and delivery retries. The default SMS backend is the
# local fake (JSON lines under var/sms); production sets MOTCUA_SMS_BACKEND to
# motcua.notifications.channels.sms.HttpSmsBackend with the gateway's URL, token and brandname.
MOTCUA_SMS_BACKEND = env_str("MOTCUA_SMS_BACKEND", "motcua.notifications.channels.sms.FileSmsBackend")
MOTCUA_SMS_FILE_DIR = env_str("MOTCUA_SMS_FILE_DIR", str(BASE_DIR / "var" / "sms"))
MOTCUA_SMS_HTTP_URL = env_str("MOTCUA_SMS_HTTP_URL", "")
MOTCUA_SMS_HTTP_TOKEN = env_str("MOTCUA_SMS_HTTP_TOKEN", "")
MOTCUA_SMS_HTTP_TIMEOUT = env_int("MOTCUA_SMS_HTTP_TIMEOUT", 10)
MOTCUA_SMS_BRANDNAME = env_str("MOTCUA_SMS_BRANDNAME", "MOTCUA")
# A failed delivery is retried after 1, 2, 4 … minutes (capped), and given up after this many attempts.
MOTCUA_NOTIFY_MAX_ATTEMPTS = env_int("MOTCUA_NOTIFY_MAX_ATTEMPTS", 6)
MOTCUA_NOTIFY_RETRY_BASE_SECONDS = env_int("MOTCUA_NOTIFY_RETRY_BASE_SECONDS", 60)
MOTCUA_NOTIFY_RETRY_MAX_SECONDS = env_int("MOTCUA_NOTIFY_RETRY_MAX_SECONDS", 6 * 3600)

# -- payments (docs/architecture/payments.md) ------------------------------------------------------------
# The local VNPay-like sandbox (/sandbox/vnpay/): on in dev, demo and tests, never in production.
MOTCUA_PAYMENT_SANDBOX = env_bool("MOTCUA_PAYMENT_SANDBOX", False)
# The public base URL the gateway sends the browser back to (return URL) and calls (IPN).
MOTCUA_PUBLIC_URL = env_str("MOTCUA_PUBLIC_URL", "http://127.0.0.1:8000")
# VNPay merchant credentials per collecting agency (org-unit code), "default" for the others. Each entry:
# tmn_code, hash_secret, pay_url. Production sets them from the environment (one agency: the default).
MOTCUA_PAYMENT_GATEWAYS: dict[str, dict[str, str]] = {
    "default": {
        "tmn_code": env_str("MOTCUA_VNPAY_TMN_CODE", ""),
        "hash_secret": env_str("MOTCUA_VNPAY_HASH_SECRET", ""),
        "pay_url": env_str("MOTCUA_VNPAY_PAY_URL", "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"),
    }
}

# -- results, signing, registries (docs/architecture/results-and-data-store.md) -------------------------
# Where `motcua dev_certs` writes the local test CA and agency certificates (dev and demo only).
MOTCUA_CERTS_DIR = env_str("MOTCUA_CERTS_DIR", str(BASE_DIR / "var" / "certs"))
# Signing credentials per resolving agency (org-unit code; "default" for the others). Each entry is either
# {"pkcs12": path, "passphrase": "..."} or {"pkcs11_lib": path, "token_label": ..., "key_label": ...,
# "user_pin": ...}. Empty: the agency certificates made by `motcua dev_certs` under MOTCUA_CERTS_DIR.
MOTCUA_SIGNERS: dict[str, dict[str, str]] = {}
# Trust roots for verifying signed results (PEM files). Empty: the dev CA under MOTCUA_CERTS_DIR.
MOTCUA_TRUST_ROOTS: list[str] = env_list("MOTCUA_TRUST_ROOTS", [])
# National registries (population database, business registry): "fake" (local, realistic data and
# errors) or "http" with the base URL of the X-Road-like gateway.
MOTCUA_REGISTRIES = {
    "population": {
        "backend": env_str("MOTCUA_POPULATION_BACKEND", "fake"),
        "url": env_str("MOTCUA_POPULATION_URL", ""),
        "timeout": env_int("MOTCUA_REGISTRY_TIMEOUT", 8),
    },
    "business": {
        "backend": env_str("MOTCUA_BUSINESS_BACKEND", "fake"),
        "url": env_str("MOTCUA_BUSINESS_URL", ""),
        "timeout": env_int("MOTCUA_REGISTRY_TIMEOUT", 8),
    },
}
MOTCUA_REGISTRY_CLIENT_ID = env_str("MOTCUA_REGISTRY_CLIENT_ID", "VN/GOV/H56/MOTCUA")
# National public-service portal (Cổng DVCQG) synchronisation (docs/architecture/dvcqg-sync.md): "off" (not
# connected: updates queue in the outbox), "fake" (in-process fake portal, dev/tests) or "http" (the portal
# or its LGSP gateway at the URL). The secret checks the portal's signature on submitted dossiers.
MOTCUA_DVCQG = {
    "backend": env_str("MOTCUA_DVCQG_BACKEND", "off"),
    "url": env_str("MOTCUA_DVCQG_URL", ""),
    "token": env_str("MOTCUA_DVCQG_TOKEN", ""),
    "secret": env_str("MOTCUA_DVCQG_SECRET", ""),
    "client_id": env_str("MOTCUA_DVCQG_CLIENT_ID", "VN/GOV/H56/MOTCUA"),
    "timeout": env_int("MOTCUA_DVCQG_TIMEOUT", 10),
    "max_attempts": env_int("MOTCUA_DVCQG_MAX_ATTEMPTS", 10),
    "poll_seconds": env_int("MOTCUA_DVCQG_POLL_SECONDS", 30),
}
# Citizens' sign-in with VNeID, OpenID Connect (docs/operations/identity.md): "off", "fake" (the local fake
# provider at /sandbox/vneid/, dev and demo only) or "http" (the provider at the issuer URL, with the client
# credentials it registered for MOTCUA_PUBLIC_URL + /vneid/callback/).
MOTCUA_VNEID = {
    "backend": env_str("MOTCUA_VNEID_BACKEND", "off"),
    "issuer": env_str("MOTCUA_VNEID_ISSUER", ""),
    "client_id": env_str("MOTCUA_VNEID_CLIENT_ID", "motcua-h56"),
    "client_secret": env_str("MOTCUA_VNEID_CLIENT_SECRET", ""),
    "token_auth": env_str("MOTCUA_VNEID_TOKEN_AUTH", "client_secret_basic"),
    "redirect_path": env_str("MOTCUA_VNEID_REDIRECT_PATH", ""),
    "scopes": env_str("MOTCUA_VNEID_SCOPES", "openid profile phone personal_id"),
    "timeout": env_int("MOTCUA_VNEID_TIMEOUT", 10),
    # JSON: the provider's claim name(s) per field, when not the defaults ({"personal_id": "cccd"}).
    "claims": env_str("MOTCUA_VNEID_CLAIMS", ""),
}
