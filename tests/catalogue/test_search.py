"""Search: diacritic-insensitive, typo-tolerant, ranked, filtered; the same answers on SQLite and PostgreSQL
(the suite runs on both: DATABASE_URL=postgres://… pytest tests/catalogue)."""

import pytest
from django.db import connection

from motcua.catalogue.records import procedures_with_parts, spec_from_procedure
from motcua.catalogue.selectors import SearchFilters, procedure_search, procedure_sector_counts
from motcua.catalogue.services import procedure_update
from motcua.catalogue.spec import spec_from_dict

from .data import procedure_data, provincial_data


@pytest.fixture
def catalogue(make_procedure):
    """Six published procedures over three sectors, one draft never published."""
    make_procedure(procedure_data(), publish=True)
    make_procedure(
        procedure_data(code="1.001695", name="Đăng ký khai sinh có yếu tố nước ngoài", keywords=[]),
        publish=True,
    )
    make_procedure(procedure_data(code="1.000894", name="Đăng ký kết hôn", keywords=[]), publish=True)
    make_procedure(provincial_data(), publish=True)
    make_procedure(
        provincial_data(
            code="1.009994",
            name="Cấp giấy phép xây dựng mới đối với công trình cấp đặc biệt",
            sector={"code": "XAY_DUNG"},
            agency="H56.02",
            applicant_types=["citizen", "business"],
            online_level="none",
        ),
        publish=True,
    )
    make_procedure(
        provincial_data(code="2.000635", name="Cấp bản sao trích lục hộ tịch", sector={"code": "HO_TICH"}),
        publish=True,
    )
    make_procedure(provincial_data(code="9.999999", name="Đăng ký khai sinh bản nháp chưa công bố"))


def codes(q="", page_size=20, **filters):
    return [
        v.code for v in procedure_search(filters=SearchFilters(q=q, **filters), page_size=page_size).items
    ]


@pytest.mark.parametrize(
    "q", ["dang ky khai sinh", "đăng ký khai sinh", "DANG KY KHAI SINH", "Đăng Ký Khai Sinh,"]
)
def test_diacritics_and_case_do_not_matter(catalogue, q):
    page = procedure_search(filters=SearchFilters(q=q))
    assert [v.code for v in page.items] == ["1.001193", "1.001695"]
    assert not page.fuzzy


def test_typos_are_tolerated(catalogue):
    page = procedure_search(filters=SearchFilters(q="khai sih"))
    assert page.fuzzy and page.items[0].code == "1.001193"
    assert "1.001695" in [v.code for v in page.items]
    assert "1.000894" not in [v.code for v in page.items]  # kết hôn is not near
    assert codes("giay phep xay dugn")[0] == "1.009994"
    assert codes("dang ky ket hn") == ["1.000894"]


def test_ranking_puts_the_closest_name_first(catalogue):
    assert codes("khai sinh") == ["1.001193", "1.001695"]
    assert codes("nuoc ngoai khai sinh") == ["1.001695"]
    # "hộ tịch" is the sector of four procedures; the one with it in its name comes first.
    assert codes("ho tich")[0] == "2.000635" and len(codes("ho tich")) == 4


def test_code_agency_and_keywords_are_searched(catalogue):
    assert codes("1.004616") == ["1.004616"]
    assert codes("so tu phap") == ["1.009994"]
    assert codes("giấy khai sinh") == ["1.001193"]  # a keyword of that procedure only


def test_drafts_are_not_searched_until_published(catalogue):
    assert "9.999999" not in codes("ban nhap")
    procedure = procedures_with_parts().get(code="1.001193")
    procedure_update(
        actor=None,
        procedure=procedure,
        spec=spec_from_dict(procedure_data(name="Khai sinh cho trẻ em (sửa)")),
    )
    assert codes("khai sinh cho tre em") == []  # the public still sees the published name
    assert codes("dang ky khai sinh")[0] == "1.001193"
    assert (
        spec_from_procedure(procedures_with_parts().get(code="1.001193")).name == "Khai sinh cho trẻ em (sửa)"
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"sector": "HO_TICH"}, ["1.001193", "1.001695", "1.000894", "2.000635"]),
        ({"level": "province"}, ["1.004616", "1.009994", "2.000635"]),
        ({"level": "commune"}, ["1.001193", "1.001695", "1.000894"]),
        ({"agency": "H56.02"}, ["1.009994"]),
        ({"agency": "commune"}, ["1.001193", "1.001695", "1.000894"]),
        ({"online_level": "none"}, ["1.009994"]),
        ({"online_level": "full"}, ["1.001193", "1.001695", "1.000894"]),
        ({"applicant_type": "business"}, ["1.004616", "1.009994", "2.000635"]),
        ({"applicant_type": "citizen"}, ["1.001193", "1.001695", "1.000894", "1.009994"]),
    ],
)
def test_filters(catalogue, filters, expected):
    assert sorted(codes(**filters)) == sorted(expected)


def test_filters_combine_with_the_query_in_both_phases(catalogue):
    assert codes("khai sinh", sector="MOI_TRUONG") == []
    assert codes("khai sih", online_level="full")[0] == "1.001193"
    assert codes("khai sih", level="province") == []


def test_an_empty_query_lists_everything_by_name_and_pages(catalogue):
    all_codes = codes("")
    assert len(all_codes) == 6 and all_codes[0] == "2.000635"  # "Cấp bản sao…" sorts first
    first = procedure_search(filters=SearchFilters(), page=1, page_size=4)
    second = procedure_search(filters=SearchFilters(), page=2, page_size=4)
    assert (first.count, first.num_pages, first.has_next, second.has_previous) == (6, 2, True, True)
    assert [v.code for v in first.items + second.items] == all_codes
    assert procedure_search(filters=SearchFilters(), page=99, page_size=4).page == 2


def test_nothing_found(catalogue):
    page = procedure_search(filters=SearchFilters(q="zzzz qqqq"))
    assert (page.count, page.items, page.num_pages) == (0, [], 1)
    assert codes("%") == [] and codes("_") == [] and codes("'; drop table x; --") == []


def test_sector_counts_ignore_the_sector_filter(catalogue):
    counts = {c.code: c.count for c in procedure_sector_counts(filters=SearchFilters(sector="HO_TICH"))}
    assert counts == {"HO_TICH": 4, "MOI_TRUONG": 1, "XAY_DUNG": 1}
    counts = {c.code: c.count for c in procedure_sector_counts(filters=SearchFilters(q="khai sih"))}
    assert counts == {"HO_TICH": 2}


def test_python_trigrams_agree_with_pg_trgm(db):
    if connection.vendor != "postgresql":
        pytest.skip("compares with PostgreSQL's pg_trgm")
    from motcua.catalogue.trigram import similarity, word_similarity

    pairs = [
        ("khai sih", "dang ky khai sinh 1.001193 ho tich"),
        ("dang ky ket hn", "dang ky ket hon"),
        ("giay phep xay dugn", "cap giay phep xay dung moi"),
        ("word", "two words"),
    ]
    with connection.cursor() as cursor:
        for query, text in pairs:
            cursor.execute("SELECT similarity(%s, %s), word_similarity(%s, %s)", [query, text, query, text])
            sim, word_sim = cursor.fetchone()
            assert similarity(query, text) == pytest.approx(sim, abs=1e-6)
            # pg_trgm approximates the best extent; the exact value is never lower.
            assert word_similarity(query, text) >= word_sim - 1e-6
            assert (word_similarity(query, text) >= 0.6) == (word_sim >= 0.6)
