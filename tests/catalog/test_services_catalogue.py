"""Catalogue services: the MARC record is changed first and stays the source of truth; every
change is recorded in the history and reindexed after commit; refusals say what is wrong."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pymarc
import pytest

from bibliohub.catalog import services
from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.marc.extract import extract_fields
from bibliohub.catalog.models import Identifier, Item, ItemStatus, ItemType, Record
from bibliohub.catalog.services import CatalogueChangeRefused, ItemData, RecordChanges
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Location

AT = datetime(2026, 12, 8, 10, 30, tzinfo=ZoneInfo("Europe/Kyiv"))


def _entry(kind: str) -> Entry:
    return Entry.objects.get(domain="catalog", kind=kind)


def _field(tag, ind, *subfields):
    return pymarc.Field(
        tag=tag, indicators=pymarc.Indicators(*ind),
        subfields=[pymarc.Subfield(code=c, value=v) for c, v in subfields],
    )


@pytest.fixture
def kobzar(db) -> Record:
    """An imported record with details the form does not show: author dates and authority
    link, a subject thesaurus, an ISBN qualifier, a cancelled ISBN, a local field."""
    marc = pymarc.Record(force_utf8=True, leader="00000cam a2200000 i 4500")
    marc.add_field(pymarc.Field(tag="001", data="kob-1"))
    marc.add_field(pymarc.Field(tag="003", data="UA-KyNBU"))
    marc.add_field(pymarc.Field(tag="008", data="201104s2010    un a          000 1 ukr d"))
    marc.add_field(_field("020", (" ", " "), ("a", "9789660354524"), ("q", "hardback")))
    marc.add_field(_field("020", (" ", " "), ("z", "9660000000")))
    marc.add_field(_field("100", ("1", " "), ("a", "Shevchenko, Taras,"), ("d", "1814-1861."), ("0", "http://id.loc.gov/n79")))
    marc.add_field(_field("245", ("1", "0"), ("a", "Kobzar :"), ("b", "poems /"), ("c", "Taras Shevchenko.")))
    marc.add_field(_field("264", (" ", "1"), ("a", "Kyiv :"), ("b", "Dnipro,"), ("c", "2010.")))
    marc.add_field(_field("650", (" ", "0"), ("a", "Ukrainian poetry"), ("y", "19th century."), ("2", "lcsh")))
    marc.add_field(_field("952", (" ", " "), ("p", "LOCAL-1"), ("a", "central")))
    fields = extract_fields(marc)
    return Record.objects.create(
        marc=iso2709.encode(marc), created_at=AT, updated_at=AT,
        **{f.name: getattr(fields, f.name) for f in dataclasses.fields(fields)},
    )


@pytest.fixture
def indexed(monkeypatch) -> list[list[int]]:
    calls: list[list[int]] = []
    monkeypatch.setattr("bibliohub.search.indexing.index_records", lambda ids: calls.append(list(ids)))
    return calls


def _marc(record: Record) -> pymarc.Record:
    record.refresh_from_db()
    return services.read_marc(record.marc)


def test_editing_the_title_changes_245_and_the_extracted_fields(kobzar, cataloguer, indexed, django_capture_on_commit_callbacks):
    changes = dataclasses.replace(RecordChanges.of(kobzar), title="Kobzar", subtitle="selected poems")
    with django_capture_on_commit_callbacks(execute=True):
        services.update_record(kobzar, changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    marc = _marc(kobzar)
    assert marc["245"].get_subfields("a", "b", "c") == ["Kobzar :", "selected poems /", "Taras Shevchenko."]
    assert kobzar.subtitle == "selected poems"
    assert kobzar.updated_at == AT
    assert indexed == [[kobzar.pk]]
    entry = _entry("record_updated")
    assert (entry.record_id, entry.staff_id, entry.at, entry.channel) == (kobzar.pk, cataloguer.pk, AT, Channel.DESK)
    assert (entry.language, entry.format, entry.audience) == ("ukr", "book", kobzar.audience)
    assert entry.detail["changed"] == ["subtitle"]


def test_fields_that_were_not_edited_keep_their_marc_details(kobzar, cataloguer):
    changes = dataclasses.replace(RecordChanges.of(kobzar), summary="Poems of the national poet.")
    services.update_record(kobzar, changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    marc = _marc(kobzar)
    assert marc["100"].get_subfields("d", "0") == ["1814-1861.", "http://id.loc.gov/n79"]
    assert marc["650"].get_subfields("2") == ["lcsh"]
    assert marc["020"].get_subfields("q") == ["hardback"]
    assert marc["952"].get_subfields("p") == ["LOCAL-1"]
    assert marc["520"].get_subfields("a") == ["Poems of the national poet."]
    assert marc["005"].data == "20261208103000.0"
    assert kobzar.summary == "Poems of the national poet."


def test_authors_subjects_and_isbns_are_rewritten_in_order(kobzar, cataloguer):
    current = RecordChanges.of(kobzar)
    changes = dataclasses.replace(
        current,
        authors=[current.authors[0], "Franko, Ivan"],
        subjects=[current.subjects[0], "Ukrainian literature -- History"],
        isbns=["966-03-5452-5", "978-0-306-40615-7"],
    )
    services.update_record(kobzar, changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    marc = _marc(kobzar)
    assert [f.tag for f in marc.get_fields("100", "700")] == ["100", "700"]
    assert marc["700"].get_subfields("a") == ["Franko, Ivan"] and marc["700"].indicators[0] == "1"
    new_subject = marc.get_fields("650")[1]
    assert new_subject.get_subfields("a", "x") == ["Ukrainian literature", "History"]
    assert new_subject.indicators[1] == "4"
    assert kobzar.authors == ["Shevchenko, Taras 1814-1861", "Franko, Ivan"]
    assert kobzar.subjects == ["Ukrainian poetry -- 19th century", "Ukrainian literature -- History"]
    assert kobzar.isbns == ["9789660354524", "9780306406157"]
    # The ISBN-10 typed with hyphens is the same book as the one already there: kept with its
    # qualifier. The cancelled ISBN stays.
    assert [f.get_subfields("a", "q", "z") for f in marc.get_fields("020")] == [
        ["9789660354524", "hardback"], ["9780306406157"], ["9660000000"],
    ]
    assert set(Identifier.objects.filter(record=kobzar, kind="isbn").values_list("value", flat=True)) == {
        "9789660354524", "9780306406157",
    }


def test_removing_the_only_author_makes_the_title_the_main_entry(kobzar, cataloguer):
    changes = dataclasses.replace(RecordChanges.of(kobzar), authors=[])
    services.update_record(kobzar, changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    marc = _marc(kobzar)
    assert marc.get_fields("100", "700") == []
    assert marc["245"].indicators[0] == "0"
    assert kobzar.authors == []


def test_publication_year_and_languages_go_to_264_008_and_041(kobzar, cataloguer):
    changes = dataclasses.replace(
        RecordChanges.of(kobzar), place="Lviv", publisher="Svit", year=2015,
        languages=["ukr", "eng"], audience="young_adult", edition="2nd edition", series="Classics",
    )
    services.update_record(kobzar, changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    marc = _marc(kobzar)
    assert marc["264"].get_subfields("a", "b", "c") == ["Lviv :", "Svit,", "2015"]
    fixed = marc["008"].data
    assert (fixed[6], fixed[7:11], fixed[22], fixed[35:38]) == ("s", "2015", "d", "ukr")
    assert marc["041"].get_subfields("a") == ["ukr", "eng"]
    assert marc["250"].get_subfields("a") == ["2nd edition"]
    assert marc["490"].get_subfields("a") == ["Classics"]
    assert (kobzar.place, kobzar.publisher, kobzar.year) == ("Lviv", "Svit", 2015)
    assert (kobzar.languages, kobzar.audience) == (["ukr", "eng"], "young_adult")
    assert (kobzar.edition, kobzar.series) == ("2nd edition", "Classics")


@pytest.mark.parametrize("bad", ["978-0-306-40615-8", "12345", "not an isbn"])
def test_an_invalid_isbn_is_refused_and_nothing_changes(kobzar, cataloguer, bad):
    before = bytes(kobzar.marc)
    changes = dataclasses.replace(RecordChanges.of(kobzar), title="Changed", isbns=[bad])
    with pytest.raises(CatalogueChangeRefused) as refused:
        services.update_record(kobzar, changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    assert bad in refused.value.errors["isbns"][0]
    kobzar.refresh_from_db()
    assert bytes(kobzar.marc) == before and kobzar.title == "Kobzar"
    assert not Entry.objects.exists()


def test_every_problem_is_reported_at_once(kobzar, cataloguer):
    changes = dataclasses.replace(RecordChanges.of(kobzar), title=" ", languages=["english"], year=99)
    with pytest.raises(CatalogueChangeRefused) as refused:
        services.update_record(kobzar, changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    assert set(refused.value.errors) == {"title", "languages", "year"}


def test_a_new_book_gets_a_valid_marc_record(cataloguer, indexed, django_capture_on_commit_callbacks):
    changes = RecordChanges(
        title="红楼梦", authors=["曹雪芹"], isbns=["9787020002207"], publisher="人民文学出版社",
        place="北京", year=1996, languages=["chi"], subjects=["Chinese fiction"], audience="adult",
        summary="First paragraph.\n\nSecond paragraph.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        record = services.create_record(changes=changes, actor=Actor.for_staff(cataloguer), at=AT)
    marc = services.read_marc(record.marc)
    assert str(marc.leader)[5:10] == "nam a"
    assert marc["008"].data[:6] == "261208" and len(marc["008"].data) == 40
    assert marc["100"].get_subfields("a") == ["曹雪芹"] and marc["245"].indicators[0] == "1"
    assert [f.get_subfields("a") for f in marc.get_fields("520")] == [["First paragraph."], ["Second paragraph."]]
    # The bytes are standard ISO 2709 that pymarc itself reads back.
    assert pymarc.Record(data=bytes(record.marc), to_unicode=True, force_utf8=True).title.startswith("红楼梦")
    assert (record.title, record.authors, record.year, record.languages) == ("红楼梦", ["曹雪芹"], 1996, ["chi"])
    assert record.format == "book" and record.audience == "adult"
    assert record.summary == "First paragraph.\n\nSecond paragraph."
    assert Identifier.objects.filter(record=record, kind="isbn", value="9787020002207").exists()
    entry = _entry("record_created")
    assert (entry.record_id, entry.staff_id, entry.actor, entry.channel) == (record.pk, cataloguer.pk, "staff", Channel.DESK)
    assert (entry.language, entry.format, entry.audience, entry.detail) == ("chi", "book", "adult", {})
    assert indexed == [[record.pk]]


def test_a_new_record_and_its_edit_round_trip_through_the_form_values(cataloguer):
    record = services.create_record(changes=RecordChanges(title="Plan B", responsibility="by A. N. Author"), actor=Actor.for_staff(cataloguer), at=AT)
    assert (record.title, record.responsibility) == ("Plan B", "by A. N. Author")
    services.update_record(record, changes=RecordChanges.of(record), actor=Actor.for_staff(cataloguer), at=AT)
    record.refresh_from_db()
    assert _entry("record_updated").detail["changed"] == []
    assert record.title == "Plan B"


# --- Items ----------------------------------------------------------------------------------


@pytest.fixture
def copy_data(central, book_type) -> ItemData:
    return ItemData(
        barcode="C0001", branch=central, item_type=book_type, location=central.locations.get(),
        call_number="821.161.2 S54", price=Decimal("250.00"), received_on=date(2026, 12, 1),
        available_on=date(2026, 12, 3),
    )


def test_adding_a_copy_records_it_and_its_entry(kobzar, copy_data, central_librarian, indexed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.add_item(kobzar, data=copy_data, actor=Actor.for_staff(central_librarian), at=AT)
    item.refresh_from_db()
    assert (item.barcode, item.branch, item.call_number, item.price) == ("C0001", copy_data.branch, "821.161.2 S54", Decimal("250.00"))
    assert item.status == ItemStatus.AVAILABLE and item.created_at == AT
    entry = _entry("item_added")
    assert (entry.item_id, entry.record_id, entry.branch_id, entry.staff_id) == (item.pk, kobzar.pk, copy_data.branch.pk, central_librarian.pk)
    assert (entry.network_id, entry.item_type_id, entry.channel) == (copy_data.branch.network_id, item.item_type_id, Channel.DESK)
    assert (entry.language, entry.format) == ("ukr", "book")
    assert indexed == [[kobzar.pk]]


def test_a_barcode_is_unique_in_the_whole_network(kobzar, copy_data, riverside, central_librarian):
    services.add_item(kobzar, data=copy_data, actor=Actor.for_staff(central_librarian), at=AT)
    other = dataclasses.replace(copy_data, barcode=" C0001 ", branch=riverside, location=None)
    with pytest.raises(CatalogueChangeRefused) as refused:
        services.add_item(kobzar, data=other, actor=Actor.for_staff(central_librarian), at=AT)
    assert "C0001" in refused.value.errors["barcode"][0]
    assert Item.objects.count() == 1


def test_a_location_must_belong_to_the_copys_branch(kobzar, copy_data, riverside, central_librarian):
    data = dataclasses.replace(copy_data, location=Location.objects.get(branch=riverside))
    with pytest.raises(CatalogueChangeRefused) as refused:
        services.add_item(kobzar, data=data, actor=Actor.for_staff(central_librarian), at=AT)
    assert set(refused.value.errors) == {"location"}


def test_updating_a_copy_names_the_changed_fields(kobzar, copy_data, central_librarian):
    item = services.add_item(kobzar, data=copy_data, actor=Actor.for_staff(central_librarian), at=AT)
    data = dataclasses.replace(copy_data, call_number="821 S54", status=ItemStatus.DAMAGED)
    services.update_item(item, data=data, actor=Actor.for_staff(central_librarian), at=AT)
    item.refresh_from_db()
    assert (item.call_number, item.status) == ("821 S54", ItemStatus.DAMAGED)
    entry = _entry("item_updated")
    assert entry.detail == {"changed": ["call_number", "status"], "status": "damaged", "previous_status": "available"}
    assert (entry.item_id, entry.branch_id, entry.staff_id, entry.language) == (item.pk, item.branch_id, central_librarian.pk, "ukr")


def test_editing_a_copy_on_loan_keeps_its_status(kobzar, copy_data, central_librarian):
    item = services.add_item(kobzar, data=copy_data, actor=Actor.for_staff(central_librarian), at=AT)
    Item.objects.filter(pk=item.pk).update(status=ItemStatus.ON_LOAN)
    services.update_item(item, data=dataclasses.replace(copy_data, status=ItemStatus.AVAILABLE), actor=Actor.for_staff(central_librarian), at=AT)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN


def test_withdrawing_keeps_the_row_with_its_reason(kobzar, copy_data, central_librarian, indexed, django_capture_on_commit_callbacks):
    item = services.add_item(kobzar, data=copy_data, actor=Actor.for_staff(central_librarian), at=AT)
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_item(item, reason="Worn out", actor=Actor.for_staff(central_librarian), at=AT)
    item.refresh_from_db()
    assert (item.status, item.withdrawn_reason) == (ItemStatus.WITHDRAWN, "Worn out")
    entry = _entry("item_withdrawn")
    # The reason is typed by a person: it stays on the copy, not in the history.
    assert entry.detail == {"previous_status": "available"}
    assert (entry.item_id, entry.record_id, entry.branch_id, entry.item_type_id) == (item.pk, kobzar.pk, item.branch_id, item.item_type_id)
    assert (entry.staff_id, entry.channel, entry.language, entry.format) == (central_librarian.pk, Channel.DESK, "ukr", "book")
    assert indexed == [[kobzar.pk]]


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [
        (ItemStatus.AVAILABLE, "  ", "reason"),
        (ItemStatus.ON_LOAN, "Worn out", ""),
        (ItemStatus.WITHDRAWN, "Worn out", ""),
    ],
)
def test_withdrawal_is_refused_without_a_reason_or_while_the_copy_is_out(kobzar, copy_data, central_librarian, status, reason, field):
    item = services.add_item(kobzar, data=copy_data, actor=Actor.for_staff(central_librarian), at=AT)
    Item.objects.filter(pk=item.pk).update(status=status)
    with pytest.raises(CatalogueChangeRefused) as refused:
        services.withdraw_item(item, reason=reason, actor=Actor.for_staff(central_librarian), at=AT)
    assert list(refused.value.errors) == [field]
    assert not Entry.objects.filter(kind="item_withdrawn").exists()


def test_a_staff_edit_is_found_by_search_after_commit(cataloguer, django_capture_on_commit_callbacks):
    from bibliohub.search.service import search
    from bibliohub.search.types import SearchQuery

    with django_capture_on_commit_callbacks(execute=True):
        record = services.create_record(changes=RecordChanges(title="Lisova pisnia"), actor=Actor.for_staff(cataloguer), at=AT)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_record(record, changes=RecordChanges(title="Forest song"), actor=Actor.for_staff(cataloguer), at=AT)
    assert [h.record_id for h in search(SearchQuery(text="forest")).hits] == [record.pk]
    assert search(SearchQuery(text="pisnia")).total == 0


# --- Item types -----------------------------------------------------------------------------


def test_item_types_are_saved_and_deleted_with_an_entry(manager):
    actor = Actor.for_staff(manager)
    dvd = services.save_item_type(ItemType(code="dvd", name="DVD"), actor=actor, at=AT)
    dvd.names = {"uk": "DVD-диск"}
    services.save_item_type(dvd, actor=actor, at=AT)
    pk = dvd.pk
    services.delete_item_type(dvd, actor=actor, at=AT)
    assert not ItemType.objects.exists()
    entries = list(Entry.objects.filter(domain="catalog").order_by("pk").values_list("kind", "item_type_id", "staff_id", "detail"))
    assert entries == [
        ("item_type_saved", pk, manager.pk, {"created": True, "fields": ["code", "name", "names"], "code": "dvd"}),
        ("item_type_saved", pk, manager.pk, {"created": False, "fields": ["names"], "code": "dvd"}),
        ("item_type_deleted", pk, manager.pk, {"code": "dvd"}),
    ]


def test_item_types_met_by_an_import_are_created_once_each(book_type):
    actor = Actor.for_import(source="a.mrc")
    created = services.add_item_types(["book", "kit", "kit", "map"], actor=actor, at=AT)
    assert [t.code for t in created] == ["kit", "map"]
    assert ItemType.objects.get(code="kit").name == "KIT"
    saved = Entry.objects.filter(kind="item_type_saved")
    assert sorted(saved.values_list("item_type_id", flat=True)) == sorted(t.pk for t in created)
    assert set(saved.values_list("channel", flat=True)) == {Channel.IMPORT}
