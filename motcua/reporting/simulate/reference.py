"""Reference data of the simulation: synthetic people (names, personal ids, tax codes), the reasons and
notes officers and applicants write, the document types the registries provide, the popularity of the
sectors and the load of the weekdays."""

from __future__ import annotations

import itertools
import random

from motcua.core.validators import mst_check_digit

SURNAMES = (
    ("Nguyễn", 30), ("Lê", 12), ("Trần", 10), ("Phạm", 6), ("Trịnh", 5), ("Hoàng", 4), ("Vũ", 4),
    ("Lương", 2), ("Đỗ", 3), ("Bùi", 3), ("Đặng", 2), ("Ngô", 2), ("Mai", 2), ("Hà", 2), ("Đinh", 2),
    ("Cao", 1), ("Lường", 1), ("Quách", 1), ("Lò", 1), ("Phan", 2),
)  # fmt: skip
_SURNAME_LIST = [name for name, _w in SURNAMES]
_SURNAME_CUMULATIVE = list(itertools.accumulate(w for _n, w in SURNAMES))
MALE_MIDDLE = ("Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Ngọc", "Thanh", "Đình")
FEMALE_MIDDLE = ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Thị Thu", "Kim", "Diệu")
MALE_GIVEN = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Long", "Mạnh", "Nam",
    "Phong", "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt", "Vinh", "Lâm", "Toàn",
)  # fmt: skip
FEMALE_GIVEN = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Huyền", "Lan", "Linh", "Loan",
    "Mai", "Nga", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Vân", "Yến", "Thủy", "Ngân",
)  # fmt: skip
BUSINESS_FORMS = ("Công ty TNHH", "Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
BUSINESS_NAMES = (
    "Thương mại Lam Sơn", "Xây dựng Hàm Rồng", "Dịch vụ Sầm Sơn", "Vận tải Nghi Sơn", "Nông sản Thọ Xuân",
    "Thực phẩm Hoằng Hóa", "Du lịch Biển Xanh", "Kỹ thuật Đông Sơn", "Đầu tư Hạc Thành", "Môi trường Xanh",
    "Cơ khí Bỉm Sơn", "May mặc Quảng Xương", "Dược phẩm Sông Mã", "Gốm sứ Hà Trung", "Thủy sản Hải Tiến",
)  # fmt: skip
STREETS = ("Lê Lợi", "Trần Phú", "Quang Trung", "Bà Triệu", "Lý Thường Kiệt", "Hàng Than", "Nguyễn Trãi",
           "Lê Hoàn", "Phan Chu Trinh", "Hạc Thành")  # fmt: skip
MOBILE_PREFIXES = ("32", "33", "34", "35", "36", "37", "38", "39", "86", "88", "90", "91", "94", "96",
                   "97", "98", "81", "83", "84", "70", "76", "77", "78", "79")  # fmt: skip

REFUSE_REASONS = (
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan, đề nghị nộp tại cơ quan có thẩm quyền.",
    "Tệp đính kèm không đọc được, thành phần hồ sơ không đúng mẫu quy định.",
    "Người nộp đã nộp trùng hồ sơ cho cùng một yêu cầu.",
)
SUPPLEMENT_REASONS = (
    "Tờ khai chưa ghi đầy đủ thông tin theo mẫu.",
    "Giấy tờ nộp kèm chưa rõ nét, chưa đủ căn cứ để giải quyết.",
    "Thông tin kê khai chưa khớp với giấy tờ nộp kèm.",
    "Giấy tờ đã hết hiệu lực, cần nộp bản còn hiệu lực.",
)
SUSPEND_REASONS = (
    "Chờ kết quả xác minh của cơ quan có liên quan.",
    "Chờ ý kiến của cơ quan phối hợp theo quy định của thủ tục.",
)
SUSPEND_BASIS = "Thời gian xác minh, lấy ý kiến không tính vào thời hạn giải quyết theo quy định của thủ tục"
APOLOGY_REASONS = (
    "Hồ sơ cần xác minh thêm thông tin với cơ quan có liên quan.",
    "Số lượng hồ sơ tăng cao, cán bộ xử lý chưa kịp hoàn thành trong thời hạn.",
    "Cần lấy thêm ý kiến của cơ quan phối hợp trước khi ban hành kết quả.",
)
WITHDRAW_REASONS = (
    "Tôi không còn nhu cầu giải quyết.",
    "Nộp nhầm thủ tục, xin rút hồ sơ để nộp lại.",
    "Gia đình thay đổi kế hoạch, xin dừng giải quyết hồ sơ.",
)
NOT_ELIGIBLE_NOTES = (
    "Không đủ điều kiện giải quyết theo quy định của thủ tục.",
    "Thông tin kê khai không khớp với cơ sở dữ liệu, không đủ căn cứ giải quyết.",
)
SEND_BACK_NOTES = (
    "Đề nghị rà soát lại nội dung thẩm định trước khi trình ký.",
    "Cần bổ sung ý kiến đánh giá của chuyên viên.",
)
APPROVED_NOTE = "Đủ điều kiện giải quyết."

#: Document types the national databases provide, and those a citizen's data store usually holds.
REGISTRY_TYPES = frozenset({"CCCD", "GIAY_KHAI_SINH", "XAC_NHAN_CU_TRU", "GCN_DKDN", "GCN_QSDD"})
NOT_REUSABLE_TYPES = frozenset({"", "TO_KHAI"})

#: Popularity of a procedure by its sector (folded name); others weigh 1.
SECTOR_WEIGHTS = (
    ("chung thuc", 10.0), ("ho tich", 6.0), ("cu tru", 6.0), ("dat dai", 4.0), ("bao hiem", 3.0),
    ("can cuoc", 3.0), ("duong bo", 3.0), ("thue", 2.0), ("ho kinh doanh", 2.0), ("doanh nghiep", 2.0),
    ("ly lich tu phap", 2.0), ("xuat nhap canh", 2.0), ("xay dung", 1.5),
)  # fmt: skip
WEEKDAY_LOAD = (1.15, 1.0, 1.0, 1.0, 0.9, 0.8, 0.8)


def _person(rng: random.Random) -> tuple[str, str]:
    female = rng.random() < 0.5
    surname = rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUMULATIVE)[0]
    middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
    given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
    year = rng.randint(1950, 2006)
    century = (0 if year < 2000 else 2) + (1 if female else 0)
    return f"{surname} {middle} {given}", f"038{century}{year % 100:02d}{rng.randint(0, 999_999):06d}"


def _tax_code(rng: random.Random) -> str:
    while True:
        first = f"28{rng.randint(0, 9_999_999):07d}"
        check = mst_check_digit(first)
        if check < 10:
            return f"{first}{check}"
