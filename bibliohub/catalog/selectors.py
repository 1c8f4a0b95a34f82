"""Reads of the catalogue shared by the OPAC, the API, search results and the staff screens."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pymarc
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from bibliohub.accounts.models import User
from bibliohub.catalog.kinds import catalog
from bibliohub.catalog.models import AVAILABLE_STATUSES, GONE_STATUSES, Item, Record
from bibliohub.catalog.types import BranchAvailability
from bibliohub.history import Channel
from bibliohub.history import selectors as history
from bibliohub.libraries.models import Branch


def availability_for(record_ids: Iterable[int]) -> dict[int, list[BranchAvailability]]:
    """Per record, per branch holding it: how many copies are on the shelf now and how many
    the branch has (withdrawn and lost copies not counted). One query for a page of hits."""
    ids = list(record_ids)
    if not ids:
        return {}
    rows = (
        Item.objects.filter(record_id__in=ids)
        .exclude(status__in=GONE_STATUSES)
        .values("record_id", "branch_id")
        .annotate(total=Count("id"), available=Count("id", filter=Q(status__in=AVAILABLE_STATUSES)))
    )
    branches = {b.pk: b for b in Branch.objects.all()}
    result: dict[int, list[BranchAvailability]] = defaultdict(list)
    for row in rows:
        branch = branches[row["branch_id"]]
        result[row["record_id"]].append(
            BranchAvailability(
                branch_code=branch.code,
                branch_name=branch.display_name(),
                available=row["available"],
                total=row["total"],
            )
        )
    order = {b.pk: i for i, b in enumerate(branches.values())}
    code_order = {b.code: order[b.pk] for b in branches.values()}
    return {rid: sorted(av, key=lambda a: code_order[a.branch_code]) for rid, av in result.items()}


def public_items(record_id: int) -> list[Item]:
    """The copies of a record a reader may see (withdrawn and lost ones left out), grouped by
    branch in the network's branch order, with branch, location and item type in one query."""
    return list(
        Item.objects.filter(record_id=record_id)
        .exclude(status__in=GONE_STATUSES)
        .select_related("branch", "location", "item_type")
        .order_by("branch__sort_order", "branch__code", "call_number", "barcode")
    )


def new_arrivals(
    *, since: datetime, branch_code: str = "", language: str = ""
) -> QuerySet[Record]:
    """Records catalogued after `since` with a copy on the shelf now (at `branch_code` if
    given), in `language` (a MARC code) if given, most recently catalogued first. A lazy
    queryset so that callers page it. `since` also bounds the work: a filter nothing matches
    scans only the recent rows of the created_at index, not the whole catalogue."""
    on_shelf = Item.objects.filter(record_id=OuterRef("pk"), status__in=AVAILABLE_STATUSES)
    if branch_code:
        on_shelf = on_shelf.filter(branch__code=branch_code)
    records = Record.objects.filter(Exists(on_shelf), created_at__gte=since)
    if language:
        # JSON containment is not available on SQLite; the quoted code inside the JSON text
        # is exact enough for three-letter MARC codes.
        records = records.filter(languages__icontains=f'"{language}"')
    return records.order_by("-created_at", "-pk")


def parsed_marc(record: Record) -> pymarc.Record:
    """The stored ISO 2709 bytes as a pymarc record; bytes that are not valid UTF-8 are shown
    with replacement characters rather than hiding the whole record."""
    return pymarc.Record(data=bytes(record.marc), force_utf8=True, utf8_handling="replace")


def marcxml_document(marc: pymarc.Record) -> bytes:
    """A standalone MARCXML document holding one record, in the MARC 21 slim namespace."""
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + pymarc.record_to_xml(marc, namespace=True) + b"\n"


@dataclass(frozen=True, slots=True)
class Change:
    """One change to a title or its copies as the record page lists it."""

    at: datetime
    label: str
    # The username of the member of staff who made it, or the channel when nobody did
    # (an import from the command line).
    by: str


def recent_changes(record: Record, *, limit: int = 10) -> list[Change]:
    """The latest changes the catalogue recorded to `record` and its copies, newest first
    (circulation's entries about the title are not changes to it). Two queries."""
    entries = list(history.entries(record_id=record.pk, domain=catalog.code)[:limit])
    names = dict(
        User.objects.filter(pk__in={e.staff_id for e in entries if e.staff_id}).values_list(
            "pk", "username"
        )
    )
    return [
        Change(
            at=e.at,
            label=e.kind_label,
            by=names.get(e.staff_id, "") if e.staff_id else str(Channel(e.channel).label),
        )
        for e in entries
    ]
