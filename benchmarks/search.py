"""Catalogue search over 2,000 published procedures against a primary-key fetch, in the same run.

    .venv/bin/python benchmarks/search.py                       # SQLite (a temporary file database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua .venv/bin/python benchmarks/search.py

Creates a throwaway database (SQLite: a file in a temporary directory; PostgreSQL: ``motcua_bench_<pid>``,
dropped at the end), migrates it, loads the demo organisation and publishes N procedures through the real
services (realistic Vietnamese names, one of them "Đăng ký khai sinh"). Then, after a warm-up, it times
the four search examples of the issue (``dang ky khai sinh``, ``đăng ký khai sinh``, ``DANG KY KHAI SINH``,
``khai sih``) and a primary-key fetch of a random published procedure, at two levels of the same stack:

* selector: ``procedure_search(...)`` (first page of 20, rows loaded) vs ``procedure_get_published(code=)``;
* API: ``GET /api/v1/procedures?q=…`` vs ``GET /api/v1/procedures/{code}`` through Django's test client
  (URL routing, ninja validation and serialisation included).

Searches and fetches are interleaved so that both see the same machine noise. Typo-tolerant results are
cached per process until the next publication, so ``khai sih`` repeated is answered from the cache; the
``uncached`` rows empty that cache before every run (the cost of a misspelling seen for the first time).
It prints p50 and p95 per operation and the ratios p95(search) / p95(primary-key fetch); the goal of
issue 4 is a ratio of at most 2. Every search is checked to return "Đăng ký khai sinh" first.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

QUERIES = ["dang ky khai sinh", "đăng ký khai sinh", "DANG KY KHAI SINH", "khai sih"]
TARGET = "Đăng ký khai sinh"

VERBS = [
    "Cấp", "Cấp lại", "Cấp đổi", "Điều chỉnh", "Gia hạn", "Thu hồi", "Đăng ký", "Đăng ký thay đổi",
    "Xác nhận", "Thẩm định", "Phê duyệt", "Công nhận", "Chấp thuận", "Cho phép", "Thông báo", "Hủy bỏ",
]  # fmt: skip
OBJECTS = [
    "giấy phép xây dựng", "giấy chứng nhận quyền sử dụng đất", "giấy phép môi trường", "giấy phép lái xe",
    "chứng chỉ hành nghề y", "giấy chứng nhận đủ điều kiện an toàn thực phẩm", "giấy phép kinh doanh rượu",
    "giấy chứng nhận đăng ký doanh nghiệp", "giấy chứng nhận đăng ký đầu tư", "hộ kinh doanh",
    "giấy phép khai thác khoáng sản", "giấy phép khai thác nước mặt", "báo cáo đánh giá tác động môi trường",
    "phương án phòng cháy, chữa cháy", "giấy phép vận tải", "biển hiệu xe ô tô", "chứng chỉ quy hoạch",
    "giấy phép hoạt động khám bệnh, chữa bệnh", "giấy phép lưu hành thuốc", "mã số thuế", "hóa đơn điện tử",
    "tờ khai hải quan", "sổ bảo hiểm xã hội", "thẻ bảo hiểm y tế", "giấy phép sử dụng vật liệu nổ",
    "hợp tác xã", "giấy phép hoạt động điện lực", "giấy phép thành lập trường", "di tích lịch sử",
    "giấy phép khai thác thủy sản", "chứng nhận giống cây trồng", "giấy phép quảng cáo",
]  # fmt: skip
QUALIFIERS = [
    "", "cho tổ chức", "cho cá nhân", "có yếu tố nước ngoài", "trong khu kinh tế", "trên địa bàn xã",
    "đối với công trình cấp đặc biệt", "do bị mất, hỏng", "khi thay đổi thông tin", "theo hình thức trực tuyến",
]  # fmt: skip
CIVIL = [
    "Đăng ký khai sinh có yếu tố nước ngoài", "Đăng ký lại khai sinh", "Đăng ký khai sinh kết hợp nhận cha, mẹ, con",
    "Đăng ký khai tử", "Đăng ký kết hôn", "Đăng ký nhận cha, mẹ, con", "Đăng ký giám hộ", "Trích lục hộ tịch",
]  # fmt: skip
SECTORS = [
    "XAY_DUNG", "DAT_DAI", "MOI_TRUONG", "DUONG_BO", "KHAM_CHUA_BENH", "AN_TOAN_THUC_PHAM", "THUONG_MAI",
    "DANG_KY_DOANH_NGHIEP", "DAU_TU", "HO_KINH_DOANH", "KHOANG_SAN", "TAI_NGUYEN_NUOC", "PHONG_CHAY", "THUE",
    "HAI_QUAN", "BAO_HIEM_XA_HOI",
]  # fmt: skip
AGENCIES = ["H56.02", "H56.03", "H56.05", "H56.07", "H56.08", "H56.19", "H56.52", "H56.54", "H56.56"]


def names(count: int, rng: random.Random) -> list[str]:
    out = [TARGET, *CIVIL]
    seen = set(out)
    while len(out) < count:
        name = " ".join(
            part for part in (rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)) if part
        )
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out[:count]


def procedure(index: int, name: str, rng: random.Random) -> dict[str, object]:
    civil = index < 1 + len(CIVIL)
    return {
        "code": f"2.{index:06d}" if index else "1.001193",
        "name": name,
        "sector": {"code": "HO_TICH" if civil else rng.choice(SECTORS)},
        "level": "commune" if civil else "province",
        "agency": "commune" if civil else rng.choice(AGENCIES),
        "resolving_unit": "applicant_commune" if civil else "agency",
        "applicant_types": ["citizen"] if civil else rng.choice([["citizen"], ["business"], ["citizen", "business"]]),
        "result_name": "Kết quả",
        "time_limit": {"amount": rng.choice([3, 5, 10, 15, 20]), "unit": "working_days"},
        "online_level": rng.choice(["full", "partial", "none"]),
        "fees": [{"name": "Lệ phí", "amount": rng.choice([0, 50000, 100000, 1000000])}],
        "components": [{"name": "Tờ khai theo mẫu"}, {"name": "Bản sao giấy tờ tùy thân", "originals": 0, "copies": 1}],
        "legal_basis": ["Văn bản minh họa"],
        "process": {
            "steps": [
                {"code": "TN", "name": "Tiếp nhận", "role": "one_stop_officer", "unit": "receiving",
                 "budget": {"amount": 4, "unit": "working_hours"}},
                {"code": "XL", "name": "Xử lý", "role": "specialist", "unit": "resolving",
                 "budget": {"amount": 1, "unit": "working_days"}},
            ],
            "actions": [
                {"from": "TN", "to": "XL", "name": "Chuyển xử lý", "roles": ["one_stop_officer"]},
                {"from": "XL", "to": "END", "name": "Trả kết quả", "roles": ["specialist"]},
            ],
        },
        "illustrative": True,
    }  # fmt: skip


def load(count: int) -> list[str]:
    from motcua.catalogue.services import References, procedure_create, procedure_publish
    from motcua.catalogue.spec import spec_from_dict
    from motcua.org.demo import seed_demo_org

    seed_demo_org()
    rng = random.Random(20261126)
    refs = References.load()
    codes = []
    with transaction.atomic():
        for index, name in enumerate(names(count, rng)):
            spec = spec_from_dict(procedure(index, name, rng))
            created = procedure_create(actor=None, spec=spec, refs=refs)
            procedure_publish(actor=None, procedure=created, refs=refs)
            codes.append(spec.code)
    return codes


def timed(operation: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        operation()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def p(samples: list[float], q: float) -> float:
    return (
        statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]
        if len(samples) > 1
        else samples[0]
    )


def run(count: int, rounds: int) -> None:
    from motcua.catalogue.selectors import (
        SearchFilters,
        fuzzy_cache_clear,
        procedure_get_published,
        procedure_search,
    )

    started = time.perf_counter()
    codes = load(count)
    print(f"loaded {len(codes)} published procedures in {time.perf_counter() - started:.1f} s")
    client = Client()
    rng = random.Random(7)

    def search_selector(q: str) -> Callable[[], object]:
        def go() -> object:
            page = procedure_search(filters=SearchFilters(q=q), page=1, page_size=20)
            assert page.items and page.items[0].name == TARGET, (q, [v.name for v in page.items[:3]])  # noqa: S101
            return [v.sector.name for v in page.items]

        return go

    def search_api(q: str) -> Callable[[], object]:
        def go() -> object:
            response = client.get("/api/v1/procedures", {"q": q})
            assert response.status_code == 200 and response.json()["items"][0]["name"] == TARGET  # noqa: S101
            return response

        return go

    def pk_selector() -> object:
        version = procedure_get_published(code=rng.choice(codes))
        assert version is not None  # noqa: S101
        return version.sector.name

    def pk_api() -> object:
        response = client.get(f"/api/v1/procedures/{rng.choice(codes)}")
        assert response.status_code == 200  # noqa: S101
        return response

    # Cold: the first typo-tolerant search builds the in-process trigram index (once per publication).
    cold = timed(search_selector("khai sih"), 1)[0]
    for q in QUERIES:  # warm-up
        timed(search_selector(q), 5)
        timed(search_api(q), 5)
    timed(pk_selector, 20)
    timed(pk_api, 20)

    def uncached(operation: Callable[[], object]) -> Callable[[], object]:
        def go() -> object:
            fuzzy_cache_clear()
            return operation()

        return go

    # Searches and primary-key fetches are interleaved (one of each in turn), so both see the same
    # machine noise; the uncached typo search empties the typo-tolerant result cache before every run.
    results: dict[str, list[float]] = {}
    gc.collect()
    for level, search, pk in (("selector", search_selector, pk_selector), ("api", search_api, pk_api)):
        searches = {q: search(q) for q in QUERIES}
        cold_typo = uncached(search("khai sih"))
        for key in [*(f"search '{q}'" for q in QUERIES), "search (all four)", "search 'khai sih', uncached",
                    "primary-key fetch"]:  # fmt: skip
            results[f"{level} {key}"] = []
        for _ in range(rounds):
            for q, operation in searches.items():
                sample = timed(operation, 1)[0]
                results[f"{level} search '{q}'"].append(sample)
                results[f"{level} search (all four)"].append(sample)
                results[f"{level} primary-key fetch"] += timed(pk, 1)
            results[f"{level} search 'khai sih', uncached"] += timed(cold_typo, 1)
            results[f"{level} primary-key fetch"] += timed(pk, 1)

    vendor = connection.vendor
    print(
        f"database: {vendor} ({connection.settings_dict['NAME']}), procedures: {count}, rounds: {rounds} per query"
    )
    print(f"first typo-tolerant search (cold): {cold:.2f} ms")
    width = max(len(k) for k in results)
    print(f"{'operation':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}")
    for key, samples in results.items():
        print(f"{key:<{width}}  {p(samples, 50):8.2f}  {p(samples, 95):8.2f}")
    for level in ("selector", "api"):
        pk_p95 = p(results[f"{level} primary-key fetch"], 95)
        for label, key in (
            ("search", "search (all four)"),
            ("uncached typo search", "search 'khai sih', uncached"),
        ):
            search_p95 = p(results[f"{level} {key}"], 95)
            print(
                f"{level}: p95 {label} / p95 primary-key fetch = {search_p95:.2f} / {pk_p95:.2f} "
                f"= {search_p95 / pk_p95:.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=100, help="timed runs per search query")
    args = parser.parse_args()
    test_settings = connection.settings_dict["TEST"]  # the throwaway database, never the real one
    tmpdir = None
    if connection.vendor == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix="motcua-bench-")
        test_settings["NAME"] = str(Path(tmpdir) / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"motcua_bench_{os.getpid()}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args.procedures, args.rounds)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)


if __name__ == "__main__":
    main()
