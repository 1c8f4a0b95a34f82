"""What a search asks and what it answers, shared by every backend and every interface (OPAC,
REST API, CLI, later SRU)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

# The catalogue owns availability; the search contract hands it on with each hit.
from bibliohub.catalog.types import BranchAvailability


class Field(StrEnum):
    ANY = "any"
    TITLE = "title"
    AUTHOR = "author"
    SUBJECT = "subject"
    ISBN = "isbn"


class Sort(StrEnum):
    RELEVANCE = "relevance"
    YEAR_DESC = "year_desc"
    YEAR_ASC = "year_asc"
    TITLE = "title"
    NEWEST = "newest"  # most recently added to the catalogue


FACETS = ("language", "format", "branch", "availability", "audience", "year")


@dataclass(frozen=True)
class SearchQuery:
    """`text` may hold quoted phrases ("war and peace") and field prefixes (author:tolstoy,
    subject:history, title:…, isbn:…); `field` applies to the unprefixed words.
    `filters` maps a facet name from FACETS to the values a reader picked (OR within a facet,
    AND across facets). For "availability" the value is "available"; for "year" a single year
    "1999" or a range "1990-1999"."""

    text: str = ""
    field: Field = Field.ANY
    filters: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    with_facets: bool = True


@dataclass(frozen=True)
class Hit:
    record_id: int
    title: str
    subtitle: str
    authors: list[str]
    year: int | None
    languages: list[str]
    isbn: str
    format: str
    availability: list[BranchAvailability]
    # The record's 880 fields (catalog.marc.extract.vernacular_fields), shown beside the
    # romanised title and names.
    vernacular: list[dict[str, str]] = dataclasses.field(default_factory=list)

    @property
    def available_count(self) -> int:
        return sum(a.available for a in self.availability)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchResult:
    total: int
    total_is_exact: bool
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    query: SearchQuery
    facets_are_exact: bool = True
