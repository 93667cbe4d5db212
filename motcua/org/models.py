"""The organisation tree: province, agencies, divisions, one-stop centres, communes — over time."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import TimeStampedModel
from motcua.core.text import fold


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
    """

    code = models.CharField(_("mã định danh điện tử"), max_length=35, unique=True)
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
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.search_text = fold(f"{self.name} {self.short_name} {self.code}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )
