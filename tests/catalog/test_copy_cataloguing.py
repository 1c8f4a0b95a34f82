"""A record copied from another library's catalogue (catalog.services.catalogue_copy): as a
new title, or over ours keeping our copies, without the other library's local fields, with
its control number as the key a later MARC file finds it by, and in the history."""

from __future__ import annotations

from datetime import UTC, datetime

import pymarc
import pytest
from pymarc import Field, Indicators, Subfield

from bibliohub.catalog import services
from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.models import Identifier, Item, Record
from bibliohub.catalog.services import CatalogueChangeRefused, ItemData, RecordChanges
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.search.service import matching_ids
from bibliohub.search.types import SearchQuery

AT = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)


def national_record(title: str = "Лісова пісня", *, isbn: str = "9789660300002") -> pymarc.Record:
    """A record as a national library sends it, with its own copies (952) and local data (999)."""
    marc = pymarc.Record(force_utf8=True, leader="00000nam a2200000 i 4500")
    marc.add_field(Field(tag="001", data="UA-NLU-000123"))
    marc.add_field(Field(tag="003", data="UkKiNLU"))
    marc.add_field(Field(tag="008", data="261103s1911    un            000 1 ukr d"))
    marc.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", isbn)]))
    marc.add_field(Field(tag="100", indicators=Indicators("1", " "), subfields=[Subfield("a", "Українка, Леся")]))
    marc.add_field(Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title)]))
    marc.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=[Subfield("b", "Дніпро"), Subfield("c", "1911")]))
    marc.add_field(Field(tag="650", indicators=Indicators(" ", "4"), subfields=[Subfield("a", "Драма")]))
    marc.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=[Subfield("p", "NLU-1"), Subfield("a", "nlu")]))
    marc.add_field(Field(tag="999", indicators=Indicators(" ", " "), subfields=[Subfield("c", "77")]))
    return marc


@pytest.fixture
def actor(cataloguer) -> Actor:
    return Actor.for_import(source="National Library", staff=cataloguer)


def test_a_copied_record_is_catalogued_as_new_without_the_other_librarys_copies(actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record = services.catalogue_copy(national_record(), source="National Library", actor=actor, at=AT)
    assert record.title == "Лісова пісня"
    assert record.authors == ["Українка, Леся"]
    assert record.isbns == ["9789660300002"]
    stored = iso2709.decode(bytes(record.marc))[0]
    assert not stored.get_fields("952", "999")
    assert stored["005"].data.startswith("2026")
    assert not Item.objects.filter(record=record).exists()
    # Found by the OPAC's search at once, and by a later MARC file with the same record.
    assert record.pk in set(matching_ids(SearchQuery(text="лісова пісня")))
    assert Identifier.objects.filter(record=record, kind=Identifier.Kind.CONTROL, value="(UkKiNLU)UA-NLU-000123").exists()
    entry = Entry.objects.get(domain="catalog", kind="record_created")
    assert entry.record_id == record.pk
    assert entry.detail == {"copied_from": "National Library"}
    assert entry.staff_id == actor.staff_id


def test_overlaying_our_record_keeps_its_id_its_copies_and_our_local_fields(
    actor, cataloguer, central, book_type, django_capture_on_commit_callbacks
):
    ours = services.create_record(
        changes=RecordChanges(title="Лісова пісня (чернетка)", isbns=["9789660300002"]),
        actor=Actor.for_staff(cataloguer), at=AT,
    )
    copy = services.add_item(
        ours, data=ItemData(barcode="C-1", branch=central, item_type=book_type), actor=Actor.for_staff(cataloguer), at=AT
    )
    marc = services.read_marc(ours.marc)
    marc.add_field(Field(tag="942", indicators=Indicators(" ", " "), subfields=[Subfield("c", "BOOK")]))
    Record.objects.filter(pk=ours.pk).update(marc=iso2709.encode(marc))

    with django_capture_on_commit_callbacks(execute=True):
        record = services.catalogue_copy(national_record(), overlay=ours, source="National Library", actor=actor, at=AT)

    assert record.pk == ours.pk
    assert Record.objects.count() == 1
    record.refresh_from_db()
    assert record.title == "Лісова пісня"
    assert record.subjects == ["Драма"]
    copy.refresh_from_db()
    assert copy.record_id == ours.pk
    stored = iso2709.decode(bytes(record.marc))[0]
    assert [f.tag for f in stored.get_fields("942", "952", "999")] == ["942"]
    assert Identifier.objects.filter(record=record, kind=Identifier.Kind.CONTROL).count() == 1
    assert record.pk in set(matching_ids(SearchQuery(text="драма")))
    entry = Entry.objects.filter(domain="catalog", kind="record_updated").get()
    assert entry.detail == {"copied_from": "National Library"}


def test_a_unimarc_record_is_kept_in_unimarc_and_read_through_the_crosswalk(actor):
    marc = pymarc.Record(force_utf8=True, leader="00000nam0 2200000   450 ")
    marc.add_field(Field(tag="001", data="X1"))
    marc.add_field(Field(tag="100", indicators=Indicators(" ", " "), subfields=[Subfield("a", "20261103d1911    u  y0ukry0103    ba")]))
    marc.add_field(Field(tag="200", indicators=Indicators("1", " "), subfields=[Subfield("a", "Лісова пісня")]))
    marc.add_field(Field(tag="700", indicators=Indicators(" ", "1"), subfields=[Subfield("a", "Українка"), Subfield("b", "Леся")]))
    marc.add_field(Field(tag="995", indicators=Indicators(" ", " "), subfields=[Subfield("f", "THEIRS-1")]))
    record = services.catalogue_copy(marc, source="National Library", actor=actor, at=AT)
    assert record.title == "Лісова пісня" and record.authors == ["Українка, Леся"]
    stored = services.read_marc(record.marc)
    assert stored["200"]["a"] == "Лісова пісня" and not stored.get_fields("245", "995")


def test_a_record_without_a_title_is_refused_and_leaves_nothing(actor):
    marc = national_record()
    marc.remove_fields("245")
    with pytest.raises(CatalogueChangeRefused):
        services.catalogue_copy(marc, source="National Library", actor=actor, at=AT)
    assert not Record.objects.exists()
    assert not Entry.objects.filter(domain="catalog").exists()
