"""The organisation tree: province, agencies, divisions, one-stop centres, communes — over time."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.core.text import fold

from .codes import ORG_CODE_MAX_LENGTH, normalize_org_code, org_code_parent

# How far up the parent links clean() walks before calling the tree broken (real trees are ~4 deep).
MAX_TREE_DEPTH = 32


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    AGENCY = "agency", _("Sở, ban, ngành")
    VERTICAL_AGENCY = "vertical_agency", _("Cơ quan ngành dọc")
    DIVISION = "division", _("Phòng, đơn vị trực thuộc")
    ONE_STOP_CENTRE = "one_stop_centre", _("Trung tâm / bộ phận một cửa")
    COMMUNE = "commune", _("Xã, phường")
    DISTRICT = "district", _("Huyện, thị xã, thành phố (trước 01/7/2025)")


class OrgUnitQuerySet(models.QuerySet["OrgUnit"]):
    def valid_on(self, day: dt.date) -> OrgUnitQuerySet:
        return self.filter(models.Q(valid_from__lte=day) | models.Q(valid_from__isnull=True)).filter(
            models.Q(valid_to__gte=day) | models.Q(valid_to__isnull=True)
        )


class OrgUnit(TimeStampedModel):
    """A unit of the province's organisation, identified by its electronic code (Decision 20/2020).

    Codes are stored in the left-to-right form (``H56.14``); the reversed QCVN 102 form
    (``000.00.14.H56``) is accepted on input and normalised by ``motcua.org.codes``.

    A unit is valid from ``valid_from`` to ``valid_to`` inclusive (None = open). When it ends,
    ``successor`` names the one unit that carries it on (for an abolished district, the commune or ward
    that took its seat); real successions are often many-to-many, so old records keep their historic
    unit and reports roll history up along these links (``selectors.orgunit_successor_on``).
    """

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=ORG_CODE_MAX_LENGTH,
        unique=True,
        help_text=_("Theo Quyết định 20/2020/QĐ-TTg, ví dụ H56.19; nhận cả dạng cũ 000.00.19.H56."),
    )
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    has_one_stop = models.BooleanField(_("có bộ phận một cửa"), default=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("id")),
                name="orgunit_not_own_successor",
            ),
            models.CheckConstraint(
                condition=models.Q(successor__isnull=True) | models.Q(valid_to__isnull=False),
                name="orgunit_successor_needs_end",
                violation_error_message=_("Chỉ đơn vị đã hết hiệu lực mới có đơn vị kế thừa."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Rules a unit must follow before it is saved (services and forms call ``full_clean``).

        - the code is normalised to the Decision 20/2020 form (both forms are accepted on input);
        - a child's code is its parent's code plus one group (``H56.19`` → ``H56.19.02``);
        - a unit is not its own ancestor;
        - the validity range is ordered;
        - a successor is another unit, named only once this unit has ended, and still valid after that end.
        """
        errors: dict[str, list[ValidationError]] = {}
        code_ok = True
        try:
            self.code = normalize_org_code(self.code)
        except ValidationError as exc:
            code_ok = False
            errors.setdefault("code", []).append(exc)
        parent = self._related("parent")
        if parent is not None:
            if code_ok:
                self._check_code_extends(parent, errors)
            self._check_not_own_ancestor(parent, errors)
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors.setdefault("valid_to", []).append(
                ValidationError(
                    _("Ngày hết hiệu lực (%(end)s) phải sau ngày bắt đầu hiệu lực (%(start)s)."),
                    code="org_unit_valid_range",
                    params={"end": self.valid_to, "start": self.valid_from},
                )
            )
        successor = self._related("successor")
        if successor is not None:
            self._check_successor(successor, errors)
        if errors:
            raise ValidationError(errors)

    def _related(self, name: str) -> OrgUnit | None:
        """The parent or successor, or None when unset or pointing at a missing row (clean_fields
        reports that one)."""
        try:
            unit: OrgUnit | None = getattr(self, name)
        except OrgUnit.DoesNotExist:
            return None
        return unit

    def _check_code_extends(self, parent: OrgUnit, errors: dict[str, list[ValidationError]]) -> None:
        if org_code_parent(self.code) != parent.code:
            errors.setdefault("code", []).append(
                ValidationError(
                    _(
                        "Mã định danh điện tử “%(code)s” phải là mã của đơn vị cấp trên “%(parent)s” "
                        "thêm một nhóm 2–3 chữ số (ví dụ %(parent)s.01)."
                    ),
                    code="org_code_parent_prefix",
                    params={"code": self.code, "parent": parent.code},
                )
            )

    def _check_not_own_ancestor(self, parent: OrgUnit, errors: dict[str, list[ValidationError]]) -> None:
        ancestor: OrgUnit | None = parent
        seen: set[int] = set()
        for _depth in range(MAX_TREE_DEPTH):
            if ancestor is None:
                return
            if ancestor is self or (self.pk is not None and ancestor.pk == self.pk) or ancestor.pk in seen:
                break
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
        errors.setdefault("parent", []).append(
            ValidationError(
                _("Đơn vị cấp trên không hợp lệ: một đơn vị không thể là cấp trên của chính nó."),
                code="org_unit_parent_cycle",
            )
        )

    def _check_successor(self, successor: OrgUnit, errors: dict[str, list[ValidationError]]) -> None:
        if successor is self or (self.pk is not None and successor.pk == self.pk):
            errors.setdefault("successor", []).append(
                ValidationError(
                    _("Một đơn vị không thể là đơn vị kế thừa của chính nó."), code="org_unit_own_successor"
                )
            )
            return
        if self.valid_to is None:
            errors.setdefault("successor", []).append(
                ValidationError(
                    _("Chỉ đơn vị đã có ngày hết hiệu lực mới có đơn vị kế thừa."),
                    code="org_unit_successor_needs_end",
                )
            )
            return
        if successor.valid_to is not None and successor.valid_to <= self.valid_to:
            errors.setdefault("successor", []).append(
                ValidationError(
                    _(
                        "Đơn vị kế thừa “%(successor)s” phải còn hiệu lực sau ngày %(end)s, "
                        "khi đơn vị này hết hiệu lực (đơn vị kế thừa hết hiệu lực ngày %(successor_end)s)."
                    ),
                    code="org_unit_successor_not_valid_after",
                    params={
                        "successor": successor.code,
                        "end": self.valid_to,
                        "successor_end": successor.valid_to,
                    },
                )
            )

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = fold(f"{self.name} {self.short_name} {self.code}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )
