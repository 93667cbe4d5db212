"""The test suite: fast hashing, in-memory email, the database from DATABASE_URL (SQLite by default)."""

from .base import *
from .env import BASE_DIR

DEBUG = False
MOTCUA_DEMO = True
SECRET_KEY = "test-only-secret-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")
# The dev CA and signing certificates tests make on first use (tests/results uses a temporary folder).
MOTCUA_CERTS_DIR = str(BASE_DIR / "var" / "test-certs")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MOTCUA_SMS_BACKEND = "motcua.notifications.channels.sms.LocmemSmsBackend"

# Payments go to the local sandbox with dev-only credentials (the sandbox signs with the same secret).
MOTCUA_PAYMENT_SANDBOX = True
MOTCUA_PAYMENT_GATEWAYS = {
    "default": {
        "tmn_code": "MOTCUA01",
        "hash_secret": "MOTCUADEVSANDBOXSECRETNOTFORPRODUCTION",
        "pay_url": "/sandbox/vnpay/",
    }
}
MOTCUA_PUBLIC_URL = "http://testserver"

# Sign-in stays one step and sessions never idle out for the rest of the suite (the browser tests sign in
# through the form; many tests move the clock by hours). tests/accounts turns each on with override_settings.
MOTCUA_CITIZEN_OTP = False
MOTCUA_STAFF_TOTP_REQUIRED = False
MOTCUA_IDLE_MINUTES_ADMIN = 0
MOTCUA_IDLE_MINUTES_STAFF = 0
MOTCUA_IDLE_MINUTES_CITIZEN = 0

# VNeID sign-in is off for the suite whatever the environment says; tests/integrations/vneid and
# tests/portal/test_vneid_signin.py turn the fake provider on with override_settings.
MOTCUA_VNEID = {**MOTCUA_VNEID, "backend": "off"}
