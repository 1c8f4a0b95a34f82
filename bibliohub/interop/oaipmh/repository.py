"""What harvesters see of the catalogue: the records and the deletions in the order they
changed, a page at a time, and the resumption tokens that carry a listing on.

A listing is a window, [start, end) in time and optionally one branch, read in (datestamp, id)
order. The first page fixes `end` (the `until` asked for, or the moment of the first request),
and each token holds the window and the last (datestamp, id) it returned: the next page starts
strictly after it. A record changed while a harvest runs moves past `end` and is picked up by
the next incremental harvest instead of shifting every later page; a record deleted meanwhile
leaves a tombstone after `end` in the same way. No offsets, so a page costs the same wherever it
is in the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing
from django.db.models import Exists, Min, OuterRef, Q

from bibliohub.catalog.models import DeletedRecord, Item, Record
from bibliohub.interop.records import COLUMNS as RECORD_COLUMNS
from bibliohub.libraries.models import Branch

PAGE_SIZE = 200
SET_PREFIX = "branch:"
_TOKEN_SALT = "bibliohub.interop.oaipmh.token"


class BadToken(Exception):
    """A resumption token we did not issue, or issued for another verb."""


@dataclass(frozen=True)
class Window:
    """What a listing selects: changes at `start` (inclusive) or later, before `end`, held at
    the branch `branch` (a code) if given, after the key `after` = (datestamp, id)."""

    prefix: str
    end: datetime
    start: datetime | None = None
    branch: str | None = None
    after: tuple[datetime, int] | None = None
    cursor: int = 0


@dataclass(frozen=True)
class Entry:
    record_id: int
    datestamp: datetime
    deleted: bool
    sets: tuple[str, ...] = ()
    record: Record | None = None  # when the record itself was asked for and still exists


def earliest_datestamp() -> datetime | None:
    """The oldest datestamp any record or deletion has, or None for an empty catalogue."""
    stamps = [
        Record.objects.aggregate(at=Min("updated_at"))["at"],
        DeletedRecord.objects.aggregate(at=Min("deleted_at"))["at"],
    ]
    present = [s for s in stamps if s is not None]
    return min(present) if present else None


def branch_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) for every branch, in the branches' order."""
    return [(SET_PREFIX + code, name) for code, name in Branch.objects.values_list("code", "name")]


def set_exists(spec: str) -> bool:
    return spec.startswith(SET_PREFIX) and Branch.objects.filter(code=spec[len(SET_PREFIX):]).exists()


def entry(record_id: int, *, with_record: bool) -> Entry | None:
    """The record or the tombstone with this id, or None when there never was one."""
    record = Record.objects.filter(pk=record_id).only(*RECORD_COLUMNS).first()
    if record is not None:
        return Entry(
            record_id, record.updated_at, deleted=False,
            sets=_sets_of([record_id]).get(record_id, ()), record=record if with_record else None,
        )
    tombstone = DeletedRecord.objects.filter(record_id=record_id).first()
    if tombstone is not None:
        return Entry(record_id, tombstone.deleted_at, deleted=True)
    return None


def page(window: Window, *, with_records: bool, size: int | None = None) -> tuple[list[Entry], bool]:
    """The next `size` entries of the window in (datestamp, id) order, and whether more
    follow (`size` defaults to PAGE_SIZE). Three queries: the records, the tombstones, and
    the branches of the records."""
    size = size or PAGE_SIZE
    records = Record.objects.filter(updated_at__lt=window.end)
    if window.start is not None:
        records = records.filter(updated_at__gte=window.start)
    if window.branch is not None:
        records = records.filter(
            Exists(Item.objects.filter(record=OuterRef("pk"), branch__code=window.branch))
        )
    if window.after is not None:
        at, last = window.after
        records = records.filter(Q(updated_at__gt=at) | Q(updated_at=at, id__gt=last))
    records = records.order_by("updated_at", "id")
    if with_records:
        found: list[tuple[datetime, int, Record | None]] = [
            (r.updated_at, r.pk, r) for r in records.only(*RECORD_COLUMNS)[: size + 1]
        ]
    else:
        found = [(at, rid, None) for rid, at in records.values_list("id", "updated_at")[: size + 1]]

    # A deleted title had no copies left (delete_record refuses otherwise), so it belongs to
    # no branch's set.
    tombstones: list[tuple[datetime, int]] = []
    if window.branch is None:
        deleted = DeletedRecord.objects.filter(deleted_at__lt=window.end)
        if window.start is not None:
            deleted = deleted.filter(deleted_at__gte=window.start)
        if window.after is not None:
            at, last = window.after
            deleted = deleted.filter(Q(deleted_at__gt=at) | Q(deleted_at=at, record_id__gt=last))
        tombstones = [
            (at, rid) for rid, at in
            deleted.order_by("deleted_at", "record_id").values_list("record_id", "deleted_at")[: size + 1]
        ]

    merged = sorted(
        [(at, rid, False, record) for at, rid, record in found]
        + [(at, rid, True, None) for at, rid in tombstones],
        key=lambda row: (row[0], row[1]),
    )
    more = len(merged) > size
    merged = merged[:size]
    sets = _sets_of([rid for _at, rid, deleted, _r in merged if not deleted])
    return [
        Entry(rid, at, deleted=deleted, sets=() if deleted else sets.get(rid, ()), record=record)
        for at, rid, deleted, record in merged
    ], more


def _sets_of(record_ids: list[int]) -> dict[int, tuple[str, ...]]:
    sets: dict[int, list[str]] = {}
    if not record_ids:
        return {}
    for rid, code in (
        Item.objects.filter(record_id__in=record_ids)
        .values_list("record_id", "branch__code").distinct().order_by("record_id", "branch__code")
    ):
        sets.setdefault(rid, []).append(SET_PREFIX + code)
    return {rid: tuple(specs) for rid, specs in sets.items()}


# --- Resumption tokens ----------------------------------------------------------------------


def token_after(window: Window, last: Entry, *, verb: str, count: int) -> str:
    """The token that resumes `window` after `last`, for `verb` only."""
    data: dict[str, Any] = {
        "v": verb,
        "p": window.prefix,
        "e": window.end.isoformat(),
        "s": window.start.isoformat() if window.start else None,
        "b": window.branch,
        "t": last.datestamp.isoformat(),
        "i": last.record_id,
        "c": window.cursor + count,
    }
    return signing.dumps(data, salt=_TOKEN_SALT, compress=True)


def window_of(token: str, *, verb: str) -> Window:
    """The window a token resumes. Raises BadToken for anything we did not issue for `verb`."""
    try:
        data = signing.loads(token, salt=_TOKEN_SALT)
        if data["v"] != verb:
            raise BadToken
        return Window(
            prefix=str(data["p"]),
            end=datetime.fromisoformat(data["e"]),
            start=datetime.fromisoformat(data["s"]) if data["s"] else None,
            branch=data["b"],
            after=(datetime.fromisoformat(data["t"]), int(data["i"])),
            cursor=int(data["c"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken from error
