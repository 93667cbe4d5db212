"""Goal G5 (docs/operations/uploads.md): every file of the malicious-upload corpus, sent to every upload
entry point over HTTP by the right person, is refused with a clear Vietnamese message (or, for a hostile
*name* on a good document, neutralised), no row is created or changed, and nothing is left in the storage
or in the upload spool folder. A positive control per entry point proves each one can accept.

One test per entry point runs the whole corpus against it (setting an entry point up costs more than
sending a file), and lists every sample that failed, by name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Count, Max

from motcua.core.blobs import file_references, is_blob_name
from motcua.core.uploads import UploadRejected, check_upload

from .uploads import corpus
from .uploads.corpus import NEUTRALISE, REFUSE, Part, Sample
from .uploads.entry_points import DJANGO_EMPTY, ENTRY_POINTS, EntryPoint, Target, api_error, shown

pytestmark = pytest.mark.django_db

#: The heading of the 400 page (motcua/templates/400.html), for a request Django's parser refuses.
PARSER_REFUSED = "Yêu cầu không hợp lệ"

#: entry point → counts (read by tests/security/conftest.py for the end-of-run summary)
SCORE: dict[str, dict[str, Any]] = {}

#: Logs of who read whose personal data (a page shown again, with the error, reads the dossier again).
READ_LOGS = frozenset({"wallet.AccessEntry"})
WATCHED_APPS = frozenset({"core", "dossiers", "wallet", "results", "payments", "reporting", "notifications"})
_STORED_NAME = re.compile(
    r"^(blobs/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.(pdf|jpg|png)|plan/(evidence|tasks)/\d{4}/[0-9a-f]{16}(_[A-Za-z0-9]{7})?\.(pdf|jpeg|png))$"
)
_WINDOWS_DEVICES = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\.|$)", re.IGNORECASE)


# --- what is watched --------------------------------------------------------------------------------------------


def db_state(ignore: tuple[str, ...] = ()) -> dict[str, Any]:
    """Row count and highest id of every model of the apps an upload could touch, every stored-file column
    (name and hash) row by row, and each dossier's status and version."""
    state: dict[str, Any] = {}
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in WATCHED_APPS or label in ignore or not model._meta.managed:
            continue
        if label in READ_LOGS:
            continue
        rows = model._base_manager.all()
        if label == "core.AuditEvent":  # a page shown again logs who read whose data: not a change
            rows = rows.exclude(action__startswith="personal_data.").exclude(action="dossier.component_read")
        state[label] = tuple(rows.aggregate(n=Count("pk"), m=Max("pk")).values())
    for ref in file_references():
        columns = [ref.field] + ([ref.hash_field] if ref.hash_field else [])
        state[ref.label] = tuple(ref.model._base_manager.order_by("pk").values_list("pk", *columns))
    dossier = apps.get_model("dossiers", "Dossier")
    state["dossiers.Dossier:rows"] = tuple(
        dossier._base_manager.order_by("pk").values_list("pk", "status", "lock_version")
    )
    return state


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def django_name(raw: str) -> str | None:
    """The file name as Django's multipart parser hands it on (``MultiPartParser.sanitize_file_name``)."""
    name = raw.rsplit("/")[-1].rsplit("\\")[-1]
    name = "".join(c for c in name if c.isprintable())
    return None if name in {"", ".", ".."} else name


def expected_messages(entry: EntryPoint, sample: Sample, content: bytes) -> set[str]:
    """What the user must be told: the checker's own message for this file at this entry point (the
    same limits and kinds), or what the form says first (an empty file, a file the parser dropped)."""
    if sample.refused_by == "parser":
        return {PARSER_REFUSED}
    name = django_name(sample.name)
    if name is None:
        return set(entry.missing_messages)
    messages = set()
    if not content:
        messages.add(DJANGO_EMPTY)
    try:
        check_upload(
            content, max_bytes=entry.limit, allowed=entry.allowed, max_pages=entry.max_pages, name=name
        )
    except UploadRejected as exc:
        messages.add(exc.message)
    return messages


def clean_display_name(name: str, kind_extension: str) -> list[str]:
    """What is wrong with a stored display name (nothing, for a neutralised hostile name)."""
    problems = []
    if "/" in name or "\\" in name:
        problems.append("path separator")
    if any(unicodedata.category(c)[0] == "C" for c in name):
        problems.append("control or bidi character")
    if any(c in '<>:"|?*' for c in name):
        problems.append("character Windows forbids")
    if name.startswith("."):
        problems.append("hidden (leading dot)")
    if _WINDOWS_DEVICES.match(name):
        problems.append("Windows device name")
    if len(name) > 130:
        problems.append(f"{len(name)} characters")
    if not name.lower().endswith("." + kind_extension):
        problems.append(f"extension is not .{kind_extension} (the content's)")
    return problems


def error_shown(response: Any) -> bool:
    """A page re-rendered with an error (form errors or the page's error message)."""
    context = response.context or {}
    form = context.get("form")
    return bool(context.get("error") or context.get("errors") or (form is not None and form.errors))


# --- one entry point, the whole corpus ---------------------------------------------------------------------------


def send(entry: EntryPoint, target: Target, sample: Sample, content: bytes) -> Any:
    return entry.post(target, [Part(entry.file_field, sample.name, content, sample.content_type)])


def check_refused(entry, target, sample, content, folders) -> list[str]:
    before_db, before_files = db_state(entry.ignore_models), folders.files()
    response = send(entry, target, sample, content)
    problems = []
    status = response.status_code
    if status >= 500:
        problems.append(f"server error {status}")
    dropped = sample.refused_by != "parser" and django_name(sample.name) is None
    if sample.refused_by == "parser":
        if entry.api:
            if status != 400 or not api_error(response).get("message"):
                problems.append(f"no 400 with a message ({status}): {response.content[:200]!r}")
        elif status != 400 or not shown(response, PARSER_REFUSED):
            problems.append(f"not the 400 page ({status})")
    elif dropped and not entry.file_required:
        pass  # the parser discarded the file and the form does without one: only "nothing stored" matters
    elif dropped and entry.api:
        if status != 422 or not api_error(response).get("message"):
            problems.append(f"no 422 with a message ({status}): {response.content[:200]!r}")
    elif entry.family == "verify" and (response.context or {}).get("verdict") is not None:
        # An altered file may still be verified (and fails as "not authentic"): it is not taken in.
        if response.context["verdict"].authentic:
            problems.append("verified as authentic")
    else:
        problems += refusal_problems(entry, sample, content, response)
    media, spool = folders.files()
    if not (dropped and not entry.file_required):
        after_db = db_state(entry.ignore_models)
        if changed(before_db, after_db):
            problems.append(f"rows changed: {changed(before_db, after_db)}")
    if media != before_files[0]:
        problems.append(f"left in storage: {sorted(media - before_files[0])[:3]}")
    if spool != before_files[1]:
        problems.append(f"left in the upload spool: {sorted(spool - before_files[1])[:3]}")
    return problems


def refusal_problems(entry, sample, content, response) -> list[str]:
    """A refusal with the expected message, as the entry point shows it."""
    problems = []
    status = response.status_code
    if entry.accepted(response):
        problems.append(f"accepted ({status})")
    elif entry.family != "verify" and not 400 <= status < 500:
        problems.append(f"status {status}, not 4xx")
    if entry.family == "statement":
        if not error_shown(response):
            problems.append("no error shown")
        return problems
    messages = expected_messages(entry, sample, content)
    if not messages:
        problems.append("the checker accepts it (no message to expect)")
    elif not any(shown(response, m) for m in messages):
        problems.append(f"none of {sorted(messages)} shown")
    if entry.api and not api_error(response).get("code"):
        problems.append(f"no error code in {response.content[:200]!r}")
    return problems


def check_stored(entry, target, name, content, content_type, folders) -> tuple[Any, list[str]]:
    """Post a good document: accepted, exactly one new file under a content-derived name (with the bytes
    sent, where the entry point stores what it receives), nothing in the spool."""
    before_media, before_spool = folders.files()
    response = entry.post(target, [Part(entry.file_field, name, content, content_type)])
    problems = []
    if not entry.accepted(response):
        problems.append(f"not accepted ({response.status_code}): {response.content[:300]!r}")
    media, spool = folders.files()
    new = sorted(media - before_media)
    if entry.family in ("document", "signed"):
        if len(new) > 1:
            problems.append(f"{len(new)} new files: {new}")
        for stored in new:
            if not _STORED_NAME.match(stored):
                problems.append(f"stored under {stored!r}, not a content-derived name")
            if entry.family == "document" and (folders.media / stored).read_bytes() != content:
                problems.append(f"{stored} does not hold the bytes sent")
            if stored.startswith("blobs/") and not is_blob_name(stored):
                problems.append(f"{stored} is not a blob name")
    elif new:
        problems.append(f"stored {new} (this entry point stores nothing)")
    if spool != before_spool:
        problems.append(f"left in the upload spool: {sorted(spool - before_spool)}")
    return response, problems


@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=str)
def test_the_corpus_at_each_entry_point(entry: EntryPoint, env, folders):
    target = entry.prepare(env)
    failures: list[str] = []
    score = {
        "refused": 0,
        "refuse_expected": 0,
        "neutralised": 0,
        "neutralise_expected": 0,
        "positive": False,
    }

    # The positive control: a good small document is accepted here (else every refusal below is meaningless).
    name, content, content_type = entry.positive(f"positive-{entry.id}")
    _response, problems = check_stored(entry, target, name, content, content_type, folders)
    assert not problems, f"{entry}: the positive control failed: {problems}"
    score["positive"] = True

    for sample in corpus.SAMPLES:
        if entry.single_use:  # an answer that goes through uses the target up: each sample gets a fresh one
            target = entry.prepare(env)
        content = sample.content(entry.limit, f"{entry.id}-{sample.id}")
        refuse_here = sample.expect == REFUSE or entry.family == "statement"  # a PDF is no statement
        if refuse_here:
            score["refuse_expected"] += 1
            problems = check_refused(entry, target, sample, content, folders)
            if problems:
                failures.append(f"{sample.id}: {'; '.join(problems)}")
            else:
                score["refused"] += 1
            continue
        assert sample.expect == NEUTRALISE
        score["neutralise_expected"] += 1
        names_before = list(entry.display_names()) if entry.display_names else []
        response, problems = check_stored(entry, target, sample.name, content, sample.content_type, folders)
        if entry.display_names:
            added = Counter(entry.display_names()) - Counter(names_before)
            if not added and entry.family == "document":
                problems.append("no display name recorded")
            for shown_name in added:
                problems += [
                    f"display name {shown_name!r}: {p}" for p in clean_display_name(shown_name, "pdf")
                ]
        if response.status_code >= 500:
            problems.append(f"server error {response.status_code}")
        if problems:
            failures.append(f"{sample.id}: {'; '.join(problems)}")
        else:
            score["neutralised"] += 1

    SCORE[entry.id] = score
    assert not failures, (
        f"{entry} ({entry.role}): {len(failures)} of {len(corpus.SAMPLES)} samples failed:\n"
        + "\n".join(failures)
    )
    assert score["refused"] == score["refuse_expected"] > 0
