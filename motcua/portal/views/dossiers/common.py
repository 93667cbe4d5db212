"""What the citizen's dossier pages share: plain-Vietnamese wording of statuses, time left and history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from motcua.accounts.models import User
from motcua.dossiers.errors import DossierNotFound
from motcua.dossiers.models import Dossier, ReturnMethod
from motcua.dossiers.portal_selectors import TimeLeft, TimelineEntry, dossier_get_own, dossier_time_left
from motcua.dossiers.services import components
from motcua.dossiers.status import DossierAction, DossierStatus

S = DossierStatus
A = DossierAction

#: A status's badge group: its CSS class (the text label is always shown too).
STATUS_GROUPS: dict[str, str] = {
    S.DRAFT: "draft",
    S.AWAITING_INTAKE: "waiting",
    S.AWAITING_SUPPLEMENT: "action",
    S.SUSPENDED: "waiting",
    S.RECEIVED: "active",
    S.PROCESSING: "active",
    S.RESULT_READY: "done",
    S.RETURNED: "done",
    S.REFUSED: "ended",
    S.STOPPED: "ended",
    S.CLOSED: "ended",
}


def the_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - behind login_required
    return user


def own_dossier(request: HttpRequest, pk: int) -> Dossier:
    try:
        return dossier_get_own(user=the_user(request), pk=pk)
    except DossierNotFound as exc:
        raise Http404(exc.message) from exc


def _moment(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def _day(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT") if value else ""


def _parse_moment(value: Any) -> Any:
    if not value:
        return None
    try:
        return parse_datetime(str(value))
    except ValueError:
        return None


def time_left_words(left: TimeLeft) -> str:
    if left.state == "paused":
        return _("Tạm dừng tính thời gian")
    if left.state == "left":
        if left.days:
            return ngettext("Còn %(n)s ngày làm việc", "Còn %(n)s ngày làm việc", left.days) % {
                "n": left.days
            }
        return ngettext("Hạn trong hôm nay, còn khoảng %(n)s giờ làm việc",
                        "Hạn trong hôm nay, còn khoảng %(n)s giờ làm việc", left.hours) % {"n": left.hours}  # fmt: skip
    if left.state == "overdue":
        if left.days:
            return ngettext("Quá hạn %(n)s ngày làm việc", "Quá hạn %(n)s ngày làm việc", left.days) % {
                "n": left.days
            }
        return ngettext("Quá hạn %(n)s giờ làm việc", "Quá hạn %(n)s giờ làm việc", left.hours) % {
            "n": left.hours
        }
    return ""


@dataclass(frozen=True)
class DossierRow:
    """A dossier as the applicant's list shows it."""

    dossier: Dossier
    status_label: str
    status_group: str
    time_left: str
    time_left_state: str

    @property
    def title(self) -> str:
        return self.dossier.procedure_version.name


def dossier_row(dossier: Dossier) -> DossierRow:
    left = dossier_time_left(dossier)
    return DossierRow(
        dossier=dossier,
        status_label=str(DossierStatus(dossier.status).label),
        status_group=STATUS_GROUPS.get(dossier.status, "waiting"),
        time_left=time_left_words(left),
        time_left_state=left.state,
    )


def timeline_sentence(entry: TimelineEntry) -> str:
    """One event of the history in plain Vietnamese, for the applicant (unit names, no staff names)."""
    unit = entry.unit_name or _("cơ quan giải quyết")
    a = entry.action
    if a == A.SUBMIT:
        return _("Bạn đã nộp hồ sơ trực tuyến tới %(unit)s.") % {"unit": unit}
    if a == A.RECEIVE:
        due = _parse_moment(entry.data.get("due_at"))
        if due:
            return _("%(unit)s đã tiếp nhận hồ sơ, hẹn trả kết quả %(date)s.") % {
                "unit": unit,
                "date": _moment(due),
            }
        return _("%(unit)s đã tiếp nhận hồ sơ.") % {"unit": unit}
    if a == A.REFUSE:
        return _("%(unit)s từ chối tiếp nhận hồ sơ.") % {"unit": unit}
    if a == A.FEE_PAID:
        return _("Bạn đã nộp phí, lệ phí của hồ sơ.")
    if a == A.ROUTE:
        return _("Hồ sơ được chuyển tới %(unit)s để giải quyết.") % {"unit": unit}
    if a == A.FORWARD:
        if entry.step_name:
            return _("Hồ sơ chuyển sang bước “%(step)s” tại %(unit)s.") % {
                "step": entry.step_name,
                "unit": unit,
            }
        return _("Hồ sơ được chuyển tiếp tại %(unit)s.") % {"unit": unit}
    if a == A.SEND_BACK:
        return _("Hồ sơ được chuyển lại để xem xét thêm tại %(unit)s.") % {"unit": unit}
    if a == A.HAND_OVER:
        return _("Hồ sơ được chuyển liên thông tới %(unit)s.") % {"unit": unit}
    if a == A.HAND_BACK:
        source = entry.from_unit_name or _("cơ quan phối hợp")
        return _("%(source)s đã xử lý xong phần liên thông, chuyển hồ sơ về %(unit)s.") % {
            "source": source,
            "unit": unit,
        }
    if a == A.REQUEST_SUPPLEMENT:
        return _(
            "Cơ quan giải quyết yêu cầu bạn bổ sung hồ sơ. Thời gian giải quyết tạm dừng cho tới khi nhận đủ."
        )
    if a == A.SUPPLEMENT:
        return _("Hồ sơ bổ sung đã được nhận; tiếp tục giải quyết.")
    if a == A.SUSPEND:
        return _("Việc giải quyết tạm dừng theo quy định.")
    if a == A.RESUME:
        return _("Tiếp tục giải quyết hồ sơ.")
    if a == A.APOLOGISE:
        new_due = _parse_moment(entry.data.get("new_due_at"))
        if new_due:
            return _("Cơ quan giải quyết xin lỗi vì chậm trễ và hẹn lại ngày trả kết quả: %(date)s.") % {
                "date": _moment(new_due)
            }
        return _("Cơ quan giải quyết xin lỗi vì chậm trễ và hẹn lại ngày trả kết quả.")
    if a == A.DECIDE:
        if entry.data.get("decision") == "not_eligible":
            return _("Hồ sơ không đủ điều kiện giải quyết; văn bản trả lời đã sẵn sàng để trả.")
        return _("Hồ sơ đã được giải quyết; kết quả sẵn sàng để trả.")
    if a == A.RETURN_RESULT:
        method = entry.data.get("method")
        how = str(ReturnMethod(method).label).lower() if method in ReturnMethod.values else ""
        if how:
            return _("Đã trả kết quả (%(how)s).") % {"how": how}
        return _("Đã trả kết quả.")
    if a == A.RESULT_ISSUED:
        if entry.data.get("kind") == "digitised_paper":
            return _(
                "Bản giấy của kết quả đã được số hóa và ký số; bản điện tử có trong kho dữ liệu của bạn."
            )
        return _("Kết quả điện tử đã được ký số và lưu vào kho dữ liệu của bạn (mã %(code)s).") % {
            "code": entry.data.get("code", "")
        }
    if a == A.WITHDRAW:
        return _("Hồ sơ dừng giải quyết theo đề nghị của người nộp.")
    if a == A.CLOSE:
        return _("Hồ sơ bị đóng vì quá thời hạn bổ sung.")
    return str(DossierAction(a).label) if a in DossierAction.values else a


@dataclass(frozen=True)
class NextStep:
    """What the applicant should know or do now."""

    title: str
    text: str
    kind: str = "info"  # info | action | done | ended


def next_step(dossier: Dossier, *, supplement_due: Any = None) -> NextStep:
    s = dossier.status
    point = dossier.receiving_point.name
    if s == S.DRAFT:
        return NextStep(
            _("Hồ sơ chưa được nộp"),
            _("Hoàn tất các bước và bấm “Nộp hồ sơ” để gửi tới nơi tiếp nhận."),
            "action",
        )
    if s == S.AWAITING_INTAKE:
        return NextStep(
            _("Chờ tiếp nhận"),
            _("%(point)s đang kiểm tra hồ sơ. Khi hồ sơ được tiếp nhận, bạn sẽ nhận thông báo kèm ngày hẹn trả kết quả. "
              "Bạn chưa cần làm gì thêm.") % {"point": point},
        )  # fmt: skip
    if s == S.AWAITING_SUPPLEMENT:
        text = _("Hãy tải lên các giấy tờ được yêu cầu rồi bấm “Gửi bổ sung”.")
        if supplement_due:
            text = _("Hãy tải lên các giấy tờ được yêu cầu rồi bấm “Gửi bổ sung” trước %(date)s; "
                     "quá thời hạn này hồ sơ sẽ bị đóng.") % {"date": _moment(supplement_due)}  # fmt: skip
        return NextStep(_("Bạn cần bổ sung hồ sơ"), text, "action")
    if s in (S.RECEIVED, S.PROCESSING):
        if dossier.due_at:
            return NextStep(
                _("Đang giải quyết"),
                _(
                    "Hồ sơ đang được giải quyết. Hẹn trả kết quả: %(date)s. Bạn sẽ nhận thông báo khi có kết quả."
                )
                % {"date": _moment(dossier.due_at)},
            )
        return NextStep(
            _("Đang giải quyết"), _("Hồ sơ đang được giải quyết. Bạn sẽ nhận thông báo khi có kết quả.")
        )
    if s == S.SUSPENDED:
        return NextStep(
            _("Tạm dừng giải quyết"),
            _(
                "Việc giải quyết tạm dừng theo quy định; thời gian này không tính vào thời hạn. Bạn sẽ được báo khi tiếp tục."
            ),
        )
    if s == S.RESULT_READY:
        return NextStep(
            _("Đã có kết quả"),
            _("Kết quả đã sẵn sàng. Mời bạn nhận kết quả tại %(point)s hoặc theo hình thức đã đăng ký.")
            % {"point": point},
            "done",
        )
    if s == S.RETURNED:
        return NextStep(_("Đã trả kết quả"), _("Hồ sơ đã hoàn thành. Cảm ơn bạn đã sử dụng dịch vụ."), "done")
    if s == S.REFUSED:
        return NextStep(
            _("Hồ sơ không được tiếp nhận"),
            dossier.closing_reason or _("Xem lý do trong lịch sử hồ sơ."),
            "ended",
        )
    if s == S.STOPPED:
        return NextStep(_("Đã dừng giải quyết"), _("Hồ sơ đã dừng giải quyết theo đề nghị của bạn."), "ended")
    if s == S.CLOSED:
        return NextStep(_("Hồ sơ đã đóng"), dossier.closing_reason or _("Hồ sơ đã đóng."), "ended")
    return NextStep(str(DossierStatus(s).label), "")


def day_text(value: Any) -> str:
    return _day(value)


def max_upload_mb() -> int:
    """The largest file accepted, in MB (the attach service's limit, ``MOTCUA_UPLOAD_MAX_BYTES``)."""
    return max(1, int(components.MAX_BYTES) // (1024 * 1024))
