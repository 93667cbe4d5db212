"""Development and demo: `make run`. SQLite under var/, emails printed to the console, demo accounts shown."""

from .base import *
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
MOTCUA_DEMO = env_bool("MOTCUA_DEMO", True)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Background tasks run in-process right after commit, so a demo needs no worker: notification emails are
# printed to the console and SMS written under var/sms. Production uses the database queue and
# `motcua task_worker` (plus `motcua deliver_notifications` from a scheduler for retries).
# MOTCUA_TASKS_IMMEDIATE=false switches to the production-like database queue.
if env_bool("MOTCUA_TASKS_IMMEDIATE", True):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Payments go to the local sandbox with dev-only credentials (the sandbox signs with the same secret).
MOTCUA_PAYMENT_SANDBOX = True
MOTCUA_PAYMENT_GATEWAYS = {
    "default": {
        "tmn_code": "MOTCUA01",
        "hash_secret": "MOTCUADEVSANDBOXSECRETNOTFORPRODUCTION",
        "pay_url": "/sandbox/vnpay/",
    }
}

# "Đăng nhập bằng VNeID" against the local fake provider (/sandbox/vneid/); MOTCUA_VNEID_BACKEND=off hides it.
MOTCUA_VNEID = {**MOTCUA_VNEID, "backend": env_str("MOTCUA_VNEID_BACKEND", "fake")}
