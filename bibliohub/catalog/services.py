"""The only writers of bibliographic records, items and item types outside the MARC importer
(which creates item types through `add_item_types`).

The MARC record in `Record.marc` is the source of truth: an edit changes the MARC fields first
and then re-extracts the searchable columns from them, so that an export, the OPAC and the
search index never disagree. Permission checks live in `bibliohub.accounts.access`; views call
them before calling these services. Every change is recorded in the history (catalog.kinds),
by the actor the interface passes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple, cast

import pymarc
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import isbn as stdnum_isbn

from bibliohub.catalog.indexing import search_index
from bibliohub.catalog.kinds import (
    ITEM_ADDED,
    ITEM_TYPE_DELETED,
    ITEM_TYPE_SAVED,
    ITEM_UPDATED,
    ITEM_WITHDRAWN,
    RECORD_CREATED,
    RECORD_DELETED,
    RECORD_UPDATED,
)
from bibliohub.catalog.models import (
    Audience,
    DeletedRecord,
    Identifier,
    Item,
    ItemStatus,
    ItemType,
    Record,
)
from bibliohub.db import insert
from bibliohub.history import Actor, Kind
from bibliohub.history import services as history
from bibliohub.libraries.models import Branch, Location
from bibliohub.refusals import Refused

# --- Refusals -------------------------------------------------------------------------------


class CatalogueChangeRefused(Refused):
    """A change that cannot be made, with the messages keyed by the form field they belong to
    ("" for the change as a whole), so that a form shows each one next to its field."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__(fields=errors)


# --- What can be edited ---------------------------------------------------------------------


@dataclass(frozen=True)
class RecordChanges:
    """The main descriptive fields a cataloguer edits on the staff screen. Lists keep their
    order (the first author is the main entry)."""

    title: str
    subtitle: str = ""
    responsibility: str = ""
    authors: list[str] = dataclasses.field(default_factory=list)
    subjects: list[str] = dataclasses.field(default_factory=list)
    isbns: list[str] = dataclasses.field(default_factory=list)
    publisher: str = ""
    place: str = ""
    year: int | None = None
    languages: list[str] = dataclasses.field(default_factory=list)
    edition: str = ""
    series: str = ""
    summary: str = ""
    audience: str = ""

    @classmethod
    def of(cls, record: Record) -> RecordChanges:
        """The record's current values, to fill the edit form."""
        return cls(**{f.name: getattr(record, f.name) for f in dataclasses.fields(cls)})


@dataclass(frozen=True)
class ItemData:
    """Everything about a copy that staff set by hand. Status changes that belong to
    circulation (on loan, on the hold shelf, in transit) are not made here."""

    barcode: str
    branch: Branch
    item_type: ItemType
    location: Location | None = None
    call_number: str = ""
    price: Decimal | None = None
    received_on: date | None = None
    available_on: date | None = None
    public_note: str = ""
    status: str = ItemStatus.AVAILABLE


# Statuses staff may set by editing a copy; the others are reached through circulation or
# withdrawal, which keep their own entries and rules.
EDITABLE_STATUSES = (
    ItemStatus.AVAILABLE,
    ItemStatus.IN_PROCESSING,
    ItemStatus.REFERENCE,
    ItemStatus.MISSING,
    ItemStatus.DAMAGED,
    ItemStatus.LOST,
)
CIRCULATING_STATUSES = frozenset({ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF, ItemStatus.IN_TRANSIT})


# --- Records --------------------------------------------------------------------------------


@transaction.atomic
def update_record(record: Record, *, changes: RecordChanges, actor: Actor, at: datetime) -> Record:
    """Write `changes` into the record's MARC (245, 100/700, 650, 020, 264, 008, 041, 250, 490,
    520), re-extract the searchable fields from it and return the saved record.

    Only the groups of fields whose value changed are rewritten, so an untouched author keeps
    its dates and authority link. Records RECORD_UPDATED naming the changed fields and
    reindexes the record after commit. Raises CatalogueChangeRefused for an invalid ISBN, year
    or language code, or an empty title, and for a UNIMARC record (kept as UNIMARC, which these
    fields are not written in).
    """
    from bibliohub.catalog.marc import unimarc  # written alongside; kept lazy

    record = Record.objects.select_for_update().get(pk=record.pk)
    marc = read_marc(record.marc)
    if unimarc.is_unimarc(marc):
        # The form writes MARC 21 fields; a UNIMARC record is kept as UNIMARC.
        raise CatalogueChangeRefused({"": [_(
            "This record is in UNIMARC and cannot be edited here yet: correct it where it was catalogued "
            "and import it again."
        )]})
    changes = _clean(changes)
    before = RecordChanges.of(record)
    changed = [
        f.name for f in dataclasses.fields(RecordChanges)
        if getattr(before, f.name) != getattr(changes, f.name)
    ]
    _apply(marc, changes, changed=set(changed), at=at)
    _store(record, marc, at=at)
    record.save()
    _sync_identifiers(record)
    facts = Material.of_record(record)
    history.record(
        RECORD_UPDATED, at=at, actor=actor, record_id=record.pk, language=facts.language,
        format=facts.format, audience=facts.audience, detail={"changed": changed},
    )
    _reindex_after_commit(record.pk)
    return record


@transaction.atomic
def create_record(*, changes: RecordChanges, actor: Actor, at: datetime) -> Record:
    """Catalogue a new book from the same fields as the edit form: builds a valid MARC 21
    record (leader for a monograph in UTF-8, 005, 008, and the fields the form fills), saves
    it with its extracted fields and returns it.

    Records RECORD_CREATED and indexes the record after commit. Raises
    CatalogueChangeRefused like update_record.
    """
    changes = _clean(changes)
    marc = pymarc.Record(force_utf8=True, leader="     nam a22     4i 4500")
    marc.add_field(pymarc.Field(tag="008", data=_new_008(at)))
    _apply(marc, changes, changed={f.name for f in dataclasses.fields(RecordChanges)}, at=at)
    record = Record(created_at=at)
    _store(record, marc, at=at)
    record.save()
    _sync_identifiers(record)
    facts = Material.of_record(record)
    history.record(
        RECORD_CREATED, at=at, actor=actor, record_id=record.pk, language=facts.language,
        format=facts.format, audience=facts.audience,
    )
    _reindex_after_commit(record.pk)
    return record


@transaction.atomic
def delete_record(record: Record, *, actor: Actor, at: datetime) -> None:
    """Delete a title that nothing points at any more, leaving a DeletedRecord (its id and
    `at`) for harvesters. Raises CatalogueChangeRefused while copies, holds or anything else
    of another app still refer to it: deleting would take them with it. Records
    RECORD_DELETED and removes the record from the index after commit."""
    record = Record.objects.select_for_update().get(pk=record.pk)
    if _still_referred_to(record):
        raise CatalogueChangeRefused(
            {"": [_("This title still has copies or holds; only a title without them can be deleted.")]}
        )
    facts = Material.of_record(record)
    record_id, record_format = record.pk, record.format
    record.delete()
    DeletedRecord.objects.create(record_id=record_id, deleted_at=at, format=record_format)
    history.record(
        RECORD_DELETED, at=at, actor=actor, record_id=record_id, language=facts.language,
        format=facts.format, audience=facts.audience,
    )
    _reindex_after_commit(record_id)


@transaction.atomic
def catalogue_copy(
    marc: pymarc.Record, *, overlay: Record | None = None, source: str, actor: Actor, at: datetime
) -> Record:
    """Catalogue a MARC 21 or UNIMARC record copied from another library (copy cataloguing):
    as a new title, or over the bibliographic description of `overlay`, which keeps its id, its
    copies and everything that points at it. Returns the saved record. A UNIMARC (or CNMARC)
    record is kept as UNIMARC in UTF-8 and read through the UNIMARC crosswalk, as the MARC
    importer keeps one.

    The local fields of the other library (9XX: its copies, its local data) are left out and,
    when overlaying, ours are kept. The record's control number becomes its look-up key, so a
    later MARC file with the same record updates it. Records RECORD_CREATED or RECORD_UPDATED
    with `source` (the name of the other catalogue) and indexes the record after commit.
    Raises CatalogueChangeRefused for a record without a title.
    """
    copied = pymarc.Record(force_utf8=True, leader=str(marc.leader))
    copied.fields = [f for f in marc.fields if not f.tag.startswith("9")]
    if overlay is not None:
        record = Record.objects.select_for_update().get(pk=overlay.pk)
        ours = read_marc(record.marc)
        copied.fields += [f for f in ours.fields if f.tag.startswith("9")]
    else:
        record = Record(created_at=at)
    _store(record, copied, at=at)
    if not record.title.strip():
        raise CatalogueChangeRefused({"": [_("The copied record has no title (245 $a, or 200 $a in UNIMARC).")]})
    record.save()
    _sync_identifiers(record)
    _sync_control_key(record)
    facts = Material.of_record(record)
    history.record(
        RECORD_UPDATED if overlay is not None else RECORD_CREATED, at=at, actor=actor, record_id=record.pk,
        language=facts.language, format=facts.format, audience=facts.audience,
        detail={"copied_from": source[:100]},
    )
    _reindex_after_commit(record.pk)
    return record


def _sync_control_key(record: Record) -> None:
    # As the MARC importer keys records ("(003)001"), so that its matching finds this one.
    number = record.control_number[: Record._meta.get_field("control_number").max_length or 64]
    key = f"({record.control_source}){number}" if record.control_source and number else number
    Identifier.objects.filter(record=record, kind=Identifier.Kind.CONTROL).exclude(value=key).delete()
    if key:
        Identifier.objects.get_or_create(record=record, kind=Identifier.Kind.CONTROL, value=key[:140])


def _still_referred_to(record: Record) -> bool:
    # Every relation to Record cascades, so ask each one rather than name the apps above us;
    # the identifiers and the search index's own rows go with the record by design.
    for relation in Record._meta.related_objects:
        model = relation.related_model
        if model is Identifier or model._meta.app_label == "search":  # type: ignore[union-attr]
            continue
        field_name = relation.field.name
        if model._default_manager.filter(**{field_name: record}).exists():  # type: ignore[union-attr]
            return True
    return False


def read_marc(data: bytes | memoryview) -> pymarc.Record:
    """The pymarc record stored in Record.marc (UTF-8 ISO 2709, possibly overlong)."""
    from bibliohub.catalog.marc import iso2709  # written alongside; kept lazy

    return iso2709.decode(bytes(data))[0]


def _store(record: Record, marc: pymarc.Record, *, at: datetime) -> None:
    from bibliohub.catalog.marc import iso2709  # written alongside; kept lazy
    from bibliohub.catalog.marc.unimarc import extract_any

    # 005 is "date and time of latest transaction": other systems use it to pick up changes.
    marc.remove_fields("005")
    stamp = timezone.localtime(at).strftime("%Y%m%d%H%M%S.0")
    marc.add_ordered_field(pymarc.Field(tag="005", data=stamp))
    # pymarc annotates Record.leader as Leader, but takes a str too (and assigns one itself).
    marc.leader = _leader_with(marc.leader, 9, "a")  # type: ignore[assignment]
    # The importer's encoder, so that a record grown past 99,999 bytes is still kept whole.
    record.marc = iso2709.encode(marc)
    for name, value in dataclasses.asdict(extract_any(marc)).items():
        setattr(record, name, value)
    record.updated_at = at


def _sync_identifiers(record: Record) -> None:
    """Keep the ISBN and ISSN look-up rows (the importer matches records through them) in
    step with the record. Control numbers are not edited here, so their rows stay."""
    kinds = [Identifier.Kind.ISBN, Identifier.Kind.ISSN]
    wanted = {(Identifier.Kind.ISBN, v) for v in record.isbns}
    wanted |= {(Identifier.Kind.ISSN, v) for v in record.issns}
    current = {
        (kind, value): pk
        for pk, kind, value in Identifier.objects.filter(record=record, kind__in=kinds)
        .values_list("pk", "kind", "value")
    }
    if stale := [pk for key, pk in current.items() if key not in wanted]:
        Identifier.objects.filter(pk__in=stale).delete()
    Identifier.objects.bulk_create(
        [Identifier(record=record, kind=k, value=v) for k, v in sorted(wanted - current.keys())]
    )


# --- Items ----------------------------------------------------------------------------------


@transaction.atomic
def add_item(record: Record, *, data: ItemData, actor: Actor, at: datetime) -> Item:
    """Add a copy of `record` and return it. Raises CatalogueChangeRefused when the barcode is
    already used anywhere in the network or the location belongs to another branch. Records
    ITEM_ADDED and reindexes the record after commit."""
    data = _clean_item(data, item_id=None)
    item = Item(record=record, created_at=at, updated_at=at)
    _copy_item_data(item, data)
    item.save()
    _touch_record(record.pk, at=at)
    _record_item(ITEM_ADDED, item, facts=Material.of_record(record), actor=actor, at=at, detail={})
    _reindex_after_commit(record.pk)
    return item


@transaction.atomic
def update_item(item: Item, *, data: ItemData, actor: Actor, at: datetime) -> Item:
    """Change a copy's barcode, branch, location, call number, type, price, dates, note or
    shelf status and return it. A copy out on loan, on the hold shelf or in transit keeps its
    status (circulation moves it). Raises CatalogueChangeRefused like add_item. Records
    ITEM_UPDATED with the changed fields (and the status before and after, when it changed)
    and reindexes the record after commit."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    data = _clean_item(data, item_id=item.pk)
    if item.status in CIRCULATING_STATUSES or item.status == ItemStatus.WITHDRAWN:
        data = dataclasses.replace(data, status=item.status)
    before = {f: getattr(item, f) for f in _ITEM_FIELDS}
    _copy_item_data(item, data)
    item.updated_at = at
    item.save()
    changed = [f for f in _ITEM_FIELDS if getattr(item, f) != before[f]]
    if "branch_id" in changed:
        _touch_record(item.record_id, at=at)
    detail: dict[str, object] = {"changed": changed}
    if item.status != before["status"]:
        detail.update(status=item.status, previous_status=before["status"])
    _record_item(
        ITEM_UPDATED, item, facts=Material.of_title(item.record_id), actor=actor, at=at,
        detail=detail,
    )
    _reindex_after_commit(item.record_id)
    return item


@transaction.atomic
def withdraw_item(item: Item, *, reason: str, actor: Actor, at: datetime) -> Item:
    """Take a copy out of the collection: status WITHDRAWN with the reason; the row stays so
    that loan history and statistics keep pointing at it. Raises CatalogueChangeRefused when
    no reason is given, the copy is already withdrawn, or it is out on loan, on the hold shelf
    or in transit. Records ITEM_WITHDRAWN with the status before (not the reason, which is
    free text and stays on the copy) and reindexes the record after commit."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    reason = reason.strip()
    if not reason:
        raise CatalogueChangeRefused({"reason": [_("Give a reason for withdrawing this copy.")]})
    if item.status == ItemStatus.WITHDRAWN:
        raise CatalogueChangeRefused({"": [_("This copy has already been withdrawn.")]})
    if item.status in CIRCULATING_STATUSES:
        raise CatalogueChangeRefused(
            {"": [_("This copy is %(status)s; check it in before withdrawing it.")
                  % {"status": item.get_status_display().lower()}]}
        )
    previous = item.status
    item.status = ItemStatus.WITHDRAWN
    item.withdrawn_reason = reason
    item.updated_at = at
    item.save(update_fields=["status", "withdrawn_reason", "updated_at"])
    _record_item(
        ITEM_WITHDRAWN, item, facts=Material.of_title(item.record_id), actor=actor, at=at,
        detail={"previous_status": previous},
    )
    _reindex_after_commit(item.record_id)
    return item


def _touch_record(record_id: int, *, at: datetime) -> None:
    # The branches holding a title are part of what harvesters copy (OAI-PMH sets): a copy
    # added or moved makes the record changed for them.
    Record.objects.filter(pk=record_id, updated_at__lt=at).update(updated_at=at)


_ITEM_FIELDS = (
    "barcode", "branch_id", "location_id", "item_type_id", "call_number", "price",
    "received_on", "available_on", "public_note", "status",
)


class Material(NamedTuple):
    """What the history keeps of a title with every entry about it or its copies: its first
    language, its format and its audience, which collection figures are broken down by.
    The importer makes these from the fields it extracts, the screens from the record (a
    tuple: the importer makes one per record)."""

    language: str
    format: str
    audience: str

    @classmethod
    def of(cls, *, languages: Sequence[str], format: str, audience: str) -> Material:
        return cls((languages[0] if languages else "")[:8], format, audience)

    @classmethod
    def of_record(cls, record: Record) -> Material:
        return cls.of(languages=record.languages, format=record.format, audience=record.audience)

    @classmethod
    def of_title(cls, record_id: int) -> Material:
        languages, format, audience = Record.objects.values_list(
            "languages", "format", "audience"
        ).get(pk=record_id)
        return cls.of(languages=languages, format=format, audience=audience)


def _record_item(
    kind: Kind, item: Item, *, facts: Material, actor: Actor, at: datetime,
    detail: dict[str, object],
) -> None:
    history.record(
        kind, at=at, actor=actor, branch=item.branch, item=item, language=facts.language,
        format=facts.format, audience=facts.audience, detail=detail,
    )


def _copy_item_data(item: Item, data: ItemData) -> None:
    item.barcode = data.barcode
    item.branch = data.branch
    item.location = data.location
    item.item_type = data.item_type
    item.call_number = data.call_number
    item.price = data.price
    item.received_on = data.received_on
    item.available_on = data.available_on
    item.public_note = data.public_note
    item.status = data.status


def _clean_item(data: ItemData, *, item_id: int | None) -> ItemData:
    errors: dict[str, list[str]] = {}
    barcode = data.barcode.strip()
    if not barcode:
        errors["barcode"] = [_("Enter the barcode.")]
    # django-stubs refuses None in an exact lookup; Django reads it as IS NULL, which
    # excludes nothing for a new copy.
    elif Item.objects.filter(barcode=barcode).exclude(pk=item_id).exists():  # type: ignore[misc]
        errors["barcode"] = [_("Barcode %(barcode)s is already used by another copy.") % {"barcode": barcode}]
    if data.location is not None and data.location.branch_id != data.branch.pk:
        errors["location"] = [_("This shelving location belongs to another branch.")]
    if data.price is not None and data.price < 0:
        errors["price"] = [_("The price cannot be negative.")]
    if data.received_on and data.available_on and data.available_on < data.received_on:
        errors["available_on"] = [_("A copy cannot be made available before it was received.")]
    if data.status not in EDITABLE_STATUSES and data.status not in CIRCULATING_STATUSES | {ItemStatus.WITHDRAWN}:
        errors["status"] = [_("Choose a valid status.")]
    if errors:
        raise CatalogueChangeRefused(errors)
    return dataclasses.replace(data, barcode=barcode, call_number=data.call_number.strip(),
                               public_note=data.public_note.strip())


# --- Item types -----------------------------------------------------------------------------


@transaction.atomic
def save_item_type(item_type: ItemType, *, actor: Actor, at: datetime) -> ItemType:
    """Create or change an item type (its code and its names) and return it. Records
    ITEM_TYPE_SAVED with the names of the fields that changed."""
    fields = history.changed_fields(item_type)
    created = item_type.pk is None
    item_type.save()
    history.record(
        ITEM_TYPE_SAVED, at=at, actor=actor, item_type_id=item_type.pk, obj=item_type,
        detail={"created": created, "fields": fields, "code": item_type.code},
    )
    return item_type


@transaction.atomic
def delete_item_type(item_type: ItemType, *, actor: Actor, at: datetime) -> None:
    """Delete an item type. Records ITEM_TYPE_DELETED with its code. Raises ProtectedError
    while copies or circulation rules have it."""
    history.record(
        ITEM_TYPE_DELETED, at=at, actor=actor, item_type_id=item_type.pk, obj=item_type,
        detail={"code": item_type.code},
    )
    item_type.delete()


@transaction.atomic
def add_item_types(codes: Iterable[str], *, actor: Actor, at: datetime) -> list[ItemType]:
    """Create an item type named by its code in capitals for each of `codes` that has none
    yet (the importer meets them in 952 $y) and return the new ones, each recorded as
    ITEM_TYPE_SAVED. A code another import creates at the same moment is left to it."""
    created = []
    for code in sorted(set(codes)):
        item_type = ItemType(code=code, name=code.upper())
        fields = history.changed_fields(item_type)
        if insert(item_type, unless_conflict='("code")'):
            history.record(
                ITEM_TYPE_SAVED, at=at, actor=actor, item_type_id=item_type.pk, obj=item_type,
                detail={"created": True, "fields": fields, "code": code},
            )
            created.append(item_type)
    return created


# --- Indexing -------------------------------------------------------------------------------


def _reindex_after_commit(record_id: int) -> None:
    # After commit: the index must never show a change that was rolled back, and a slow
    # index must not hold the write transaction open.
    transaction.on_commit(lambda: _index([record_id]))


def _index(ids: Iterable[int]) -> None:
    search_index().reindex(list(ids))


# --- MARC editing ---------------------------------------------------------------------------

# 008/22 target audience codes for each Audience value, and back.
_AUDIENCE_CODE = {
    Audience.CHILDREN: "j",
    Audience.YOUNG_ADULT: "d",
    Audience.ADULT: "e",
    Audience.SPECIALISED: "f",
    Audience.GENERAL: "g",
    "": " ",
}


def _clean(changes: RecordChanges) -> RecordChanges:
    """Trimmed values with ISBNs normalised to ISBN-13; every problem reported at once."""
    errors: dict[str, list[str]] = {}

    def strings(values: Iterable[str]) -> list[str]:
        seen: list[str] = []
        for v in values:
            v = " ".join(v.split())
            if v and v not in seen:
                seen.append(v)
        return seen

    title = " ".join(changes.title.split())
    if not title:
        errors["title"] = [_("Enter the title.")]
    isbns: list[str] = []
    bad = []
    for value in strings(changes.isbns):
        try:
            isbns.append(stdnum_isbn.to_isbn13(stdnum_isbn.validate(value)))
        except Exception:  # stdnum raises several ValidationError subclasses
            bad.append(value)
    if bad:
        errors["isbns"] = [
            _("Not a valid ISBN: %(isbns)s. Check the digits and the check digit.")
            % {"isbns": ", ".join(bad)}
        ]
    languages = [v.lower() for v in strings(changes.languages)]
    if any(len(v) != 3 or not v.isalpha() or not v.isascii() for v in languages):
        errors["languages"] = [_("Use three-letter MARC language codes, such as eng, ukr, vie, chi, pol.")]
    if changes.year is not None and not 1000 <= changes.year <= 2999:
        errors["year"] = [_("Enter a four-digit year.")]
    if changes.audience not in _AUDIENCE_CODE:
        errors["audience"] = [_("Choose a valid audience.")]
    if errors:
        raise CatalogueChangeRefused(errors)
    one = lambda s: " ".join(s.split())  # noqa: E731
    return RecordChanges(
        title=title, subtitle=one(changes.subtitle), responsibility=one(changes.responsibility),
        authors=strings(changes.authors), subjects=strings(changes.subjects), isbns=list(dict.fromkeys(isbns)),
        publisher=one(changes.publisher), place=one(changes.place), year=changes.year,
        languages=languages, edition=one(changes.edition), series=one(changes.series),
        summary="\n\n".join(p for p in (one(p) for p in re.split(r"\n\s*\n", changes.summary)) if p),
        audience=changes.audience,
    )


def _apply(marc: pymarc.Record, c: RecordChanges, *, changed: set[str], at: datetime) -> None:
    if changed & {"title", "subtitle", "responsibility", "authors"}:
        _set_245(marc, c)
    if "authors" in changed:
        _set_authors(marc, c.authors)
    if "subjects" in changed:
        _set_subjects(marc, c.subjects)
    if "isbns" in changed:
        _set_isbns(marc, c.isbns)
    if changed & {"publisher", "place", "year"}:
        _set_publication(marc, c)
    if changed & {"year", "languages", "audience"}:
        _set_008(marc, c, at=at)
    if "languages" in changed:
        _set_041(marc, c.languages)
    if "edition" in changed:
        _replace_simple(marc, "250", c.edition, ind=(" ", " "))
    if "series" in changed:
        marc.remove_fields("490", "830")
        if c.series:
            marc.add_ordered_field(_field("490", ("0", " "), [("a", c.series)]))
    if "summary" in changed:
        # One 520 per paragraph: a field holds no line breaks.
        marc.remove_fields("520")
        for paragraph in re.split(r"\n\s*\n", c.summary):
            if paragraph := " ".join(paragraph.split()):
                marc.add_ordered_field(_field("520", (" ", " "), [("a", paragraph)]))


def _field(tag: str, ind: tuple[str, str], subfields: list[tuple[str, str]]) -> pymarc.Field:
    return pymarc.Field(
        tag=tag, indicators=pymarc.Indicators(*ind),
        subfields=[pymarc.Subfield(code=k, value=v) for k, v in subfields],
    )


def _indicators(field: pymarc.Field) -> pymarc.Indicators:
    """A data field's indicators (only control fields, 001-009, have none)."""
    return cast(pymarc.Indicators, field.indicators)


def _with_end(text: str, end: str) -> str:
    """ISBD punctuation that separates one subfield from the next, without doubling it. No
    final full stop is added: the extractor could not tell it from an initial ("Plan B.")."""
    if not end or text.endswith(end.strip()):
        return text
    return text + end


def _set_245(marc: pymarc.Record, c: RecordChanges) -> None:
    from bibliohub.catalog.marc.extract import clean as clean_subfield

    old = marc.get("245")
    # The title in the form is what the extractor shows: $a with any $f $g $k $n $p, so those
    # are replaced by it; the medium ($h) and linkage subfields stay.
    keep = [s for s in (old.subfields if old else []) if s.code not in "abcfgknp"]
    parts = [("a", _with_end(c.title, " :" if c.subtitle else (" /" if c.responsibility else "")))]
    parts += [(s.code, s.value) for s in keep if s.code == "h"]
    if c.subtitle:
        parts.append(("b", _with_end(c.subtitle, " /" if c.responsibility else "")))
    if c.responsibility:
        # An unchanged statement keeps its closing punctuation as the cataloguer wrote it.
        written = old.get_subfields("c") if old else []
        same = written and clean_subfield(written[0]) == c.responsibility
        parts.append(("c", written[0] if same else c.responsibility))
    parts += [(s.code, s.value) for s in keep if s.code != "h"]
    # First indicator: 1 when there is a main entry (1XX) to trace the title under.
    ind1 = "1" if c.authors else "0"
    ind2 = _indicators(old)[1] if old and _indicators(old)[1].isdigit() else "0"
    marc.remove_fields("245")
    marc.add_ordered_field(_field("245", (ind1, ind2), parts))


def _as_extracted(field: pymarc.Field) -> list[str]:
    """How the extractor reads this one field (its author, subject or ISBNs), so that a value
    in the form is matched to the field it came from exactly as it was shown."""
    from bibliohub.catalog.marc.extract import extract_fields

    alone = pymarc.Record(leader="     nam a22     4i 4500")
    alone.add_field(field)
    fields = extract_fields(alone)
    return fields.authors or fields.subjects or fields.isbns


def _set_authors(marc: pymarc.Record, authors: list[str]) -> None:
    """The first name is the main entry (100, or 110/111 when it already was a body or a
    meeting); the rest are added entries (700/710/711). A name already in the record keeps
    its field, with its dates, relator terms and authority link."""
    tags = ("100", "110", "111", "700", "710", "711")
    existing: dict[str, pymarc.Field] = {}
    for f in marc.get_fields(*tags):
        for name in _as_extracted(f)[:1]:
            existing.setdefault(name, f)
    marc.remove_fields(*tags)
    for position, name in enumerate(authors):
        found = existing.get(name)
        kind = found.tag[1:] if found else "00"  # 00 person, 10 body, 11 meeting
        tag = ("1" if position == 0 else "7") + kind
        if found:
            subfields = [(s.code, s.value) for s in found.subfields]
            ind = (_indicators(found)[0], " ")
        else:
            # Personal names written "Surname, Forename" take first indicator 1.
            subfields = [("a", name)]
            ind = ("1" if "," in name else "0", " ")
        marc.add_ordered_field(_field(tag, ind, subfields))


def _set_subjects(marc: pymarc.Record, subjects: list[str]) -> None:
    """Subjects already in the record keep their field (tag, thesaurus, authority link); new
    ones become topical terms 650 with second indicator 4 (source not specified), split on
    "--" into $a and $x."""
    tags = tuple(str(t) for t in range(600, 700))
    existing: dict[str, pymarc.Field] = {}
    for f in marc.get_fields(*tags):
        for subject in _as_extracted(f)[:1]:
            existing.setdefault(subject, f)
    marc.remove_fields(*tags)
    for subject in subjects:
        if (found := existing.get(subject)) is not None:
            marc.add_ordered_field(found)
            continue
        head, *rest = [p.strip() for p in subject.split("--") if p.strip()] or [subject]
        marc.add_ordered_field(_field("650", (" ", "4"), [("a", head)] + [("x", p) for p in rest]))


def _set_isbns(marc: pymarc.Record, isbns: list[str]) -> None:
    """020 $a for each ISBN, keeping a kept ISBN's qualifier ($q) and every cancelled or
    invalid ISBN ($z), which tells other libraries what not to match on."""
    kept: dict[str, pymarc.Field] = {}
    cancelled: list[pymarc.Field] = []
    for f in marc.get_fields("020"):
        if not f.get_subfields("a"):
            cancelled.append(f)
        for value in _as_extracted(f)[:1]:
            kept.setdefault(value, f)
    marc.remove_fields("020")
    for value in isbns:
        found = kept.get(value)
        if found is not None:
            marc.add_ordered_field(found)
        else:
            marc.add_ordered_field(_field("020", (" ", " "), [("a", value)]))
    for f in cancelled:
        marc.add_ordered_field(f)


def _set_publication(marc: pymarc.Record, c: RecordChanges) -> None:
    """Place, publisher and date in the publication statement: the existing 264 with second
    indicator 1 (or an older record's 260), else a new 264 _1."""
    target = next((f for f in marc.get_fields("264") if _indicators(f)[1] == "1"), None)
    if target is None:
        target = marc.get("260")
    parts: list[tuple[str, str]] = []
    year = str(c.year) if c.year else ""
    if c.place:
        parts.append(("a", c.place + (" :" if c.publisher else ("," if year else ""))))
    if c.publisher:
        parts.append(("b", c.publisher + ("," if year else "")))
    if year:
        parts.append(("c", year))
    tag, ind = ("264", (" ", "1")) if target is None else (target.tag, tuple(_indicators(target)))
    others = [(s.code, s.value) for s in (target.subfields if target else []) if s.code not in "abc"]
    if target is not None:
        marc.remove_field(target)
    if parts or others:
        marc.add_ordered_field(_field(tag, ind, parts + others))  # type: ignore[arg-type]


def _new_008(at: datetime) -> str:
    # Date entered, then "no date" until the form gives a year, place and language unknown,
    # record not modified, cataloguing source "d" (other).
    return f"{timezone.localtime(at):%y%m%d}nuuuuuuuuxx |||||||||||||||||||||   d"


def _set_008(marc: pymarc.Record, c: RecordChanges, *, at: datetime) -> None:
    field = marc.get("008")
    # 008 is a control field, so it has data.
    data = (cast(str, field.data) if field is not None else _new_008(at)).ljust(40)[:40]
    chars = list(data)
    if c.year:
        # Type of date "s" (single known date) unless it was a range or reprint; keep those.
        if chars[6] in "nu| ":
            chars[6] = "s"
        chars[7:11] = list(str(c.year))
    elif chars[6] == "s":
        chars[6], chars[7:11] = "n", list("uuuu")
    chars[35:38] = list((c.languages[0] if c.languages else "   ")[:3].ljust(3))
    # 008/22 is the audience only for books, music, and visual materials (leader/06).
    if marc.leader[6] in "aotcdijkgmr":
        chars[22] = _AUDIENCE_CODE.get(c.audience, " ")
    marc.remove_fields("008")
    marc.add_ordered_field(pymarc.Field(tag="008", data="".join(chars)))


def _set_041(marc: pymarc.Record, languages: list[str]) -> None:
    """041 is only needed for more than one language; other subfields ($h original language)
    are kept."""
    old = marc.get("041")
    others = [(s.code, s.value) for s in (old.subfields if old else []) if s.code != "a"]
    marc.remove_fields("041")
    if len(languages) > 1 or others:
        parts = [("a", code) for code in languages] + others
        ind = (_indicators(old)[0], " ") if old else ("0", " ")
        marc.add_ordered_field(_field("041", ind, parts))  # type: ignore[arg-type]


def _replace_simple(marc: pymarc.Record, tag: str, text: str, *, ind: tuple[str, str]) -> None:
    marc.remove_fields(tag)
    if text:
        marc.add_ordered_field(_field(tag, ind, [("a", text)]))


def _leader_with(leader: object, position: int, char: str) -> str:
    text = str(leader)
    return text[:position] + char + text[position + 1:]

