"""A published-procedure fixture in the exchange format, shared by the dossier tests and
benchmarks/lifecycle.py: a province-level permit of Sở Nông nghiệp và Môi trường (H56.19) whose process
passes through an inter-agency step at Thuế tỉnh (H56.52)."""


def procedure_data(**overrides):
    data = {
        "code": "1.009999",
        "name": "Cấp giấy phép khai thác nước dưới đất (thử nghiệm)",
        "sector": {"code": "TAI_NGUYEN_NUOC", "name": "Tài nguyên nước"},
        "level": "province",
        "agency": "H56.19",
        "resolving_unit": "agency",
        "applicant_types": ["citizen", "business"],
        "result_type": "electronic",
        "result_name": "Giấy phép khai thác nước dưới đất",
        "time_limit": {"amount": 5, "unit": "working_days", "after_cutoff": False},
        "supplement_rule": "exclude_wait",
        "online_level": "full",
        "full_online_eligible": True,
        "fees": [],
        "components": [
            {"name": "Đơn đề nghị cấp giấy phép", "originals": 1, "copies": 0, "required": True},
            {"name": "Sơ đồ khu vực khai thác", "originals": 1, "copies": 0, "required": True},
            {"name": "Giấy tờ khác (nếu có)", "originals": 0, "copies": 1, "required": False},
        ],
        "legal_basis": ["Luật Tài nguyên nước số 28/2023/QH15"],
        "process": {
            "steps": [
                {"code": "TN", "name": "Tiếp nhận hồ sơ", "role": "one_stop_officer", "unit": "receiving",
                 "budget": {"amount": 4, "unit": "working_hours"}, "can_request_supplement": True},
                {"code": "TD", "name": "Thẩm định hồ sơ", "role": "specialist", "unit": "resolving",
                 "budget": {"amount": 2, "unit": "working_days"}, "can_request_supplement": True},
                {"code": "LT", "name": "Xác định nghĩa vụ tài chính", "role": "specialist", "unit": "H56.52",
                 "budget": {"amount": 1, "unit": "working_days"}, "inter_agency": True},
                {"code": "PD", "name": "Trưởng phòng xem xét", "role": "division_head", "unit": "resolving",
                 "budget": {"amount": 4, "unit": "working_hours"}},
                {"code": "KY", "name": "Lãnh đạo Sở ký", "role": "agency_leader", "unit": "resolving",
                 "budget": {"amount": 4, "unit": "working_hours"}},
                {"code": "TKQ", "name": "Trả kết quả", "role": "one_stop_officer", "unit": "receiving",
                 "budget": {"amount": 4, "unit": "working_hours"}},
            ],
            "actions": [
                {"from": "TN", "to": "TD", "name": "Chuyển thẩm định", "roles": ["one_stop_officer"]},
                {"from": "TD", "to": "LT", "name": "Chuyển cơ quan thuế", "roles": ["specialist"]},
                {"from": "LT", "to": "PD", "name": "Trả kết quả liên thông", "roles": ["specialist"]},
                {"from": "PD", "to": "KY", "name": "Trình ký", "roles": ["division_head"]},
                {"from": "PD", "to": "TD", "name": "Trả lại thẩm định", "roles": ["division_head"]},
                {"from": "KY", "to": "TKQ", "name": "Ban hành kết quả", "roles": ["agency_leader"]},
                {"from": "TKQ", "to": "END", "name": "Trả kết quả", "roles": ["one_stop_officer"]},
            ],
        },
        "illustrative": True,
    }  # fmt: skip
    data.update(overrides)
    return data
