"""Read-side questions about the catalogue: search, published versions, drafts, offers.

Search (``procedure_search``) reads the narrow ``CatalogueEntry`` table (one row per published procedure)
and runs in two phases, with the same results on both databases:

1. **exact**: every word of the folded query is contained in the folded ``search_text`` (``LIKE
   '%word%'``; on PostgreSQL served by the trigram GIN index). Hits are ranked by: all words in the name
   first, then trigram ``similarity`` of the folded name to the query (pg_trgm's ``similarity()`` on
   PostgreSQL, the same function in Python on SQLite), then the name.
2. **typo-tolerant**, only when phase 1 finds nothing: ``word_similarity(query, search_text)`` ≥ 0.6 —
   pg_trgm's ``<%`` rule — ranked by that similarity, then the name's similarity. It is computed in
   Python over an inverted trigram index of the published entries, kept per process and rebuilt when a
   procedure is published, on both databases: evaluated by PostgreSQL, ``<%`` costs tens of
   microseconds a row and on a catalogue of a few thousand rows the planner scans them all (55 ms for
   2,000 rows measured, against a few milliseconds here; see benchmarks/search.py). Two shortcuts
   keep it fast and exact: documents are first counted by shared trigrams, then bounded word by word
   (``trigram.may_reach``); results are cached per (query, filters) until the next publication. The
   Python functions are checked against pg_trgm's in the tests.

So ``dang ky khai sinh``, ``đăng ký khai sinh`` and ``DANG KY KHAI SINH`` fold to the same words and
match in phase 1; ``khai sih`` matches in phase 2.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.utils import timezone

from motcua.core.text import fold
from motcua.org.models import OrgUnit, OrgUnitKind

from .choices import ApplicantType, StepUnitKind
from .lint import LintProblem, publish_lint
from .models import CatalogueEntry, Procedure, ProcedureVersion, Sector
from .records import procedures_with_parts, spec_from_procedure
from .routing import choose_resolving_unit
from .spec import COMMUNE_AGENCY, ProcedureSpec, spec_from_dict
from .trigram import (
    WORD_SIMILARITY_THRESHOLD,
    may_reach_hits,
    similarity,
    trigram_list,
    trigrams,
    word_similarity,
    words,
)

MAX_QUERY_LENGTH = 200
MAX_PAGE_SIZE = 100
_EDGE_PUNCTUATION = ".,;:!?()[]{}\"'“”‘’/\\-"


class _Similarity(Func):
    """pg_trgm's ``similarity(a, b)`` (PostgreSQL only)."""

    function = "similarity"
    output_field = FloatField()


# --------------------------------------------------------------------------------------------------
# Search


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    sector: str = ""  # sector code
    level: str = ""
    agency: str = ""  # org-unit code, or "commune"
    online_level: str = ""
    applicant_type: str = ""

    def without_sector(self) -> SearchFilters:
        return SearchFilters(self.q, "", self.level, self.agency, self.online_level, self.applicant_type)


@dataclass
class SearchPage:
    items: list[CatalogueEntry]
    count: int
    page: int
    page_size: int
    fuzzy: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def start_index(self) -> int:
        return 0 if not self.count else (self.page - 1) * self.page_size + 1

    @property
    def end_index(self) -> int:
        return min(self.count, self.page * self.page_size)


@dataclass(frozen=True)
class SectorCount:
    code: str
    name: str
    count: int


def query_words(q: str) -> list[str]:
    """The folded words of a query, without surrounding punctuation (``“Khai sinh,”`` → ``khai sinh``)."""
    words = (word.strip(_EDGE_PUNCTUATION) for word in fold(q[:MAX_QUERY_LENGTH]).split())
    return [word for word in words if word]


def published_versions() -> QuerySet[ProcedureVersion]:
    """The current published version of every published procedure."""
    return ProcedureVersion.objects.filter(entry__isnull=False)


def _filtered(entries: QuerySet[CatalogueEntry], filters: SearchFilters) -> QuerySet[CatalogueEntry]:
    if filters.sector:
        entries = entries.filter(sector__code=filters.sector)
    if filters.level:
        entries = entries.filter(level=filters.level)
    if filters.agency == COMMUNE_AGENCY:
        entries = entries.filter(agency__isnull=True)
    elif filters.agency:
        entries = entries.filter(agency__code=filters.agency)
    if filters.online_level:
        entries = entries.filter(online_level=filters.online_level)
    if filters.applicant_type == ApplicantType.CITIZEN:
        entries = entries.filter(for_citizen=True)
    elif filters.applicant_type == ApplicantType.BUSINESS:
        entries = entries.filter(for_business=True)
    return entries


@dataclass
class _Match:
    """The result of matching, before paging: a ranked queryset, or ranked ids."""

    fuzzy: bool
    queryset: QuerySet[CatalogueEntry] | None = None
    ids: list[int] = field(default_factory=list)
    sectors: Counter[int] | None = None


def _name_has_all(words: Sequence[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(name_folded__contains=word)
    return condition


def _match(filters: SearchFilters) -> _Match:
    words = query_words(filters.q)
    entries = _filtered(CatalogueEntry.objects.all(), filters)
    if not words:
        return _Match(False, entries.order_by("name_folded", "id"))
    query = " ".join(words)
    exact = entries
    for word in words:
        exact = exact.filter(search_text__contains=word)
    if connection.vendor == "postgresql":
        ranked = exact.annotate(
            in_name=Case(
                When(_name_has_all(words), then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            rank=_Similarity(F("name_folded"), Value(query)),
        ).order_by("-in_name", "-rank", "name_folded", "id")
        return _Match(False, ranked)
    rows = list(exact.order_by().values_list("id", "name_folded", "sector_id"))
    scored = sorted(
        rows,
        key=lambda row: (
            not all(word in row[1] for word in words),
            -similarity(row[1], query),
            row[1],
            row[0],
        ),
    )
    return _Match(False, ids=[row[0] for row in scored], sectors=Counter(row[2] for row in rows))


def _page_number(page: int, page_size: int, count: int) -> int:
    pages = max(1, math.ceil(count / page_size))
    return min(max(1, page), pages)


def _entries(ids: Sequence[int]) -> list[CatalogueEntry]:
    by_id = CatalogueEntry.objects.select_related("sector", "agency").order_by().in_bulk(list(ids))
    return [by_id[i] for i in ids if i in by_id]


def procedure_search(*, filters: SearchFilters, page: int = 1, page_size: int = 20) -> SearchPage:
    """Published procedures matching ``filters``, ranked (see the module doc), one page of them."""
    page_size = min(max(1, page_size), MAX_PAGE_SIZE)
    match = _match(filters)
    fuzzy_query = " ".join(query_words(filters.q))
    queryset = match.queryset
    if queryset is not None:
        # One round trip: the page with the total count on every row (COUNT(*) OVER ()).
        counted = queryset.select_related("sector", "agency").annotate(total=Window(Count("id")))
        number = max(1, page)
        items: list[CatalogueEntry] = list(counted[(number - 1) * page_size : number * page_size])
        if not items and number > 1:  # past the last page: show the last one
            number = _page_number(number, page_size, queryset.count())
            items = list(counted[(number - 1) * page_size : number * page_size])
        if items or not fuzzy_query:
            count = getattr(items[0], "total", 0) if items else 0
            return SearchPage(items, count, number, page_size, match.fuzzy)
        match = _fuzzy(fuzzy_query, filters)
    elif not match.ids and fuzzy_query:
        match = _fuzzy(fuzzy_query, filters)
    count = len(match.ids)
    number = _page_number(page, page_size, count)
    start = (number - 1) * page_size
    return SearchPage(_entries(match.ids[start : start + page_size]), count, number, page_size, match.fuzzy)


def procedure_sector_counts(*, filters: SearchFilters) -> list[SectorCount]:
    """How many published procedures match ``filters`` in each sector (the sector filter ignored)."""
    unfiltered = filters.without_sector()
    match = _match(unfiltered)
    counts: Counter[int]
    if match.queryset is not None:
        rows = (
            match.queryset.order_by()
            .values_list("sector_id")
            .annotate(n=Count("id"))
            .values_list("sector_id", "n")
        )
        counts = Counter(dict(rows))
    else:
        counts = match.sectors or Counter()
    if not counts and query_words(filters.q):
        counts = _fuzzy(" ".join(query_words(filters.q)), unfiltered).sectors or Counter()
    sectors = Sector.objects.filter(pk__in=list(counts)).order_by("position", "name")
    return [SectorCount(s.code, s.name, counts[s.pk]) for s in sectors]


# The typo-tolerant phase: an inverted trigram index over the published entries, rebuilt when a procedure
# is published (the key changes) and kept per process.


@dataclass
class _Corpus:
    key: tuple[Any, ...]
    ids: list[int]
    names: list[str]
    texts: list[list[str]]
    doc_words: list[list[int]]  # each document's words, as indexes into ``vocabulary``
    vocabulary: list[frozenset[str]]  # the trigram set of each distinct word
    vocabulary_postings: dict[str, list[int]]  # trigram → words holding it
    attrs: list[tuple[Any, ...]]
    postings: dict[str, list[int]]
    # Typo-tolerant results by (query, filters), valid as long as the corpus is: repeated misspellings
    # are answered from here. Bounded; cleared when full.
    results: dict[tuple[str, SearchFilters], tuple[list[int], Counter[int]]] = field(default_factory=dict)


FUZZY_CACHE_SIZE = 512
_corpus_lock = threading.Lock()
_corpus: _Corpus | None = None


def _corpus_key() -> tuple[Any, ...]:
    """Changes whenever an entry is added, replaced (a new version has a higher id) or removed; the
    newest version's time tells apart databases that reuse ids (tests rolling back)."""
    stats = CatalogueEntry.objects.aggregate(n=Count("id"), top=Max("version_id"), last=Max("published_at"))
    return (connection.alias, connection.settings_dict["NAME"], stats["n"], stats["top"], stats["last"])


def _load_corpus() -> _Corpus:
    global _corpus
    key = _corpus_key()
    current = _corpus
    if current is not None and current.key == key:
        return current
    with _corpus_lock:
        rows = list(
            CatalogueEntry.objects.values_list(
                "id",
                "name_folded",
                "search_text",
                "sector_id",
                "sector__code",
                "level",
                "agency__code",
                "online_level",
                "for_citizen",
                "for_business",
            )
        )
        postings: dict[str, list[int]] = {}
        texts: list[list[str]] = []
        doc_words: list[list[int]] = []
        word_ids: dict[str, int] = {}
        vocabulary: list[frozenset[str]] = []
        vocabulary_postings: dict[str, list[int]] = {}
        for index, row in enumerate(rows):
            tl = trigram_list(row[2])
            texts.append(tl)
            ids: list[int] = []
            for word in words(row[2]):
                if word not in word_ids:
                    word_ids[word] = len(vocabulary)
                    vocabulary.append(trigrams(word))
                    for trigram in vocabulary[-1]:
                        vocabulary_postings.setdefault(trigram, []).append(word_ids[word])
                ids.append(word_ids[word])
            doc_words.append(ids)
            for trigram in set(tl):
                postings.setdefault(trigram, []).append(index)
        _corpus = _Corpus(
            key,
            [row[0] for row in rows],
            [row[1] for row in rows],
            texts,
            doc_words,
            vocabulary,
            vocabulary_postings,
            [row[3:] for row in rows],
            postings,
        )
        return _corpus


def _attrs_match(attrs: tuple[Any, ...], filters: SearchFilters) -> bool:
    _sector_id, sector, level, agency, online, for_citizen, for_business = attrs
    if filters.sector and sector != filters.sector:
        return False
    if filters.level and level != filters.level:
        return False
    if filters.agency == COMMUNE_AGENCY and agency is not None:
        return False
    if filters.agency and filters.agency != COMMUNE_AGENCY and agency != filters.agency:
        return False
    if filters.online_level and online != filters.online_level:
        return False
    if filters.applicant_type == ApplicantType.CITIZEN and not for_citizen:
        return False
    return not (filters.applicant_type == ApplicantType.BUSINESS and not for_business)


def fuzzy_cache_clear() -> None:
    """Forget the cached typo-tolerant results (the benchmark measures them uncached too)."""
    if _corpus is not None:
        _corpus.results.clear()


def _fuzzy(query: str, filters: SearchFilters) -> _Match:
    corpus = _load_corpus()
    cached = corpus.results.get((query, filters))
    if cached is not None:
        return _Match(True, ids=cached[0], sectors=cached[1])
    tq = trigrams(query)
    shared: Counter[int] = Counter()
    for trigram in tq:
        shared.update(corpus.postings.get(trigram, ()))
    # A document can reach the threshold only if it holds that share of the query's trigrams.
    needed = math.ceil(WORD_SIMILARITY_THRESHOLD * len(tq) - 1e-9)
    word_hits = {
        w: corpus.vocabulary[w] & tq for trigram in tq for w in corpus.vocabulary_postings.get(trigram, ())
    }
    none: frozenset[str] = frozenset()
    scored: list[tuple[float, float, str, int, int]] = []
    for index, count in shared.items():
        if count < needed or not _attrs_match(corpus.attrs[index], filters):
            continue
        doc = corpus.doc_words[index]
        hits = [word_hits.get(w, none) for w in doc]
        sets = [corpus.vocabulary[w] for w in doc]
        if not may_reach_hits(len(tq), sets, hits, floor=WORD_SIMILARITY_THRESHOLD):
            continue
        score = word_similarity(tq, corpus.texts[index], floor=WORD_SIMILARITY_THRESHOLD)
        if score >= WORD_SIMILARITY_THRESHOLD:
            name = corpus.names[index]
            scored.append((-score, -similarity(name, query), name, corpus.ids[index], index))
    scored.sort()
    ids = [row[3] for row in scored]
    sectors = Counter(corpus.attrs[row[4]][0] for row in scored)
    if len(corpus.results) >= FUZZY_CACHE_SIZE:
        corpus.results.clear()
    corpus.results[(query, filters)] = (ids, sectors)
    return _Match(True, ids=list(ids), sectors=Counter(sectors))


# --------------------------------------------------------------------------------------------------
# Published versions


def procedure_get_published(*, code: str) -> ProcedureVersion | None:
    """The version the public sees for the procedure ``code`` (None when unknown or never published)."""
    return (
        ProcedureVersion.objects.select_related("sector", "agency")
        .filter(entry__code=code.strip().upper())
        .first()
    )


def procedure_version_list(*, code: str) -> list[ProcedureVersion]:
    """Every published version of ``code``, newest first (empty when unknown)."""
    return list(
        ProcedureVersion.objects.filter(procedure__code=code.strip().upper())
        .select_related("published_by", "sector", "agency")
        .order_by("-number")
    )


def procedure_version_get(*, code: str, number: int) -> ProcedureVersion | None:
    return (
        ProcedureVersion.objects.filter(procedure__code=code.strip().upper(), number=number)
        .select_related("sector", "agency", "procedure", "published_by")
        .first()
    )


def version_spec(version: ProcedureVersion) -> ProcedureSpec:
    """The published content of ``version`` as a spec."""
    return spec_from_dict(version.snapshot)


def procedure_receiving_points(*, spec: ProcedureSpec, on: dt.date | None = None) -> QuerySet[OrgUnit]:
    """Where the procedure can be received on ``on``: its listed points, or every current one-stop point."""
    units = OrgUnit.objects.valid_on(on or timezone.localdate()).filter(has_one_stop=True)
    if spec.receiving_points:
        units = units.filter(code__in=spec.receiving_points)
    return units.order_by("code")


def procedure_step_units(*, spec: ProcedureSpec) -> dict[str, OrgUnit]:
    """The org units named by the steps of ``spec`` (inter-agency steps), by code."""
    codes = {step.unit for step in spec.process.steps if step.unit_kind == StepUnitKind.UNIT}
    return {unit.code: unit for unit in OrgUnit.objects.filter(code__in=codes)}


def procedure_resolving_unit(
    *,
    version: ProcedureVersion,
    applicant_commune: OrgUnit | None = None,
    receiving_point: OrgUnit | None = None,
) -> OrgUnit:
    """The unit that resolves a dossier of ``version`` (raises ``routing.RoutingError`` when unknown)."""
    return choose_resolving_unit(
        rule=version_spec(version).resolving_unit,
        agency=version.agency,
        applicant_commune=applicant_commune,
        receiving_point=receiving_point,
    )


def sector_list() -> QuerySet[Sector]:
    return Sector.objects.order_by("position", "name")


def agency_options(*, within: QuerySet[OrgUnit] | None = None) -> QuerySet[OrgUnit]:
    """Current units that can implement procedures (not communes: those are "commune"), optionally only
    those in ``within`` (the units an agency administrator may edit)."""
    units = OrgUnit.objects.valid_on(timezone.localdate()).exclude(kind=OrgUnitKind.COMMUNE)
    if within is not None:
        units = units.filter(pk__in=within.values("pk"))
    return units.order_by("code")


def agencies_with_procedures() -> QuerySet[OrgUnit]:
    """Units that implement at least one published procedure (for the agency filter)."""
    ids = CatalogueEntry.objects.exclude(agency__isnull=True).values("agency_id")
    return OrgUnit.objects.filter(pk__in=ids).order_by("name")


# --------------------------------------------------------------------------------------------------
# Drafts (back office)


def procedure_draft_list(*, q: str = "", state: str = "") -> QuerySet[Procedure]:
    """Drafts, optionally only those matching ``q`` (folded words) and in ``state``:
    ``unpublished`` (never published), ``changed`` (edited since the current version), ``published``."""
    drafts = Procedure.objects.select_related("sector", "agency", "current_version")
    for word in query_words(q):
        drafts = drafts.filter(search_text__contains=word)
    if state == "unpublished":
        drafts = drafts.filter(current_version__isnull=True)
    elif state == "changed":
        drafts = drafts.filter(current_version__isnull=False).exclude(
            current_version__draft_revision=F("draft_revision")
        )
    elif state == "published":
        drafts = drafts.filter(current_version__draft_revision=F("draft_revision"))
    return drafts.order_by("code")


def procedure_get_draft(*, code: str) -> Procedure | None:
    return procedures_with_parts().filter(code=code.strip().upper()).first()


def procedure_lint_problems(*, procedure: Procedure, spec: ProcedureSpec | None = None) -> list[LintProblem]:
    """What stands between the draft and publication (empty = it can be published)."""
    spec = spec or spec_from_procedure(procedure)
    codes = {
        code for code in [spec.agency, *spec.receiving_points, *(s.unit for s in spec.process.steps)] if code
    }
    today = timezone.localdate()
    current = set(OrgUnit.objects.valid_on(today).filter(code__in=codes).values_list("code", flat=True))
    return publish_lint(spec, unit_is_current=current)


def has_unpublished_changes(procedure: Procedure) -> bool:
    version = procedure.current_version
    return version is None or version.draft_revision != procedure.draft_revision
