"""Every reason a history line is rejected (issue #13): each rejected line is reported with its number and a
reason in Vietnamese a person can act on, every bad line of the file is reported (not only the first), and
a file with a rejected line writes nothing — unless ``only_valid`` — while the run itself is recorded.

Each case puts a good line first and the bad one second, so the number reported is the bad line's and the
good line shows that the whole file is held back."""

import datetime as dt
import json
import zoneinfo

import pytest

from motcua.core.models import AuditEvent
from motcua.dossiers.models import (
    Dossier,
    DossierCodeCounter,
    DossierComponent,
    DossierEvent,
    DossierPause,
    DossierStep,
)
from motcua.feedback.models import Evaluation, Feedback
from motcua.feedback.services.feedback_submit import feedback_submit
from motcua.integrations.history.store import history_import
from motcua.integrations.models import HistoryImport, HistoryRecord
from motcua.org.models import OrgUnit
from motcua.reporting.models import DossierFact, UnitFact

from .conftest import full_line, line

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
#: The import's clock in these tests: after every moment of the lines (which are in March 2026).
NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=VN)

#: What an import writes besides its run row.
WRITTEN = (
    Dossier, DossierEvent, DossierStep, DossierPause, DossierComponent, HistoryRecord, Evaluation, Feedback,
    DossierFact, UnitFact, AuditEvent, DossierCodeCounter,
)  # fmt: skip


def written() -> dict[str, int]:
    """How many rows each table an import writes to holds."""
    return {model._meta.label: model.objects.count() for model in WRITTEN}


def good(**overrides):
    """A valid counter line that differs (source id, code) from ``line()`` and ``full_line()``."""
    return line(
        **{"source": {"system": "igate-th", "id": "HS-GOOD"}, "code": "H56.40-260303-0900", **overrides}
    )


def write(tmp_path, items, name="history.jsonl"):
    """A .jsonl file with one line per item: an object, a text as it stands, or raw bytes."""
    data = b""
    for item in items:
        if isinstance(item, bytes):
            data += item
        elif isinstance(item, str):
            data += item.encode()
        else:
            data += json.dumps(item, ensure_ascii=False).encode()
        data += b"\n"
    path = tmp_path / name
    path.write_bytes(data)
    return path


def pause(kind, start, end, **more):
    return {"kind": kind, "from": start, "to": end, **more}


def step(unit, received, handed, **more):
    return {"unit": unit, "received_at": received, "handed_over_at": handed, **more}


_EVALUATION = {"satisfaction": "satisfied", "channel": "portal", "at": "2026-03-04T08:00:00+07:00"}
_FEEDBACK = {"code": "PA-0001", "received_at": "2026-03-04T09:00:00+07:00", "title": "Chậm trả lời"}

#: (bad line, a distinctive part of its reason)
CASES = {
    "not JSON": ('{"format": "motcua.dossier-history/1", "code": ', "không phải JSON hợp lệ"),
    "a JSON array": ('[{"code": "H56.40-260303-0001"}]', "mỗi dòng phải là một đối tượng JSON"),
    "invalid UTF-8": (
        b'{"code": "H56.40-260303-0001", "applicant": {"name": "L\xea Th\xec"}}',
        "không phải văn bản UTF-8",
    ),
    "unknown top-level field": (line(note="ghi chú"), "trường không có trong định dạng: “note”"),
    "unknown nested field": (
        line(steps=[step("H56.40", "2026-03-03T09:00:00+07:00", None, foo="bar")]),
        "trường không có trong định dạng: “steps[0].foo”",
    ),
    "missing code": (line(code=None), "thiếu trường bắt buộc “code”"),
    "missing nested field": (line(procedure={"version": 1}), "thiếu trường bắt buộc “procedure.code”"),
    "counter dossier without received_at": (
        line(received_at=None),
        "thiếu trường bắt buộc “received_at” (chỉ hồ sơ bị từ chối tiếp nhận",
    ),
    "wrong type": (line(fee_amount="abc"), '“fee_amount” phải là một số nguyên (nhận được "abc")'),
    "bad enum": (
        line(channel="fax"),
        '“channel” = "fax" không phải một giá trị cho phép (online, counter, postal)',
    ),
    "moment without offset": (
        line(received_at="2026-03-03T09:00:00"),
        '“received_at” = "2026-03-03T09:00:00" không phải một thời điểm ISO 8601 có múi giờ',
    ),
    "impossible date": (
        line(received_at="2026-02-30T10:00+07:00"),
        "“received_at” = “2026-02-30T10:00+07:00” không phải một ngày giờ có thật",
    ),
    "unknown procedure code": (
        line(procedure={"code": "9.999999"}),
        "không có thủ tục mã “9.999999” trong danh mục",
    ),
    "unknown procedure version": (
        line(procedure={"code": "1.009999", "version": 7}),
        "thủ tục “1.009999” không có phiên bản 7",
    ),
    "unknown unit code": (line(resolving_unit="H56.99"), "“resolving_unit”: không có đơn vị mã “H56.99”"),
    "unknown step unit": (
        line(steps=[step("H56.98", "2026-03-03T09:00:00+07:00", None)]),
        "“steps[0].unit”: không có đơn vị mã “H56.98”",
    ),
    # Sở Tài nguyên và Môi trường ended on 28 February 2025 (merged into H56.19).
    "unit not valid on the receipt day": (
        line(resolving_unit="H56.17"),
        "“resolving_unit”: đơn vị “H56.17” không có hiệu lực ngày 03/03/2026",
    ),
    "finished before received": (
        line(decision="withdrawn", finished_at="2026-03-03T08:00:00+07:00"),
        "“finished_at” (03/03/2026 08:00) trước “received_at” (03/03/2026 09:00): thời điểm không theo "
        "thứ tự",
    ),
    "returned before finished": (
        full_line(returned_at="2026-03-05T10:00:00+07:00"),
        "“returned_at” (05/03/2026 10:00) trước “finished_at” (05/03/2026 11:00)",
    ),
    "decision without finished_at": (full_line(finished_at=None), "có “decision” nhưng thiếu “finished_at”"),
    "finished_at without decision": (
        line(finished_at="2026-03-04T10:00:00+07:00"),
        "có “finished_at” nhưng thiếu “decision”",
    ),
    "overlapping pauses": (
        line(
            pauses=[
                pause("supplement", "2026-03-03T10:00:00+07:00", "2026-03-04T10:00:00+07:00"),
                pause("suspension", "2026-03-04T09:00:00+07:00", "2026-03-05T09:00:00+07:00"),
            ]
        ),
        "khoảng tạm dừng bắt đầu 04/03/2026 09:00 chồng lên khoảng trước đó",
    ),
    "pause before the receipt": (
        line(pauses=[pause("supplement", "2026-03-03T08:00:00+07:00", "2026-03-03T10:00:00+07:00")]),
        "“pauses[0].from” (03/03/2026 08:00) trước “received_at” (03/03/2026 09:00)",
    ),
    "pause after the finish": (
        full_line(pauses=[pause("supplement", "2026-03-05T10:00:00+07:00", "2026-03-05T12:00:00+07:00")]),
        "“finished_at” (05/03/2026 11:00) trước “pauses[0].to” (05/03/2026 12:00)",
    ),
    "open pause with an approved decision": (
        full_line(pauses=[pause("supplement", "2026-03-02T14:00:00+07:00", None)]),
        "khoảng tạm dừng bắt đầu 02/03/2026 14:00 chưa kết thúc (“to”) nhưng hồ sơ đã có quyết định",
    ),
    "steps going backwards": (
        line(
            steps=[
                step("H56.40", "2026-03-03T09:00:00+07:00", "2026-03-03T11:00:00+07:00"),
                step("H56.19", "2026-03-03T08:30:00+07:00", None),
            ]
        ),
        "bước “steps[1]” được chuyển đến (03/03/2026 08:30) trước bước “steps[0]” (03/03/2026 09:00)",
    ),
    "a non-last step without handed_over_at": (
        line(
            steps=[
                step("H56.40", "2026-03-03T09:00:00+07:00", None),
                step("H56.19", "2026-03-03T10:00:00+07:00", None),
            ]
        ),
        "bước “steps[0]” chưa có “handed_over_at”",
    ),
    "invalid personal ID": (
        line(applicant={"kind": "citizen", "name": "Nguyễn Văn An", "personal_id": "999088004321"}),
        "mã nơi đăng ký khai sinh “999” (3 chữ số đầu) không tồn tại",
    ),
    "invalid tax code check digit": (
        line(applicant={"kind": "business", "name": "Công ty A", "tax_code": "2801234565"}),
        "Mã số thuế “2801234565” sai chữ số kiểm tra",
    ),
    "citizen without personal_id or pseudonym": (
        line(applicant={"kind": "citizen", "name": "Nguyễn Văn An"}),
        "công dân cần “applicant.personal_id” (hoặc một bí danh “applicant.pseudonym”)",
    ),
    "business without tax_code": (
        line(applicant={"kind": "business", "name": "Công ty A"}),
        "tổ chức cần “applicant.tax_code” (hoặc một bí danh “applicant.pseudonym”)",
    ),
    "moment in the future": (
        line(received_at="2026-04-02T09:00:00+07:00"),
        "có thời điểm ở tương lai (02/04/2026 09:00)",
    ),
    "evaluation on an undecided dossier": (
        line(evaluation=_EVALUATION),
        "chỉ hồ sơ đã có quyết định (approved, not_eligible) mới có “evaluation”",
    ),
    "feedback without the applicant's phone or email": (
        line(feedback=[_FEEDBACK]),
        "phản ánh (feedback) cần số điện thoại hoặc email của người nộp",
    ),
    "refused dossier with received_at": (
        line(decision="refused", finished_at="2026-03-03T10:00:00+07:00"),
        "hồ sơ bị từ chối tiếp nhận (decision = refused) không có “received_at”",
    ),
}


def assert_nothing_written(report, before, *, lines, rejected):
    assert not report.written
    assert written() == before
    run = HistoryImport.objects.get(pk=report.run.pk)
    assert (run.rolled_back, run.lines, run.rejected) == (True, lines, rejected)
    assert run.finished_at is not None


@pytest.mark.parametrize(("bad", "reason"), CASES.values(), ids=CASES.keys())
def test_a_rejected_line_is_reported_with_its_number_and_reason_and_nothing_is_written(
    version, tmp_path, bad, reason
):
    before = written()

    report = history_import(write(tmp_path, [good(), bad]), now=NOW)

    assert [r.line for r in report.rejections] == [2], [str(r) for r in report.rejections]
    [rejection] = report.rejections
    assert reason in rejection.reason
    assert str(rejection).startswith("Dòng 2: ")
    assert_nothing_written(report, before, lines=2, rejected=1)


def test_the_good_line_of_the_cases_imports_on_its_own(version, tmp_path):
    """The cases' first line is valid: it is the bad line that holds the file back."""
    report = history_import(write(tmp_path, [good()]), now=NOW)

    assert report.rejections == [] and report.written and report.imported == 1
    assert Dossier.objects.filter(code="H56.40-260303-0900").exists()


@pytest.mark.parametrize(
    "applicant",
    [{"kind": "citizen", "pseudonym": "ad:7f3a9c21"}, {"kind": "business", "pseudonym": "org:0042-x"}],
    ids=["citizen", "business"],
)
def test_a_pseudonym_alone_is_accepted(version, tmp_path, applicant):
    report = history_import(write(tmp_path, [line(applicant=applicant)]), now=NOW)

    assert [str(r) for r in report.rejections] == []
    assert report.written and report.imported == 1
    d = Dossier.objects.get(code="H56.40-260303-0001")
    assert (d.applicant_kind, d.applicant_name, d.applicant_personal_id, d.applicant_tax_code) == (
        applicant["kind"], applicant["pseudonym"], "", ""
    )  # fmt: skip


# -- duplicates ----------------------------------------------------------------------------------------------


def test_a_repeated_source_id_names_the_first_line(version, tmp_path):
    before = written()
    again = line(code="H56.40-260303-0002")  # same source id HS-1, another code

    report = history_import(write(tmp_path, [good(), line(), again]), now=NOW)

    assert [(r.line, r.reason) for r in report.rejections] == [(3, "trùng mã nguồn “HS-1” với dòng 2")]
    assert_nothing_written(report, before, lines=3, rejected=1)


def test_the_same_source_id_from_another_system_is_another_dossier(version, tmp_path):
    other = line(source={"system": "dvc-cu", "id": "HS-1"}, code="H56.40-260303-0002")

    report = history_import(write(tmp_path, [line(), other]), now=NOW)

    assert report.rejections == [] and report.imported == 2


def test_a_repeated_code_names_the_first_line(version, tmp_path):
    before = written()
    again = line(source={"system": "igate-th", "id": "HS-2"})  # same code, another source id

    report = history_import(write(tmp_path, [good(), line(), again]), now=NOW)

    assert [(r.line, r.reason) for r in report.rejections] == [
        (3, "trùng mã hồ sơ “H56.40-260303-0001” với dòng 2")
    ]
    assert_nothing_written(report, before, lines=3, rejected=1)


def _with_feedback(source_id, code, *feedback_codes):
    return line(
        source={"system": "igate-th", "id": source_id},
        code=code,
        applicant={"kind": "citizen", "name": "Nguyễn Văn An", "personal_id": "038088004321",
                   "phone": "0912345678"},
        feedback=[{**_FEEDBACK, "code": c} for c in feedback_codes],
    )  # fmt: skip


def test_a_repeated_feedback_code_names_the_first_line(version, tmp_path):
    before = written()
    first = _with_feedback("HS-1", "H56.40-260303-0001", "PA-0001")
    second = _with_feedback("HS-2", "H56.40-260303-0002", "PA-0002", "PA-0001")

    report = history_import(write(tmp_path, [good(), first, second]), now=NOW)

    assert [(r.line, r.reason) for r in report.rejections] == [(3, "trùng mã phản ánh “PA-0001” với dòng 2")]
    assert_nothing_written(report, before, lines=3, rejected=1)


def test_a_feedback_code_repeated_within_one_line_is_rejected(version, tmp_path):
    before = written()
    twice = _with_feedback("HS-1", "H56.40-260303-0001", "PA-0001", "PA-0001")

    report = history_import(write(tmp_path, [good(), twice]), now=NOW)

    assert [r.line for r in report.rejections] == [2]
    assert "trùng mã phản ánh “PA-0001”" in report.rejections[0].reason
    assert_nothing_written(report, before, lines=2, rejected=1)


def test_a_code_another_dossier_holds_in_the_database_is_rejected(version, tmp_path):
    assert history_import(write(tmp_path, [line()], name="first.jsonl"), now=NOW).written
    before = written()
    same_code = line(source={"system": "igate-th", "id": "HS-2"})

    report = history_import(write(tmp_path, [good(), same_code], name="second.jsonl"), now=NOW)

    assert [(r.line, r.reason) for r in report.rejections] == [
        (2, "mã hồ sơ “H56.40-260303-0001” đã dùng cho một hồ sơ khác")
    ]
    assert_nothing_written(report, before, lines=2, rejected=1)


def test_a_feedback_code_another_imported_dossier_holds_is_rejected(version, tmp_path):
    first = _with_feedback("HS-1", "H56.40-260303-0001", "PA-0001")
    assert history_import(write(tmp_path, [first], name="first.jsonl"), now=NOW).written
    before = written()
    second = _with_feedback("HS-2", "H56.40-260303-0002", "PA-0001")

    report = history_import(write(tmp_path, [good(), second], name="second.jsonl"), now=NOW)

    assert [(r.line, r.reason) for r in report.rejections] == [
        (2, "mã phản ánh “PA-0001” đã dùng cho phản ánh khác")
    ]
    assert_nothing_written(report, before, lines=2, rejected=1)


def test_a_feedback_code_a_pakn_sent_in_motcua_holds_is_rejected(version, tmp_path):
    sent = feedback_submit(
        subject_kind="unit", unit=OrgUnit.objects.get(code="H56.19"), title="Chậm",
        content="Chậm trả kết quả", sender_name="A", phone="0912000001", consent=True,
    )  # fmt: skip
    before = written()
    clash = _with_feedback("HS-1", "H56.40-260303-0001", sent.code)

    report = history_import(write(tmp_path, [good(), clash]), now=NOW)

    assert [(r.line, r.reason) for r in report.rejections] == [
        (2, f"mã phản ánh “{sent.code}” đã dùng cho phản ánh khác")
    ]
    assert_nothing_written(report, before, lines=2, rejected=1)


# -- the whole file ------------------------------------------------------------------------------------------


def _mixed():
    """Good lines 1, 4 and 6; bad lines 2, 3, 5 and 8 (7 is blank: skipped, but counted in the numbering)."""
    return [
        good(),
        line(channel="fax"),
        "không phải JSON",
        full_line(),
        line(source={"system": "igate-th", "id": "HS-9"}, code="H56.40-260303-0009", resolving_unit="H56.99"),
        line(source={"system": "igate-th", "id": "HS-10"}, code="H56.40-260303-0010"),
        "",
        line(source={"system": "igate-th", "id": "HS-11"}, code="H56.40-260303-0011", decision="approved"),
    ]


def test_every_bad_line_is_reported_in_order_and_the_good_ones_are_not_imported(version, tmp_path):
    before = written()

    report = history_import(write(tmp_path, _mixed()), now=NOW)

    assert [(r.line, r.reason.split(" ")[0]) for r in report.rejections] == [
        (2, "“channel”"), (3, "không"), (5, "“resolving_unit”:"), (8, "có")
    ]  # fmt: skip
    assert "không phải JSON hợp lệ" in report.rejections[1].reason
    assert "có “decision” nhưng thiếu “finished_at”" in report.rejections[3].reason
    assert_nothing_written(report, before, lines=7, rejected=4)
    assert not Dossier.objects.filter(code="H56.40-260303-0900").exists()


def test_only_valid_imports_the_good_lines_and_reports_the_bad_ones(version, tmp_path):
    report = history_import(write(tmp_path, _mixed()), now=NOW, only_valid=True)

    assert [r.line for r in report.rejections] == [2, 3, 5, 8]
    assert report.written and report.imported == 3
    assert set(Dossier.objects.values_list("code", flat=True)) == {
        "H56.40-260303-0900", "H56.40-260302-0117", "H56.40-260303-0010"
    }  # fmt: skip
    assert HistoryRecord.objects.count() == 3
    assert AuditEvent.objects.filter(action="history.imported").count() == 3
    run = HistoryImport.objects.get(pk=report.run.pk)
    assert (run.rolled_back, run.only_valid, run.imported, run.rejected, run.lines) == (False, True, 3, 4, 7)


def test_a_dry_run_reports_what_would_be_imported_and_writes_nothing(version, tmp_path):
    before = written()

    report = history_import(write(tmp_path, [good(), full_line(), line()]), now=NOW, dry_run=True)

    assert report.rejections == []
    assert report.imported == 3 and not report.written
    assert written() == before
    run = HistoryImport.objects.get(pk=report.run.pk)
    assert (run.dry_run, run.rolled_back, run.imported, run.lines) == (True, True, 3, 3)


def test_a_dry_run_reports_the_rejections_too(version, tmp_path):
    before = written()

    report = history_import(write(tmp_path, _mixed()), now=NOW, dry_run=True, only_valid=True)

    assert [r.line for r in report.rejections] == [2, 3, 5, 8]
    assert report.imported == 3 and not report.written
    assert written() == before
