"""The fact table of the scorecard: one row per grain × period × resolving unit × procedure."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models import Procedure
from motcua.org.models import OrgUnit

from .counters import COUNTERS


class Grain(models.TextChoices):
    DAY = "d", _("ngày")
    MONTH = "m", _("tháng")
    YEAR = "y", _("năm")


class DossierFact(models.Model):
    """Sums of the counters of ``counters.py`` for one day (or month, or year: the first day names it).

    Written only by ``motcua.reporting.facts_store`` — incrementally in the transaction of each dossier
    event, or all at once by ``motcua facts --rebuild`` — never edited by hand.
    """

    grain = models.CharField(_("cấp thời gian"), max_length=1, choices=Grain.choices)
    period = models.DateField(_("ngày đầu kỳ"))
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị giải quyết"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("số liệu tổng hợp")
        verbose_name_plural = _("số liệu tổng hợp")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "period", "unit", "procedure"], name="dossierfact_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} {self.unit_id} {self.procedure_id}"


class UnitFact(models.Model):
    """The same sums without the procedure: one row per grain × period × resolving unit.

    Written with ``DossierFact`` in the same statement (PostgreSQL) or transaction (SQLite); read for the
    figures per unit, where summing the procedure rows would read ten to a hundred times more rows.
    ``motcua facts --verify`` checks that it equals the procedure rows summed.
    """

    grain = models.CharField(_("cấp thời gian"), max_length=1, choices=Grain.choices)
    period = models.DateField(_("ngày đầu kỳ"))
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị giải quyết"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("số liệu tổng hợp theo đơn vị")
        verbose_name_plural = _("số liệu tổng hợp theo đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["grain", "period", "unit"], name="unitfact_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} {self.unit_id}"


# One integer column per counter, named as in ``counters.py`` (the single list of counters).
for _name in COUNTERS:
    DossierFact.add_to_class(_name, models.IntegerField(default=0))
    UnitFact.add_to_class(_name, models.IntegerField(default=0))


class DailyVisits(models.Model):
    """The portal's page views of one day (Asia/Ho_Chi_Minh): a total, nothing about who viewed.

    Counted in the cache per request and added here by ``motcua.reporting.visits.visits_flush``."""

    day = models.DateField(_("ngày"), unique=True)
    views = models.PositiveBigIntegerField(_("lượt truy cập"), default=0)

    class Meta:
        verbose_name = _("lượt truy cập trong ngày")
        verbose_name_plural = _("lượt truy cập theo ngày")

    def __str__(self) -> str:
        return f"{self.day} {self.views}"


from .plan_models import *  # noqa: E402,F403
