"""Typed errors of the data store's services: a stable ``code`` and a Vietnamese message."""

from __future__ import annotations

from motcua.core.errors import RuleError


class WalletError(RuleError):
    """A rule of the data store refused the action; nothing was changed."""

    code = "wallet_error"
    http_status = 400


class DocumentNotFound(WalletError):
    """No such document in this owner's store (another person's document looks the same: not found)."""

    code = "wallet_document_not_found"
    http_status = 404


class DocumentNotUsable(WalletError):
    """The document cannot be attached: expired, removed, of another type, or without a file."""

    code = "wallet_document_not_usable"
    http_status = 422


class DocumentNotRemovable(WalletError):
    """Issued results and documents from the national databases stay in the store."""

    code = "wallet_document_not_removable"
    http_status = 403


class InvalidDocumentInput(WalletError):
    code = "wallet_invalid_input"
    http_status = 422


class WalletStorageUnavailable(WalletError):
    """The file store could not write the upload (``motcua.core.blobs.StorageUnavailable``): nothing changed."""

    code = "storage_unavailable"
    http_status = 503
