"""Validators for Vietnamese identifiers. Each raises Django's ``ValidationError`` with a Vietnamese message
naming the field and the rule, and a stable ``code`` for APIs. See shared regulations §10.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Birth-registration province codes of the 12-digit personal ID (Circular 07/2016/TT-BCA, 63 provinces
# before the 2025 merger; the codes stay valid on IDs issued before and after it).
CCCD_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh",
    "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ",
    "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}  # fmt: skip

SEX_MALE = "male"
SEX_FEMALE = "female"
_CENTURY_BASE = {0: 1900, 2: 2000, 4: 2100, 6: 2200, 8: 2300}

_DIGITS_12 = re.compile(r"^[0-9]{12}$")
_MST = re.compile(r"^([0-9]{10})(?:-([0-9]{3}))?$")
_MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_MOBILE = re.compile(r"^(3[2-9]|5[2689]|7[06-9]|8[1-9]|9[0-46-9])[0-9]{7}$")
_LANDLINE = re.compile(r"^2[0-9]{9}$")


def _clean_digits(value: object) -> str:
    return re.sub(r"[\s.]", "", str(value or ""))


def cccd_birth_year(value: str) -> int:
    """The birth year encoded in a (valid) 12-digit personal ID."""
    century_sex = int(value[3])
    return _CENTURY_BASE[century_sex - century_sex % 2] + int(value[4:6])


def cccd_sex(value: str) -> str:
    return SEX_FEMALE if int(value[3]) % 2 else SEX_MALE


def validate_cccd(value: str, *, birth_date: dt.date | None = None, sex: str | None = None) -> None:
    """A 12-digit personal ID (số định danh cá nhân / CCCD): ``PPP G YY RRRRRR``.

    PPP is a birth-registration province code, G the century and sex digit, YY the birth year.
    There is no check digit. With ``birth_date`` and ``sex`` the encoded year and sex must agree.
    """
    raw = str(value or "")
    if not _DIGITS_12.match(raw):
        raise ValidationError(
            _("Số định danh cá nhân phải gồm đúng 12 chữ số (nhận được “%(value)s”)."),
            code="cccd_format",
            params={"value": raw[:20]},
        )
    if raw[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("Số định danh cá nhân: mã nơi đăng ký khai sinh “%(code)s” (3 chữ số đầu) không tồn tại."),
            code="cccd_province",
            params={"code": raw[:3]},
        )
    year = cccd_birth_year(raw)
    today = dt.date.today()  # noqa: DTZ011 - a calendar year bound, not a moment
    if year > today.year:
        raise ValidationError(
            _("Số định danh cá nhân: chữ số thế kỷ và năm sinh cho năm %(year)s, sau năm hiện tại."),
            code="cccd_year",
            params={"year": year},
        )
    if birth_date is not None and birth_date.year != year:
        raise ValidationError(
            _(
                "Số định danh cá nhân không khớp ngày sinh: mã cho năm sinh %(encoded)s, "
                "ngày sinh khai là năm %(given)s."
            ),
            code="cccd_birth_year_mismatch",
            params={"encoded": year, "given": birth_date.year},
        )
    if sex is not None:
        if sex not in (SEX_MALE, SEX_FEMALE):
            raise ValueError(f"sex must be {SEX_MALE!r} or {SEX_FEMALE!r}")
        if cccd_sex(raw) != sex:
            raise ValidationError(
                _("Số định danh cá nhân không khớp giới tính: chữ số thứ 4 (%(digit)s) cho giới tính khác."),
                code="cccd_sex_mismatch",
                params={"digit": raw[3]},
            )


def mst_check_digit(first_nine: str) -> int:
    """The 10th digit of a tax code: 10 − (Σ Ni·Wi mod 11); 10 means no valid code exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, _MST_WEIGHTS, strict=True))
    return 10 - total % 11


def validate_mst(value: str) -> None:
    """A tax code (mã số thuế): 10 digits with the mod-11 check digit, optionally ``-NNN`` for a branch;
    or, since 1 July 2025 (Circular 86/2024/TT-BTC), an individual's 12-digit personal ID.
    """
    raw = str(value or "").strip()
    if _DIGITS_12.match(raw):
        try:
            validate_cccd(raw)
        except ValidationError as exc:
            raise ValidationError(
                _("Mã số thuế 12 chữ số phải là số định danh cá nhân hợp lệ: %(reason)s"),
                code="mst_personal_id",
                params={"reason": exc.messages[0]},
            ) from exc
        return
    match = _MST.match(raw)
    if not match:
        raise ValidationError(
            _(
                "Mã số thuế phải gồm 10 chữ số, 10 chữ số kèm “-” và 3 chữ số của đơn vị phụ thuộc, "
                "hoặc 12 chữ số định danh cá nhân (nhận được “%(value)s”)."
            ),
            code="mst_format",
            params={"value": raw[:20]},
        )
    digits = match.group(1)
    if match.group(2) == "000":
        raise ValidationError(_("Mã số thuế: mã đơn vị phụ thuộc không được là 000."), code="mst_branch")
    if mst_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("Mã số thuế “%(value)s” sai chữ số kiểm tra (chữ số thứ 10)."),
            code="mst_checksum",
            params={"value": digits},
        )


def normalize_phone(value: str) -> str:
    """A Vietnamese mobile or landline number in E.164 (``+84…``).

    Accepts spaces, dots, dashes and brackets, and the ``0``, ``84`` or ``+84`` prefixes.
    """
    raw = str(value or "").strip()
    compact = re.sub(r"[\s.\-()]", "", raw)
    if compact.startswith("+84"):
        national = compact[3:]
    elif compact.startswith("84") and len(compact) in (11, 12):
        national = compact[2:]
    elif compact.startswith("0"):
        national = compact[1:]
    else:
        national = ""
    if national.startswith("0"):
        national = ""
    if not national.isascii() or not (_MOBILE.match(national) or _LANDLINE.match(national)):
        raise ValidationError(
            _(
                "Số điện thoại “%(value)s” không hợp lệ: cần số di động 10 chữ số (ví dụ 0912 345 678) "
                "hoặc số cố định có mã vùng (ví dụ 0237 3852 345), có thể bắt đầu bằng +84."
            ),
            code="phone_format",
            params={"value": raw[:30]},
        )
    return f"+84{national}"


def validate_phone(value: str) -> None:
    normalize_phone(value)


def phone_display(e164: str) -> str:
    """``+84912345678`` → ``0912 345 678``; landlines ``+842373852345`` → ``0237 3852 345``; else unchanged."""
    if not e164.startswith("+84"):
        return e164
    national = "0" + e164[3:]
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if len(national) == 11:
        return f"{national[:4]} {national[4:8]} {national[8:]}"
    return national
