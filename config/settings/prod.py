"""Production: refuses to start without a real SECRET_KEY and host list; secure cookies and HSTS."""

from django.core.exceptions import ImproperlyConfigured

from motcua.core.personal_data import PersonalDataKeyError
from motcua.core.personal_data import parse_keys as parse_personal_data_keys

from .base import *
from .env import env_bool, env_int, env_list, env_str

DEBUG = False
MOTCUA_DEMO = False
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names this instance serves.")
# Personal IDs are encrypted with keys of their own, never derived from SECRET_KEY here
# (docs/architecture/personal-data.md); a malformed value stops the start too.
if not MOTCUA_PERSONAL_DATA_KEYS:
    raise ImproperlyConfigured(
        "MOTCUA_PERSONAL_DATA_KEYS must be set in production: '<key id>:<base64 of 32 random bytes>' "
        "(python -c 'import base64,secrets; print(\"1:\" + base64.b64encode(secrets.token_bytes(32)).decode())'). "
        "Keep it apart from the database backups: without it the personal IDs cannot be read."
    )
try:
    _personal_data_key_ids = parse_personal_data_keys(MOTCUA_PERSONAL_DATA_KEYS)
except PersonalDataKeyError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
if MOTCUA_PERSONAL_DATA_KEY_ID and MOTCUA_PERSONAL_DATA_KEY_ID not in _personal_data_key_ids:
    raise ImproperlyConfigured(
        "MOTCUA_PERSONAL_DATA_KEY_ID is not one of the ids in MOTCUA_PERSONAL_DATA_KEYS."
    )

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
