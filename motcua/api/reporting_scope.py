"""What the staff reporting routers share (the scorecard, Biểu 06, early warning, the reform plan): the back
office's gate, the period and unit parameters, and their refusals.

The pages of these capabilities are for staff with a current membership (``staff_required``); the API lets
in the same people, and refuses anyone else with 403 ``staff_only``. A refusal is raised as a
``CodedHttpError`` (answered ``{code, message}`` by ``motcua.api.errors``), so paged operations can refuse
too. Periods that cannot be read are 422 ``period_invalid``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.accounts.selectors import user_is_staff_member
from motcua.org.models import OrgUnit
from motcua.org.selectors import orgunit_get_by_code
from motcua.reporting.periods import InvalidPeriod

from .conventions import user_of
from .errors import CodedHttpError

#: The ``period`` parameter of the scorecard's operations, as the page reads it.
PERIOD_HELP = (
    "Kỳ: để trống hoặc `ytd` (từ đầu năm đến nay), năm `2026`, quý `2026-Q1`, tháng `2026-03` "
    "hoặc khoảng ngày `2026-01-05..2026-02-10`"
)


def staff_member(request: HttpRequest) -> User:
    """The caller, if they may open the back office (staff with a current membership, or a superuser)."""
    user = user_of(request)
    if not user_is_staff_member(user=user):
        raise CodedHttpError(
            403,
            "staff_only",
            _("Chức năng này chỉ dành cho cán bộ, công chức đang được phân công tại một đơn vị."),
        )
    return user


def period_refused(exc: InvalidPeriod) -> CodedHttpError:
    """422 ``period_invalid`` with the reason (which forms a period takes)."""
    return CodedHttpError(422, "period_invalid", str(exc))


def unit_by_code(code: str) -> OrgUnit | None:
    """The unit with this code (either form of agency code); None for an unknown or malformed code."""
    try:
        return orgunit_get_by_code(code)
    except ValidationError:
        return None


def unit_not_found(code: str) -> CodedHttpError:
    return CodedHttpError(
        404, "unit_not_found", _("Không tìm thấy đơn vị có mã %(code)s.") % {"code": code[:40]}
    )


def unit_not_allowed(code: str) -> CodedHttpError:
    return CodedHttpError(
        403,
        "unit_not_allowed",
        _("Đơn vị %(code)s không thuộc phạm vi bạn được xem.") % {"code": code[:40]},
    )


def no_unit() -> CodedHttpError:
    return CodedHttpError(
        403, "unit_not_allowed", _("Bạn chưa được phân công vào đơn vị nào nên chưa xem được số liệu.")
    )


T = TypeVar("T")


class ListPage(Generic[T]):
    """A list (already computed in memory) for ``PageNumberPagination`` whose page, once sliced, goes through
    ``decorate``: only the page's rows are turned into answers (``conventions.PageHook`` for querysets)."""

    def __init__(self, items: Sequence[Any], decorate: Callable[[Sequence[Any]], list[T]]) -> None:
        self.items = items
        self.decorate = decorate

    def all(self) -> ListPage[T]:
        return self

    def count(self) -> int:
        return len(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, page: slice) -> list[T]:
        return self.decorate(self.items[page])

    def __iter__(self) -> Iterator[T]:
        return iter(self.decorate(self.items))
