"""The staff actions on a dossier: which form each uses, which service it calls, when it is offered.

``offered_actions`` narrows ``dossier_actions_for`` (role, unit, state) to the forms worth showing now:
no forward without a next step, no decision before the signing step, no second supplement request or
apology (once-only limits), no assignment without staff to choose from. The services check everything
again; the page only avoids offering what would surely be refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.calendar.selectors import calendar_snapshot
from motcua.dossiers import services as s
from motcua.dossiers.access import dossier_actions_for
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import (
    dossier_assignee_options,
    dossier_can_decide_here,
    dossier_forward_targets,
    dossier_send_back_targets,
)
from motcua.dossiers.status import DossierAction

from ... import forms as f

A = DossierAction
Run = Callable[[User, Dossier, dict[str, Any], forms.Form], Dossier]


@dataclass(frozen=True)
class ActionUI:
    key: str
    title: str | Promise
    button: str | Promise
    form: type[f.VersionedForm]
    run: Run
    success: str | Promise  # %(code)s, %(due)s
    help: str | Promise = ""
    tone: str = "primary"  # primary | secondary | danger

    @property
    def url_name(self) -> str:
        return f"backoffice:dossier_{self.key}"


def _receive(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_receive(
        dossier=d, officer=user, checked_component_ids=[int(i) for i in data["components"]],
        note=data["note"], expected_version=data["version"],
    )  # fmt: skip


def _refuse(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_refuse(dossier=d, officer=user, reason=data["reason"], expected_version=data["version"])


def _route(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_route(dossier=d, officer=user, paper=data["paper"], expected_version=data["version"])


def _assign(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    assignee = dossier_assignee_options(dossier=d).filter(pk=data["assignee"]).first()
    if assignee is None:
        raise ValidationError(
            _("Cán bộ được chọn không thuộc đơn vị đang xử lý bước này."), code="assignee_invalid"
        )
    return s.dossier_assign(dossier=d, actor=user, assignee=assignee, expected_version=data["version"])


def _forward(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_forward(
        dossier=d, actor=user, to_step=data["to_step"], note=data["note"], paper=data["paper"],
        expected_version=data["version"],
    )  # fmt: skip


def _send_back(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_send_back(
        dossier=d, actor=user, to_step=data["to_step"], note=data["note"], expected_version=data["version"]
    )


def _request_supplement(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_request_supplement(
        dossier=d, actor=user, reason=data["reason"], items=data["items"], expected_version=data["version"]
    )


def attach_files(
    *, dossier: Dossier, user: User, files: dict[int, Any], pages: dict[int, int] | None = None
) -> list[str]:
    """Attach uploads to components (component id → file) inside the caller's transaction; returns the
    stored names so the caller can remove them if the transaction is rolled back. ``pages``: component id →
    the page count of the paper original (the scan must match it)."""
    if not files:
        return []
    from motcua.dossiers.services.components import (  # needs motcua.core.uploads
        dossier_component_attach,
        dossier_uploads_check,
    )

    if len(files) > 1:  # every file checked before any is stored: a bad one leaves no orphan behind
        dossier_uploads_check(actor=user, files=files, pages=pages)
    stored: list[str] = []
    for component_id, upload in files.items():
        component = dossier_component_attach(
            dossier=dossier, actor=user, component_id=component_id, upload=upload,
            declared_pages=(pages or {}).get(component_id),
        )  # fmt: skip
        stored.append(component.file.name or "")
    return stored


def forget_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    from motcua.core.blobs import is_blob_name

    for name in names:
        if name and not is_blob_name(name):  # blobs are shared by content: never deleted here
            default_storage.delete(name)


def _supplement(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    assert isinstance(form, f.SupplementForm)  # noqa: S101
    stored: list[str] = []
    try:
        with transaction.atomic():  # the files and the supplement land together or not at all
            stored = attach_files(dossier=d, user=user, files=form.files_by_key(), pages=form.pages_by_key())
            return s.dossier_supplement(
                dossier=d, actor=user, note=data["note"], expected_version=data["version"]
            )
    except Exception:
        forget_files(stored)
        raise


def _suspend(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_suspend(
        dossier=d, actor=user, reason=data["reason"], legal_basis=data["legal_basis"],
        expected_version=data["version"],
    )  # fmt: skip


def _resume(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_resume(dossier=d, actor=user, note=data["note"], expected_version=data["version"])


def new_due_moment(dossier: Dossier, day: dt.date) -> dt.datetime:
    """The end of the working day ``day`` at the resolving unit (the new appointment of an apology)."""
    cal = calendar_snapshot(org_unit=dossier.resolving_unit)
    if not cal.first <= day <= cal.last or not cal.is_working_day(day):
        raise ValidationError(_("Ngày hẹn mới phải là một ngày làm việc."), code="not_a_working_day")
    return cal.day_end(day)


def _apologise(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_apologise(
        dossier=d, actor=user, reason=data["reason"], new_due_at=new_due_moment(d, data["new_date"]),
        expected_version=data["version"],
    )  # fmt: skip


def _decide(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_decide(
        dossier=d, actor=user, decision=data["decision"], note=data["note"], expected_version=data["version"]
    )


def _return(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_return_result(
        dossier=d, officer=user, method=data["method"], note=data["note"], expected_version=data["version"]
    )


def _withdraw(user: User, d: Dossier, data: dict[str, Any], form: forms.Form) -> Dossier:
    return s.dossier_withdraw(dossier=d, actor=user, reason=data["reason"], expected_version=data["version"])


ACTIONS: dict[str, ActionUI] = {
    a.key: a
    for a in (
        ActionUI(A.RECEIVE, _("Tiếp nhận hồ sơ"), _("Tiếp nhận"), f.ReceiveForm, _receive,
                 _("Đã tiếp nhận hồ sơ %(code)s. Hẹn trả kết quả: %(due)s."),
                 _("Kiểm tra từng giấy tờ; đủ thì tiếp nhận, thiếu thì yêu cầu bổ sung hoặc từ chối.")),
        ActionUI(A.REFUSE, _("Từ chối tiếp nhận"), _("Từ chối tiếp nhận"), f.RefuseForm, _refuse,
                 _("Đã từ chối tiếp nhận hồ sơ %(code)s."), tone="danger"),
        ActionUI(A.ROUTE, _("Chuyển xử lý"), _("Chuyển đơn vị giải quyết"), f.RouteForm, _route,
                 _("Đã chuyển hồ sơ %(code)s đến đơn vị giải quyết."),
                 _("Chuyển sau 15 giờ thì thời gian của bước tính từ đầu ngày làm việc tiếp theo.")),
        ActionUI(A.ASSIGN, _("Phân công xử lý"), _("Phân công"), f.AssignForm, _assign,
                 _("Đã phân công bước đang xử lý của hồ sơ %(code)s."), tone="secondary"),
        ActionUI(A.FORWARD, _("Chuyển bước tiếp theo"), _("Chuyển"), f.ForwardForm, _forward,
                 _("Đã chuyển hồ sơ %(code)s sang bước tiếp theo.")),
        ActionUI(A.SEND_BACK, _("Trả lại bước trước"), _("Trả lại"), f.SendBackForm, _send_back,
                 _("Đã trả hồ sơ %(code)s về bước trước."), tone="secondary"),
        ActionUI(A.REQUEST_SUPPLEMENT, _("Yêu cầu bổ sung hồ sơ"), _("Gửi yêu cầu bổ sung"),
                 f.RequestSupplementForm, _request_supplement,
                 _("Đã yêu cầu bổ sung hồ sơ %(code)s; thời gian giải quyết tạm dừng."),
                 _("Chỉ được yêu cầu bổ sung một lần: liệt kê đủ mọi nội dung còn thiếu."), tone="secondary"),
        ActionUI(A.SUPPLEMENT, _("Nhận hồ sơ bổ sung tại quầy"), _("Nhận bổ sung"), f.SupplementForm,
                 _supplement, _("Đã nhận hồ sơ bổ sung của hồ sơ %(code)s; thời gian giải quyết tính tiếp."),
                 _("Người nộp mang giấy tờ bổ sung đến quầy: quét và đính kèm (PDF, JPEG, PNG) nếu có.")),
        ActionUI(A.SUSPEND, _("Tạm dừng theo quy định"), _("Tạm dừng"), f.SuspendForm, _suspend,
                 _("Đã tạm dừng hồ sơ %(code)s; thời gian này không tính vào thời hạn."), tone="secondary"),
        ActionUI(A.RESUME, _("Tiếp tục xử lý"), _("Tiếp tục xử lý"), f.ResumeForm, _resume,
                 _("Hồ sơ %(code)s được xử lý tiếp. Hẹn trả kết quả: %(due)s.")),
        ActionUI(A.APOLOGISE, _("Xin lỗi và hẹn lại"), _("Gửi văn bản xin lỗi, hẹn lại"),
                 f.ApologiseForm, _apologise, _("Đã hẹn lại ngày trả kết quả hồ sơ %(code)s: %(due)s."),
                 _("Chỉ một lần, chậm nhất 01 ngày trước ngày hẹn trả."), tone="secondary"),
        ActionUI(A.DECIDE, _("Quyết định giải quyết"), _("Ký, ban hành"), f.DecideForm, _decide,
                 _("Đã có kết quả giải quyết hồ sơ %(code)s.")),
        ActionUI(A.RETURN_RESULT, _("Trả kết quả"), _("Trả kết quả"), f.ReturnForm, _return,
                 _("Đã trả kết quả hồ sơ %(code)s.")),
        ActionUI(A.WITHDRAW, _("Dừng xử lý theo đề nghị của người nộp"), _("Dừng xử lý"),
                 f.WithdrawForm, _withdraw, _("Đã dừng xử lý hồ sơ %(code)s theo đề nghị của người nộp."),
                 tone="danger"),
    )
}  # fmt: skip
#: The service's forward also hands over to, and back from, another agency.
SAME_FORM: dict[str, str] = {A.HAND_OVER: A.FORWARD, A.HAND_BACK: A.FORWARD}


def _component_label(c: Any) -> str:
    parts = [c.name]
    if not c.required:
        parts.append(str(_("(không bắt buộc)")))
    if c.file:
        parts.append(str(_("— có tệp")))
    elif c.provided:
        parts.append(str(_("— bản giấy")))
    else:
        parts.append(str(_("— chưa nộp")))
    return " ".join(parts)


def form_kwargs(key: str, *, dossier: Dossier, user: User) -> dict[str, Any]:
    """The choices of ``key``'s form for this dossier and user."""
    if key == A.RECEIVE:
        return {"components": [(str(c.pk), _component_label(c)) for c in dossier.components.all()]}
    if key == A.ASSIGN:
        staff = dossier_assignee_options(dossier=dossier)
        return {"staff": [(u.pk, u.full_name or u.username) for u in staff]}
    if key == A.FORWARD:
        return {"targets": [(t.code, t.label) for t in dossier_forward_targets(dossier=dossier, user=user)]}
    if key == A.SEND_BACK:
        return {"targets": [(t.code, t.label) for t in dossier_send_back_targets(dossier=dossier)]}
    if key == A.SUPPLEMENT:
        return {"components": [(c.pk, c.name) for c in dossier.components.all()]}
    return {}


def offered_actions(*, dossier: Dossier, user: User) -> list[tuple[ActionUI, dict[str, Any]]]:
    """The actions to offer on the dossier page, each with its form's choices, in the table's order."""
    keys: list[str] = []
    for action in dossier_actions_for(user, dossier):
        key = SAME_FORM.get(action, action)
        if key in ACTIONS and key not in keys:
            keys.append(key)
    offered: list[tuple[ActionUI, dict[str, Any]]] = []
    for key in keys:
        if key == A.REQUEST_SUPPLEMENT and dossier.supplement_count >= 1:
            continue
        if key == A.APOLOGISE and (dossier.apology_count >= 1 or dossier.due_at is None):
            continue
        if key == A.DECIDE and not dossier_can_decide_here(dossier=dossier, user=user):
            continue
        kwargs = form_kwargs(key, dossier=dossier, user=user)
        if key in (A.FORWARD, A.SEND_BACK) and not kwargs["targets"]:
            continue
        if key == A.ASSIGN and not kwargs["staff"]:
            continue
        offered.append((ACTIONS[key], kwargs))
    return offered
