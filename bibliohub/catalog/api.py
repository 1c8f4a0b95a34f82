"""Read-only catalogue API: search, records, their copies and their MARC. Public, so nothing here
writes or shows what only staff may see (withdrawn and lost copies, prices, barcodes)."""

from __future__ import annotations

import json
import re
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field as SchemaField
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from bibliohub.api_errors import Error, InvalidRequest
from bibliohub.catalog.models import Audience, Format, Item, Record
from bibliohub.catalog.selectors import (
    availability_for,
    marcxml_document,
    parsed_marc,
    public_items,
)
from bibliohub.search.service import search as run_search
from bibliohub.search.types import BranchAvailability, Field, SearchQuery, SearchResult, Sort
from bibliohub.web.languages import record_language_tag

router = Router(tags=["catalogue"])

MAX_LIMIT = 100
# Deep offsets cost the index more than any client gains (and search ranks the first 2,000
# matches only). A bound on the page alone, not on page x limit, so that the OpenAPI document
# can say it: with the largest pages, the first 2,100 results.
MAX_PAGE = 21
MARCXML_TYPE = "application/marcxml+xml"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Availability(Schema):
    available: int = SchemaField(description="Copies on the shelf now.")
    total: int = SchemaField(description="Copies the branch has, withdrawn and lost ones left out.")


class BranchAvailabilityOut(Availability):
    branch: str = SchemaField(description="Branch code.")
    branch_name: str


class VernacularOut(Schema):
    """One 880 field: the record's title, a name, a subject… in the script of its language,
    beside the romanised form in the record's main fields."""

    role: Literal["title", "author", "subject", "other"] = SchemaField(
        description="What the field it is linked to holds: title, author, subject or other "
        "(publisher, series, notes…)."
    )
    tag: str = SchemaField(description="The MARC tag of the field it is linked to (245, 100…).")
    text: str
    dir: Literal["ltr", "rtl"] = SchemaField(description="Writing direction.")
    lang: str = SchemaField(
        description="BCP 47 tag of the record's main language, in which it is written; "
        "empty when unknown."
    )
    linked: str = SchemaField(description="The romanised text of the field it is linked to, if found.")


def vernacular_out(fields: list[dict[str, str]], languages: list[str]) -> list[VernacularOut]:
    lang = record_language_tag(list(languages))
    roles: dict[str, Literal["title", "author", "subject"]] = {"title": "title", "author": "author", "subject": "subject"}
    return [
        VernacularOut(
            role=roles.get(f.get("role", ""), "other"),
            tag=f.get("tag", ""),
            text=f.get("text", ""),
            dir="rtl" if f.get("dir") == "rtl" else "ltr",
            lang=lang,
            linked=f.get("linked", ""),
        )
        for f in fields or ()
    ]


class HitOut(Schema):
    id: int
    title: str
    subtitle: str
    authors: list[str]
    year: int | None
    languages: list[str] = SchemaField(description="MARC language codes, main language first.")
    isbn: str
    format: str
    availability: dict[str, Availability] = SchemaField(description="Keyed by branch code.")
    vernacular: list[VernacularOut] = SchemaField(
        description="The title, names and subjects in their original script (MARC 880 fields)."
    )


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class SearchOut(Schema):
    total: int
    total_is_exact: bool = SchemaField(
        description="False when the total was capped and is a lower bound."
    )
    facets_are_exact: bool
    offset: int
    limit: int
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]]


class RecordOut(Schema):
    id: int
    title: str
    subtitle: str
    responsibility: str
    authors: list[str]
    subjects: list[str]
    isbns: list[str]
    issns: list[str]
    publisher: str
    place: str
    year: int | None
    edition: str
    series: str
    summary: str
    languages: list[str]
    vernacular: list[VernacularOut] = SchemaField(
        description="The title, names, subjects and other fields in their original script "
        "(MARC 880 fields), beside the romanised ones above."
    )
    format: str
    format_label: str
    audience: str
    audience_label: str
    availability: list[BranchAvailabilityOut]
    created_at: str
    updated_at: str


class ItemOut(Schema):
    id: int
    branch: str = SchemaField(description="Branch code.")
    branch_name: str
    location: str | None
    call_number: str
    item_type: str
    status: str
    status_label: str
    available: bool
    public_note: str


def _availability(rows: list[BranchAvailability]) -> dict[str, Availability]:
    return {a.branch_code: Availability(available=a.available, total=a.total) for a in rows}


def search_out(result: SearchResult) -> SearchOut:
    return SearchOut(
        total=result.total,
        total_is_exact=result.total_is_exact,
        facets_are_exact=result.facets_are_exact,
        offset=result.query.offset,
        limit=result.query.limit,
        hits=[
            HitOut(
                id=h.record_id,
                title=h.title,
                subtitle=h.subtitle,
                authors=h.authors,
                year=h.year,
                languages=h.languages,
                isbn=h.isbn,
                format=h.format,
                availability=_availability(h.availability),
                vernacular=vernacular_out(h.vernacular, h.languages),
            )
            for h in result.hits
        ],
        facets={
            name: [
                FacetValueOut(value=v.value, label=v.label, count=v.count, selected=v.selected)
                for v in values
            ]
            for name, values in result.facets.items()
        },
    )


class SearchParams(Schema):
    q: str = SchemaField(
        "",
        max_length=500,
        description='Words, "quoted phrases" and prefixes author:, title:, subject:, isbn:.',
    )
    field: Field = SchemaField(Field.ANY, description="Where unprefixed words are looked for.")
    language: list[str] = SchemaField([], description="MARC language codes (any of them).")
    format: list[Format] = SchemaField([], description="Formats (any of them).")
    branch: list[str] = SchemaField(
        [], description="Codes of branches holding a copy (any of them)."
    )
    availability: list[Literal["available"]] = SchemaField(
        [], description="available: a copy on the shelf now."
    )
    audience: list[Audience] = SchemaField([], description="Audiences (any of them).")
    year: list[str] = SchemaField(
        [], description="A year (1999) or a range (1990-1999), any of them."
    )
    sort: Sort = Sort.RELEVANCE
    page: int = SchemaField(
        1,
        ge=1,
        # The bound is checked below, to say why (pydantic's own words would not).
        json_schema_extra={"maximum": MAX_PAGE},
        description=f"At most {MAX_PAGE}; to go deeper, narrow the search.",
    )
    limit: int = SchemaField(20, ge=1, le=MAX_LIMIT)
    facets: bool = SchemaField(True, description="Whether to count facet values.")

    @field_validator("page")
    @classmethod
    def _not_too_deep(cls, value: int) -> int:
        if value > MAX_PAGE:
            raise PydanticCustomError(
                "too_deep",
                "Pages beyond {max_page} are not served; narrow the search.",
                {"max_page": MAX_PAGE},
            )
        return value

    @field_validator("q", "language", "branch", "year", mode="after")
    @classmethod
    def _without_control_characters(cls, value: str | list[str]) -> str | list[str]:
        # They only arrive in hand-made URLs, and PostgreSQL refuses NUL in text. Taken out
        # after validation, so that the bounds apply to the parameter as sent, as the OpenAPI
        # document says (a q of 600 characters is refused even if 200 are control ones).
        if isinstance(value, str):
            return _CONTROL.sub("", value)
        return [_CONTROL.sub("", v) for v in value]


@router.get(
    "/search", response={200: SearchOut, 422: InvalidRequest}, summary="Search the catalogue"
)
def search(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    """Filters combine with AND across facets and OR within one, like the OPAC's checkboxes."""
    offset = (params.page - 1) * params.limit
    chosen: dict[str, list[str]] = {
        "language": params.language,
        "format": [str(f) for f in params.format],
        "branch": params.branch,
        "availability": list(params.availability),
        "audience": [str(a) for a in params.audience],
        "year": params.year,
    }
    query = SearchQuery(
        text=params.q.strip(),
        field=params.field,
        sort=params.sort,
        offset=offset,
        limit=params.limit,
        with_facets=params.facets,
        filters={name: tuple(values) for name, values in chosen.items() if values},
    )
    return search_out(run_search(query))


def _record(pk: int) -> Record:
    try:
        return Record.objects.get(pk=pk)
    except Record.DoesNotExist:
        raise HttpError(404, f"No record with id {pk}.") from None


@router.get("/records/{int:record_id}", response={200: RecordOut, 404: Error}, summary="One record")
def record(request: HttpRequest, record_id: int) -> RecordOut:
    r = _record(record_id)
    availability = availability_for([r.pk]).get(r.pk, [])
    return RecordOut(
        id=r.pk,
        title=r.title,
        subtitle=r.subtitle,
        responsibility=r.responsibility,
        authors=r.authors,
        subjects=r.subjects,
        isbns=r.isbns,
        issns=r.issns,
        publisher=r.publisher,
        place=r.place,
        year=r.year,
        edition=r.edition,
        series=r.series,
        summary=r.summary,
        languages=r.languages,
        vernacular=vernacular_out(r.vernacular, r.languages),
        format=r.format,
        format_label=str(r.get_format_display()),
        audience=r.audience,
        audience_label=str(r.get_audience_display()) if r.audience else "",
        availability=[
            BranchAvailabilityOut(
                branch=a.branch_code,
                branch_name=a.branch_name,
                available=a.available,
                total=a.total,
            )
            for a in availability
        ],
        created_at=r.created_at.isoformat(),
        updated_at=r.updated_at.isoformat(),
    )


def _item_out(item: Item) -> ItemOut:
    return ItemOut(
        id=item.pk,
        branch=item.branch.code,
        branch_name=item.branch.display_name(),
        location=item.location.display_name() if item.location else None,
        call_number=item.call_number,
        item_type=item.item_type.display_name(),
        status=item.status,
        status_label=str(item.get_status_display()),
        available=item.is_available,
        public_note=item.public_note,
    )


@router.get(
    "/records/{int:record_id}/items",
    response={200: list[ItemOut], 404: Error},
    summary="A record's copies",
)
def items(request: HttpRequest, record_id: int) -> list[ItemOut]:
    if not Record.objects.filter(pk=record_id).exists():
        raise HttpError(404, f"No record with id {record_id}.")
    return [_item_out(item) for item in public_items(record_id)]


@router.get(
    "/records/{int:record_id}/marc",
    response={200: dict[str, object], 404: Error, 422: InvalidRequest},
    summary="A record in MARCXML or MARC-in-JSON",
    openapi_extra={
        "responses": {
            200: {
                "description": "MARCXML (format=marcxml, the default) or MARC-in-JSON (format=json).",
                "content": {
                    MARCXML_TYPE: {"schema": {"type": "string"}},
                    "application/json": {
                        "schema": {"type": "object", "additionalProperties": True}
                    },
                },
            }
        }
    },
)
def marc(
    request: HttpRequest, record_id: int, format: Literal["marcxml", "json"] = "marcxml"
) -> HttpResponse:
    parsed = parsed_marc(_record(record_id))
    if format == "json":
        return HttpResponse(
            json.dumps(parsed.as_dict(), ensure_ascii=False), content_type="application/json"
        )
    return HttpResponse(marcxml_document(parsed), content_type=f"{MARCXML_TYPE}; charset=utf-8")
