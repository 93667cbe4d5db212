"""Sign-in with VNeID (OpenID Connect) and linking it to a citizen's account; mounted at /vneid/.
The callback's full URL (MOTCUA_PUBLIC_URL + its path) is the redirect URI registered with the provider."""

from django.urls import path

from . import views_vneid

urlpatterns = [
    path("dang-nhap/", views_vneid.start, name="vneid_start"),
    path("lien-ket/", views_vneid.link, name="vneid_link"),
    path("callback/", views_vneid.callback, name="vneid_callback"),
]
