"""The counters of the fact table: their names, kinds and meaning (docs/architecture/kpi-definitions.md).

A *flow* counts what happened on a day (received, resolved, handed over…): the value over a period is the
sum of its days. A *stock* is stored as +1/−1 changes on the days a dossier enters or leaves a state (open,
overdue, waiting for a supplement): its value at the end of day E is the sum of all changes up to E.
Both are kept per day × resolving unit × procedure, and rolled up per month and per year in the same rows
of the same table, so that any cumulative sum reads at most (years + 11 months + 31 days) rows per key.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FLOWS: dict[str, object] = {
    "received": _("Tiếp nhận"),
    "received_online": _("Tiếp nhận trực tuyến"),
    "received_counter": _("Tiếp nhận trực tiếp"),
    "received_postal": _("Tiếp nhận qua bưu chính"),
    "received_full_online": _("Tiếp nhận trực tuyến toàn trình"),
    "received_fee": _("Hồ sơ của thủ tục có phí, lệ phí"),
    "received_paper_result": _("Hồ sơ của thủ tục có kết quả là giấy tờ"),
    "received_digitised": _("Hồ sơ có thành phần đã số hóa"),
    "received_reused": _("Hồ sơ dùng lại dữ liệu đã số hóa"),
    "received_from_store": _("Hồ sơ lấy giấy tờ từ cơ sở dữ liệu"),
    "resolved": _("Đã giải quyết"),
    "resolved_early": _("Giải quyết trước hạn"),
    "resolved_on_time": _("Giải quyết đúng hạn"),
    "resolved_late": _("Giải quyết quá hạn"),
    "resolved_stopped": _("Dừng, đóng hồ sơ"),
    "resolved_e_result": _("Có kết quả điện tử"),
    "resolved_paper_result": _("Đã giải quyết, thủ tục có kết quả là giấy tờ"),
    "resolved_digitised_complete": _("Đã giải quyết, đã số hóa thành phần và kết quả"),
    "returned": _("Đã trả kết quả"),
    "returned_online": _("Trả kết quả trực tuyến"),
    "handover_electronic": _("Chuyển liên thông điện tử"),
    "handover_paper": _("Chuyển liên thông bản giấy"),
    "supplement_requests": _("Yêu cầu bổ sung"),
    "apologies": _("Xin lỗi, hẹn lại"),
    "paid_online": _("Thanh toán trực tuyến"),
}

STOCKS: dict[str, object] = {
    "open": _("Đang giải quyết"),
    "overdue": _("Đang giải quyết, quá hạn"),
    "pending_ok": _("Chờ bổ sung (yêu cầu trong hạn)"),
    "pending_late": _("Chờ bổ sung (yêu cầu khi đã quá hạn)"),
}

COUNTERS: tuple[str, ...] = (*FLOWS, *STOCKS)
