"""Development and demo: `make run`. SQLite under var/, emails printed to the console, demo accounts shown."""

from .base import *
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
MOTCUA_DEMO = env_bool("MOTCUA_DEMO", True)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
