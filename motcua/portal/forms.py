"""Forms of the citizen portal's dossier pages: the application wizard, supplement, withdrawal, public status.

The forms parse and bound the input; the rules live in the dossier services, whose typed errors the
views show next to the form.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from motcua.org.models import OrgUnit

#: The key of the free "nội dung đề nghị" text in ``Dossier.form_data``.
REQUEST_TEXT_KEY = "noi_dung_de_nghi"
MAX_REQUEST_TEXT = 4000
MAX_FIELD_TEXT = 1000


def _unit_label(unit: OrgUnit) -> str:
    return unit.name


class ReceivingPointForm(forms.Form):
    """Step 1: where the dossier is received and, when the procedure needs it, the applicant's commune."""

    receiving_point = forms.ChoiceField(
        label=_("Nơi tiếp nhận hồ sơ"),
        help_text=_(
            "Bộ phận một cửa sẽ kiểm tra và tiếp nhận hồ sơ của bạn. Bạn có thể chọn bất kỳ điểm nào trong tỉnh."
        ),
    )
    commune = forms.ChoiceField(
        label=_("Xã, phường nơi bạn cư trú (hoặc nơi đặt trụ sở)"),
        help_text=_("Thủ tục này do Ủy ban nhân dân xã, phường nơi bạn cư trú giải quyết."),
    )

    def __init__(
        self,
        *args: Any,
        points: Iterable[OrgUnit],
        communes: Iterable[OrgUnit],
        needs_commune: bool,
        point_defaults_to_commune: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        points = list(points)
        self.units: dict[str, OrgUnit] = {u.code: u for u in points}
        centres = [(u.code, _unit_label(u)) for u in points if u.kind != "commune"]
        local = [(u.code, _unit_label(u)) for u in points if u.kind == "commune"]
        choices: list[Any] = []
        self.point_defaults_to_commune = point_defaults_to_commune
        if point_defaults_to_commune:
            choices.append(("", _("Bộ phận một cửa của xã, phường nơi tôi cư trú")))
        if centres:
            choices.append((_("Trung tâm, bộ phận một cửa"), centres))
        if local:
            choices.append((_("Ủy ban nhân dân xã, phường"), local))
        point_field = self.fields["receiving_point"]
        assert isinstance(point_field, forms.ChoiceField)  # noqa: S101
        point_field.choices = choices
        point_field.required = not point_defaults_to_commune
        commune_field = self.fields["commune"]
        assert isinstance(commune_field, forms.ChoiceField)  # noqa: S101
        if needs_commune:
            communes = list(communes)
            self.communes: dict[str, OrgUnit] = {u.code: u for u in communes}
            commune_field.choices = [("", _("— Chọn xã, phường —")), *((u.code, u.name) for u in communes)]
        else:
            self.communes = {}
            del self.fields["commune"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        commune = self.communes.get(data.get("commune") or "")
        point = self.units.get(data.get("receiving_point") or "")
        if point is None and self.point_defaults_to_commune and commune is not None:
            point = self.units.get(commune.code)
            if point is None:
                self.add_error(
                    "receiving_point",
                    _(
                        "Xã, phường bạn chọn chưa có bộ phận một cửa tiếp nhận thủ tục này; hãy chọn nơi tiếp nhận khác."
                    ),
                )
        data["point_unit"] = point
        data["commune_unit"] = commune
        return data


def _dynamic_field(spec: Mapping[str, Any]) -> forms.Field | None:
    """A form field declared by the procedure (``form_fields`` in the version snapshot), if understood."""
    label = str(spec.get("label") or spec.get("name") or "").strip()
    if not label:
        return None
    required = bool(spec.get("required", False))
    help_text = str(spec.get("help") or "")
    kind = str(spec.get("type") or "text")
    common: dict[str, Any] = {"label": label, "required": required, "help_text": help_text}
    if kind == "textarea":
        return forms.CharField(
            max_length=MAX_REQUEST_TEXT, widget=forms.Textarea(attrs={"rows": 4}), **common
        )
    if kind == "number":
        return forms.DecimalField(**common)
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "email":
        return forms.EmailField(**common)
    if kind == "select":
        options = [str(o) for o in spec.get("choices") or [] if str(o).strip()]
        return forms.ChoiceField(choices=[("", "—"), *((o, o) for o in options)], **common)
    return forms.CharField(max_length=MAX_FIELD_TEXT, **common)


class DossierDetailsForm(forms.Form):
    """Step 2: the address and what is asked for, plus the procedure's own fields when it declares any."""

    address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        max_length=500,
        help_text=_("Số nhà, đường, thôn, xã/phường — nơi nhận thông báo và kết quả qua bưu chính nếu cần."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    request_text = forms.CharField(
        label=_("Nội dung đề nghị"),
        max_length=MAX_REQUEST_TEXT,
        help_text=_("Trình bày ngắn gọn việc bạn đề nghị cơ quan giải quyết."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, field_specs: Iterable[Mapping[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.extra_names: list[str] = []
        for spec in field_specs:
            name = str(spec.get("name") or "").strip()
            field = _dynamic_field(spec)
            if not name.isidentifier() or name in self.fields or name == REQUEST_TEXT_KEY or field is None:
                continue
            self.fields[f"f_{name}"] = field
            self.extra_names.append(name)

    def form_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {REQUEST_TEXT_KEY: self.cleaned_data["request_text"].strip()}
        for name in self.extra_names:
            value = self.cleaned_data.get(f"f_{name}")
            data[name] = "" if value is None else str(value)
        return data

    @classmethod
    def initial_from(cls, form_data: Mapping[str, Any], address: str) -> dict[str, Any]:
        initial: dict[str, Any] = {"address": address, "request_text": form_data.get(REQUEST_TEXT_KEY, "")}
        for key, value in form_data.items():
            if key != REQUEST_TEXT_KEY:
                initial[f"f_{key}"] = value
        return initial


class ComponentUploadForm(forms.Form):
    """One file for one component (its content is checked by the service, not here)."""

    component = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    file = forms.FileField(
        label=_("Chọn tệp"),
        error_messages={"required": _("Hãy chọn một tệp PDF, JPEG hoặc PNG để tải lên.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


class SubmitForm(forms.Form):
    """Step 4: the applicant's declaration, and the version of the draft they reviewed."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    declaration = forms.BooleanField(
        label=_("Tôi cam đoan nội dung khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật."),
        error_messages={"required": _("Bạn cần đánh dấu lời cam đoan trước khi nộp hồ sơ.")},
    )


class SupplementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    note = forms.CharField(
        label=_("Ghi chú cho cơ quan giải quyết (nếu có)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label=_("Lý do đề nghị dừng giải quyết"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần ghi lý do dừng giải quyết hồ sơ.")},
    )


class PublicStatusForm(forms.Form):
    """The public status page: the dossier code and the last 4 digits of the applicant's phone."""

    ma = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("In trên giấy tiếp nhận và hẹn trả kết quả, ví dụ H56.40-260302-0001."),
        error_messages={"required": _("Hãy nhập mã hồ sơ.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    so = forms.RegexField(
        label=_("4 số cuối điện thoại của người nộp"),
        regex=r"^\s*\d{4}\s*$",
        max_length=8,
        help_text=_("Nếu khi nộp không khai số điện thoại: 4 số cuối số định danh cá nhân hoặc mã số thuế."),
        error_messages={
            "required": _("Hãy nhập 4 chữ số."),
            "invalid": _("Hãy nhập đúng 4 chữ số."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}),
    )
