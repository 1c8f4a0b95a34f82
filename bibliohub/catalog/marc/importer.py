"""Load MARC files into the catalogue: records matched and updated (never duplicated), their
Koha-style 952 item fields turned into items, the search index kept current.

Records are written in batches, one transaction per batch, with a handful of set-based
queries per batch and none per record: an import killed half-way leaves whole batches behind,
and running it again updates those records instead of adding them twice.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import multiprocessing
import operator
import os
import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from queue import Empty
from typing import BinaryIO, cast

import pymarc
from django.db import IntegrityError, connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bibliohub.catalog.indexing import PreparedText, search_index
from bibliohub.catalog.kinds import (
    IMPORT,
    ITEM_ADDED,
    ITEM_UPDATED,
    ITEM_WITHDRAWN,
    RECORD_CREATED,
    RECORD_UPDATED,
)
from bibliohub.catalog.marc import iso2709, unimarc
from bibliohub.catalog.marc.extract import RecordFields, extract_fields
from bibliohub.catalog.marc.reader import (
    Format,
    NotMarcError,
    Problem,
    ReadRecord,
    probe,
    read_records,
)
from bibliohub.catalog.marc.unimarc import HoldingsMap, SchemaChoice
from bibliohub.catalog.models import (
    GONE_STATUSES,
    Identifier,
    Item,
    ItemStatus,
    ItemType,
    Record,
)
from bibliohub.catalog.services import Material, add_item_types
from bibliohub.history import Actor, Kind
from bibliohub.history.services import Draft, draft, record, record_many
from bibliohub.libraries.models import Branch, Location
from bibliohub.libraries.services import save_location

Source = str | os.PathLike | BinaryIO
ITEM_TAG = "952"
# Statuses that circulation owns: a re-import must not put a lent book back on the shelf.
CIRCULATING = frozenset({ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF, ItemStatus.IN_TRANSIT})
_RECORD_COLUMNS = tuple(RecordFields.__dataclass_fields__)
_CONTROL_MAX = Record._meta.get_field("control_number").max_length or 64
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PRICE = re.compile(r"\d+(?:[.,]\d{1,2})?")
_MAX_PRICE = Decimal("100000000")


class MarcFileError(Exception):
    """A file that cannot be imported at all: it cannot be opened or is not MARC."""

    def __init__(self, file: str, reason: str) -> None:
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    items: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "read": self.read, "created": self.created, "updated": self.updated,
            "skipped": self.skipped, "items": self.items, "seconds": round(self.seconds, 3),
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass(slots=True)
class ItemSpec:
    """One 952 field, read into the columns of Item."""

    barcode: str
    branch_code: str
    location_code: str
    call_number: str
    item_type_code: str
    status: str
    price: Decimal | None
    received_on: date | None
    public_note: str

    def __reduce__(self) -> tuple:
        # A plain tuple of values: a tenth of the bytes, and of the time, that pickling the
        # instance's attributes by name takes on both sides of the reading process's queue.
        return ItemSpec, (
            self.barcode, self.branch_code, self.location_code, self.call_number, self.item_type_code,
            self.status, self.price, self.received_on, self.public_note,
        )


@dataclass(slots=True)
class _Pending:
    """A record of the batch on its way to the database: what the writing process needs of it
    and nothing more, since every batch is pickled from the reading process to the writing one."""

    position: int
    offset: int | None
    line: int | None
    file: str
    control_number: str
    control_source: str
    isbns: list[str]
    issns: list[str]
    keys: list[str]
    items: list[ItemSpec]
    row: list[object]  # marc and the extracted columns, ready for SQL
    # The extracted fields by name, for the search index (CatalogueIndex.add_new). Its
    # strings and lists are the very objects in `row`, `isbns` and `issns`, which pickle sends
    # once: the dictionary costs the queue little.
    fields: dict[str, object]
    # The index's prepare_text of the fields, worked out in the reading process.
    index_text: PreparedText
    record_id: int | None = None

    def __reduce__(self) -> tuple:
        return _Pending, (
            self.position, self.offset, self.line, self.file, self.control_number, self.control_source,
            self.isbns, self.issns, self.keys, self.items, self.row, self.fields, self.index_text,
            self.record_id,
        )


def _name_of(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


def _open(source: Source) -> tuple[BinaryIO, bool]:
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb"), True
        except OSError as exc:
            raise MarcFileError(os.fspath(source), exc.strerror or str(exc)) from exc
    return source, False


def control_key(fields: RecordFields) -> str:
    """The look-up value of a record's control number: "(source)number", as in MARC 035."""
    if not fields.control_number:
        return ""
    number = fields.control_number[:_CONTROL_MAX]
    return f"({fields.control_source}){number}" if fields.control_source else number


def _parse_price(value: str) -> Decimal | None:
    match = _PRICE.search(value)
    if not match:
        return None
    try:
        price = Decimal(match.group(0).replace(",", "."))
    except InvalidOperation:
        return None
    return price if price < _MAX_PRICE else None


def _parse_date(value: str) -> date | None:
    match = _DATE.search(value)
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(0))
    except ValueError:
        return None


def _flag(value: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError:
        return 1 if value.strip() else 0


@functools.lru_cache(maxsize=1024)
def _item_type_code(raw: str, default: str) -> str:
    # slugify is slow, and a catalogue has a few dozen item types over millions of items.
    return (slugify(raw) or default)[:30]


def item_from_952(f: pymarc.Field, *, default_type: str) -> ItemSpec:
    """Read a Koha 952 item field: $p barcode, $a home branch ($b holding branch when $a is
    missing), $c shelving location, $o call number, $y item type, $g price, $d date acquired,
    $z public note, and the status flags $0 withdrawn, $1 lost (4: missing), $4 damaged, $7 not for loan
    (negative: on order or being processed)."""
    sub: dict[str, str] = {}
    for code, value in f.subfields:
        if code not in sub:
            sub[code] = value.strip()
    status = ItemStatus.AVAILABLE
    # Most items carry none of the flags, or zeros: look no further then.
    if ("0" in sub or "1" in sub or "4" in sub or "7" in sub) and any(
        sub.get(flag, "0") not in ("0", "") for flag in "0147"
    ):
        if _flag(sub.get("0", "")):
            status = ItemStatus.WITHDRAWN
        elif lost := _flag(sub.get("1", "")):
            # Koha's LOST values: 1 lost, 2 long overdue, 3 lost and paid for, 4 missing.
            status = ItemStatus.MISSING if lost == 4 else ItemStatus.LOST
        elif _flag(sub.get("4", "")):
            status = ItemStatus.DAMAGED
        elif (not_for_loan := _flag(sub.get("7", ""))) < 0:
            status = ItemStatus.IN_PROCESSING
        elif not_for_loan > 0:
            status = ItemStatus.REFERENCE
    return ItemSpec(
        barcode=sub.get("p", "")[:50],
        branch_code=sub.get("a") or sub.get("b", ""),
        location_code=sub.get("c", ""),
        call_number=sub.get("o", "")[:100],
        item_type_code=_item_type_code(sub.get("y", ""), default_type),
        status=status.value,
        price=_parse_price(sub["g"]) if "g" in sub else None,
        received_on=_parse_date(sub["d"]) if "d" in sub else None,
        public_note=sub.get("z", "")[:255],
    )


def _holdings_flag(value: str) -> int:
    return _flag(value) if value else 0


def item_from_holdings(f: pymarc.Field, mapping: HoldingsMap, *, default_type: str) -> ItemSpec:
    """Read a UNIMARC holdings field (995, 852...) by the subfields `mapping` gives. An item is
    lost when the lost flag is not 0, being processed when the not-for-loan flag is negative
    and for library use when it is positive."""
    sub: dict[str, str] = {}
    for code, value in f.subfields:
        if code not in sub:
            sub[code] = value.strip()

    def get(code: str) -> str:
        return sub.get(code, "") if code else ""

    status = ItemStatus.AVAILABLE
    if _holdings_flag(get(mapping.lost)):
        status = ItemStatus.LOST
    elif (not_for_loan := _holdings_flag(get(mapping.not_for_loan))) < 0:
        status = ItemStatus.IN_PROCESSING
    elif not_for_loan > 0:
        status = ItemStatus.REFERENCE
    return ItemSpec(
        barcode=get(mapping.barcode)[:50],
        branch_code=get(mapping.branch) or get(mapping.branch_fallback),
        location_code=get(mapping.location),
        call_number=get(mapping.call_number)[:100],
        item_type_code=_item_type_code(get(mapping.item_type), default_type),
        status=status.value,
        price=_parse_price(get(mapping.price)) if get(mapping.price) else None,
        received_on=_parse_date(get(mapping.acquired)) if get(mapping.acquired) else None,
        public_note=get(mapping.note)[:255],
    )


def import_marc(
    sources: Iterable[Source],
    *,
    format: Format = "auto",
    schema: SchemaChoice = "auto",
    holdings: str = unimarc.DEFAULT_HOLDINGS,
    branch: Branch | None = None,
    actor: Actor,
    at: datetime,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 2000,
    parallel: bool | None = None,
) -> ImportReport:
    """Load every record of `sources` (paths or binary streams) into the catalogue.

    A record with the same control number (001 with 003) as one in the catalogue updates it;
    failing that, one with the same ISBN does, unless that record carries a different control
    number from the same source. 952 fields become items matched by barcode; `branch` is the
    home of items whose branch code is missing or unknown (without it those items are left
    out and reported). Item types and shelving locations are created on first sight.

    Writes one transaction per batch, with the history entries of what it changed, done by
    `actor`: RECORD_CREATED or RECORD_UPDATED for each record, ITEM_ADDED for each new copy,
    ITEM_UPDATED (ITEM_WITHDRAWN when the file withdraws it) for each copy it rewrites; then
    one IMPORT entry with the summary. Each batch is indexed in its own transaction too.
    Calls progress(records read so far) after each batch. Returns the ImportReport.
    With `parallel`, a second process reads and decodes the files while this one writes;
    None (the default) does so when a core is free for it (see _core_to_spare).
    UNIMARC and CNMARC records (`schema`, or told apart record by record when "auto") are kept
    as UNIMARC in UTF-8, their fields read by unimarc.extract, their items from the holdings
    field `holdings` names (a key of unimarc.HOLDINGS: "995" by default, or "852").
    Raises MarcFileError, before writing anything, if a file cannot be opened or is not MARC.
    """
    if holdings not in unimarc.HOLDINGS:
        raise ValueError(f"unknown holdings field {holdings!r}")
    options = _ReadOptions(format=format, schema=schema, holdings=unimarc.HOLDINGS[holdings])
    started = time.perf_counter()
    sources = list(sources)
    for source in sources:
        stream, owned = _open(source)
        try:
            probe(stream, format=format)
        except NotMarcError as exc:
            raise MarcFileError(_name_of(source), str(exc)) from exc
        finally:
            if owned:
                stream.close()
            elif stream.seekable():
                stream.seek(0)

    report = ImportReport()
    context = _Context(branch=branch, actor=actor, at=at)
    if parallel is None:
        parallel = _core_to_spare()
    batches = _parse_in_worker if parallel and _FORK is not None else _parse
    with _collect_per_batch() as collect:
        for pending, problems, read in batches(sources, options=options, batch_size=batch_size):
            report.read += read
            report.skipped += sum(1 for p in problems if p.skipped)
            report.problems.extend(problems)
            if pending:
                _write_batch(pending, context, report)
            if progress:
                progress(report.read)
            del pending, problems
            collect()

    report.seconds = time.perf_counter() - started
    summary = report.to_dict()
    summary["problems"] = len(report.problems)
    # The names, not the paths, which may say whose computer the files were on.
    summary["files"] = [os.path.basename(_name_of(s)) for s in sources]
    record(IMPORT, at=at, actor=actor, branch=branch, detail=summary)
    return report


@contextlib.contextmanager
def _collect_per_batch() -> Iterator[Callable[[], None]]:
    """Collect garbage once every ten batches instead of whenever allocations pass the threshold.

    A batch keeps a few hundred thousand objects alive at once, so the automatic collector
    runs again and again over the same live objects: about a fifth of the import's CPU time
    (measured, 20,000 records). Objects that existed before the import are frozen, so each
    collection visits only what the import made. Reading and writing a batch leave no cyclic
    garbage as they stand (measured: none over 48,000 records), so a collection every ten
    batches is only a guard that keeps memory flat should some appear; one per batch visited
    the batch still being handed over, 5-8 µs a record in each process. Restores the
    collector as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    batches = 0

    def collect() -> None:
        nonlocal batches
        batches += 1
        if batches % 10 == 0:
            gc.collect()

    try:
        yield collect
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


@dataclass
class _Context:
    branch: Branch | None
    actor: Actor
    at: datetime
    branches: dict[str, int] = field(default_factory=dict)
    # Every branch by id, with its network, for the history entries of the items.
    branch_rows: dict[int, Branch] = field(default_factory=dict)
    locations: dict[tuple[int, str], int] = field(default_factory=dict)
    item_types: dict[str, int] = field(default_factory=dict)
    loaded: bool = False

    def branch_codes(self) -> dict[int, str]:
        codes = {pk: code for code, pk in self.branches.items()}
        if self.branch is not None:
            codes[self.branch.pk] = self.branch.code
        return codes

    def load(self) -> None:
        if not self.loaded:
            self.branch_rows = {b.pk: b for b in Branch.objects.only("id", "code", "network_id")}
            self.branches = {b.code: pk for pk, b in self.branch_rows.items()}
            if self.branch is not None:
                self.branch_rows[self.branch.pk] = self.branch
            self.locations = {(b, c): pk for pk, b, c in Location.objects.values_list("id", "branch_id", "code")}
            self.item_types = dict(ItemType.objects.values_list("code", "id"))
            self.loaded = True


def _prepare(
    read: ReadRecord, file: str, *, index_text: Callable[[dict], PreparedText],
    holdings: HoldingsMap = unimarc.HOLDINGS[unimarc.DEFAULT_HOLDINGS],
) -> tuple[_Pending, list[Problem]]:
    """Everything about one record that needs no database: its fields, its stored bytes, the
    keys it is matched by, its items, the costly part of its search text (from `index_text`)
    and the notes about it. A UNIMARC record's items come from the `holdings` field."""
    record = read.record
    marc21 = read.schema == "marc21"
    fields = extract_fields(record) if marc21 else unimarc.extract(record)
    item_tag = ITEM_TAG if marc21 else holdings.tag
    kept = record.fields
    field_bytes = read.field_bytes
    item_fields = [f for f in kept if f.tag == item_tag]
    if item_fields:
        # Items live in the Item table and are written back as 952 on export, so the stored
        # record does not carry a second, stale copy of them.
        if field_bytes is not None:
            field_bytes = [data for f, data in zip(kept, field_bytes, strict=True) if f.tag != item_tag]
        kept = record.fields = [f for f in kept if f.tag != item_tag]
    if field_bytes is not None:
        # The fields as the file has them are the fields as encode would write them.
        marc = iso2709.encode_fields(str(record.leader), kept, field_bytes)
    else:
        marc = iso2709.encode(record)
    control_number = fields.control_number
    if len(control_number) > _CONTROL_MAX:
        fields.control_number = control_number[:_CONTROL_MAX]
    fields.control_source = fields.control_source[:64]
    values = fields.__dict__
    pending = _Pending(
        read.position, read.offset, read.line, file, fields.control_number, fields.control_source,
        fields.isbns, fields.issns, [],
        [item_from_952(f, default_type=fields.format) for f in item_fields] if marc21
        else [item_from_holdings(f, holdings, default_type=fields.format) for f in item_fields],
        _record_row(marc, values),
        values,
        index_text(values),
    )
    notes = [_problem(pending, warning, skipped=False) for warning in read.warnings]
    if not marc21 and any(not spec.barcode for spec in pending.items):
        pending.items = [spec for spec in pending.items if spec.barcode]
        notes.append(_problem(
            pending,
            _("An item (%(tag)s) has no barcode ($%(code)s); it was left out.")
            % {"tag": holdings.tag, "code": holdings.barcode},
            skipped=False,
        ))
    if len(control_number) > _CONTROL_MAX:
        notes.append(_problem(
            pending,
            _("The control number is longer than %(max)d characters and was cut.") % {"max": _CONTROL_MAX},
            skipped=False,
        ))
    if key := control_key(fields):
        pending.keys.append(key)
    elif not fields.isbns:
        # Nothing identifies this record, so a fingerprint of its content does: loading the
        # same file twice then updates instead of duplicating.
        pending.keys.append("#" + hashlib.sha1(marc, usedforsecurity=False).hexdigest())
    return pending, notes


# Leader/06 of the MARC 21 records that describe no title: authority records, and the four
# kinds of holdings records (single-part, multipart, serial, unknown).
AUTHORITY = frozenset("z")
HOLDINGS = frozenset("uvxy")


def not_bibliographic(read: ReadRecord, file: str) -> Problem | None:
    """A Problem that skips `read` when its leader says it is an authority or holdings
    record: the catalogue keeps neither (yet), and loading one as a title would add a
    record without a title. None for a bibliographic record."""
    kind = str(read.record.leader)[6:7]
    if kind in AUTHORITY:
        reason = _("An authority record (leader/06 “%(type)s”): the catalogue does not keep authority records yet.")
    elif kind in HOLDINGS:
        reason = _(
            "A holdings record (leader/06 “%(type)s”): the catalogue does not keep holdings "
            "records; copies are read from 952 fields of the bibliographic records."
        )
    else:
        return None
    control = read.record.get_fields("001")
    return Problem(
        file=file, position=read.position, reason=reason % {"type": kind}, offset=read.offset,
        line=read.line, control_number=(control[0].data or "").strip() if control else "",
    )


_record_values = operator.itemgetter(*_RECORD_COLUMNS)


def _record_row(marc: bytes, values: dict[str, object]) -> list[object]:
    """marc and the extracted columns of Record, as SQL parameters. Made in the reading
    process, so that the writing process only sends them."""
    row = [marc, *_record_values(values)]
    for position in _JSON_POSITIONS:
        row[position] = _json_list(row[position])
    return row


def _problem(p: _Pending, reason: str, *, skipped: bool) -> Problem:
    return Problem(
        file=p.file, position=p.position, reason=reason, offset=p.offset, line=p.line,
        control_number=p.control_number, skipped=skipped,
    )


Batch = tuple[list[_Pending], list[Problem], int]


@dataclass(frozen=True)
class _ReadOptions:
    format: Format
    schema: SchemaChoice
    holdings: HoldingsMap


def _parse(sources: list[Source], *, options: _ReadOptions, batch_size: int) -> Iterator[Batch]:
    """Read and prepare the records of every source: (records, problems, how many were read)
    per batch; a batch never spans two files."""
    prepare_text = search_index().prepare_text

    for source in sources:
        name = _name_of(source)
        stream, owned = _open(source)
        try:
            pending: list[_Pending] = []
            problems: list[Problem] = []
            read = 0
            try:
                for item in read_records(stream, format=options.format, name=name, schema=options.schema):
                    read += 1
                    if isinstance(item, Problem):
                        problems.append(item)
                        continue
                    if kept_out := not_bibliographic(item, name):
                        problems.append(kept_out)
                        continue
                    prepared, notes = _prepare(item, name, index_text=prepare_text, holdings=options.holdings)
                    pending.append(prepared)
                    problems.extend(notes)
                    if len(pending) >= batch_size:
                        yield pending, problems, read
                        pending, problems, read = [], [], 0
            except NotMarcError as exc:
                raise MarcFileError(name, str(exc)) from exc
            if read:
                yield pending, problems, read
        finally:
            if owned:
                stream.close()


_FORK: multiprocessing.context.ForkContext | None
try:
    _FORK = multiprocessing.get_context("fork")
except ValueError:  # no fork() on this platform
    _FORK = None


def _core_to_spare() -> bool:
    """Whether a second process would get a core of its own. Measured on a 2-core machine: when
    other work keeps the cores busy, the scheduler shares one slice between our two processes
    and the handover between them makes the import slower than one process alone (about 1.5x
    slower at a load average of 3.5); with a core free it is faster."""
    cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return False
    return cores >= 2 and load <= cores - 1


def _parse_worker(queue, sources: list[Source], options: _ReadOptions, batch_size: int) -> None:
    try:
        with _collect_per_batch() as collect:
            for batch in _parse(sources, options=options, batch_size=batch_size):
                queue.put(("batch", batch))
                del batch
                collect()
        queue.put(("done", None))
    except MarcFileError as exc:
        queue.put(("file-error", (exc.file, exc.reason)))
    except BaseException:
        queue.put(("crash", traceback.format_exc()))


def _parse_in_worker(sources: list[Source], *, options: _ReadOptions, batch_size: int) -> Iterator[Batch]:
    """_parse in a forked process, so that decoding and writing use both cores. A few batches
    wait in the queue at most, which keeps the memory of both processes flat."""
    if any(not isinstance(s, str | os.PathLike) for s in sources):
        yield from _parse(sources, options=options, batch_size=batch_size)
        return
    assert _FORK is not None  # chosen only where there is fork()
    queue = _FORK.Queue(maxsize=3)
    worker = _FORK.Process(target=_parse_worker, args=(queue, sources, options, batch_size), daemon=True)
    worker.start()
    try:
        while True:
            try:
                kind, payload = queue.get(timeout=5)
            except Empty:
                if not worker.is_alive():
                    raise RuntimeError(f"the MARC reader process stopped (exit code {worker.exitcode})") from None
                continue
            if kind == "done":
                return
            if kind == "file-error":
                raise MarcFileError(*payload)
            if kind == "crash":
                raise RuntimeError(f"the MARC reader process failed:\n{payload}")
            yield payload
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=5)
        queue.close()
        queue.cancel_join_thread()


def _match(batch: list[_Pending]) -> list[_Pending]:
    """Set record_id on the records of `batch` that are already in the catalogue; fold records
    that appear twice in the batch into their first occurrence. Returns the records to write."""
    keys = {k for p in batch for k in p.keys}
    by_key = dict(_identified(Identifier.Kind.CONTROL, keys))
    isbns = {i for p in batch if not any(k in by_key for k in p.keys) for i in p.isbns}
    by_isbn: dict[str, int] = {}
    controls: dict[int, tuple[str, str]] = {}
    if isbns:
        for value, record_id in sorted(_identified(Identifier.Kind.ISBN, isbns), key=lambda r: -r[1]):
            by_isbn[value] = record_id  # the oldest record wins
        # A record with another control number from the same source is another record.
        controls = {
            pk: (source, number)
            for pk, source, number in Record.objects.filter(id__in=set(by_isbn.values()))
            .values_list("id", "control_source", "control_number")
        }
    result: list[_Pending] = []
    seen: dict[object, _Pending] = {}
    for p in batch:
        target: int | None = next((by_key[k] for k in p.keys if k in by_key), None)
        if target is None:
            for value in p.isbns:
                rid = by_isbn.get(value)
                if rid is None:
                    continue
                source, number = controls.get(rid, ("", ""))
                if number and p.control_number and source == p.control_source and number != p.control_number:
                    continue
                target = rid
                break
        p.record_id = target
        identity: list[object] = [("id", target)] if target else []
        identity += [("key", k) for k in p.keys] + [("isbn", i) for i in p.isbns if not p.keys]
        earlier = next((seen[i] for i in identity if i in seen), None)
        if earlier is not None:
            # The same record twice in one batch: the later copy wins, the items add up.
            barcodes = {i.barcode for i in p.items}
            earlier.items = [i for i in earlier.items if i.barcode not in barcodes] + p.items
            earlier.row, earlier.fields, earlier.index_text = p.row, p.fields, p.index_text
            earlier.control_number, earlier.control_source = p.control_number, p.control_source
            earlier.isbns, earlier.issns = p.isbns, p.issns
            earlier.position, earlier.offset, earlier.line = p.position, p.offset, p.line
            earlier.keys = list(dict.fromkeys(earlier.keys + p.keys))
            p = earlier
        else:
            result.append(p)
        for i in identity:
            seen[i] = p
    return result


def _identified(kind: str, values: set[str]) -> list[tuple[str, int]]:
    """(value, record id) of the identifiers of this kind with one of these values. Plain SQL:
    the ORM spends more time on a 2,000-value IN list than the database does."""
    found: list[tuple[str, int]] = []
    values_list = list(values)
    with connection.cursor() as cursor:
        for start in range(0, len(values_list), 900):
            chunk = values_list[start : start + 900]
            cursor.execute(
                f"SELECT value, record_id FROM {Identifier._meta.db_table} "
                f"WHERE kind = %s AND value IN ({', '.join(['%s'] * len(chunk))})",
                [kind, *chunk],
            )
            found.extend(cursor.fetchall())
    return found


def _write_batch(batch: list[_Pending], context: _Context, report: ImportReport) -> None:
    context.load()
    pending = _match(batch)
    duplicates = len(batch) - len(pending)
    holdings: dict[int, list[tuple[str, str]]] = {}
    index = search_index()
    with transaction.atomic(), connection.cursor() as cursor:
        created, updated = _write_records(cursor, pending, context)
        _write_identifiers(cursor, pending, updated_ids=[p.record_id for p in updated])
        material = {cast(int, p.record_id): _material(p) for p in pending}
        entries = _record_entries(created, updated, material, context)
        items = _write_items(cursor, pending, context, report, holdings, material, entries)
        # With the rows they are about, in one statement for the batch: an import of a
        # million records makes some three million entries.
        record_many(entries)
        # In the batch's own transaction: the index never shows a batch that was rolled back,
        # an import killed between the two cannot leave records unindexed, and a batch costs
        # one commit. A new record is indexed from the fields and items this batch holds; an
        # updated one may keep items from elsewhere, so it is read back from the tables. The
        # reading process has tokenised the title and the other text that is never cached,
        # this one does the rest: that balances the two processes' CPU, the larger of which
        # bounds the import on two cores (measured side by side on 100,000 records, µs a
        # record: all of it in the reader, writer 114-123 and reader 149-153; all of it here,
        # 141-144 and 120-122; split, 128-129 and 138-140).
        index.add_new(
            [(cast(int, p.record_id), p.fields, p.index_text) for p in created], holdings=holdings
        )
        index.reindex([cast(int, p.record_id) for p in updated])  # written: every one has an id
    report.created += len(created)
    report.updated += len(updated) + duplicates
    report.items += items


# The write path below speaks SQL directly: the ORM spends more time preparing a million
# model instances than the database spends storing them. Values are adapted by the backend's
# own adapters, so both SQLite and PostgreSQL get what Django would have sent.

_JSON_COLUMNS = frozenset({"authors", "subjects", "isbns", "issns", "languages", "vernacular"})
_JSON_POSITIONS = tuple(1 + i for i, c in enumerate(_RECORD_COLUMNS) if c in _JSON_COLUMNS)  # after marc
_MAX_PARAMETERS = 30_000  # below SQLite's 32,766 and PostgreSQL's 65,535


# json.dumps with any option builds a new encoder every time; five lists a record notice.
_encode_json = json.JSONEncoder(ensure_ascii=False).encode


def _json_list(value: list[str]) -> str:
    return _encode_json(value) if value else "[]"


def _placeholders(columns: Iterable[str]) -> str:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    return "(" + ", ".join(cast if c in _JSON_COLUMNS else "%s" for c in columns) + ")"


def _insert_returning_ids(cursor, table: str, columns: tuple[str, ...], rows: list[list[object]]) -> list[int]:
    """Insert `rows` and return their new ids in the same order (multi-row INSERT ... RETURNING,
    as Django's bulk_create does on both databases)."""
    ids: list[int] = []
    per_statement = max(1, _MAX_PARAMETERS // len(columns))
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    row_sql = _placeholders(columns)
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values = ", ".join([row_sql] * len(chunk))
        cursor.execute(
            f"INSERT INTO {table} ({names}) VALUES {values} RETURNING id",
            [v for row in chunk for v in row],
        )
        ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _insert_numbered(cursor, table: str, columns: tuple[str, ...], rows: list[list[object]]) -> list[int]:
    """On SQLite: insert `rows` with the ids AUTOINCREMENT would have given them, and return
    those ids. One prepared statement run per row costs less than parsing a statement of
    thousands of rows (and Django rewriting its placeholders) every batch, and SQLite has no
    RETURNING for executemany. The ids are safe to choose here: this runs in the batch's
    transaction, which holds SQLite's write lock from BEGIN (transaction_mode IMMEDIATE in the
    settings); even a deferred transaction may write only if nobody else has written since it
    first read (otherwise the INSERT fails as busy and the batch is rolled back), so no other
    connection can have taken these ids. The explicit ids move the table's sequence on as
    AUTOINCREMENT ids do."""
    cursor.execute(
        "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
        f"coalesce((SELECT max(id) FROM {table}), 0))",
        [table],
    )
    first = cursor.fetchone()[0] + 1
    ids = list(range(first, first + len(rows)))
    _insert(cursor, table, ("id", *columns), [[pk, *row] for pk, row in zip(ids, rows, strict=True)])
    return ids


def _insert_new(cursor, table: str, columns: tuple[str, ...], rows: list[list[object]]) -> list[int]:
    """Insert `rows` and return their new ids, in order: numbered here on SQLite, returned by
    the database on PostgreSQL."""
    if not rows:
        return []
    if connection.vendor == "sqlite":
        return _insert_numbered(cursor, table, columns, rows)
    return _insert_returning_ids(cursor, table, columns, rows)


def _insert(cursor, table: str, columns: tuple[str, ...], rows: list[list[object]]) -> None:
    if rows:
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES {_placeholders(columns)}", rows)




def _write_records(cursor, pending: list[_Pending], context: _Context) -> tuple[list[_Pending], list[_Pending]]:
    at = connection.ops.adapt_datetimefield_value(context.at)
    new = [p for p in pending if p.record_id is None]
    old = [p for p in pending if p.record_id is not None]
    if new:
        columns = ("marc", *_RECORD_COLUMNS, "updated_at", "created_at")
        ids = _insert_new(cursor, Record._meta.db_table, columns, [[*p.row, at, at] for p in new])
        for p, pk in zip(new, ids, strict=True):
            p.record_id = pk
    if old:
        columns = ("marc", *_RECORD_COLUMNS, "updated_at")
        cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
        assignments = ", ".join(
            f"{connection.ops.quote_name(c)} = {cast if c in _JSON_COLUMNS else '%s'}" for c in columns
        )
        cursor.executemany(
            f"UPDATE {Record._meta.db_table} SET {assignments} WHERE id = %s",
            [[*p.row, at, p.record_id] for p in old],
        )
    return new, old


def _write_identifiers(cursor, pending: list[_Pending], *, updated_ids: list[int | None]) -> None:
    table = Identifier._meta.db_table
    if updated_ids:
        marks = ", ".join(["%s"] * len(updated_ids))
        cursor.execute(f"DELETE FROM {table} WHERE record_id IN ({marks})", updated_ids)
    rows: list[list[object]] = []
    for p in pending:
        wanted = dict.fromkeys(
            [(Identifier.Kind.CONTROL.value, k) for k in p.keys]
            + [(Identifier.Kind.ISBN.value, v) for v in p.isbns]
            + [(Identifier.Kind.ISSN.value, v) for v in p.issns]
        )
        rows.extend([p.record_id, kind, value[:140]] for kind, value in wanted)
    _insert(cursor, table, ("record_id", "kind", "value"), rows)


def _material(p: _Pending) -> Material:
    fields = p.fields
    return Material.of(
        languages=cast(list[str], fields["languages"]), format=cast(str, fields["format"]),
        audience=cast(str, fields["audience"]),
    )


def _record_entries(
    created: list[_Pending], updated: list[_Pending], material: dict[int, Material], context: _Context
) -> list[Draft]:
    """The history entries of the batch's records, in the branch the import was given (if
    any), as the staff screens record them."""
    entries = []
    for kind, records in ((RECORD_CREATED, created), (RECORD_UPDATED, updated)):
        for p in records:
            record_id = cast(int, p.record_id)
            facts = material[record_id]
            entries.append(draft(
                kind, at=context.at, actor=context.actor, branch=context.branch, record_id=record_id,
                language=facts.language, format=facts.format, audience=facts.audience,
            ))
    return entries


_ITEM_COLUMNS = (
    "record_id", "barcode", "branch_id", "location_id", "call_number", "item_type_id", "status",
    "price", "received_on", "public_note", "updated_at",
)


def _write_items(
    cursor, pending: list[_Pending], context: _Context, report: ImportReport,
    holdings: dict[int, list[tuple[str, str]]], material: dict[int, Material], entries: list[Draft],
) -> int:
    """Create or update the items of the batch; returns how many were written. Adds (branch
    code, status) of every written item that still counts as a copy to `holdings`, by record
    id, for the search index, and the history entry of each written item to `entries`, with
    its title's `material`."""
    specs = [(p, spec) for p in pending for spec in p.items]
    if not specs:
        return 0
    ops = connection.ops
    at = ops.adapt_datetimefield_value(context.at)
    _ensure_item_types({spec.item_type_code for _p, spec in specs}, context)
    barcodes = list({spec.barcode for _p, spec in specs if spec.barcode})
    existing: dict[str, tuple[int, int, str]] = {}
    for start in range(0, len(barcodes), 900):
        chunk = barcodes[start : start + 900]
        cursor.execute(
            f"SELECT id, barcode, record_id, status FROM {Item._meta.db_table} "
            f"WHERE barcode IN ({', '.join(['%s'] * len(chunk))})",
            chunk,
        )
        existing.update((barcode, (pk, record_id, status)) for pk, barcode, record_id, status in cursor.fetchall())
    new: list[list[object]] = []
    changed: list[list[object]] = []
    # What the history entry of each new item says besides its id: (branch, record, type).
    added: list[tuple[Branch, int, int]] = []
    seen: set[str] = set()
    codes = context.branch_codes()
    for p, spec in specs:
        reason = ""
        branch_id = context.branches.get(spec.branch_code)
        if branch_id is None and context.branch is not None:
            branch_id = context.branch.pk
        if not spec.barcode:
            reason = _("An item (952) has no barcode ($p); it was left out.")
        elif spec.barcode in seen:
            reason = _("Barcode %(barcode)s appears twice; the second item was left out.") % {"barcode": spec.barcode}
        elif branch_id is None:
            reason = (
                _("Item %(barcode)s has no branch code; it was left out.") if not spec.branch_code
                else _("Item %(barcode)s belongs to an unknown branch “%(code)s”; it was left out.")
            ) % {"barcode": spec.barcode, "code": spec.branch_code}
        elif spec.barcode in existing and existing[spec.barcode][1] != p.record_id:
            reason = _("Barcode %(barcode)s already belongs to another record; the item was left out.") % {
                "barcode": spec.barcode
            }
        if reason:
            report.problems.append(_problem(p, reason, skipped=False))
            continue
        assert branch_id is not None  # an item without a branch has a reason above
        seen.add(spec.barcode)
        record_id = cast(int, p.record_id)  # the records are written before their items
        location_id = _location(branch_id, spec.location_code, context) if spec.location_code else None
        status = spec.status
        if spec.barcode in existing and existing[spec.barcode][2] in CIRCULATING:
            status = existing[spec.barcode][2]
        item_type_id = context.item_types[spec.item_type_code]
        row = [
            record_id, spec.barcode, branch_id, location_id, spec.call_number, item_type_id, status,
            ops.adapt_decimalfield_value(spec.price, 10, 2), ops.adapt_datefield_value(spec.received_on),
            spec.public_note, at,
        ]
        if status not in GONE_STATUSES:
            holdings.setdefault(record_id, []).append((codes[branch_id], status))
        if spec.barcode in existing:
            item_id, _record_id, before = existing[spec.barcode]
            changed.append([*row[2:], item_id])
            # As the staff screens record it: a copy the file withdraws is a withdrawal, another
            # change of status says what it was; what else changed is not looked up.
            detail: dict[str, object] = {}
            if status == ItemStatus.WITHDRAWN and before != ItemStatus.WITHDRAWN:
                kind, detail = ITEM_WITHDRAWN, {"previous_status": before}
            else:
                kind = ITEM_UPDATED
                if status != before:
                    detail = {"status": status, "previous_status": before}
            entries.append(_item_entry(
                kind, item_id, context.branch_rows[branch_id], record_id, item_type_id, material, context,
                detail=detail,
            ))
        else:
            new.append([*row, at, ""])
            added.append((context.branch_rows[branch_id], record_id, item_type_id))
    ids = _insert_new(cursor, Item._meta.db_table, (*_ITEM_COLUMNS, "created_at", "withdrawn_reason"), new)
    for item_id, (branch, record_id, item_type_id) in zip(ids, added, strict=True):
        entries.append(_item_entry(ITEM_ADDED, item_id, branch, record_id, item_type_id, material, context))
    if changed:
        assignments = ", ".join(f"{ops.quote_name(c)} = %s" for c in _ITEM_COLUMNS[2:])
        cursor.executemany(f"UPDATE {Item._meta.db_table} SET {assignments} WHERE id = %s", changed)
    return len(new) + len(changed)


def _item_entry(
    kind: Kind, item_id: int, branch: Branch, record_id: int, item_type_id: int,
    material: dict[int, Material], context: _Context, *, detail: dict[str, object] | None = None,
) -> Draft:
    facts = material[record_id]
    return draft(
        kind, at=context.at, actor=context.actor, branch=branch, record_id=record_id, item_id=item_id,
        item_type_id=item_type_id, language=facts.language, format=facts.format, audience=facts.audience,
        detail=detail,
    )


def _ensure_item_types(codes: set[str], context: _Context) -> None:
    missing = codes - context.item_types.keys()
    if not missing:
        return
    add_item_types(missing, actor=context.actor, at=context.at)
    context.item_types = dict(ItemType.objects.values_list("code", "id"))


def _location(branch_id: int, raw: str, context: _Context) -> int:
    if (branch_id, raw) in context.locations:
        return context.locations[(branch_id, raw)]
    code = slugify(raw)[:30] or "-"
    if (branch_id, code) not in context.locations:
        location = Location.objects.filter(branch_id=branch_id, code=code).first()
        if location is None:
            try:
                location = save_location(
                    Location(branch=context.branch_rows[branch_id], code=code, name=code),
                    actor=context.actor, at=context.at,
                )
            except IntegrityError:  # another import added it meanwhile; the savepoint undid ours
                location = Location.objects.get(branch_id=branch_id, code=code)
        context.locations[(branch_id, code)] = location.pk
    # Remember the code as written too: slugify is slow and runs once per item otherwise.
    context.locations[(branch_id, raw)] = context.locations[(branch_id, code)]
    return context.locations[(branch_id, raw)]

