from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from motcua.accounts.demo import demo_account_list
from motcua.org.selectors import orgunit_stats


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "stats": orgunit_stats(),
        "demo_accounts": demo_account_list() if settings.MOTCUA_DEMO else [],
    }
    return render(request, "portal/home.html", context)
