"""Every page and message exists in Vietnamese and English: the catalogues are complete and current.

Runs ``scripts/translations.py check``: a fresh extraction into a temporary copy of the catalogues, compared
with the committed ones. A string added to the code without ``make messages`` and an English translation
fails here, naming the string.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("motcua_translations", ROOT / "scripts" / "translations.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def translations() -> ModuleType:
    return load_script()


def test_catalogues_are_current_and_complete(translations: ModuleType) -> None:
    problems = translations.find_problems()
    assert problems.count() == 0, problems.report()


def test_the_check_finds_a_string_missing_from_the_catalogues(
    translations: ModuleType, tmp_path: Path
) -> None:
    """The check can fail: a catalogue without one of the code's strings, and one with a hole, are reported."""
    locale = tmp_path / "locale"
    import shutil

    shutil.copytree(ROOT / "locale", locale)
    en_path = translations.catalogue_path(locale, "en")
    en = polib.pofile(str(en_path))
    removed = next(e for e in en if not e.obsolete and not e.msgid_plural)
    en.remove(removed)
    holed = next(e for e in en if not e.obsolete and not e.msgid_plural and e.msgid != removed.msgid)
    holed.msgstr = ""
    en.save(str(en_path))

    problems = translations.find_problems(locale)

    assert translations._key(removed) in problems.missing["en"]
    assert holed.msgid in problems.untranslated["en"]
    assert translations._key(removed) not in problems.missing["vi"]


def test_vietnamese_source_text_fills_the_vi_catalogue(translations: ModuleType, tmp_path: Path) -> None:
    locale = tmp_path / "locale"
    path = translations.catalogue_path(locale, "vi")
    path.parent.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    catalogue.append(polib.POEntry(msgid="Hồ sơ", msgstr=""))
    catalogue.append(
        polib.POEntry(msgid="%(n)s hồ sơ", msgid_plural="%(n)s hồ sơ (nhiều)", msgstr_plural={0: ""})
    )
    catalogue.append(polib.POEntry(msgid="Đã sửa", msgstr="Bản cũ", flags=["fuzzy"]))
    catalogue.save(str(path))

    assert translations.fill_source_language(locale) == 3

    filled = {e.msgid: e for e in polib.pofile(str(path))}
    assert filled["Hồ sơ"].msgstr == "Hồ sơ"
    assert filled["%(n)s hồ sơ"].msgstr_plural[0] == "%(n)s hồ sơ (nhiều)"
    assert filled["Đã sửa"].msgstr == "Đã sửa" and "fuzzy" not in filled["Đã sửa"].flags
