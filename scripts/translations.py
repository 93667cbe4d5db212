#!/usr/bin/env python3
"""Keep the Vietnamese and English message catalogues complete.

    .venv/bin/python scripts/translations.py update   # extract, fill the vi catalogue, compile
    .venv/bin/python scripts/translations.py check    # fail if a catalogue is stale or incomplete

Vietnamese is the source language: the strings in the code are Vietnamese, so the vi catalogue's
translation of each entry is the entry itself. ``update`` writes it (so the vi catalogue is complete and a
reviewer can reword a Vietnamese text in the catalogue without touching code); English entries are
translated by people (see docs/contributing.md) and ``update`` leaves them alone.

``check`` extracts the strings into a temporary copy of the catalogues (the repository is not touched) and
fails when the code has a string the catalogues do not, or when an entry in either catalogue is empty or
fuzzy. The test suite runs it (tests/web/test_translation_catalogues.py), so CI fails on a missing
translation.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("vi", "en")
SOURCE_LANGUAGE = "vi"
#: What makemessages reads: the code and templates (not the virtualenv, data, benchmarks or tests).
SOURCES = ("motcua", "config")
IGNORE = (".venv", "var", "benchmarks", "tests", "node_modules")


def catalogue_path(locale_dir: Path, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


def extract(locale_dir: Path) -> None:
    """Run makemessages over the sources into ``locale_dir`` (a repository's or a temporary copy)."""
    with tempfile.TemporaryDirectory(prefix="motcua-i18n-") as tmp:
        work = Path(tmp)
        # makemessages writes next to the files it reads; a tree of symlinks points it at locale_dir.
        for name in SOURCES:
            (work / name).symlink_to(ROOT / name)
        (work / "locale").symlink_to(locale_dir)
        command = [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--symlinks",
            "--no-obsolete",
            *(f"--locale={language}" for language in LANGUAGES),
            *(f"--ignore={pattern}" for pattern in IGNORE),
            "-v0",
        ]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": str(ROOT),
        }
        subprocess.run(command, cwd=work, env=env, check=True)  # noqa: S603 - a fixed argv


def fill_source_language(locale_dir: Path) -> int:
    """Give every empty vi entry its own text (the source language translates to itself); returns how many."""
    path = catalogue_path(locale_dir, SOURCE_LANGUAGE)
    catalogue = polib.pofile(str(path), wrapwidth=79)
    filled = 0
    for entry in catalogue:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            entry.msgstr = ""
            entry.msgstr_plural = {0: ""} if entry.msgid_plural else {}
        if entry.msgid_plural:
            if not entry.msgstr_plural.get(0):
                entry.msgstr_plural = {0: entry.msgid_plural}
                filled += 1
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
            filled += 1
    catalogue.save(str(path))
    return filled


@dataclass
class Problems:
    missing: dict[str, list[str]]
    untranslated: dict[str, list[str]]
    fuzzy: dict[str, list[str]]

    def count(self) -> int:
        groups = (self.missing, self.untranslated, self.fuzzy)
        return sum(len(items) for group in groups for items in group.values())

    def report(self) -> str:
        lines = []
        for title, group in (
            ("in the code but not in the catalogue", self.missing),
            ("untranslated", self.untranslated),
            ("fuzzy", self.fuzzy),
        ):
            for language, items in group.items():
                if items:
                    lines.append(f"{language}: {len(items)} {title}:")
                    lines.extend(f"  {item[:100]!r}" for item in items[:20])
        return "\n".join(lines)


def _key(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def _untranslated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def find_problems(locale_dir: Path = ROOT / "locale") -> Problems:
    """Compare the catalogues in ``locale_dir`` with a fresh extraction, and look for holes in them."""
    problems = Problems(missing={}, untranslated={}, fuzzy={})
    with tempfile.TemporaryDirectory(prefix="motcua-i18n-check-") as tmp:
        fresh_dir = Path(tmp) / "locale"
        shutil.copytree(locale_dir, fresh_dir)
        extract(fresh_dir)
        for language in LANGUAGES:
            current = polib.pofile(str(catalogue_path(locale_dir, language)))
            fresh = polib.pofile(str(catalogue_path(fresh_dir, language)))
            known = {_key(e) for e in current if not e.obsolete}
            live = [e for e in current if not e.obsolete]
            problems.missing[language] = sorted(_key(e) for e in fresh if _key(e) not in known)
            problems.untranslated[language] = [e.msgid for e in live if _untranslated(e)]
            problems.fuzzy[language] = [e.msgid for e in live if "fuzzy" in e.flags]
    return problems


def compile_catalogues() -> None:
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        raise SystemExit("msgfmt not found: install gettext (scripts/system-deps.sh does)")
    for language in LANGUAGES:
        po = catalogue_path(ROOT / "locale", language)
        subprocess.run([msgfmt, "--check-format", "-o", str(po.with_suffix(".mo")), str(po)], check=True)  # noqa: S603


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        extract(ROOT / "locale")
        filled = fill_source_language(ROOT / "locale")
        compile_catalogues()
        problems = find_problems()
        print(f"vi: {filled} entries filled from the source text")
        if problems.count():
            print(problems.report())
            print("Translate the English entries above (docs/contributing.md), then run `update` again.")
            return 1
        return 0
    if command == "check":
        problems = find_problems()
        if problems.count():
            print(problems.report())
            print("Run `.venv/bin/python scripts/translations.py update` and translate what it lists.")
            return 1
        print("Catalogues complete: " + ", ".join(LANGUAGES))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
