"""Our records beside a candidate from another catalogue: the same ISBN, else the same
title words, found through the search service as the OPAC finds them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice

from django.db.models import Count, Q

from bibliohub.catalog.models import GONE_STATUSES, Record
from bibliohub.interop.copycat.client import Candidate, normalised_isbns
from bibliohub.search.service import matching_ids, search
from bibliohub.search.types import SearchQuery

LIMIT = 3  # of our records shown beside a candidate


@dataclass(frozen=True)
class OurRecord:
    record_id: int
    title: str
    authors: list[str]
    year: int | None
    publisher: str
    isbns: list[str]
    copies: int
    by_isbn: bool  # else by title


def ours_for(candidate: Candidate) -> list[OurRecord]:
    """Up to LIMIT of our records that may be the same book, best first."""
    ids: list[int] = []
    for isbn in normalised_isbns(candidate.isbns)[:3]:
        ids += [i for i in islice(matching_ids(SearchQuery(text=f"isbn:{isbn}")), LIMIT) if i not in ids]
    by_isbn = bool(ids)
    if not ids and (words := re.findall(r"\w+", candidate.fields.title)[:8]):
        text = " ".join(f"title:{w}" for w in words)
        ids = [h.record_id for h in search(SearchQuery(text=text, limit=LIMIT, with_facets=False)).hits]
    if not ids:
        return []
    records = {
        r.pk: r
        for r in Record.objects.filter(pk__in=ids[:LIMIT])
        .only("id", "title", "authors", "year", "publisher", "isbns")
        .annotate(copies=Count("items", filter=~Q(items__status__in=GONE_STATUSES)))
    }
    return [
        OurRecord(r.pk, r.title, r.authors, r.year, r.publisher, r.isbns, r.copies, by_isbn)  # type: ignore[attr-defined]
        for i in ids[:LIMIT] if (r := records.get(i)) is not None
    ]
