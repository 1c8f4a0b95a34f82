"""The public catalogue (OPAC): home, search results, a record, new arrivals and record export.
Every page is plain server-rendered HTML that works without JavaScript; htmx only refreshes the
results in place. All state lives in the query string so that any page can be shared."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

import pymarc
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe
from pymarc.exceptions import PymarcException

from bibliohub.catalog.models import Item, Record
from bibliohub.catalog.selectors import (
    availability_for,
    marcxml_document,
    new_arrivals,
    parsed_marc,
    public_items,
)
from bibliohub.demand.services import record_zero_result_search
from bibliohub.history import Actor
from bibliohub.libraries.hours import DayHours, calendars_for
from bibliohub.libraries.models import Branch, Network
from bibliohub.search.service import search as run_search
from bibliohub.search.types import FACETS, Field, SearchQuery, Sort
from bibliohub.web.languages import known_codes, language_name

logger = logging.getLogger(__name__)
E = TypeVar("E", Field, Sort)

PAGE_SIZE = 20
# Readers never page this deep, robots do; beyond it the ranked search costs more than it serves.
MAX_PAGE = 100
# A pasted essay is not a query; the cut keeps the parser and the index cheap.
MAX_QUERY_LENGTH = 500
MAX_VALUES_PER_FACET = 20
HOME_NEW_COUNT = 6
# What "new" means on the home page and /new/: catalogued in about the last six months.
NEW_WINDOW = timedelta(days=183)
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
# Control characters only ever arrive in hand-made URLs; PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Page:
    number: int
    has_previous: bool
    has_next: bool
    count: int | None = None  # None when only "is there a next page" is known


@dataclass(frozen=True)
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool
    # Stable across refreshes, so that htmx gives focus back to the checkbox a reader ticked.
    dom_id: str


@dataclass(frozen=True)
class BranchToday:
    branch: Branch
    today: DayHours


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers, feed readers and bookmarks ask for /favicon.ico whatever the page says: they
    get the site's icon (the pages link it too)."""
    return redirect(static("web/favicon.svg"), permanent=True)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    records = list(new_arrivals(since=timezone.now() - NEW_WINDOW)[:HOME_NEW_COUNT])
    availability = availability_for(r.pk for r in records)
    today = timezone.localdate()
    active = list(Branch.objects.filter(is_active=True))
    calendars = calendars_for(active, today, today)
    branches = [BranchToday(branch, calendars[branch.pk].day(today)) for branch in active]
    return render(
        request,
        "web/home.html",
        {
            "new_records": [(r, availability.get(r.pk, [])) for r in records],
            "branches": branches,
        },
    )


def search_query_from(params: QueryDict) -> tuple[SearchQuery, int]:
    """The SearchQuery and page number a results URL asks for. Unknown values fall back to
    defaults instead of failing: old bookmarks and hand-edited links still open a page."""
    text = _CONTROL.sub(" ", params.get("q", "")).strip()[:MAX_QUERY_LENGTH]
    field = _choice(Field, params.get("field"), Field.ANY)
    sort = _choice(Sort, params.get("sort"), Sort.RELEVANCE)
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        cleaned = (_CONTROL.sub("", v).strip() for v in params.getlist(facet))
        values = tuple(dict.fromkeys(v for v in cleaned if v))
        if values:
            filters[facet] = values[:MAX_VALUES_PER_FACET]
    try:
        page = int(params.get("page", "1"))
    except ValueError:
        page = 1
    page = min(max(page, 1), MAX_PAGE)
    query = SearchQuery(
        text=text,
        field=field,
        filters=filters,
        sort=sort,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    return query, page


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query, page_number = search_query_from(request.GET)
    context: dict[str, object] = {
        "query": query,
        "query_text": query.text,
        "fields": [(f.value, _field_label(f)) for f in Field],
        "sorts": [(s.value, _sort_label(s)) for s in Sort],
        "facet_titles": _facet_titles(),
    }
    if query.text or query.filters:
        result = run_search(query)
        if not result.total and query.text and page_number == 1 and not request.headers.get("HX-Request"):
            _count_zero_result(query.text)
        page_count = min(math.ceil(result.total / PAGE_SIZE), MAX_PAGE)
        context.update(
            result=result,
            facets=[
                (
                    name,
                    [
                        FacetChoice(
                            v.value,
                            v.label,
                            v.count,
                            v.selected,
                            f"f-{name}-{_UNSAFE_ID.sub('_', v.value)}",
                        )
                        for v in result.facets.get(name, [])
                    ],
                )
                for name in FACETS
            ],
            page=Page(
                number=page_number,
                has_previous=page_number > 1,
                has_next=page_number < page_count,
                count=page_count,
            ),
            first_result=query.offset + 1,
            last_result=query.offset + len(result.hits),
        )
    return render(request, "web/search.html", context)


def _count_zero_result(text: str) -> None:
    """Count a search that found nothing: its normalised text, for the month, nobody's."""
    network_id = Network.objects.order_by("pk").values_list("pk", flat=True).first()
    if network_id is not None:
        record_zero_result_search(
            text=text, network_id=network_id, actor=Actor.for_public(), at=timezone.now()
        )


@require_safe
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Record, pk=pk)
    items = public_items(record.pk)
    try:
        marc: pymarc.Record | None = parsed_marc(record)
    except PymarcException:
        # The description comes from the extracted fields; one damaged MARC blob must not
        # take the reader's page down with it, but the cataloguers need to hear of it.
        logger.warning("record %s: stored MARC cannot be parsed", record.pk, exc_info=True)
        marc = None
    return render(
        request,
        "web/record.html",
        {
            "record": record,
            "record_languages": [(code, language_name(code)) for code in record.languages],
            "items_by_branch": _group_by_branch(items),
            "availability": availability_for([record.pk]).get(record.pk, []),
            "marc": marc,
        },
    )


@require_safe
def record_marc(request: HttpRequest, pk: int) -> HttpResponse:
    """The record as stored, ISO 2709 in UTF-8, for loading into another library system."""
    record = get_object_or_404(Record.objects.only("marc"), pk=pk)
    response = HttpResponse(bytes(record.marc), content_type="application/marc")
    response["Content-Disposition"] = f'attachment; filename="record-{pk}.mrc"'
    return response


@require_safe
def record_marcxml(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.only("marc"), pk=pk)
    response = HttpResponse(
        marcxml_document(parsed_marc(record)), content_type="application/marcxml+xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="record-{pk}.xml"'
    return response


@require_safe
def new_items(request: HttpRequest) -> HttpResponse:
    branches = list(Branch.objects.filter(is_active=True))
    branch_code = request.GET.get("branch", "")
    if branch_code and branch_code not in {b.code for b in branches}:
        branch_code = ""
    language = _CONTROL.sub("", request.GET.get("language", "")).strip().lower()[:3]
    try:
        number = min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        number = 1
    offset = (number - 1) * PAGE_SIZE
    # One row more than a page tells whether there is a next page without counting them all.
    since = timezone.now() - NEW_WINDOW
    rows = list(
        new_arrivals(since=since, branch_code=branch_code, language=language)[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    records = rows[:PAGE_SIZE]
    availability = availability_for(r.pk for r in records)
    return render(
        request,
        "web/new.html",
        {
            "records": [(r, availability.get(r.pk, [])) for r in records],
            "branches": branches,
            "branch_code": branch_code,
            "language": language,
            "language_choices": _language_choices(),
            "page": Page(
                number=number,
                has_previous=number > 1,
                has_next=len(rows) > PAGE_SIZE and number < MAX_PAGE,
            ),
        },
    )


def _group_by_branch(items: list[Item]) -> list[tuple[Branch, list[Item]]]:
    groups: dict[int, tuple[Branch, list[Item]]] = {}
    for item in items:
        groups.setdefault(item.branch_id, (item.branch, []))[1].append(item)
    return list(groups.values())


def _choice(enum: type[E], value: str | None, default: E) -> E:
    try:
        return enum(value or default)
    except ValueError:
        return default


def _field_label(field: Field) -> str:
    return {
        Field.ANY: _("Anywhere"),
        Field.TITLE: _("Title"),
        Field.AUTHOR: _("Author"),
        Field.SUBJECT: _("Subject"),
        Field.ISBN: _("ISBN"),
    }[field]


def _sort_label(sort: Sort) -> str:
    return {
        Sort.RELEVANCE: _("Best match"),
        Sort.YEAR_DESC: _("Year, newest first"),
        Sort.YEAR_ASC: _("Year, oldest first"),
        Sort.TITLE: _("Title, A to Z"),
        Sort.NEWEST: _("Recently added"),
    }[sort]


def _facet_titles() -> dict[str, str]:
    return {
        "language": _("Language"),
        "format": pgettext("material type", "Format"),
        "branch": _("Library"),
        "availability": _("Availability"),
        "audience": _("Audience"),
        "year": _("Year"),
    }


def _language_choices() -> list[tuple[str, str]]:
    return sorted(((code, language_name(code)) for code in known_codes()), key=lambda c: c[1])
