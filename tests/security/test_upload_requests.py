"""Too many parts: more files or fields in one request than allowed, several files where one is expected,
a good file next to a bad one. Refused, nothing stored, nothing left in the upload spool."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from motcua.core.uploads import UploadRejected, check_upload_count
from motcua.results.services.digitise import MAX_SCAN_FILES

from .test_upload_corpus import PARSER_REFUSED, changed, db_state
from .uploads.corpus import Part, image, pdf, sample
from .uploads.entry_points import ENTRY_POINTS, _post, _post_intake, entry_point, shown

pytestmark = pytest.mark.django_db


def test_the_limits_are_the_documented_ones():
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 100
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=str)
def test_more_files_than_django_allows_is_a_400_everywhere(entry, env, folders):
    target = entry.prepare(env)
    before_db, before_files = db_state(entry.ignore_models), folders.files()
    parts = [Part(entry.file_field, f"trang-{i}.pdf", b"%PDF-1.4 x", "application/pdf") for i in range(101)]
    response = entry.post(target, parts)
    assert response.status_code == 400, response.content[:300]
    if entry.api:
        assert response.json()["code"] == "bad_request"
    else:
        assert shown(response, PARSER_REFUSED)
    assert not changed(before_db, db_state(entry.ignore_models))
    assert folders.files() == before_files


@pytest.mark.parametrize("entry_id", ["portal-draft-component", "api-component", "backoffice-counter-intake"])
def test_more_fields_than_django_allows_is_a_400(entry_id, env, folders):
    entry = entry_point(entry_id)
    target = entry.prepare(env)
    before = folders.files()
    fields = [(f"x{i}", "1") for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)]
    good = Part(entry.file_field, "don.pdf", pdf(marker="fields"), "application/pdf")
    if entry.api:
        d, c = target.data["dossier"], target.data["component"]
        response = _post(target.client, f"/api/v1/dossiers/{d.pk}/components/{c.pk}", fields, [good])
        assert response.status_code == 400 and response.json()["code"] == "bad_request"
    else:
        if entry_id == "portal-draft-component":
            d, c = target.data["dossier"], target.data["component"]
            url, fields = (
                reverse("dossier_component_upload", args=[d.pk]),
                [*fields, ("component", str(c.pk))],
            )
        else:
            url = reverse("backoffice:counter_intake")
        response = _post(target.client, url, fields, [good])
        assert response.status_code == 400 and shown(response, PARSER_REFUSED)
    assert folders.files() == before


def test_more_scans_than_a_digitisation_takes(env, folders):
    entry = entry_point("backoffice-digitise-result")
    target = entry.prepare(env)
    before_db, before_files = db_state(), folders.files()
    page = image("PNG", marker="trang")
    parts = [Part("scans", f"trang-{i}.png", page, "image/png") for i in range(MAX_SCAN_FILES + 1)]
    response = entry.post(target, parts)
    assert response.status_code == 400
    with pytest.raises(UploadRejected) as caught:
        check_upload_count(MAX_SCAN_FILES + 1, MAX_SCAN_FILES)
    assert shown(response, caught.value.message)  # "Chỉ được tải lên tối đa 30 tệp mỗi lần (đã chọn 31 tệp)."
    assert not changed(before_db, db_state())
    assert folders.files() == before_files


@pytest.mark.parametrize(
    "entry", [e for e in ENTRY_POINTS if e.family == "document" and not e.single_use], ids=str
)
def test_two_files_where_one_is_expected_store_at_most_one(entry, env, folders):
    """A one-file field takes the last file sent; the others are never stored and leave no spool file."""
    target = entry.prepare(env)
    media_before, spool_before = folders.files()
    first = Part(entry.file_field, "mot.pdf", pdf(marker=f"{entry.id}-1"), "application/pdf")
    second = Part(entry.file_field, "hai.pdf", pdf(marker=f"{entry.id}-2"), "application/pdf")
    response = entry.post(target, [first, second])
    assert response.status_code < 500
    media, spool = folders.files()
    new = sorted(media - media_before)
    assert len(new) <= 1, new
    assert all((folders.media / name).read_bytes() != first.content for name in new)
    assert spool == spool_before


def test_a_bad_scan_next_to_a_good_one_leaves_nothing_at_intake(env, folders):
    """Every scan is checked before any is stored: the good first scan is not left behind as an orphan."""
    entry = entry_point("backoffice-counter-intake")
    target = entry.prepare(env)
    before_db, before_files = db_state(), folders.files()
    good = Part("scan_1", "don.pdf", pdf(marker="good-first"), "application/pdf")
    bad = Part("scan_2", "so-do.pdf", sample("pdf-openaction-js").content(0), "application/pdf")
    response = _post_intake(target, [good, bad], extra=[("pages_2", "1")])
    assert response.status_code == 422
    assert shown(response, "nội dung tự chạy")
    assert not changed(before_db, db_state())
    assert folders.files() == before_files


def test_a_bad_scan_next_to_a_good_one_leaves_nothing_in_a_supplement(env, folders):
    entry = entry_point("backoffice-counter-supplement")
    target = entry.prepare(env)
    d = target.data["dossier"]
    one, three = d.components.get(position=1), d.components.get(position=3)
    before_db, before_files = db_state(), folders.files()
    fields = [("supplement-version", str(d.lock_version)), ("supplement-note", ""),
              (f"supplement-pages_{one.pk}", "1"), (f"supplement-pages_{three.pk}", "1")]  # fmt: skip
    parts = [Part(f"supplement-file_{one.pk}", "don.pdf", pdf(marker="good-first"), "application/pdf"),
             Part(f"supplement-file_{three.pk}", "x.jpg", sample("jpeg-php-exif").content(0), "image/jpeg")]  # fmt: skip
    response = _post(target.client, f"/can-bo/ho-so/{d.pk}/bo-sung/", fields, parts)
    assert response.status_code == 422
    assert not changed(before_db, db_state())
    assert folders.files() == before_files
