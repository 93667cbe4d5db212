from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold


def test_fold_strips_vietnamese_marks_and_d_stroke():
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("ĐỔI GIẤY PHÉP LÁI XE") == "doi giay phep lai xe"
    assert fold("Quyền sử dụng đất") == "quyen su dung dat"
    assert fold("Kết hôn") == "ket hon"


def test_fold_handles_precomposed_and_decomposed_input_alike():
    import unicodedata

    text = "Thanh Hóa, Hạc Thành"
    assert (
        fold(unicodedata.normalize("NFC", text))
        == fold(unicodedata.normalize("NFD", text))
        == "thanh hoa, hac thanh"
    )


def test_fold_squeezes_whitespace_and_accepts_empty():
    assert fold("  giấy   phép\txây dựng \n") == "giay phep xay dung"
    assert fold("") == ""
    assert fold(None) == ""


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_output_is_ascii_for_vietnamese_alphabet(text):
    vietnamese = (
        "".join(ch for ch in text if ch.isascii())
        + "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐ"
    )
    assert fold(vietnamese).isascii()
