from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from motcua.api.urls import api
from motcua.portal.views.errors import bad_request, server_error
from motcua.portal.views.health import healthz, metrics, readyz

handler500 = server_error
handler400 = bad_request

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    path("quan-tri/", admin.site.urls),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("can-bo/", include("motcua.backoffice.urls")),
    path("", include("motcua.portal.payment_urls")),
    path("", include("motcua.portal.urls")),
]
