"""National registry look-ups for staff; mounted at /can-bo/tra-cuu-csdl/ (namespace ``backoffice``)."""

from django.urls import path

from .views import registries

urlpatterns = [
    path("", registries.registry_lookup, name="registry_lookup"),
    path("ho-so/<int:pk>/", registries.dossier_registry_components, name="registry_dossier"),
    path(
        "ho-so/<int:pk>/giay-to/<int:component_id>/",
        registries.dossier_component_fetch,
        name="registry_component_fetch",
    ),
]
