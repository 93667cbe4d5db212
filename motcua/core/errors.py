"""The base of the domain's typed errors: a stable ``code`` (for APIs, logs and tests) and a Vietnamese
message template, translated lazily and filled with ``params`` when shown."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CodedError(Exception):
    code: str = "error"
    default_message: str | Promise = _("Đã có lỗi xảy ra.")

    def __init__(
        self, message: str | Promise | None = None, *, code: str | None = None, **params: Any
    ) -> None:
        self.code = code or self.code
        self.message: Any = message if message is not None else self.default_message
        self.params = params
        super().__init__(self.code)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, params={self.params!r})"


class RuleError(CodedError):
    """A service's rule refused the action and nothing was changed: ``message`` is the filled-in text at
    once (the services raise it inside a request, where the language is set) and ``http_status`` what an
    edge answers. The base of each domain app's errors (dossiers, data store, results)."""

    code = "rule_error"
    http_status = 400

    def __init__(self, message: str | Promise, *, code: str | None = None, **params: Any) -> None:
        super().__init__(message, code=code, **params)
        self.message = super().__str__()

    def __str__(self) -> str:
        return str(self.message)
