"""The sectors (lĩnh vực) the catalogue starts with: those the province's reform plan names and the other
common sectors of the national procedure database. Codes are listed in docs/formats/procedures.md."""

from django.db import migrations

SECTORS = [
    ("DAT_DAI", "Đất đai"),
    ("DAU_TU", "Đầu tư tại Việt Nam"),
    ("XAY_DUNG", "Hoạt động xây dựng"),
    ("QUY_HOACH", "Quy hoạch xây dựng, kiến trúc"),
    ("NHA_O", "Nhà ở và thị trường bất động sản"),
    ("MOI_TRUONG", "Môi trường"),
    ("TAI_NGUYEN_NUOC", "Tài nguyên nước"),
    ("KHOANG_SAN", "Địa chất và khoáng sản"),
    ("TAI_CHINH", "Tài chính, ngân sách"),
    ("QUAN_LY_CONG_SAN", "Quản lý công sản"),
    ("THUE", "Thuế"),
    ("HAI_QUAN", "Hải quan"),
    ("BAO_HIEM_XA_HOI", "Bảo hiểm xã hội"),
    ("BAO_HIEM_Y_TE", "Bảo hiểm y tế"),
    ("QUAN_LY_THI_TRUONG", "Quản lý thị trường"),
    ("THUONG_MAI", "Thương mại, lưu thông hàng hóa"),
    ("KHAM_CHUA_BENH", "Khám bệnh, chữa bệnh"),
    ("DUOC", "Dược, mỹ phẩm"),
    ("AN_TOAN_THUC_PHAM", "An toàn thực phẩm"),
    ("Y_TE_DU_PHONG", "Y tế dự phòng"),
    ("HO_TICH", "Hộ tịch"),
    ("CHUNG_THUC", "Chứng thực"),
    ("LY_LICH_TU_PHAP", "Lý lịch tư pháp"),
    ("CONG_CHUNG", "Công chứng"),
    ("TRO_GIUP_PHAP_LY", "Trợ giúp pháp lý"),
    ("NUOI_CON_NUOI", "Nuôi con nuôi"),
    ("QUOC_TICH", "Quốc tịch"),
    ("PHONG_CHAY", "Phòng cháy, chữa cháy"),
    ("CU_TRU", "Đăng ký, quản lý cư trú"),
    ("DANG_KY_DOANH_NGHIEP", "Thành lập và hoạt động doanh nghiệp"),
    ("KINH_TE_TAP_THE", "Hợp tác xã, kinh tế tập thể"),
    ("HO_KINH_DOANH", "Hộ kinh doanh"),
    ("DUONG_BO", "Đường bộ"),
    ("DUONG_THUY", "Đường thủy nội địa"),
    ("HANG_HAI", "Hàng hải"),
    ("LAO_DONG", "Lao động, việc làm"),
    ("BAO_TRO_XA_HOI", "Bảo trợ xã hội"),
    ("NGUOI_CO_CONG", "Người có công"),
    ("GIAO_DUC", "Giáo dục và đào tạo"),
    ("VAN_HOA", "Văn hóa, thể thao, du lịch"),
    ("NONG_NGHIEP", "Nông nghiệp, trồng trọt, chăn nuôi"),
    ("LAM_NGHIEP", "Lâm nghiệp"),
    ("THUY_SAN", "Thủy sản"),
    ("THONG_TIN", "Thông tin, báo chí, xuất bản"),
    ("NOI_VU", "Nội vụ, tôn giáo, thi đua khen thưởng"),
]


def forwards(apps, schema_editor):
    Sector = apps.get_model("catalogue", "Sector")
    for position, (code, name) in enumerate(SECTORS, start=1):
        Sector.objects.get_or_create(code=code, defaults={"name": name, "position": position})


def backwards(apps, schema_editor):
    Sector = apps.get_model("catalogue", "Sector")
    Sector.objects.filter(code__in=[code for code, _name in SECTORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
