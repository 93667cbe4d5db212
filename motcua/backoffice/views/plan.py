"""Back office for the province's reform plan (targets T01–T20): the scorecard, one target in detail,
entering a figure with its source document, the plan tasks of the key units with their progress reports,
and the compliance-cost estimates of procedure reviews.

Every staff member may read. Entering figures and assigning tasks is for province-level administrators and
leaders; a task's progress may also be reported by its unit's leaders; a review's cost by whoever may edit
the procedure (``motcua.reporting.plan.access``: ``plan_can_enter``, ``plan_can_report``, ``plan_can_cost``).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.core.audit import audit_record
from motcua.reporting.plan.access import plan_can_cost, plan_can_enter, plan_can_report
from motcua.reporting.plan.errors import PlanInputError, PlanNotAllowed
from motcua.reporting.plan.reviews import (
    plan_review_get,
    plan_review_list,
    plan_sector_options,
    procedure_yearly_dossiers,
    review_cost_of,
)
from motcua.reporting.plan.selectors import (
    plan_scorecard,
    plan_status_counts,
    plan_target_detail,
    plan_target_get,
    plan_target_list,
    plan_unit_options,
)
from motcua.reporting.plan.services import (
    CostSide,
    measurement_enter,
    plan_file,
    plan_task_create,
    plan_task_report,
    review_cost_save,
)
from motcua.reporting.plan.tasks import plan_key_units, plan_task_get, plan_task_list
from motcua.reporting.plan.values import (
    ORIGIN_LABELS,
    STATUS_LABELS,
    plan_default_year,
    plan_series,
    plan_years,
)
from motcua.reporting.plan_models import PlanTarget, PlanTaskStatus

from ..access import staff_required

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TASK_FILTERS = [
    ("", _("Tất cả")),
    (PlanTaskStatus.NOT_STARTED, PlanTaskStatus.NOT_STARTED.label),
    (PlanTaskStatus.IN_PROGRESS, PlanTaskStatus.IN_PROGRESS.label),
    (PlanTaskStatus.DONE, PlanTaskStatus.DONE.label),
    ("overdue", _("Quá hạn")),
]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # staff_required let only authenticated users in  # noqa: S101
    return user


def _deny(request: HttpRequest) -> PermissionDenied:
    audit_record(action="access.denied", actor=request.user, data={"path": request.path})
    return PermissionDenied()


def _year(request: HttpRequest) -> int:
    """The ``year`` asked for, or the default one when it is missing or outside the plan's years."""
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in plan_years():
        return int(raw)
    return plan_default_year()


def _target_or_404(code: str) -> PlanTarget:
    target = plan_target_get(code)
    if target is None:
        raise Http404
    return target


def _apply_errors(form: forms.Form, exc: PlanInputError) -> None:
    for name, problems in exc.errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


# -- the scorecard --------------------------------------------------------------------------------------------


@staff_required
def scorecard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = plan_scorecard(year)
    return render(
        request,
        "backoffice/plan/scorecard.html",
        {
            "year": year,
            "years": plan_years(),
            "rows": rows,
            "counts": plan_status_counts(rows),
            "trend_years": plan_years(),
            "illustrative": any(v.illustrative for r in rows for v in r.trend),
            "can_enter": plan_can_enter(user=_user(request)),
        },
    )


@staff_required
def target_detail(request: HttpRequest, code: str) -> HttpResponse:
    target = _target_or_404(code)
    year = _year(request)
    detail = plan_target_detail(target, year)
    return render(
        request,
        "backoffice/plan/target.html",
        {
            "target": target,
            "year": year,
            "years": plan_years(),
            "detail": detail,
            "row": detail.row,
            "current": detail.row.current,
            "breakdown": detail.breakdown,
            "can_enter": plan_can_enter(user=_user(request)) and bool(detail.series),
            "status_labels": STATUS_LABELS,
            "origin_labels": ORIGIN_LABELS,
        },
    )


class MeasurementForm(forms.Form):
    series = forms.ChoiceField(label=_("Chỉ tiêu"))
    year = forms.TypedChoiceField(label=_("Năm"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Đơn vị"), coerce=int, required=False, empty_value=None)
    value = forms.DecimalField(
        label=_("Giá trị"),
        max_digits=14,
        decimal_places=4,
        localize=True,
        help_text=_("Tỷ lệ, điểm: số từ 0 đến 100 (ví dụ 91,25). Số lượng: số nguyên."),
    )
    total = forms.DecimalField(
        label=_("Trên tổng số"),
        max_digits=14,
        decimal_places=0,
        localize=True,
        required=False,
        help_text=_("Chỉ với chỉ tiêu tính tỷ lệ: tổng số (mẫu số), ví dụ số văn bản phải rà soát."),
    )
    rank = forms.IntegerField(label=_("Xếp hạng toàn quốc"), required=False, min_value=1)
    classification = forms.CharField(
        label=_("Xếp loại"),
        max_length=100,
        required=False,
        help_text=_(
            "Với đánh giá hằng năm: xếp loại đơn vị và người đứng đầu, ví dụ “Hoàn thành tốt nhiệm vụ”."
        ),
    )
    source_title = forms.CharField(
        label=_("Văn bản nguồn"),
        max_length=500,
        help_text=_("Tên văn bản, báo cáo công bố số liệu, ví dụ “Quyết định công bố Chỉ số CCHC năm 2024”."),
    )
    source_number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)
    source_date = forms.DateField(label=_("Ngày văn bản"), widget=DATE_WIDGET)
    file = forms.FileField(
        label=_("Tệp văn bản (PDF, JPEG, PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, target: PlanTarget, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        series = plan_series(target)
        cast(forms.ChoiceField, self.fields["series"]).choices = [(s.key, s.label) for s in series]
        cast(forms.ChoiceField, self.fields["year"]).choices = [
            (y, y) for y in plan_years() if y <= timezone.localdate().year
        ]
        per_unit = any(s.per_unit for s in series)
        if per_unit:
            units = plan_unit_options(target, year)
            cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("— Chọn đơn vị —"))] + [
                (u.pk, f"{u.code} — {u.name}") for u in units
            ]
            self.fields["unit"].help_text = _("Danh sách đơn vị của năm %(year)s.") % {"year": year}
        else:
            del self.fields["unit"]
        if not any(s.rank for s in series):
            del self.fields["rank"]
        if not any(s.classification for s in series):
            del self.fields["classification"]
        if not any(s.measure == "ratio" for s in series):
            del self.fields["total"]


@staff_required
def measurement_new(request: HttpRequest, code: str) -> HttpResponse:
    target = _target_or_404(code)
    user = _user(request)
    if not plan_can_enter(user=user):
        raise _deny(request)
    series = plan_series(target)
    raw = request.POST.get("year", "") if request.method == "POST" else request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in plan_years() else plan_default_year()
    initial = {"year": year, "series": request.GET.get("series") or (series[0].key if series else "")}
    form = MeasurementForm(
        request.POST or None, request.FILES or None, target=target, year=year, initial=initial
    )
    if request.method == "POST" and series and form.is_valid():
        data = form.cleaned_data
        units = {u.pk: u for u in plan_unit_options(target, data["year"])} if "unit" in form.fields else {}
        try:
            measurement_enter(
                actor=user,
                target=target,
                series=data["series"],
                year=data["year"],
                value=data["value"],
                total=data.get("total"),
                rank=data.get("rank"),
                unit=units.get(data["unit"]) if data.get("unit") else None,
                classification=data.get("classification") or "",
                source_title=data["source_title"],
                source_number=data["source_number"],
                source_date=data["source_date"],
                upload=data.get("file"),
                note=data["note"],
            )
        except PlanInputError as exc:
            _apply_errors(form, exc)
        except PlanNotAllowed as exc:
            raise _deny(request) from exc
        else:
            messages.success(
                request,
                _g("Đã ghi nhận số liệu của %(code)s năm %(year)s.")
                % {"code": target.code, "year": data["year"]},
            )
            return redirect(f"{_target_url(target)}?year={data['year']}")
    return render(
        request,
        "backoffice/plan/measure.html",
        {"target": target, "form": form, "series": series, "year": year},
        status=400 if request.method == "POST" else 200,
    )


def _target_url(target: PlanTarget) -> str:
    return reverse("backoffice:plan_target", args=[target.code])


# -- plan tasks --------------------------------------------------------------------------------------------------


@staff_required
def task_list(request: HttpRequest) -> HttpResponse:
    unit = request.GET.get("unit", "")
    status = request.GET.get("status", "")
    groups = plan_task_list(unit_code=unit, status=status)
    return render(
        request,
        "backoffice/plan/tasks.html",
        {
            "groups": groups,
            "unit": unit,
            "status": status,
            "filters": TASK_FILTERS,
            "units": plan_key_units(),
            "today": timezone.localdate(),
            "can_create": plan_can_enter(user=_user(request)),
        },
    )


class TaskForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Đơn vị chủ trì"), coerce=int)
    target = forms.ChoiceField(label=_("Phục vụ mục tiêu"), required=False)
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500)
    description = forms.CharField(
        label=_("Nội dung, sản phẩm"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Thời hạn hoàn thành"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in plan_key_units()}
        self.targets = {t.code: t for t in plan_target_list()}
        cast(forms.ChoiceField, self.fields["unit"]).choices = [("", _("— Chọn đơn vị —"))] + [
            (u.pk, f"{u.code} — {u.name}") for u in self.units.values()
        ]
        cast(forms.ChoiceField, self.fields["target"]).choices = [("", _("— Không gắn mục tiêu —"))] + [
            (t.code, f"{t.code} — {t.title}") for t in self.targets.values()
        ]


@staff_required
def task_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not plan_can_enter(user=user):
        raise _deny(request)
    form = TaskForm(request.POST or None, initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            task = plan_task_create(
                actor=user,
                unit=form.units.get(data["unit"]),
                title=data["title"],
                deadline=data["deadline"],
                target=form.targets.get(data["target"]) if data["target"] else None,
                description=data["description"],
            )
        except PlanInputError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _g("Đã giao nhiệm vụ cho %(unit)s.") % {"unit": task.unit.name})
            return redirect("backoffice:plan_task", task.pk)
    return render(
        request,
        "backoffice/plan/task_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


class ReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Ngày báo cáo"), widget=DATE_WIDGET)
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Tình trạng"), choices=PlanTaskStatus.choices)
    text = forms.CharField(label=_("Kết quả thực hiện"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label=_("Tệp minh chứng (PDF, JPEG, PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


@staff_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = plan_task_get(pk)
    if task is None:
        raise Http404
    user = _user(request)
    can_report = plan_can_report(user=user, task=task)
    form = None
    status = 200
    if can_report:
        initial = {"reported_on": timezone.localdate(), "progress": task.progress, "status": task.status}
        form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        if form is None:
            raise _deny(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan_task_report(
                    actor=user,
                    task=task,
                    reported_on=data["reported_on"],
                    progress=data["progress"],
                    status=data["status"],
                    text=data["text"],
                    upload=data.get("evidence"),
                )
            except PlanInputError as exc:
                _apply_errors(form, exc)
            except PlanNotAllowed as exc:
                raise _deny(request) from exc
            else:
                messages.success(request, _g("Đã ghi nhận báo cáo tiến độ."))
                return redirect("backoffice:plan_task", task.pk)
        status = 400
    return render(
        request,
        "backoffice/plan/task.html",
        {"task": task, "form": form, "today": timezone.localdate(), "reports": list(task.reports.all())},
        status=status,
    )


# -- procedure reviews and their compliance cost ------------------------------------------------------------------


@staff_required
def review_list(request: HttpRequest) -> HttpResponse:
    sector = request.GET.get("sector", "")
    q = request.GET.get("q", "").strip()[:200]
    reviews = plan_review_list(sector=sector, q=q)
    page = Paginator(reviews, 25).get_page(request.GET.get("page"))
    user = _user(request)
    items = [(r, plan_can_cost(user=user, review=r)) for r in page.object_list]
    return render(
        request,
        "backoffice/plan/reviews.html",
        {"page": page, "items": items, "sector": sector, "q": q, "sectors": plan_sector_options()},
    )


class CostForm(forms.Form):
    before_hours = forms.DecimalField(
        label=_("Thời gian (giờ)"), max_digits=8, decimal_places=2, min_value=0, localize=True
    )
    before_wage_rate = forms.IntegerField(label=_("Chi phí một giờ công (đồng)"), min_value=0)
    before_fees = forms.IntegerField(label=_("Phí, lệ phí (đồng)"), min_value=0, initial=0, required=False)
    before_travel = forms.IntegerField(
        label=_("Đi lại, chi phí khác (đồng)"), min_value=0, initial=0, required=False
    )
    after_hours = forms.DecimalField(
        label=_("Thời gian (giờ)"), max_digits=8, decimal_places=2, min_value=0, localize=True
    )
    after_wage_rate = forms.IntegerField(label=_("Chi phí một giờ công (đồng)"), min_value=0)
    after_fees = forms.IntegerField(label=_("Phí, lệ phí (đồng)"), min_value=0, initial=0, required=False)
    after_travel = forms.IntegerField(
        label=_("Đi lại, chi phí khác (đồng)"), min_value=0, initial=0, required=False
    )
    yearly_dossiers = forms.IntegerField(
        label=_("Số hồ sơ một năm"),
        min_value=0,
        required=False,
        help_text=_("Để tính chi phí tiết kiệm một năm; gợi ý theo số hồ sơ tiếp nhận năm trước."),
    )
    note = forms.CharField(
        label=_("Cách ước tính, nguồn số liệu"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


@staff_required
def review_cost(request: HttpRequest, pk: int) -> HttpResponse:
    review = plan_review_get(pk)
    if review is None:
        raise Http404
    user = _user(request)
    if not plan_can_cost(user=user, review=review):
        raise _deny(request)
    cost = review_cost_of(review)
    if cost is not None:
        initial: dict[str, Any] = {
            name: getattr(cost, name) for name in CostForm.base_fields if hasattr(cost, name)
        }
    else:
        initial = {"yearly_dossiers": procedure_yearly_dossiers(review.procedure) or None}
    form = CostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            review_cost_save(
                actor=user,
                review=review,
                before=CostSide(
                    d["before_hours"], d["before_wage_rate"], d["before_fees"], d["before_travel"]
                ),
                after=CostSide(d["after_hours"], d["after_wage_rate"], d["after_fees"], d["after_travel"]),
                yearly_dossiers=d["yearly_dossiers"],
                note=d["note"],
            )
        except PlanInputError as exc:
            _apply_errors(form, exc)
        except PlanNotAllowed as exc:
            raise _deny(request) from exc
        else:
            messages.success(request, _g("Đã lưu ước tính chi phí tuân thủ."))
            return redirect("backoffice:plan_reviews")
    return render(
        request,
        "backoffice/plan/review_cost.html",
        {"review": review, "cost": cost, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# -- files ------------------------------------------------------------------------------------------------------


@staff_required
def evidence_file(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A measurement's source document or a task report's evidence (staff only)."""
    found = plan_file(kind, pk)
    if found is None:
        raise Http404
    field, name, _sha = found
    try:
        handle = field.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(handle, filename=name, as_attachment=False)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return cast(HttpResponse, response)


__all__ = [
    "evidence_file",
    "measurement_new",
    "review_cost",
    "review_list",
    "scorecard",
    "target_detail",
    "task_detail",
    "task_list",
    "task_new",
]
