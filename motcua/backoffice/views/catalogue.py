"""Back office for the procedure catalogue: list drafts, edit a draft, see what stops it from being
published, publish it, record reviews, compare versions.

Every staff member may read; editing, publishing and reviews are for agency administrators (their
agency's procedures) and province administrators (``motcua.catalogue.access``); others get 403.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.catalogue.access import catalogue_can_edit, catalogue_editable_agencies, procedure_can_edit
from motcua.catalogue.choices import (
    ApplicantType,
    OnlineLevel,
    ProcedureLevel,
    ResolvingRule,
    ResultType,
    SupplementRule,
    TimeUnit,
)
from motcua.catalogue.compare import DRAFT, Side, compare_defaults, procedure_compare
from motcua.catalogue.diff import version_diff
from motcua.catalogue.errors import NothingToPublish, PublishRefused, SpecError, StaleDraft
from motcua.catalogue.models import Procedure
from motcua.catalogue.records import spec_from_procedure
from motcua.catalogue.selectors import (
    agency_options,
    has_unpublished_changes,
    procedure_draft_list,
    procedure_get_draft,
    procedure_lint_problems,
    procedure_version_list,
    sector_list,
)
from motcua.catalogue.services import procedure_draft_save, procedure_publish, procedure_review_record
from motcua.catalogue.services.drafts import EDITOR_JSON_PARTS
from motcua.catalogue.spec import COMMUNE_AGENCY, Problem, spec_to_dict
from motcua.core.audit import audit_record

from ..access import staff_required

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
JSON_WIDGET = forms.Textarea(attrs={"rows": 10, "class": "cat-json", "spellcheck": "false"})
JSON_FIELDS = EDITOR_JSON_PARTS
STATES = [
    ("", _("Tất cả")),
    ("unpublished", _("Chưa công bố")),
    ("changed", _("Có thay đổi chưa công bố")),
    ("published", _("Đã công bố, không đổi")),
]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # staff_required let only authenticated users in  # noqa: S101
    return user


def _deny(request: HttpRequest) -> PermissionDenied:
    audit_record(action="access.denied", actor=request.user, data={"path": request.path})
    return PermissionDenied()


def _draft_or_404(code: str) -> Procedure:
    procedure = procedure_get_draft(code=code)
    if procedure is None:
        raise Http404
    return procedure


class ProcedureForm(forms.Form):
    code = forms.CharField(
        label=_("Mã thủ tục"), max_length=50, help_text=_("Ví dụ 1.004616; không đổi được sau khi tạo.")
    )
    name = forms.CharField(label=_("Tên thủ tục"), max_length=500)
    sector = forms.ChoiceField(label=_("Lĩnh vực"))
    level = forms.ChoiceField(label=_("Cấp thực hiện"), choices=ProcedureLevel.choices)
    agency = forms.ChoiceField(label=_("Cơ quan thực hiện"))
    resolving_unit = forms.ChoiceField(label=_("Đơn vị giải quyết"), choices=ResolvingRule.choices)
    applicant_types = forms.MultipleChoiceField(
        label=_("Đối tượng thực hiện"), choices=ApplicantType.choices, widget=forms.CheckboxSelectMultiple
    )
    result_type = forms.ChoiceField(label=_("Loại kết quả"), choices=ResultType.choices)
    result_name = forms.CharField(label=_("Tên kết quả"), max_length=500, required=False)
    time_limit_amount = forms.DecimalField(
        label=_("Thời hạn giải quyết"),
        max_digits=7,
        decimal_places=2,
        min_value=0,
        help_text=_("0 với “trong ngày”."),
    )
    time_limit_unit = forms.ChoiceField(label=_("Đơn vị thời hạn"), choices=TimeUnit.choices)
    time_limit_after_cutoff = forms.BooleanField(
        label=_("Hồ sơ nhận sau giờ chốt tính sang ngày làm việc sau"), required=False
    )
    time_limit_cutoff = forms.TimeField(label=_("Giờ chốt"), required=False, widget=TIME_WIDGET)
    supplement_rule = forms.ChoiceField(label=_("Khi bổ sung hồ sơ"), choices=SupplementRule.choices)
    online_level = forms.ChoiceField(label=_("Mức độ dịch vụ công trực tuyến"), choices=OnlineLevel.choices)
    full_online_eligible = forms.BooleanField(label=_("Đủ điều kiện trực tuyến toàn trình"), required=False)
    requirements = forms.CharField(
        label=_("Yêu cầu, điều kiện"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    keywords = forms.CharField(
        label=_("Từ khóa tìm kiếm"), required=False, help_text=_("Cách nhau bằng dấu phẩy.")
    )
    receiving_points = forms.CharField(
        label=_("Điểm tiếp nhận"),
        required=False,
        help_text=_("Mã đơn vị, cách nhau bằng dấu phẩy. Để trống: mọi điểm tiếp nhận một cửa của tỉnh."),
    )
    decision_number = forms.CharField(label=_("Số quyết định công bố"), max_length=100, required=False)
    decision_date = forms.DateField(label=_("Ngày quyết định công bố"), required=False, widget=DATE_WIDGET)
    published_on = forms.DateField(
        label=_("Ngày công khai trên CSDL quốc gia"), required=False, widget=DATE_WIDGET
    )
    illustrative = forms.BooleanField(
        label=_("Có dữ liệu minh họa (chưa phải nguồn chính thức)"), required=False
    )
    source_note = forms.CharField(
        label=_("Ghi chú nguồn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    components = forms.CharField(
        label=_("Thành phần hồ sơ (JSON)"),
        required=False,
        widget=JSON_WIDGET,
        help_text=_(
            "Danh sách theo định dạng trao đổi: name, originals, copies, required, document_type, template, template_url."
        ),
    )
    fees = forms.CharField(
        label=_("Phí, lệ phí (JSON)"),
        required=False,
        widget=JSON_WIDGET,
        help_text=_(
            "Danh sách: name, kind (fee|charge), amount (đồng), condition, exemption, due. [] = không thu."
        ),
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý (JSON)"),
        required=False,
        widget=JSON_WIDGET,
        help_text=_('Danh sách chuỗi, hoặc {"title": …, "effective_date": "YYYY-MM-DD"}.'),
    )
    process = forms.CharField(
        label=_("Quy trình nội bộ (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "cat-json", "spellcheck": "false"}),
        help_text=_('{"steps": […], "actions": […]} theo định dạng trao đổi; bước kết thúc là END.'),
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, procedure: Procedure | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        sector_field = self.fields["sector"]
        assert isinstance(sector_field, forms.ChoiceField)  # noqa: S101
        sector_field.choices = [(s.code, f"{s.name} ({s.code})") for s in sector_list()]
        editable = catalogue_editable_agencies(user=user)
        agencies = [(u.code, f"{u.name} ({u.code})") for u in agency_options(within=editable)]
        if editable is None:
            agencies.insert(0, (COMMUNE_AGENCY, str(_("Ủy ban nhân dân cấp xã (thủ tục cấp xã)"))))
        if procedure is not None:
            current = procedure.agency.code if procedure.agency else COMMUNE_AGENCY
            if current not in {code for code, _label in agencies}:
                agencies.insert(0, (current, procedure.agency.name if procedure.agency else current))
            self.fields["code"].disabled = True
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ChoiceField)  # noqa: S101
        agency_field.choices = agencies

    def _clean_json(self, name: str, kind: type) -> Any:
        text = (self.cleaned_data.get(name) or "").strip()
        if not text:
            return {} if kind is dict else []
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise forms.ValidationError(
                _g("Không phải JSON hợp lệ (dòng %(line)s, cột %(col)s): %(error)s")
                % {
                    "line": getattr(exc, "lineno", "?"),
                    "col": getattr(exc, "colno", "?"),
                    "error": getattr(exc, "msg", exc),
                },
                code="json_invalid",
            ) from None
        if not isinstance(value, kind):
            raise forms.ValidationError(
                _g("Phải là một danh sách […].") if kind is list else _g("Phải là một đối tượng {…}."),
                code="json_shape",
            )
        return value

    def clean_components(self) -> Any:
        return self._clean_json("components", list)

    def clean_fees(self) -> Any:
        return self._clean_json("fees", list)

    def clean_legal_basis(self) -> Any:
        return self._clean_json("legal_basis", list)

    def clean_process(self) -> Any:
        return self._clean_json("process", dict)

    def raw(self) -> dict[str, Any]:
        """The exchange-format object of the form's data (call after ``is_valid``)."""
        d = self.cleaned_data
        split = [item.strip() for item in (d.get("receiving_points") or "").replace(";", ",").split(",")]
        return {
            "code": self.procedure.code if self.procedure is not None else d["code"],
            "name": d["name"],
            "sector": {"code": d["sector"]},
            "level": d["level"],
            "agency": d["agency"],
            "resolving_unit": d["resolving_unit"],
            "applicant_types": list(d["applicant_types"]),
            "result_type": d["result_type"],
            "result_name": d.get("result_name") or "",
            "time_limit": {
                "amount": float(d["time_limit_amount"]),
                "unit": d["time_limit_unit"],
                "after_cutoff": bool(d.get("time_limit_after_cutoff")),
                "cutoff": d["time_limit_cutoff"].strftime("%H:%M") if d.get("time_limit_cutoff") else None,
            },
            "supplement_rule": d["supplement_rule"],
            "online_level": d["online_level"],
            "full_online_eligible": bool(d.get("full_online_eligible")),
            "fees": d["fees"],
            "components": d["components"],
            "requirements": d.get("requirements") or "",
            "legal_basis": d["legal_basis"],
            "publication": {
                "decision_number": d.get("decision_number") or "",
                "decision_date": d["decision_date"].isoformat() if d.get("decision_date") else None,
                "published_on": d["published_on"].isoformat() if d.get("published_on") else None,
            },
            "process": d["process"],
            "keywords": [k.strip() for k in (d.get("keywords") or "").split(",") if k.strip()],
            "receiving_points": [item for item in split if item],
            "illustrative": bool(d.get("illustrative")),
            "source_note": d.get("source_note") or "",
        }

    def add_problems(self, problems: list[Problem]) -> None:
        """Show each problem on the field it concerns; JSON fields get the path inside the JSON."""
        for problem in problems:
            head = problem.path.split(".", 1)[0].split("[", 1)[0]
            rest = problem.path[len(head) :].lstrip(".")
            if head == "time_limit":
                field = "time_limit_cutoff" if rest == "cutoff" else "time_limit_amount"
                message = problem.message
            elif head == "publication":
                field = (
                    rest
                    if rest in ("decision_number", "decision_date", "published_on")
                    else "decision_number"
                )
                message = problem.message
            elif head in JSON_FIELDS:
                field = head
                inner = problem.path[len("process.") :] if head == "process" else problem.path
                message = f"{inner}: {problem.message}"
            elif head in self.fields:
                field = head
                message = f"{rest}: {problem.message}" if rest else problem.message
            else:
                field, message = None, str(problem)
            if field == "code" and self.procedure is not None:
                field = None  # the code cannot be edited: show the problem above the form
            self.add_error(field, message)


def _initial(procedure: Procedure) -> dict[str, Any]:
    data = spec_to_dict(spec_from_procedure(procedure), include_reviews=False)
    limit, pub = data["time_limit"], data["publication"]

    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2)

    return {
        "code": data["code"],
        "name": data["name"],
        "sector": data["sector"]["code"],
        "level": data["level"],
        "agency": data["agency"],
        "resolving_unit": data["resolving_unit"],
        "applicant_types": data["applicant_types"],
        "result_type": data["result_type"],
        "result_name": data["result_name"],
        "time_limit_amount": limit["amount"],
        "time_limit_unit": limit["unit"],
        "time_limit_after_cutoff": limit["after_cutoff"],
        "time_limit_cutoff": limit["cutoff"],
        "supplement_rule": data["supplement_rule"],
        "online_level": data["online_level"],
        "full_online_eligible": data["full_online_eligible"],
        "requirements": data["requirements"],
        "keywords": ", ".join(data["keywords"]),
        "receiving_points": ", ".join(data["receiving_points"]),
        "decision_number": pub["decision_number"],
        "decision_date": pub["decision_date"],
        "published_on": pub["published_on"],
        "illustrative": data["illustrative"],
        "source_note": data["source_note"],
        "components": dumps(data["components"]),
        "fees": dumps(data["fees"]),
        "legal_basis": dumps(data["legal_basis"]),
        "process": dumps(data["process"]),
        "revision": procedure.draft_revision,
    }


NEW_INITIAL = {
    "level": ProcedureLevel.PROVINCE,
    "resolving_unit": ResolvingRule.AGENCY,
    "applicant_types": [ApplicantType.CITIZEN],
    "result_type": ResultType.PAPER,
    "time_limit_unit": TimeUnit.WORKING_DAYS,
    "supplement_rule": SupplementRule.EXCLUDE_WAIT,
    "online_level": OnlineLevel.NONE,
    "components": "[]",
    "fees": "[]",
    "legal_basis": "[]",
    "process": json.dumps(
        {
            "steps": [
                {
                    "code": "TN",
                    "name": "Tiếp nhận hồ sơ",
                    "role": "one_stop_officer",
                    "unit": "receiving",
                    "budget": {"amount": 4, "unit": "working_hours"},
                    "inter_agency": False,
                    "can_request_supplement": True,
                }
            ],
            "actions": [],
        },
        ensure_ascii=False,
        indent=2,
    ),
}


def _save(request: HttpRequest, form: ProcedureForm) -> Procedure | None:
    """Save the form through the editor's service; put every problem on the form."""
    try:
        return procedure_draft_save(
            actor=_user(request),
            raw=form.raw(),
            procedure=form.procedure,
            expected_revision=form.cleaned_data.get("revision"),
        )
    except SpecError as exc:
        form.add_problems(exc.problems)
    except StaleDraft as exc:
        form.add_error(None, exc.message)
    return None


@staff_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    state = request.GET.get("state", "")
    state = state if state in dict(STATES) else ""
    paginator = Paginator(procedure_draft_list(q=q, state=state), 50)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "state": state,
        "states": STATES,
        "can_create": catalogue_can_edit(user=_user(request)),
    }
    return render(request, "backoffice/catalogue/list.html", context)


@staff_required
def procedure_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not catalogue_can_edit(user=user):
        raise _deny(request)
    form = ProcedureForm(request.POST or None, user=user, initial=NEW_INITIAL)
    if request.method == "POST" and form.is_valid():
        procedure = _save(request, form)
        if procedure is not None:
            messages.success(request, _g("Đã tạo bản nháp thủ tục %(code)s.") % {"code": procedure.code})
            return redirect("backoffice:procedure_detail", procedure.code)
    return render(request, "backoffice/catalogue/form.html", {"form": form, "procedure": None})


@staff_required
def procedure_edit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _draft_or_404(code)
    user = _user(request)
    if not procedure_can_edit(user=user, procedure=procedure):
        raise _deny(request)
    form = ProcedureForm(request.POST or None, user=user, procedure=procedure, initial=_initial(procedure))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form)
        if saved is not None:
            messages.success(request, _g("Đã lưu bản nháp (lần sửa %(n)s).") % {"n": saved.draft_revision})
            return redirect("backoffice:procedure_detail", saved.code)
    return render(request, "backoffice/catalogue/form.html", {"form": form, "procedure": procedure})


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Ngày rà soát"), widget=DATE_WIDGET)
    reviewed_by = forms.CharField(label=_("Người, đơn vị rà soát"), max_length=200)
    simplification_proposed = forms.BooleanField(label=_("Đề xuất đơn giản hóa"), required=False)
    note = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


@staff_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _draft_or_404(code)
    user = _user(request)
    spec = spec_from_procedure(procedure)
    versions = procedure_version_list(code=procedure.code)
    current = procedure.current_version
    changed = has_unpublished_changes(procedure)
    draft_diff = (
        version_diff(current.snapshot, spec_to_dict(spec, include_reviews=False))
        if current and changed
        else None
    )
    context = {
        "procedure": procedure,
        "spec": spec,
        "problems": procedure_lint_problems(procedure=procedure, spec=spec),
        "versions": versions,
        "changed": changed,
        "draft_diff": draft_diff,
        "reviews": sorted(procedure.reviews.all(), key=lambda r: (r.reviewed_on, r.pk), reverse=True),
        "can_edit": procedure_can_edit(user=user, procedure=procedure),
        "review_form": ReviewForm(
            initial={"reviewed_on": timezone.localdate(), "reviewed_by": user.full_name}
        ),
    }
    return render(request, "backoffice/catalogue/detail.html", context)


@staff_required
@require_POST
def procedure_publish_view(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _draft_or_404(code)
    user = _user(request)
    if not procedure_can_edit(user=user, procedure=procedure):
        raise _deny(request)
    try:
        version = procedure_publish(actor=user, procedure=procedure, note=request.POST.get("note", "")[:2000])
    except PublishRefused as exc:
        messages.error(request, exc.message)
        for problem in exc.problems:
            messages.error(request, problem.message)
    except NothingToPublish as exc:
        messages.info(request, exc.message)
    else:
        messages.success(
            request,
            _g("Đã công bố phiên bản %(n)s của thủ tục %(code)s.")
            % {"n": version.number, "code": procedure.code},
        )
    return redirect("backoffice:procedure_detail", procedure.code)


@staff_required
@require_POST
def procedure_review_view(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _draft_or_404(code)
    user = _user(request)
    if not procedure_can_edit(user=user, procedure=procedure):
        raise _deny(request)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            procedure_review_record(actor=user, procedure=procedure, **form.cleaned_data)
        except SpecError as exc:
            for problem in exc.problems:
                messages.error(request, problem.message)
        else:
            messages.success(request, _g("Đã ghi nhận kết quả rà soát."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("backoffice:procedure_detail", procedure.code)


@staff_required
def procedure_diff(request: HttpRequest, code: str) -> HttpResponse:
    """Compare two versions (``?from=1&to=2``), or a version with the draft (``to=draft``). By default:
    the previous version with the current one, or the current version with the draft when it changed."""
    procedure = _draft_or_404(code)
    versions = procedure_version_list(code=procedure.code)
    numbers = [v.number for v in versions]

    def pick(name: str, default: Side) -> Side:
        value = request.GET.get(name)
        if value == DRAFT:
            return DRAFT
        if value and value.isdigit() and int(value) in numbers:
            return int(value)
        return default

    default_source, default_target = compare_defaults(procedure, numbers)
    source, target = pick("from", default_source), pick("to", default_target)
    diff = procedure_compare(procedure=procedure, source=source, target=target)
    context = {
        "procedure": procedure,
        "versions": versions,
        "source": source,
        "target": target,
        "diff": diff,
    }
    return render(request, "backoffice/catalogue/diff.html", context)
