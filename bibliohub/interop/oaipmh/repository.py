"""What harvesters see of the catalogue: the records and the deletions in the order they
changed, a page at a time, and the resumption tokens that carry a listing on.

A listing is a window, [start, end) in time and optionally one set (a branch's holdings or one
format of material), read in (datestamp, id)
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
from typing import Any, TypeVar

from django.core import signing
from django.db.models import Exists, Min, OuterRef, QuerySet

from bibliohub.catalog.models import DeletedRecord, Format, Item, Record
from bibliohub.interop.records import COLUMNS as RECORD_COLUMNS
from bibliohub.libraries.models import Branch

_Row = TypeVar("_Row")
_MARC_COLUMNS = ("id", "updated_at", "marc", "format")

PAGE_SIZE = 200
SET_PREFIX = "branch:"
FORMAT_PREFIX = "format:"
_TOKEN_SALT = "bibliohub.interop.oaipmh.token"


class BadToken(Exception):
    """A resumption token we did not issue, or issued for another verb."""


@dataclass(frozen=True)
class Window:
    """What a listing selects: changes at `start` (inclusive) or later, before `end`, held at
    the branch `branch` (a code) or of the format `format` if given, after the key `after` =
    (datestamp, id)."""

    prefix: str
    end: datetime
    start: datetime | None = None
    branch: str | None = None
    format: str | None = None
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


def all_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) for every branch, in the branches' order, then for every format of
    material the catalogue holds or held (named in the active language)."""
    branches = [(SET_PREFIX + code, name) for code, name in Branch.objects.values_list("code", "name")]
    held = set(Record.objects.order_by().values_list("format", flat=True).distinct())
    held |= set(DeletedRecord.objects.order_by().values_list("format", flat=True).distinct())
    return branches + [(FORMAT_PREFIX + value, str(label)) for value, label in Format.choices if value in held]


def set_exists(spec: str) -> bool:
    if spec.startswith(FORMAT_PREFIX):
        return spec[len(FORMAT_PREFIX) :] in Format.values
    return spec.startswith(SET_PREFIX) and Branch.objects.filter(code=spec[len(SET_PREFIX) :]).exists()


def window_set(spec: str) -> dict[str, str]:
    """The Window arguments that select the set `spec` (one that exists)."""
    if spec.startswith(FORMAT_PREFIX):
        return {"format": spec[len(FORMAT_PREFIX) :]}
    return {"branch": spec[len(SET_PREFIX) :]}


def entry(record_id: int, *, with_record: bool) -> Entry | None:
    """The record or the tombstone with this id, or None when there never was one."""
    record = Record.objects.filter(pk=record_id).only(*RECORD_COLUMNS).first()
    if record is not None:
        return Entry(
            record_id, record.updated_at, deleted=False,
            sets=_sets_of({record_id: record.format}).get(record_id, ()),
            record=record if with_record else None,
        )
    tombstone = DeletedRecord.objects.filter(record_id=record_id).first()
    if tombstone is not None:
        return Entry(record_id, tombstone.deleted_at, deleted=True, sets=_tombstone_sets(tombstone.format))
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
    if window.format is not None:
        records = records.filter(format=window.format)
    formats: dict[int, str] = {}
    if with_records:
        found: list[tuple[datetime, int, Record | None]] = []
        # MARCXML is made from the stored record alone; Dublin Core from the extracted fields.
        columns = _MARC_COLUMNS if window.prefix == "marc21" else RECORD_COLUMNS
        for r in _after(records.only(*columns), "updated_at", "id", window.after, size + 1):
            found.append((r.updated_at, r.pk, r))
            formats[r.pk] = r.format
    else:
        found = []
        for rid, at, fmt in _after(
            records.values_list("id", "updated_at", "format"), "updated_at", "id", window.after, size + 1
        ):
            found.append((at, rid, None))
            formats[rid] = fmt

    # A deleted title had no copies left (delete_record refuses otherwise), so it belongs to
    # no branch's set.
    tombstones: list[tuple[datetime, int, str]] = []
    if window.branch is None:
        deleted = DeletedRecord.objects.filter(deleted_at__lt=window.end)
        if window.format is not None:
            deleted = deleted.filter(format=window.format)
        if window.start is not None:
            deleted = deleted.filter(deleted_at__gte=window.start)
        tombstones = _after(
            deleted.values_list("deleted_at", "record_id", "format"),
            "deleted_at", "record_id", window.after, size + 1,
        )

    merged = sorted(
        [(at, rid, False, record) for at, rid, record in found]
        + [(at, rid, True, None) for at, rid, fmt in tombstones],
        key=lambda row: (row[0], row[1]),
    )
    more = len(merged) > size
    merged = merged[:size]
    sets = _sets_of({rid: formats[rid] for _at, rid, deleted, _r in merged if not deleted})
    deleted_formats = {rid: fmt for _at, rid, fmt in tombstones}
    return [
        Entry(
            rid, at, deleted=deleted, record=record,
            sets=_tombstone_sets(deleted_formats[rid]) if deleted else sets.get(rid, ()),
        )
        for at, rid, deleted, record in merged
    ], more


def _after(rows: QuerySet[Any, _Row], stamp: str, key: str, after: tuple[datetime, int] | None,
           limit: int) -> list[_Row]:
    """The first `limit` of `rows` in (`stamp`, `key`) order that come after `after`: read as
    two ranges of the (stamp, key) index, the rest of `after`'s moment by key and then the
    later moments, rather than as one condition "a later moment, or the same one and a larger
    key", which SQLite reads from the first row of the moment every time: the records of a
    large import share one moment, and harvesting them page by page would read the index
    over and over (a million records: 0.4 s a page and growing)."""
    if after is None:
        return list(rows.order_by(stamp, key)[:limit])
    at, last = after
    found = list(rows.filter(**{stamp: at, f"{key}__gt": last}).order_by(key)[:limit])
    if len(found) < limit:
        found += rows.filter(**{f"{stamp}__gt": at}).order_by(stamp, key)[: limit - len(found)]
    return found


def _tombstone_sets(fmt: str) -> tuple[str, ...]:
    # A deleted title had no copies left (delete_record refuses otherwise): no branch's set.
    return (FORMAT_PREFIX + fmt,) if fmt else ()


def _sets_of(formats: dict[int, str]) -> dict[int, tuple[str, ...]]:
    """The sets of the records whose formats `formats` maps: the branches holding a copy, in
    code order, then the record's format."""
    if not formats:
        return {}
    sets: dict[int, list[str]] = {rid: [] for rid in formats}
    for rid, code in (
        Item.objects.filter(record_id__in=list(formats))
        .values_list("record_id", "branch__code")
        .distinct()
        .order_by("record_id", "branch__code")
    ):
        sets[rid].append(SET_PREFIX + code)
    return {
        rid: (*specs, FORMAT_PREFIX + formats[rid]) if formats[rid] else tuple(specs)
        for rid, specs in sets.items()
    }


# --- Resumption tokens ----------------------------------------------------------------------


def token_after(window: Window, last: Entry, *, verb: str, count: int) -> str:
    """The token that resumes `window` after `last`, for `verb` only."""
    data: dict[str, Any] = {
        "v": verb,
        "p": window.prefix,
        "e": window.end.isoformat(),
        "s": window.start.isoformat() if window.start else None,
        "b": window.branch,
        "f": window.format,
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
            format=data.get("f"),
            after=(datetime.fromisoformat(data["t"]), int(data["i"])),
            cursor=int(data["c"]),
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise BadToken from error
