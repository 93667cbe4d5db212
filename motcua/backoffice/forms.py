"""Forms of the back office's dossier screens: one small form per action, and the counter intake.

The forms parse and check what the officer typed (with Vietnamese messages); the rules (who may act, in
which state, once-only limits) stay in the services, whose messages the views show as they are. Every
action form carries the dossier's ``lock_version`` as it was on screen (``version``), so a change made by
someone else in between is refused instead of overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.core.validators import normalize_phone, validate_cccd, validate_mst
from motcua.dossiers.models import ApplicantKind, Channel, Decision, ReturnMethod

Choices = Sequence[tuple[Any, Any]]

REASON = forms.Textarea(attrs={"rows": 3})
NOTE = forms.Textarea(attrs={"rows": 2})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}
#: With a scan made at the counter, the officer states the paper original's page count (the service refuses
#: a scan whose page count differs).
PAGES_MISSING = _("Nhập số trang của bản giấy để đối chiếu với bản quét.")
PAGES_ERRORS = {
    "invalid": _("Số trang phải là số nguyên."),
    "min_value": _("Số trang bản giấy phải từ 1 trở lên."),
    "max_value": _("Số trang quá lớn."),
    "required": PAGES_MISSING,
}


def pages_field(label: Any, *, required: bool = False) -> forms.IntegerField:
    """The page count of a paper original, next to its scan."""
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=5000,
        error_messages=PAGES_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1", "class": "bo-pages"}),
    )


CHOOSE = {"required": _("Vui lòng chọn một mục."), "invalid_choice": _("Lựa chọn không hợp lệ.")}


class VersionedForm(forms.Form):
    """Every action: the dossier's version as the officer saw it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReceiveForm(VersionedForm):
    components = forms.MultipleChoiceField(
        label=_("Giấy tờ đã kiểm tra"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu từng giấy tờ đã kiểm tra đủ, đúng."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=NOTE, max_length=2000)

    def __init__(self, *args: Any, components: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["components"].choices = list(components)  # type: ignore[attr-defined]


class RefuseForm(VersionedForm):
    reason = forms.CharField(
        label=_("Lý do từ chối tiếp nhận"), widget=REASON, max_length=4000, error_messages=REQUIRED
    )


class RouteForm(VersionedForm):
    paper = forms.BooleanField(label=_("Chuyển hồ sơ bản giấy (không chuyển điện tử)"), required=False)


class AssignForm(VersionedForm):
    assignee = forms.TypedChoiceField(label=_("Giao cho"), coerce=int, error_messages=CHOOSE)

    def __init__(self, *args: Any, staff: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("— Chọn cán bộ —")), *staff]  # type: ignore[attr-defined]


class ForwardForm(VersionedForm):
    to_step = forms.ChoiceField(label=_("Chuyển đến"), widget=forms.RadioSelect, error_messages=CHOOSE)
    note = forms.CharField(label=_("Ý kiến xử lý"), required=False, widget=NOTE, max_length=4000)
    paper = forms.BooleanField(label=_("Chuyển bản giấy"), required=False)

    def __init__(self, *args: Any, targets: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = list(targets)
        self.fields["to_step"].choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            self.fields["to_step"].initial = choices[0][0]


class SendBackForm(VersionedForm):
    to_step = forms.ChoiceField(label=_("Trả lại bước"), error_messages=CHOOSE)
    note = forms.CharField(label=_("Lý do trả lại"), widget=REASON, max_length=4000, error_messages=REQUIRED)

    def __init__(self, *args: Any, targets: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = list(targets)  # type: ignore[attr-defined]


def _lines(value: str) -> list[str]:
    return [line.strip(" -•\t") for line in (value or "").splitlines() if line.strip(" -•\t")]


class RequestSupplementForm(VersionedForm):
    reason = forms.CharField(label=_("Lý do"), widget=REASON, max_length=4000, error_messages=REQUIRED)
    items = forms.CharField(
        label=_("Nội dung cần bổ sung"),
        help_text=_("Mỗi dòng một nội dung; phải nêu đầy đủ trong một lần."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        error_messages=REQUIRED,
    )

    def clean_items(self) -> list[str]:
        items = _lines(self.cleaned_data["items"])
        if not items:
            raise ValidationError(_("Cần liệt kê ít nhất một nội dung phải bổ sung."), code="items_required")
        return items


class FilesMixin:
    """File inputs for some components: ``file_<component id>``, each optional."""

    fields: dict[str, forms.Field]

    def add_file_fields(self, components: Iterable[tuple[int, str]], *, prefix: str = "file") -> None:
        for pk, name in components:
            self.fields[f"{prefix}_{pk}"] = forms.FileField(
                label=_("Bản quét: %(name)s") % {"name": name},
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}
                ),
            )

    def files_by_key(self, *, prefix: str = "file") -> dict[int, Any]:
        cleaned: dict[str, Any] = self.cleaned_data  # type: ignore[attr-defined]
        start = len(prefix) + 1
        return {
            int(name[start:]): value
            for name, value in cleaned.items()
            if name.startswith(f"{prefix}_") and value
        }

    def file_fields(self) -> list[Any]:
        form: Any = self
        return [form[name] for name in self.fields if name.startswith("file_") or name.startswith("scan_")]


class SupplementForm(FilesMixin, VersionedForm):
    """The supplement brought to the counter: for each component an optional scan and, with a scan, the
    page count of the paper original (the service refuses a scan whose page count differs)."""

    note = forms.CharField(label=_("Nội dung đã bổ sung"), required=False, widget=NOTE, max_length=4000)

    def __init__(self, *args: Any, components: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        components = list(components)
        self.add_file_fields(components)
        for pk, name in components:
            self.fields[f"pages_{pk}"] = pages_field(_("Số trang bản giấy: %(name)s") % {"name": name})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for pk in self.files_by_key():
            if not data.get(f"pages_{pk}") and f"pages_{pk}" not in self.errors:
                self.add_error(f"pages_{pk}", PAGES_MISSING)
        return data

    def pages_by_key(self) -> dict[int, int]:
        """Component id → the page count of the paper original, for the scans attached."""
        return {pk: int(self.cleaned_data[f"pages_{pk}"]) for pk in self.files_by_key()}


class SuspendForm(VersionedForm):
    reason = forms.CharField(
        label=_("Lý do tạm dừng"), widget=REASON, max_length=4000, error_messages=REQUIRED
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"),
        max_length=500,
        help_text=_("Văn bản cho phép không tính thời gian này, ví dụ: Điều 10 Nghị định 54/2024/NĐ-CP."),
        error_messages=REQUIRED,
    )


class ResumeForm(VersionedForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=NOTE, max_length=2000)


class ApologiseForm(VersionedForm):
    reason = forms.CharField(
        label=_("Lý do chậm trễ"), widget=REASON, max_length=4000, error_messages=REQUIRED
    )
    new_date = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        widget=DATE,
        help_text=_("Kết quả hẹn trả vào cuối giờ làm việc của ngày này."),
        error_messages={"required": _("Vui lòng chọn ngày hẹn mới."), "invalid": _("Ngày không hợp lệ.")},
    )


class DecideForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Kết quả giải quyết"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages=CHOOSE,
    )
    note = forms.CharField(
        label=_("Nội dung, lý do"),
        required=False,
        widget=REASON,
        max_length=4000,
        help_text=_("Bắt buộc khi hồ sơ không đủ điều kiện giải quyết."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == Decision.NOT_ELIGIBLE and not (data.get("note") or "").strip():
            self.add_error("note", _("Cần nêu rõ lý do không đủ điều kiện giải quyết."))
        return data


class ReturnForm(VersionedForm):
    method = forms.ChoiceField(
        label=_("Hình thức trả"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.COUNTER,
        error_messages=CHOOSE,
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=NOTE, max_length=2000)


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Lý do người nộp đề nghị dừng"), widget=REASON, max_length=4000, error_messages=REQUIRED
    )


# --------------------------------------------------------------------------------------------------
# Counter intake


class CounterIntakeForm(FilesMixin, forms.Form):
    point = forms.TypedChoiceField(label=_("Điểm tiếp nhận"), coerce=int, error_messages=CHOOSE)
    procedure = forms.CharField(widget=forms.HiddenInput, max_length=50)
    channel = forms.ChoiceField(
        label=_("Kênh nộp"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POSTAL, Channel.POSTAL.label)],
        initial=Channel.COUNTER,
        error_messages=CHOOSE,
    )
    kind = forms.ChoiceField(
        label=_("Người nộp là"),
        widget=forms.RadioSelect,
        initial=ApplicantKind.CITIZEN,
        error_messages=CHOOSE,
    )
    name = forms.CharField(
        label=_("Họ và tên / tên tổ chức"), max_length=255, error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    personal_id = forms.CharField(
        label=_("Số định danh cá nhân"),
        required=False,
        max_length=12,
        help_text=_("12 chữ số, bắt buộc với công dân."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    tax_code = forms.CharField(
        label=_("Mã số thuế"),
        required=False,
        max_length=14,
        help_text=_("Bắt buộc với tổ chức, doanh nghiệp."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại"), required=False, max_length=20, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(
        label=_("Email"), required=False, error_messages={"invalid": _("Địa chỉ email không hợp lệ.")}
    )
    address = forms.CharField(label=_("Địa chỉ"), required=False, max_length=500)
    commune = forms.TypedChoiceField(label=_("Xã, phường nơi cư trú / trụ sở"), coerce=int, required=False)
    provided = forms.TypedMultipleChoiceField(
        label=_("Giấy tờ người nộp đã nộp"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Đánh dấu từng giấy tờ đã kiểm tra; giấy tờ bắt buộc phải đủ mới tiếp nhận được."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=NOTE, max_length=2000)

    def __init__(
        self,
        *args: Any,
        points: Choices = (),
        kinds: Choices = (),
        components: Sequence[tuple[int, str]] = (),
        communes: Choices = (),
        commune_required: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = list(points)  # type: ignore[attr-defined]
        self.fields["kind"].choices = list(kinds)  # type: ignore[attr-defined]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0][0]
        self.fields["provided"].choices = list(components)  # type: ignore[attr-defined]
        self.fields["commune"].choices = [("", _("— Chọn xã, phường —")), *communes]  # type: ignore[attr-defined]
        self.commune_required = commune_required
        if commune_required:
            self.fields["commune"].required = True
            self.fields["commune"].error_messages.update(CHOOSE)
            self.fields["commune"].help_text = _(
                "Thủ tục do UBND xã, phường nơi người nộp cư trú giải quyết."
            )
        self.add_file_fields(components, prefix="scan")

    def clean_personal_id(self) -> str:
        value = (self.cleaned_data.get("personal_id") or "").strip()
        if value:
            validate_cccd(value)
        return value

    def clean_tax_code(self) -> str:
        value = (self.cleaned_data.get("tax_code") or "").strip()
        if value:
            validate_mst(value)
        return value

    def clean_phone(self) -> str:
        value = (self.cleaned_data.get("phone") or "").strip()
        return normalize_phone(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == ApplicantKind.CITIZEN and not data.get("personal_id") and "personal_id" not in self.errors:
            self.add_error("personal_id", _("Công dân cần có số định danh cá nhân."))
        if kind == ApplicantKind.BUSINESS and not data.get("tax_code") and "tax_code" not in self.errors:
            self.add_error("tax_code", _("Tổ chức, doanh nghiệp cần có mã số thuế."))
        return data

    def scans(self) -> dict[int, Any]:
        """Uploaded scans by component position."""
        return self.files_by_key(prefix="scan")
