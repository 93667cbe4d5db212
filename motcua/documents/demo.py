"""Realistic Thanh Hóa examples of every official form, for previews, screenshots and tests."""

from __future__ import annotations

import datetime as dt

from .formatting import VIETNAM_TZ
from .forms import (
    ApologyForm,
    Applicant,
    ComponentLine,
    ControlSheetForm,
    Handover,
    Issuer,
    LedgerRow,
    OfficialForm,
    Outcome,
    ReceiptForm,
    RefusalForm,
    Signer,
    StopNoticeForm,
    SupplementItem,
    SupplementRequestForm,
    TrackingLedgerForm,
)

DEMO_CODE = "H56.40-261126-0001"
DEMO_PROCEDURE = "Cấp giấy chứng nhận đăng ký hộ kinh doanh"


def _at(day: int, hour: int, minute: int = 0, month: int = 11, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


ISSUER = Issuer(
    parent="UBND TỈNH THANH HÓA",
    name="Trung tâm Phục vụ hành chính công tỉnh",
    place="Thanh Hóa",
)
APPLICANT = Applicant(
    name="Lê Thị Hoa",
    address="Số 12 đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa",
    phone="0912 345 678",
    email="lethihoa@example.vn",
    id_number="038186001234",
)


def demo_forms() -> list[OfficialForm]:
    """One filled example of each of the seven forms, in form-number order."""
    received = _at(26, 8, 35)
    due = _at(3, 16, 30, month=12)
    receipt = ReceiptForm(
        issuer=ISSUER,
        issued_on=received.date(),
        document_number="0001/TN",
        dossier_code=DEMO_CODE,
        applicant=APPLICANT,
        request=DEMO_PROCEDURE,
        received_at=received,
        due_at=due,
        processing_time="05 ngày làm việc",
        components=(
            ComponentLine(name="Giấy đề nghị đăng ký hộ kinh doanh", form="Bản chính", quantity=1, pages=2),
            ComponentLine(
                name="Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh",
                form="Bản chính",
                quantity=1,
                pages=1,
            ),
            ComponentLine(
                name="Bản sao hợp đồng thuê địa điểm kinh doanh",
                form="Bản sao chứng thực",
                quantity=1,
                pages=4,
            ),
        ),
        sets=1,
        channel="Trực tiếp tại Bộ phận Một cửa",
        return_method="Trung tâm Phục vụ hành chính công tỉnh (trả trực tiếp)",
        fee_vnd=100000,
        ledger_book="01/2026",
        ledger_entry="1.245",
        status_url="https://dichvucong.thanhhoa.gov.vn/tra-cuu/H56.40-261126-0001",
        receiver=Signer(title="NGƯỜI TIẾP NHẬN HỒ SƠ", name="Nguyễn Văn Đức"),
        submitter=Signer(title="NGƯỜI NỘP HỒ SƠ", name="Lê Thị Hoa"),
    )
    supplement = SupplementRequestForm(
        issuer=ISSUER,
        issued_on=_at(27, 9).date(),
        document_number="0015/YCBS",
        dossier_code=DEMO_CODE,
        applicant=APPLICANT,
        request=DEMO_PROCEDURE,
        received_at=received,
        items=(
            SupplementItem(
                name="Giấy đề nghị đăng ký hộ kinh doanh",
                requirement="Ghi đầy đủ ngành, nghề kinh doanh theo mã ngành cấp 4",
                quantity=1,
            ),
            SupplementItem(
                name="Hợp đồng thuê địa điểm kinh doanh",
                requirement="Bổ sung bản sao có chứng thực còn thời hạn",
                quantity=1,
            ),
        ),
        reason="Hồ sơ chưa đầy đủ thành phần và nội dung theo quy định của thủ tục hành chính.",
        contact_name="Nguyễn Văn Đức",
        contact_unit="Quầy số 5, Trung tâm Phục vụ hành chính công tỉnh",
        contact_phone="0237 3 855 555",
        deadline=dt.date(2026, 12, 18),
        signer=Signer(title="NGƯỜI HƯỚNG DẪN", name="Nguyễn Văn Đức"),
    )
    refusal = RefusalForm(
        issuer=ISSUER,
        issued_on=received.date(),
        document_number="0003/TC",
        applicant=APPLICANT,
        request="Cấp giấy phép kinh doanh karaoke",
        received_at=received,
        legal_basis=(
            "Nghị định số 54/2019/NĐ-CP ngày 19 tháng 6 năm 2019 của Chính phủ quy định về kinh doanh "
            "dịch vụ karaoke, dịch vụ vũ trường"
        ),
        reasons=(
            "Địa điểm kinh doanh cách trường học dưới 200 m, không đáp ứng điều kiện theo quy định.",
            "Thủ tục thuộc thẩm quyền tiếp nhận của Ủy ban nhân dân cấp xã nơi đặt địa điểm kinh doanh.",
        ),
        signer=Signer(title="NGƯỜI TIẾP NHẬN HỒ SƠ", name="Nguyễn Văn Đức"),
    )
    apology = ApologyForm(
        issuer=Issuer(parent="UBND TỈNH THANH HÓA", name="Sở Tài chính", place="Thanh Hóa"),
        issued_on=_at(2, 10, month=12).date(),
        document_number="125/PXL-STC",
        dossier_code=DEMO_CODE,
        applicant=APPLICANT,
        request=DEMO_PROCEDURE,
        received_at=received,
        original_due_at=due,
        new_due_at=_at(8, 16, 30, month=12),
        reason="Cần xác minh thông tin địa điểm kinh doanh với Ủy ban nhân dân phường Hạc Thành.",
        recipients=("Như trên", "Trung tâm Phục vụ hành chính công tỉnh", "Lưu: VT"),
        signer=Signer(acting="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Trần Minh Quang", hint=""),
    )
    stop = StopNoticeForm(
        issuer=ISSUER,
        issued_on=_at(1, 14, month=12).date(),
        document_number="0007/TB-DGQ",
        dossier_code=DEMO_CODE,
        applicant=APPLICANT,
        request=DEMO_PROCEDURE,
        received_at=received,
        requested_at=_at(1, 9, 15, month=12),
        reason="Bà Lê Thị Hoa đề nghị dừng giải quyết hồ sơ để điều chỉnh địa điểm kinh doanh.",
        returned_documents="Trả lại bản chính các giấy tờ đã nộp tại Bộ phận Một cửa.",
        recipients=("Bà Lê Thị Hoa", "Sở Tài chính", "Lưu: VT"),
        signer=Signer(acting="KT. GIÁM ĐỐC", title="PHÓ GIÁM ĐỐC", name="Hoàng Thị Mai", hint=""),
    )
    control = ControlSheetForm(
        issuer=ISSUER,
        issued_on=received.date(),
        dossier_code=DEMO_CODE,
        applicant_name=APPLICANT.name,
        request=DEMO_PROCEDURE,
        received_at=received,
        due_at=due,
        resolving_unit="Sở Tài chính",
        coordinating_units=("UBND phường Hạc Thành",),
        handovers=(
            Handover(
                giver_unit="Bộ phận Một cửa",
                giver_person="Nguyễn Văn Đức",
                receiver_unit="Phòng Đăng ký kinh doanh, Sở Tài chính",
                receiver_person="Phạm Thu Trang",
                handed_over_at=_at(26, 9, 10),
                received_at=_at(26, 9, 40),
                outcome=Outcome.EARLY,
            ),
            Handover(
                giver_unit="Phòng Đăng ký kinh doanh",
                giver_person="Phạm Thu Trang",
                receiver_unit="UBND phường Hạc Thành",
                receiver_person="Lê Văn Nam",
                handed_over_at=_at(27, 14, 0),
                received_at=_at(27, 14, 20),
                outcome=Outcome.ON_TIME,
                note="Liên thông điện tử",
            ),
            Handover(
                giver_unit="UBND phường Hạc Thành",
                giver_person="Lê Văn Nam",
                receiver_unit="Phòng Đăng ký kinh doanh",
                receiver_person="Phạm Thu Trang",
                handed_over_at=_at(1, 16, 45, month=12),
                received_at=_at(2, 8, 5, month=12),
                outcome=Outcome.LATE,
                note="Quá hạn 0,5 ngày",
            ),
            Handover(
                giver_unit="Phòng Đăng ký kinh doanh",
                giver_person="Phạm Thu Trang",
                receiver_unit="Bộ phận Một cửa",
                receiver_person="Nguyễn Văn Đức",
                handed_over_at=_at(3, 10, 0, month=12),
                received_at=_at(3, 10, 15, month=12),
                outcome=Outcome.ON_TIME,
            ),
        ),
    )
    names = (
        "Lê Thị Hoa",
        "Nguyễn Văn Bình",
        "Công ty TNHH Thương mại Sầm Sơn",
        "Trịnh Thị Lan",
        "Đỗ Quang Huy",
    )
    rows = []
    for i, name in enumerate(names):
        start = _at(26, 8 + i, 5 * i)
        rows.append(
            LedgerRow(
                dossier_code=f"H56.40-261126-{i + 1:04d}",
                request=DEMO_PROCEDURE if i % 2 == 0 else "Chứng thực bản sao từ bản chính",
                applicant_name=name,
                applicant_address="Phường Hạc Thành, tỉnh Thanh Hóa",
                applicant_phone=f"09{i}2 345 67{i}",
                resolving_unit="Sở Tài chính" if i % 2 == 0 else "Trung tâm Phục vụ HCC tỉnh",
                received_at=start,
                due_at=due if i % 2 == 0 else _at(26, 16, 30),
                transferred_at=start + dt.timedelta(minutes=35),
                result_received_at=_at(2, 15, month=12) if i % 2 == 0 else _at(26, 15, 0),
                returned_at=_at(3, 9, month=12) if i % 2 == 0 else None,
                note="" if i != 3 else "Công dân hẹn nhận sau",
            )
        )
    ledger = TrackingLedgerForm(
        issuer=ISSUER,
        issued_on=_at(30, 17).date(),
        receiving_point="Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
        period_start=dt.date(2026, 11, 26),
        period_end=dt.date(2026, 11, 30),
        book_number="01/2026",
        rows=tuple(rows),
    )
    return [receipt, supplement, refusal, apology, stop, control, ledger]
