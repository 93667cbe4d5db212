"""Which URLs an endpoint may have: https, or plain http to this machine in dev and test.

A webhook carries no personal data but does carry the province's dossier codes and statuses, and its
signature is only worth something if nobody on the way can read the secret's work and replay it: https
everywhere. A developer's receiver on ``http://127.0.0.1:…`` or ``http://localhost:…`` is accepted only
where ``conf.allow_http_loopback()`` (``DEBUG`` or ``MOTCUA_DEMO``). No credentials in the URL.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from . import conf


def is_loopback(host: str) -> bool:
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The reason ``url`` is refused, or "" when it may be used."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        return _("Địa chỉ không hợp lệ.")
    if not host:
        return _("Địa chỉ phải có tên máy chủ.")
    if parts.username or parts.password:
        return _("Không ghi tên đăng nhập, mật khẩu trong địa chỉ.")
    if parts.fragment:
        return _("Địa chỉ không được có phần “#…”.")
    if parts.scheme == "https":
        return ""
    if parts.scheme == "http" and is_loopback(host):
        if conf.allow_http_loopback():
            return ""
        return _("Chỉ dùng http cho địa chỉ nội bộ máy khi chạy thử; hệ thống thật phải dùng https.")
    return _("Địa chỉ phải bắt đầu bằng https://.")
