"""The closed lists of the catalogue. Their values are the keys of the exchange format
(docs/formats/procedures.md); labels are Vietnamese source strings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role


class ProcedureLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")
    DELEGATED = "delegated", _("Cơ quan ngành dọc, trung ương")


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Tổ chức, doanh nghiệp")


class ResultType(models.TextChoices):
    PAPER = "paper", _("Giấy tờ bản giấy")
    ELECTRONIC = "electronic", _("Bản điện tử")
    NONE = "none", _("Không có giấy tờ kết quả")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    SAME_DAY = "same_day", _("trong ngày")


class BudgetUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")


class SupplementRule(models.TextChoices):
    EXCLUDE_WAIT = "exclude_wait", _("Không tính thời gian chờ bổ sung hồ sơ")
    RESTART = "restart", _("Tính lại thời hạn từ khi nhận đủ hồ sơ bổ sung")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không cung cấp trực tuyến")


class ResolvingRule(models.TextChoices):
    AGENCY = "agency", _("Cơ quan thực hiện")
    APPLICANT_COMMUNE = "applicant_commune", _("UBND cấp xã có thẩm quyền đối với người nộp")
    RECEIVING_POINT = "receiving_point", _("Đơn vị tiếp nhận hồ sơ")


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")


class FeeDue(models.TextChoices):
    AT_SUBMISSION = "at_submission", _("Khi nộp hồ sơ")
    BEFORE_PROCESSING = "before_processing", _("Trước khi giải quyết")
    BEFORE_RETURN = "before_return", _("Khi nhận kết quả")


class StepUnitKind(models.TextChoices):
    RECEIVING = "receiving", _("Đơn vị tiếp nhận hồ sơ")
    RESOLVING = "resolving", _("Đơn vị giải quyết")
    UNIT = "unit", _("Đơn vị cụ thể")


class ConditionKey(models.TextChoices):
    """Typed conditions an action may require; evaluated by ``motcua.catalogue.conditions``."""

    FEE_PAID = "fee_paid", _("Đã nộp phí, lệ phí")
    RESULT_PAPER = "result_paper", _("Kết quả là giấy tờ bản giấy")
    RESULT_ELECTRONIC = "result_electronic", _("Kết quả là bản điện tử")
    APPLICANT_BUSINESS = "applicant_business", _("Người nộp là tổ chức, doanh nghiệp")
    APPLICANT_CITIZEN = "applicant_citizen", _("Người nộp là công dân")
    ONLINE_DOSSIER = "online_dossier", _("Hồ sơ nộp trực tuyến")
    COUNTER_DOSSIER = "counter_dossier", _("Hồ sơ nộp trực tiếp")


class DocumentType(models.TextChoices):
    """Controlled document types shared with the once-only data store (a stored document of the same type
    can be reused). The empty value means "no reusable type"."""

    NONE = "", _("Không dùng lại")
    CCCD = "CCCD", _("Căn cước / căn cước công dân")
    GIAY_KHAI_SINH = "GIAY_KHAI_SINH", _("Giấy khai sinh")
    GIAY_CHUNG_SINH = "GIAY_CHUNG_SINH", _("Giấy chứng sinh")
    GIAY_KET_HON = "GIAY_KET_HON", _("Giấy chứng nhận kết hôn")
    XAC_NHAN_TINH_TRANG_HON_NHAN = "XAC_NHAN_TINH_TRANG_HON_NHAN", _("Giấy xác nhận tình trạng hôn nhân")
    GIAY_CHUNG_TU = "GIAY_CHUNG_TU", _("Giấy chứng tử")
    SO_HO_KHAU = "SO_HO_KHAU", _("Sổ hộ khẩu (trước đây)")
    XAC_NHAN_CU_TRU = "XAC_NHAN_CU_TRU", _("Xác nhận thông tin cư trú")
    GCN_QSDD = "GCN_QSDD", _("Giấy chứng nhận quyền sử dụng đất")
    GCN_DKDN = "GCN_DKDN", _("Giấy chứng nhận đăng ký doanh nghiệp")
    GCN_DKDT = "GCN_DKDT", _("Giấy chứng nhận đăng ký đầu tư")
    GIAY_PHEP_XAY_DUNG = "GIAY_PHEP_XAY_DUNG", _("Giấy phép xây dựng")
    GIAY_PHEP_LAI_XE = "GIAY_PHEP_LAI_XE", _("Giấy phép lái xe")
    BANG_TOT_NGHIEP = "BANG_TOT_NGHIEP", _("Bằng tốt nghiệp")
    CHUNG_CHI_HANH_NGHE = "CHUNG_CHI_HANH_NGHE", _("Chứng chỉ hành nghề")
    GIAY_KHAM_SUC_KHOE = "GIAY_KHAM_SUC_KHOE", _("Giấy khám sức khỏe")
    HO_SO_THIET_KE = "HO_SO_THIET_KE", _("Hồ sơ thiết kế")
    BAO_CAO_DTM = "BAO_CAO_DTM", _("Báo cáo đánh giá tác động môi trường")
    HOP_DONG = "HOP_DONG", _("Hợp đồng")
    GIAY_UY_QUYEN = "GIAY_UY_QUYEN", _("Giấy ủy quyền")
    BAN_VE = "BAN_VE", _("Bản vẽ")
    TO_KHAI = "TO_KHAI", _("Tờ khai (không dùng lại)")
    # The generic type of an issued result whose procedure names no specific one (motcua.results).
    KET_QUA_TTHC = "KET_QUA_TTHC", _("Kết quả giải quyết thủ tục hành chính")


#: Roles that may own a process step or take an action (auditors only read).
PROCESS_ROLES: tuple[str, ...] = tuple(role for role in Role.values if role != Role.AUDITOR)

#: The pseudo-step every process ends in.
END = "END"

#: One working day, in working hours, for budget arithmetic (the calendar owns real working hours).
HOURS_PER_WORKING_DAY = 8
