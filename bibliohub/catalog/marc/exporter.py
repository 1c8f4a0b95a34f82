"""Write catalogue records out as UTF-8 MARC 21 (ISO 2709 or MARCXML) with their current items
as Koha-style 952 fields, or the UNIMARC records as UNIMARC with their items in a holdings field
(995 by default), so that another system (or this one) can load them again."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Literal

import pymarc
from django.utils.translation import gettext as _
from pymarc import Field, Indicators, Subfield

from bibliohub.catalog.marc import iso2709, unimarc
from bibliohub.catalog.marc.importer import ITEM_TAG
from bibliohub.catalog.models import Item, ItemStatus, Record

ExportFormat = Literal["iso2709", "marcxml"]
ExportSchema = Literal["marc21", "unimarc"]
CHUNK = 1000
_XML_HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
_XML_TAIL = b"</collection>\n"

# Item status as the Koha flags the importer reads: (subfield, value).
_STATUS_FLAGS: dict[str, tuple[str, str]] = {
    ItemStatus.WITHDRAWN: ("0", "1"),
    ItemStatus.LOST: ("1", "1"),
    ItemStatus.MISSING: ("1", "4"),
    ItemStatus.DAMAGED: ("4", "1"),
    ItemStatus.IN_PROCESSING: ("7", "-1"),
    ItemStatus.REFERENCE: ("7", "1"),
}


@dataclass
class ExportReport:
    written: int = 0
    items: int = 0
    left_out: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"written": self.written, "items": self.items, "left_out": self.left_out}


def item_to_952(item: Item) -> Field:
    """The 952 field the importer reads back into the same item."""
    subfields = [
        Subfield("a", item.branch.code),
        Subfield("b", item.branch.code),
    ]
    if item.location is not None:
        subfields.append(Subfield("c", item.location.code))
    if item.received_on:
        subfields.append(Subfield("d", item.received_on.isoformat()))
    if item.price is not None:
        subfields.append(Subfield("g", f"{item.price:.2f}"))
    if item.call_number:
        subfields.append(Subfield("o", item.call_number))
    subfields.append(Subfield("p", item.barcode))
    subfields.append(Subfield("y", item.item_type.code))
    if item.public_note:
        subfields.append(Subfield("z", item.public_note))
    if flag := _STATUS_FLAGS.get(item.status):
        subfields.append(Subfield(*flag))
    return Field(tag=ITEM_TAG, indicators=Indicators(" ", " "), subfields=subfields)


# Item status as the flags of a UNIMARC holdings map: (role, value).
_HOLDINGS_FLAGS: dict[str, tuple[str, str]] = {
    ItemStatus.LOST: ("lost", "1"),
    ItemStatus.MISSING: ("lost", "1"),
    ItemStatus.IN_PROCESSING: ("not_for_loan", "-1"),
    ItemStatus.REFERENCE: ("not_for_loan", "1"),
}


def item_to_holdings(item: Item, mapping: unimarc.HoldingsMap) -> Field:
    """The UNIMARC holdings field (995, 852...) the importer reads back into the same item."""
    values = {
        "branch": item.branch.code,
        "location": item.location.code if item.location is not None else "",
        "acquired": item.received_on.isoformat() if item.received_on else "",
        "price": f"{item.price:.2f}" if item.price is not None else "",
        "call_number": item.call_number,
        "barcode": item.barcode,
        "item_type": item.item_type.code,
        "note": item.public_note,
    }
    if flag := _HOLDINGS_FLAGS.get(item.status):
        values[flag[0]] = flag[1]
    return unimarc.holdings_field(values, mapping)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for rid in ids:
        chunk.append(rid)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _all_ids() -> Iterator[int]:
    # Keyset paging keeps memory flat and never scans an OFFSET.
    last = 0
    while True:
        ids = list(Record.objects.filter(id__gt=last).order_by("id").values_list("id", flat=True)[:CHUNK])
        if not ids:
            return
        yield from ids
        last = ids[-1]


def records_with_items(
    record_ids: Iterable[int] | None = None, *, holdings: unimarc.HoldingsMap | None = None
) -> Iterator[tuple[int, pymarc.Record]]:
    """(id, pymarc record with its current items as 952) for the given ids, or every record,
    in chunks: one query for the records and one for their items per chunk. UNIMARC records
    get their items in the `holdings` field instead (995 when None)."""
    holdings = holdings or unimarc.HOLDINGS[unimarc.DEFAULT_HOLDINGS]
    for chunk in _chunks(_all_ids() if record_ids is None else record_ids):
        marcs = dict(Record.objects.filter(id__in=chunk).values_list("id", "marc"))
        items: dict[int, list[Item]] = defaultdict(list)
        for item in (
            Item.objects.filter(record_id__in=chunk)
            .select_related("branch", "location", "item_type")
            .order_by("record_id", "id")
        ):
            items[item.record_id].append(item)
        for rid in chunk:
            if rid not in marcs:
                continue
            record, _repairs = iso2709.decode(bytes(marcs[rid]))
            if unimarc.is_unimarc(record):
                record.fields = [f for f in record.fields if f.tag != holdings.tag]
                record.fields.extend(item_to_holdings(item, holdings) for item in items.get(rid, ()))
            else:
                record.fields = [f for f in record.fields if f.tag != ITEM_TAG]
                record.fields.extend(item_to_952(item) for item in items.get(rid, ()))
            yield rid, record


def export_marc(
    out: BinaryIO, *, format: ExportFormat = "iso2709", record_ids: Iterable[int] | None = None,
    schema: ExportSchema = "marc21", holdings: str = unimarc.DEFAULT_HOLDINGS,
) -> ExportReport:
    """Write the records (all of them when `record_ids` is None) to `out` and return how many
    were written. A record too long for MARC 21 exchange (over 99,999 bytes) is left out of
    ISO 2709 output and named in the report; MARCXML has no such limit.

    With `schema` "marc21" the MARC 21 records are written, with "unimarc" the UNIMARC and
    CNMARC ones (leader/09 blank, field 100 saying Unicode, items in the `holdings` field, a
    key of unimarc.HOLDINGS); a record in the other format is left out and named, since
    neither is converted into the other."""
    report = ExportReport()
    mapping = unimarc.HOLDINGS[holdings]
    item_tag = ITEM_TAG if schema == "marc21" else mapping.tag
    if format == "marcxml":
        out.write(_XML_HEAD)
    for rid, record in records_with_items(record_ids, holdings=mapping):
        if (schema == "unimarc") != unimarc.is_unimarc(record):
            report.left_out.append(
                _("Record %(id)d is UNIMARC; export it in UNIMARC.") % {"id": rid} if schema == "marc21"
                else _("Record %(id)d is MARC 21, not UNIMARC.") % {"id": rid}
            )
            continue
        if schema == "unimarc":
            unimarc.for_export(record)
        items = sum(1 for f in record.fields if f.tag == item_tag)
        if format == "marcxml":
            out.write(pymarc.record_to_xml(record, quiet=True))
            out.write(b"\n")
        else:
            data = iso2709.encode(record)
            if schema == "unimarc":
                # UNIMARC leaves leader/09 and /23 undefined (blank); MARC 21 says UTF-8 there.
                data = data[:9] + b" " + data[10:23] + b" " + data[24:]
            if data[:5] == iso2709.OVERLONG_LENGTH and len(data) != iso2709.MAX_LENGTH:
                report.left_out.append(
                    _("Record %(id)d is %(size)d bytes, too long for ISO 2709; export it as MARCXML.")
                    % {"id": rid, "size": len(data)}
                )
                continue
            out.write(data)
        report.written += 1
        report.items += items
    if format == "marcxml":
        out.write(_XML_TAIL)
    return report

