"""Name search over the register, correct for 2-character Chinese terms.

Each organisation stores `name_grams`, the space-separated character bigrams of
its name. A term of two or more characters matches an organisation whose grams
contain every bigram of the term, rechecked with a substring match (bigrams in
the wrong order would otherwise match). The gram filter uses an index:

- SQLite: an FTS5 table over `name_grams` (unicode61 tokens = bigrams), kept in
  step by triggers (migration 0002). FTS5's trigram tokenizer finds nothing for
  2-character terms, which is why the bigrams are ours.
- PostgreSQL: a GIN index on `string_to_array(name_grams, ' ')`; pg_trgm cannot
  use its index for 2-character terms.

A 1-character term falls back to a substring scan.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

MAX_TERMS = 5


def normalize(text: str) -> str:
    """NFKC (full-width to half-width) and lower case, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def bigrams(text: str) -> list[str]:
    """Ordered unique bigrams of each whitespace-separated run; a 1-character run is itself."""
    grams: list[str] = []
    for run in normalize(text).split():
        pieces = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
        for piece in pieces:
            if _indexable(piece) and piece not in grams:
                grams.append(piece)
    return grams


def _indexable(piece: str) -> bool:
    # FTS5 query syntax and the array operator both want plain word characters.
    return all(ch.isalnum() for ch in piece)


def name_grams(name: str) -> str:
    return " ".join(bigrams(name))


def terms(query: str) -> list[str]:
    return [t for t in normalize(query).split() if t][:MAX_TERMS]


def filter_by_name(qs: QuerySet, query: str, *, table: str = "registry_organization") -> QuerySet:
    """Organisations whose name contains every whitespace-separated term of `query`."""
    for term in terms(query):
        grams = [g for g in bigrams(term) if len(g) == 2]
        if grams and settings.XIEHUI_SEARCH_BACKEND != "like":
            qs = _gram_filter(qs, grams, table)
        qs = qs.filter(name__icontains=term)
    return qs


def _gram_filter(qs: QuerySet, grams: list[str], table: str) -> QuerySet:
    # `table` is a constant of this module's callers and the grams are passed as
    # parameters (each is alphanumeric, see _indexable), so extra() is safe here;
    # the ORM has no expression for FTS5 MATCH or an array-containment on a function.
    if connection.vendor == "postgresql":
        where = f"string_to_array({table}.name_grams, ' ') @> %s::text[]"
        return qs.extra(where=[where], params=[grams])  # noqa: S610
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{g}"' for g in grams)
        where = f"{table}.id IN (SELECT rowid FROM registry_organization_fts WHERE registry_organization_fts MATCH %s)"  # noqa: S608
        return qs.extra(where=[where], params=[match])  # noqa: S610
    return qs
