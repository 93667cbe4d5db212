"""Production settings (``config.settings.prod``) as the load benchmark serves them on loopback.

Only what plain HTTP on 127.0.0.1 and one shared client address need is changed, each for a stated reason:

* ``SESSION_COOKIE_SECURE`` / ``CSRF_COOKIE_SECURE`` off: in production TLS ends at the reverse proxy and the
  browser sends these cookies over HTTPS; Locust speaks plain HTTP to gunicorn, and a cookie marked Secure is
  never sent over plain HTTP, so every signed-in request would be anonymous. ``SECURE_SSL_REDIRECT`` is off
  (the ``SECURE_SSL_REDIRECT=0`` environment variable) for the same reason, and HSTS is not sent.
* the public status look-up's limit per client address (10 in 10 minutes): every simulated citizen comes from
  127.0.0.1, where in production each has their own address; the per-code limit is unchanged in spirit (the
  benchmark spreads its look-ups over thousands of codes).
* ``STATIC_ROOT`` under ``var/load-static`` (``MOTCUA_LOAD_STATIC_ROOT``), filled by ``collectstatic`` before
  the run: the manifest storage of production needs it, and the developers' ``var/static`` is left alone.

The second factors (``MOTCUA_STAFF_TOTP_REQUIRED``, ``MOTCUA_CITIZEN_OTP``) are switched off by the
environment that ``run.py`` sets, not here, so the report can say exactly how the server ran.
"""

import os

from config.settings.prod import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
MOTCUA_STATUS_LOOKUP_LIMIT = 1_000_000
STATIC_ROOT = os.environ.get("MOTCUA_LOAD_STATIC_ROOT") or str(BASE_DIR / "var" / "load-static")  # noqa: F405
