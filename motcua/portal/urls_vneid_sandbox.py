"""The fake VNeID provider (OpenID Connect) over HTTP (dev, demo and tests only); mounted at /sandbox/vneid/.
The protocol and the misbehaviour it plays on demand: motcua.integrations.vneid.fake."""

from django.urls import path

from motcua.integrations.vneid import sandbox

urlpatterns = [
    path("authorize", sandbox.authorize, name="vneid_sandbox_authorize"),
    path("<path:path>", sandbox.api, name="vneid_sandbox"),
]
