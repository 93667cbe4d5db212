"""Accounts: uniqueness in the database, lockout, password reset, staff-shell access by role."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from motcua.accounts.demo import DEMO_PASSWORD
from motcua.accounts.models import AccountKind, Membership, Role, User
from motcua.core.models import AuditEvent
from motcua.org.models import OrgUnit, OrgUnitKind

LOGIN = "/tai-khoan/dang-nhap/"
DASHBOARD = "/can-bo/"


def make_user(username, kind=AccountKind.CITIZEN, password="Mat-khau-rat-manh-2026", **extra):
    return User.objects.create_user(
        username=username, password=password, kind=kind, full_name=username, **extra
    )


@pytest.mark.django_db
class TestUniqueness:
    def test_two_accounts_for_one_personal_id_are_refused_by_the_database(self):
        make_user("a", personal_id="038095001234")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_user("b", personal_id="038095001234")
        assert User.objects.filter(personal_id="038095001234").count() == 1

    def test_two_accounts_for_one_tax_code_are_refused_by_the_database(self):
        make_user("dn1", kind=AccountKind.BUSINESS, tax_code="0100109106")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_user("dn2", kind=AccountKind.BUSINESS, tax_code="0100109106")

    def test_many_accounts_without_personal_id_are_fine(self):
        make_user("canbo1", kind=AccountKind.STAFF)
        make_user("canbo2", kind=AccountKind.STAFF)
        assert User.objects.filter(personal_id__isnull=True).count() == 2

    def test_business_needs_a_tax_code(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_user("dn3", kind=AccountKind.BUSINESS)

    def test_model_validation_names_the_field_in_vietnamese(self):
        from django.core.exceptions import ValidationError

        user = User(
            username="x", kind=AccountKind.CITIZEN, full_name="X", personal_id="12345", tax_code="0100109107"
        )
        user.set_password("Mat-khau-rat-manh-2026")
        with pytest.raises(ValidationError) as info:
            user.full_clean()
        assert "personal_id" in info.value.message_dict
        assert "tax_code" in info.value.message_dict
        assert User.objects.count() == 0


@pytest.mark.django_db
class TestLogin:
    def test_citizen_signs_in_with_personal_id(self, client):
        make_user("038095001234", personal_id="038095001234")
        response = client.post(LOGIN, {"username": "038095001234", "password": "Mat-khau-rat-manh-2026"})
        assert response.status_code == 302
        assert client.session.get("_auth_user_id")

    def test_wrong_password_shows_vietnamese_error_and_counts(self, client):
        user = make_user("canbo", kind=AccountKind.STAFF)
        response = client.post(LOGIN, {"username": "canbo", "password": "sai"})
        assert response.status_code == 200
        assert "không đúng" in response.content.decode()
        user.refresh_from_db()
        assert user.failed_login_count == 1
        assert AuditEvent.objects.filter(action="auth.login_failed", object_id=str(user.pk)).exists()

    def test_lockout_after_repeated_failures_even_with_right_password(self, client, settings):
        settings.MOTCUA_LOGIN_MAX_FAILURES = 3
        user = make_user("canbo", kind=AccountKind.STAFF)
        for attempt in range(1, 4):
            response = client.post(LOGIN, {"username": "canbo", "password": "sai"})
            assert ("Tài khoản tạm khóa do" in response.content.decode()) == (attempt == 3)
        user.refresh_from_db()
        assert user.is_locked()
        response = client.post(LOGIN, {"username": "canbo", "password": "Mat-khau-rat-manh-2026"})
        assert response.status_code == 200
        assert "Tài khoản tạm khóa do" in response.content.decode()
        assert not client.session.get("_auth_user_id")
        assert AuditEvent.objects.filter(action="auth.account_locked").count() == 1

    def test_lock_expires(self, client, settings):
        user = make_user("canbo", kind=AccountKind.STAFF)
        User.objects.filter(pk=user.pk).update(locked_until=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        response = client.post(LOGIN, {"username": "canbo", "password": "Mat-khau-rat-manh-2026"})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.failed_login_count == 0 and user.locked_until is None

    def test_success_resets_the_failure_count(self, client):
        user = make_user("canbo", kind=AccountKind.STAFF)
        client.post(LOGIN, {"username": "canbo", "password": "sai"})
        client.post(LOGIN, {"username": "canbo", "password": "Mat-khau-rat-manh-2026"})
        user.refresh_from_db()
        assert user.failed_login_count == 0

    def test_empty_username_shows_only_the_required_error(self, client):
        response = client.post(LOGIN, {"username": "", "password": "x"})
        assert response.status_code == 200
        assert "không đúng" not in response.content.decode()
        assert response.context["form"].errors["username"]

    def test_login_page_is_vietnamese(self, client):
        html = client.get(LOGIN).content.decode()
        assert "Đăng nhập" in html and "Mật khẩu" in html


@pytest.mark.django_db
def test_password_reset_flow(client):
    user = make_user("canbo", kind=AccountKind.STAFF, email="canbo@thanhhoa.gov.vn")
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "canbo@thanhhoa.gov.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Xin chào" in body
    link = next(line for line in body.splitlines() if "/tai-khoan/dat-lai/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    weak = client.post(set_url, {"new_password1": "123456", "new_password2": "123456"})
    assert weak.status_code == 200  # refused: too short, too common, numeric
    user.refresh_from_db()
    assert user.check_password("Mat-khau-rat-manh-2026")
    done = client.post(
        set_url, {"new_password1": "Hac-Thanh-moi-2026!", "new_password2": "Hac-Thanh-moi-2026!"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Hac-Thanh-moi-2026!")


@pytest.mark.django_db
def test_unknown_email_gets_the_same_answer_and_no_mail(client):
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "khong-co@thanhhoa.gov.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_common_passwords_are_refused_for_staff():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password123")
    with pytest.raises(ValidationError):
        validate_password("12345678901")
    validate_password("Hac-Thanh-moi-2026!")


@pytest.mark.django_db
class TestStaffShellAccess:
    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(DASHBOARD)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_citizen_is_refused_and_the_refusal_is_audited(self, client, demo_data):
        client.login(username="038195001234", password=DEMO_PASSWORD)
        assert client.get(DASHBOARD).status_code == 403
        assert AuditEvent.objects.filter(action="access.denied").exists()

    def test_business_is_refused(self, client, demo_data):
        client.login(username="2801234564", password=DEMO_PASSWORD)
        assert client.get(DASHBOARD).status_code == 403

    @pytest.mark.parametrize(
        "username",
        [
            "motcua.tinh",
            "chuyenvien.tnmt",
            "truongphong.tnmt",
            "lanhdao.tnmt",
            "quantri.tnmt",
            "quantri.tinh",
            "thanhtra",
        ],
    )
    def test_every_staff_role_gets_in_and_sees_its_unit(self, client, demo_data, username):
        assert client.login(username=username, password=DEMO_PASSWORD)
        response = client.get(DASHBOARD)
        assert response.status_code == 200
        membership = Membership.objects.select_related("org_unit").get(user__username=username)
        html = response.content.decode()
        assert membership.org_unit.name in html
        assert str(membership.get_role_display()) in html

    def test_staff_without_a_current_membership_is_refused(self, client, demo_data):
        user = make_user("nghi.huu", kind=AccountKind.STAFF)
        unit = OrgUnit.objects.get(code="H56.19")
        Membership.objects.create(user=user, org_unit=unit, role=Role.SPECIALIST,
                                  valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2024, 12, 31))  # fmt: skip
        client.login(username="nghi.huu", password="Mat-khau-rat-manh-2026")
        assert client.get(DASHBOARD).status_code == 403

    def test_deactivated_staff_cannot_sign_in(self, client, demo_data):
        User.objects.filter(username="motcua.tinh").update(is_active=False)
        assert not client.login(username="motcua.tinh", password=DEMO_PASSWORD)

    def test_admin_site_only_for_administrators(self, client, demo_data):
        client.login(username="motcua.tinh", password=DEMO_PASSWORD)
        assert client.get("/quan-tri/").status_code == 302
        client.logout()
        client.login(username="quantri.tinh", password=DEMO_PASSWORD)
        assert client.get("/quan-tri/").status_code == 200


@pytest.mark.django_db
def test_demo_seed_is_idempotent(full_demo):
    from django.core.management import call_command

    from motcua.catalogue.models import ProcedureVersion
    from motcua.dossiers.events import dossier_history_verify
    from motcua.dossiers.models import Dossier, DossierEvent

    def counts():
        return (User.objects.count(), Membership.objects.count(), OrgUnit.objects.count(),
                ProcedureVersion.objects.count(), Dossier.objects.count(), DossierEvent.objects.count())  # fmt: skip

    before = counts()
    call_command("seed_demo", verbosity=0, history=200)
    assert counts() == before
    assert before[3] >= 60 and Dossier.objects.filter(form_data__demo=True).count() == 11
    assert Dossier.objects.filter(form_data___simulated=True).count() == 200
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {"awaiting_intake", "received", "processing", "awaiting_supplement", "result_ready", "returned",
            "stopped"} <= statuses  # fmt: skip
    assert dossier_history_verify() is None
    # The online birth-certificate copy has its electronic result registered (signed after the commit,
    # which a test inside a transaction never reaches: tests/browser/test_wallet_results.py sees it signed).
    from motcua.results.models import IssuedResult

    assert IssuedResult.objects.filter(holder_key="038195001234").count() == 1
    # Her access ledger: the ward officer's registry look-up and dossier read, written once.
    from motcua.wallet.models import AccessEntry

    assert sorted(AccessEntry.objects.filter(subject_key="038195001234").values_list("kind", flat=True)) == [
        "dossier_read",
        "registry_lookup",
    ]
    assert OrgUnit.objects.filter(kind=OrgUnitKind.PROVINCE, code="H56").exists()
