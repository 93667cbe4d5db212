from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "MOTCUA_DEMO": settings.MOTCUA_DEMO,
        "PROVINCE_NAME": settings.MOTCUA_PROVINCE_NAME,
        "PROVINCE_CODE": settings.MOTCUA_PROVINCE_CODE,
    }
