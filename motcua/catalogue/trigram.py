"""Trigram similarity in Python, computed the way PostgreSQL's pg_trgm does, for databases without it.

On PostgreSQL the catalogue ranks with ``similarity()`` and ``word_similarity()`` of pg_trgm; on SQLite
these functions give the same numbers for folded (ASCII) text, so both databases rank alike:

* a word is a run of letters and digits; each is lower-cased, padded with two spaces before and one
  after, and cut into three-character pieces (``"sih"`` → ``"  s", " si", "sih", "ih "``);
* ``similarity(a, b)`` = shared trigrams / trigrams in either (Jaccard);
* ``word_similarity(q, text)`` = the best Jaccard between the trigrams of ``q`` and those of a continuous
  extent of ``text``'s ordered trigrams (pg_trgm's definition; computed exactly here, while pg_trgm uses a
  faster approximation that can only give the same or a slightly lower value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_WORD = re.compile(r"[0-9a-z]+")

#: pg_trgm's default ``pg_trgm.word_similarity_threshold`` (the ``<%`` operator).
WORD_SIMILARITY_THRESHOLD = 0.6


def trigram_list(text: str) -> list[str]:
    """Trigrams of ``text`` in order of appearance (duplicates kept)."""
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        out.extend(padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def trigrams(text: str) -> frozenset[str]:
    return frozenset(trigram_list(text))


def words(text: str) -> list[str]:
    """The words trigrams are cut from (runs of letters and digits, lower-cased)."""
    return _WORD.findall(text.lower())


def may_reach(query: frozenset[str], word_sets: list[frozenset[str]], *, floor: float) -> bool:
    """A cheap necessary condition for ``word_similarity(query, text) >= floor`` (``word_sets``: the
    trigram set of each word of ``text``, in order).

    An extent starts in some word i and ends in some word j ≥ i, holding every word in between. If it
    shares ``s`` trigrams with the query, ``s`` is at most ``shared`` (the query trigrams found in words
    i..j), and its own trigrams include the in-between words' trigrams, so its similarity is at most
    ``shared / (|query| + |between − shared|)``. When no pair (i, j) gets that bound to ``floor``, no
    extent can. Words are tried until the in-between part alone exceeds ``|query| / floor``.
    """
    return may_reach_hits(len(query), word_sets, [ws & query for ws in word_sets], floor=floor)


def may_reach_hits(
    size: int, word_sets: Sequence[frozenset[str]], hits: Sequence[frozenset[str]], *, floor: float
) -> bool:
    """``may_reach`` with each word's query trigrams (``hits``) already known (the search computes them
    once per distinct word)."""
    longest = size / floor
    for i, first in enumerate(hits):
        if not first:
            continue
        if len(first) >= floor * size - 1e-9:
            return True
        shared = set(first)
        between: set[str] = set()
        for j in range(i + 1, len(hits)):
            if j - 1 > i:
                between |= word_sets[j - 1]
                if len(between) > longest:
                    break
            if hits[j]:
                shared |= hits[j]
                if len(shared) / (size + len(between - shared)) >= floor - 1e-9:
                    return True
    return False


def jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def similarity(a: str, b: str) -> float:
    return jaccard(trigrams(a), trigrams(b))


def coverage(query: frozenset[str], text: Iterable[str]) -> float:
    """Share of the query's trigrams found anywhere in ``text``: an upper bound of ``word_similarity``."""
    if not query:
        return 0.0
    return len(query.intersection(text)) / len(query)


def word_similarity(query: str | frozenset[str], text: str | list[str], *, floor: float = 0.0) -> float:
    """The best Jaccard between the query's trigrams and a continuous extent of ``text``'s.

    With ``floor`` > 0 only values ≥ ``floor`` are exact (lower ones may come out lower still): an extent
    with more than ``|query| / floor`` distinct trigrams cannot reach ``floor`` (Jaccard ≤ |q| / |e|),
    so longer extents are not tried. The search uses ``floor=0.6``, pg_trgm's threshold.
    """
    tq = trigrams(query) if isinstance(query, str) else query
    tl = trigram_list(text) if isinstance(text, str) else text
    if not tq or not tl:
        return 0.0
    hits = [i for i, t in enumerate(tl) if t in tq]
    best = 0.0
    size_q = len(tq)
    longest = int(size_q / floor) if floor > 0 else len(tl)
    for a, start in enumerate(hits):
        extent: set[str] = set()
        shared = 0
        pos = start
        for end in hits[a:]:
            if len(extent) > longest:
                break
            while pos <= end:
                trigram = tl[pos]
                if trigram not in extent:
                    extent.add(trigram)
                    if trigram in tq:
                        shared += 1
                pos += 1
            score = shared / (size_q + len(extent) - shared)
            if score > best:
                best = score
        if best == 1.0:
            break
    return best
