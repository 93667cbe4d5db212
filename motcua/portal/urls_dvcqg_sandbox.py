"""The fake national portal (Cổng DVCQG) over HTTP (dev, demo and tests only); mounted at /sandbox/dvcqg/.
The protocol and the failures it plays on demand: motcua.integrations.dvcqg.fake."""

from django.urls import path

from motcua.integrations.dvcqg import sandbox

urlpatterns = [
    path("", sandbox.portal, name="dvcqg_sandbox_root"),
    path("<path:path>", sandbox.portal, name="dvcqg_sandbox"),
]
