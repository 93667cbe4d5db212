"""The dossier event hook of the results app (registered in ``ResultsConfig.ready``)."""

from .services.open import on_dossier_event

__all__ = ["on_dossier_event"]
