"""Agency electronic identifier codes (mã định danh điện tử của cơ quan, đơn vị).

Decision 20/2020/QĐ-TTg, Art 4: a code has at most 35 characters from ``[0-9A-Z.]`` and is made of
dot-separated groups developed **left to right**: the level-1 code ``MX1X2`` (M a letter A–Y, X1 and X2
digits; Thanh Hóa is ``H56``), then one group per level below it (``H56.14``, ``H56.14.03``).

The older QCVN 102:2016/BTTTT form writes the same code **right to left** and pads the unused lower
levels with zero groups, e.g. ``000.00.14.H56`` (= ``H56.14``) or ``000.17.22.H56`` (= ``H56.22.17``).

``normalize_org_code`` accepts either form, in any letter case and with surrounding spaces, and returns
the Decision 20/2020 form. The rules applied to a code:

1. After stripping surrounding whitespace it is not empty and has at most 35 characters
   (``org_code_empty``, ``org_code_too_long``).
2. Only ``0-9``, ``A-Z`` (letters are upper-cased first) and ``.`` (``org_code_charset``).
3. Exactly one group is a level-1 root ``MX1X2`` with M in A–Y, and it stands first (Decision 20/2020
   form) or last (QCVN 102 form) (``org_code_root``).
4. Every other group has 2 or 3 digits (``org_code_group``). Groups of different lengths are different
   codes: ``H56.14`` and ``H56.014`` are not the same unit.
5. A group of zeros (``00``, ``000``) is padding, allowed only in the QCVN 102 form and only for the
   lowest levels, i.e. before the first non-zero group: ``000.00.14.H56`` is ``H56.14``, while
   ``000.14.00.H56`` (a unit below a missing level) and any zero group in the Decision 20/2020 form are
   refused (``org_code_zero_group``).

Every error is a Django ``ValidationError`` with a Vietnamese message naming the field and the rule and
one of the stable codes above, which the API returns as is.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORG_CODE_MAX_LENGTH = 35

_ROOT = re.compile(r"^[A-Y][0-9]{2}$")
_GROUP = re.compile(r"^[0-9]{2,3}$")
_CHARSET = re.compile(r"^[0-9A-Z.]+$")
_ZERO = re.compile(r"^0+$")


def _shown(value: str) -> str:
    return value if len(value) <= 40 else f"{value[:40]}…"


def normalize_org_code(value: object) -> str:
    """The Decision 20/2020 form (``H56.14``) of an agency code given in either form.

    >>> normalize_org_code(" 000.00.14.h56 ")
    'H56.14'
    """
    raw = str(value if value is not None else "").strip()
    if not raw:
        raise ValidationError(_("Mã định danh điện tử không được để trống."), code="org_code_empty")
    if len(raw) > ORG_CODE_MAX_LENGTH:
        raise ValidationError(
            _("Mã định danh điện tử dài tối đa %(max)s ký tự (nhận được %(length)s ký tự)."),
            code="org_code_too_long",
            params={"max": ORG_CODE_MAX_LENGTH, "length": len(raw)},
        )
    code = raw.upper()
    if not _CHARSET.match(code):
        raise ValidationError(
            _(
                "Mã định danh điện tử “%(value)s” chỉ được gồm chữ số, chữ cái in hoa không dấu và "
                "dấu chấm phân cách."
            ),
            code="org_code_charset",
            params={"value": _shown(raw)},
        )
    groups = code.split(".")
    roots = [i for i, group in enumerate(groups) if _ROOT.match(group)]
    if len(roots) != 1 or roots[0] not in (0, len(groups) - 1):
        raise ValidationError(
            _(
                "Mã định danh điện tử “%(value)s” phải có đúng một mã cấp 1 gồm một chữ cái từ A đến Y "
                "và hai chữ số (ví dụ H56), đứng đầu (H56.14) hoặc đứng cuối theo dạng cũ "
                "QCVN 102:2016 (000.00.14.H56)."
            ),
            code="org_code_root",
            params={"value": _shown(raw)},
        )
    reversed_form = roots[0] != 0
    lower = groups[:-1][::-1] if reversed_form else groups[1:]  # level 2 first
    root = groups[-1] if reversed_form else groups[0]
    for group in lower:
        if not _GROUP.match(group):
            raise ValidationError(
                _(
                    "Mã định danh điện tử “%(value)s”: nhóm “%(group)s” không hợp lệ; sau mã cấp 1, "
                    "mỗi nhóm phải gồm 2 hoặc 3 chữ số."
                ),
                code="org_code_group",
                params={"value": _shown(raw), "group": group},
            )
    if reversed_form:
        # Zero groups pad the lowest levels: drop them from the end of the left-to-right list.
        while lower and _ZERO.match(lower[-1]):
            lower.pop()
    if any(_ZERO.match(group) for group in lower):
        raise ValidationError(
            _(
                "Mã định danh điện tử “%(value)s”: nhóm toàn số 0 chỉ dùng để đệm các cấp dưới cùng "
                "trong dạng cũ QCVN 102:2016, không được đứng giữa hay trong dạng mới."
            ),
            code="org_code_zero_group",
            params={"value": _shown(raw)},
        )
    return ".".join([root, *lower])


def validate_org_code(value: object) -> None:
    """Model-field validator: the value is a valid agency code in either form."""
    normalize_org_code(value)


def org_code_parent(code: str) -> str | None:
    """The code of the unit one level up (``H56.14.03`` → ``H56.14``), or None for a level-1 code."""
    head, sep, _tail = code.rpartition(".")
    return head if sep else None


def to_qcvn102(code: str, *, levels: int = 4) -> str:
    """The older QCVN 102:2016 form of a normalised code, padded to ``levels`` levels.

    Padding follows the common published shape: a 3-digit group at level 4 and 2-digit groups above it
    (``H56.14`` → ``000.00.14.H56``).
    """
    groups = code.split(".")
    root, lower = groups[0], groups[1:]
    pads = ["00" if level < 4 else "000" for level in range(2, levels + 1)]
    padded = lower + pads[len(lower) :]
    return ".".join([*padded[::-1], root])
