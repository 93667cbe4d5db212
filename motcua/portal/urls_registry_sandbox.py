"""The national registries' local fakes over HTTP (dev, demo and tests only); mounted at /sandbox/csdl/."""

from django.urls import path

from .views import registry_sandbox

urlpatterns = [
    path("dan-cu/<str:personal_id>", registry_sandbox.population, name="registry_sandbox_population"),
    path("doanh-nghiep/<str:tax_code>", registry_sandbox.business, name="registry_sandbox_business"),
]
