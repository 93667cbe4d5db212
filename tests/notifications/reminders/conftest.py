"""Fixtures for the reminder, invitation and template tests: the dossier fixtures (demo organisation and
accounts, a published procedure, a controlled clock) and a hand-built dossier in processing."""

import datetime as dt

from django.core.files.base import ContentFile

from motcua.dossiers import services as s
from motcua.dossiers.models import ComponentOrigin, Dossier, DossierStep
from motcua.notifications.models import Notification, Reminder
from motcua.org.models import OrgUnit
from tests.dossiers import conftest as _d

demo = _d.demo
people = _d.people
version = _d.version
clock = _d.clock
vn = _d.vn
staff_user = _d.staff_user


def centre():
    return OrgUnit.objects.get(code="H56.40")


def processing_dossier(people, version, clock, *, step_due=None, due=None, start=None):
    """Submitted, received and routed on Monday 2 March 2026 (or ``start``): the open step is "Thẩm định"
    at H56.19 (role specialist, nobody assigned). ``step_due`` / ``due`` set the step's and the dossier's
    due moments by hand."""
    start = start or vn(2026, 3, 2, 9, 0)
    clock(start)
    d = s.dossier_create_draft(
        applicant=people["citizen"], procedure_version=version, receiving_point=centre()
    )
    for component in d.components.filter(required=True):
        component.file.save(f"c{component.position}.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        component.origin = ComponentOrigin.UPLOAD
        component.save()
    d = s.dossier_submit(dossier=d, applicant=people["citizen"])
    clock.shift(hours=1)
    d = s.dossier_receive(
        dossier=d,
        officer=people["officer"],
        checked_component_ids=list(d.components.values_list("pk", flat=True)),
    )
    clock.shift(minutes=30)
    d = s.dossier_route(dossier=d, officer=people["officer"])
    step = d.steps.get(finished_at__isnull=True)
    if step_due is not None:
        DossierStep.objects.filter(pk=step.pk).update(due_at=step_due)
    if due is not None:
        Dossier.objects.filter(pk=d.pk).update(due_at=due)
    d.refresh_from_db()
    return d


def reminders(**filters):
    return list(Reminder.objects.filter(**filters).order_by("id"))


def told(topic, dossier=None):
    """Usernames that got a notification about ``topic`` (for ``dossier``), sorted."""
    qs = Notification.objects.filter(topic=topic)
    if dossier is not None:
        qs = qs.filter(related_type="dossiers.dossier", related_id=str(dossier.pk))
    return sorted(qs.values_list("recipient__username", flat=True))


def moment(*args):
    return dt.datetime(*args, tzinfo=_d.VN)
