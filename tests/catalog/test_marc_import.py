"""Importing MARC files: records and identifiers, items from 952, updates instead of
duplicates, whole batches only, history entries, the search index, and the import-marc command."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pymarc import Field, Indicators, Subfield

from bibliohub.catalog.marc import importer, iso2709
from bibliohub.catalog.marc.importer import MarcFileError, import_marc
from bibliohub.catalog.models import Identifier, Item, ItemStatus, ItemType, Record
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.search.models import Facet
from tests.catalog.marc_builders import make_record

pytestmark = pytest.mark.django_db

IMPORTER = Actor.for_import(source="a.mrc")


def _entries(kind: str):
    return Entry.objects.filter(domain="catalog", kind=kind)


def _write(path: Path, records) -> Path:
    path.write_bytes(b"".join(iso2709.encode(r) for r in records))
    return path


def test_a_file_of_records_is_loaded_with_identifiers_and_a_created_entry_each(tmp_path, at, central):
    path = _write(tmp_path / "a.mrc", [
        make_record(control="c1", isbn="0306406152", title="First /"),
        make_record(control="c2", title="Second"),
    ])
    report = import_marc([path], actor=IMPORTER, at=at)
    assert (report.read, report.created, report.updated, report.skipped) == (2, 2, 0, 0)
    first = Record.objects.get(control_number="c1")
    assert (first.title, first.control_source, first.isbns) == ("First", "BH", ["9780306406157"])
    assert set(first.identifiers.values_list("kind", "value")) == {
        ("control", "(BH)c1"), ("isbn", "9780306406157"),
    }
    assert _entries("record_created").count() == 2
    assert first.created_at == at


def test_the_stored_record_is_utf8_iso2709_without_the_item_fields(tmp_path, at, central):
    record = make_record(control="c1", items=[{"a": "central", "p": "B1", "y": "book"}])
    import_marc([_write(tmp_path / "a.mrc", [record])], actor=IMPORTER, at=at)
    stored, warnings = iso2709.decode(bytes(Record.objects.get().marc))
    assert warnings == []
    assert str(stored.leader)[9] == "a"
    assert not stored.get_fields("952")
    assert stored["245"]["a"] == record["245"]["a"]


def test_marc8_records_are_stored_as_utf8(tmp_path, at, marc_data, central):
    import_marc([marc_data / "yaz" / "marc12.marc"], actor=IMPORTER, at=at)
    stored = bytes(Record.objects.get().marc)
    assert stored[9:10] == b"a"
    assert "车票去哪儿了".encode() in stored


def test_importing_the_same_file_twice_updates_instead_of_duplicating(tmp_path, at, central):
    path = _write(tmp_path / "a.mrc", [
        make_record(control="c1", items=[{"a": "central", "p": "B1", "y": "book"}]),
        make_record(control="", source="", title="No identifiers at all"),
    ])
    import_marc([path], actor=IMPORTER, at=at)
    report = import_marc([path], actor=IMPORTER, at=at)
    assert (report.created, report.updated) == (0, 2)
    assert Record.objects.count() == 2
    assert Item.objects.count() == 1
    assert _entries("record_updated").count() == 2


def test_a_changed_record_with_the_same_control_number_updates_the_old_one(tmp_path, at, central):
    import_marc([_write(tmp_path / "a.mrc", [make_record(control="c1", title="Old title")])], actor=IMPORTER, at=at)
    report = import_marc([_write(tmp_path / "b.mrc", [make_record(control="c1", title="New title")])], actor=IMPORTER, at=at)
    assert report.updated == 1
    assert Record.objects.get().title == "New title"


def test_a_record_without_a_known_control_number_is_matched_by_isbn(tmp_path, at, central):
    import_marc([_write(tmp_path / "a.mrc", [make_record(control="v1", source="VENDOR", isbn="0306406152")])], actor=IMPORTER, at=at)
    report = import_marc([_write(tmp_path / "b.mrc", [
        make_record(control="ocm1", source="OCoLC", isbn="978-0-306-40615-7", title="Better record"),
    ])], actor=IMPORTER, at=at)
    assert (report.created, report.updated) == (0, 1)
    record = Record.objects.get()
    assert (record.title, record.control_source) == ("Better record", "OCoLC")
    assert Identifier.objects.filter(kind="control", value="(OCoLC)ocm1").exists()


def test_an_isbn_shared_by_two_records_of_the_same_catalogue_does_not_merge_them(tmp_path, at, central):
    import_marc([_write(tmp_path / "a.mrc", [
        make_record(control="v1", isbn="0306406152", title="Volume 1"),
        make_record(control="v2", isbn="0306406152", title="Volume 2"),
    ])], actor=IMPORTER, at=at)
    assert sorted(Record.objects.values_list("title", flat=True)) == ["Volume 1", "Volume 2"]


def test_the_same_record_twice_in_one_file_is_loaded_once(tmp_path, at, central):
    report = import_marc([_write(tmp_path / "a.mrc", [
        make_record(control="c1", title="First copy", items=[{"a": "central", "p": "B1", "y": "book"}]),
        make_record(control="c1", title="Second copy", items=[{"a": "central", "p": "B2", "y": "book"}]),
    ])], actor=IMPORTER, at=at)
    assert (report.read, report.created, report.updated) == (2, 1, 1)
    record = Record.objects.get()
    assert record.title == "Second copy"
    assert sorted(record.items.values_list("barcode", flat=True)) == ["B1", "B2"]


def test_koha_952_fields_become_items(tmp_path, at, central, riverside):
    record = make_record(control="c1", items=[
        {"a": "central", "b": "central", "c": "adult", "o": "821.161.2 Ш41", "p": "000123", "y": "BK",
         "g": "120,50 UAH", "d": "2024-09-01", "z": "Signed by the author"},
        {"a": "riverside", "p": "000124", "y": "BK", "7": "1"},
        {"a": "riverside", "p": "000125", "y": "DVD", "0": "1"},
        {"a": "riverside", "p": "000126", "y": "BK", "1": "4"},
        {"a": "riverside", "p": "000127", "y": "BK", "7": "-1"},
    ])
    report = import_marc([_write(tmp_path / "a.mrc", [record])], actor=IMPORTER, at=at)
    assert report.items == 5
    first = Item.objects.get(barcode="000123")
    assert first.branch == central
    assert first.location.code == "adult"
    assert (first.call_number, first.item_type.code, first.status) == ("821.161.2 Ш41", "bk", ItemStatus.AVAILABLE)
    assert first.price == Decimal("120.50")
    assert str(first.received_on) == "2024-09-01"
    assert first.public_note == "Signed by the author"
    statuses = dict(Item.objects.values_list("barcode", "status"))
    assert statuses == {
        "000123": "available", "000124": "reference", "000125": "withdrawn", "000126": "missing",
        "000127": "in_processing",
    }
    assert set(ItemType.objects.values_list("code", flat=True)) == {"bk", "dvd"}


def test_an_item_of_an_unknown_branch_is_reported_and_its_record_still_loaded(tmp_path, at, central):
    record = make_record(control="c1", items=[{"a": "moon", "p": "B1"}, {"a": "central", "p": "B2"}])
    report = import_marc([_write(tmp_path / "a.mrc", [record])], actor=IMPORTER, at=at)
    assert report.created == 1
    assert list(Item.objects.values_list("barcode", flat=True)) == ["B2"]
    [problem] = report.problems
    assert not problem.skipped
    assert (problem.position, problem.control_number) == (1, "c1")
    assert "unknown branch “moon”" in problem.reason


def test_the_default_branch_takes_items_of_unknown_branches(tmp_path, at, riverside):
    record = make_record(control="c1", items=[{"a": "moon", "p": "B1"}, {"p": "B2"}])
    report = import_marc([_write(tmp_path / "a.mrc", [record])], actor=IMPORTER, at=at, branch=riverside)
    assert report.problems == []
    assert set(Item.objects.values_list("branch__code", flat=True)) == {"riverside"}
    # Without $y the item type follows the record's format.
    assert set(Item.objects.values_list("item_type__code", flat=True)) == {"book"}


def test_reimport_updates_items_but_keeps_a_lent_item_lent(tmp_path, at, central, riverside):
    path = _write(tmp_path / "a.mrc", [make_record(control="c1", items=[{"a": "central", "p": "B1", "o": "A"}])])
    import_marc([path], actor=IMPORTER, at=at)
    Item.objects.filter(barcode="B1").update(status=ItemStatus.ON_LOAN)
    moved = _write(tmp_path / "b.mrc", [make_record(control="c1", items=[{"a": "riverside", "p": "B1", "o": "B"}])])
    import_marc([moved], actor=IMPORTER, at=at)
    item = Item.objects.get()
    assert (item.branch, item.call_number, item.status) == (riverside, "B", ItemStatus.ON_LOAN)


def test_a_barcode_of_another_record_is_not_taken_over(tmp_path, at, central):
    import_marc([_write(tmp_path / "a.mrc", [make_record(control="c1", items=[{"a": "central", "p": "B1"}])])], actor=IMPORTER, at=at)
    report = import_marc(
        [_write(tmp_path / "b.mrc", [make_record(control="c2", items=[{"a": "central", "p": "B1"}])])], actor=IMPORTER, at=at
    )
    assert Item.objects.get().record.control_number == "c1"
    assert "already belongs to another record" in report.problems[0].reason


def test_bad_records_are_skipped_and_counted_and_the_rest_loaded(at, marc_data, central):
    report = import_marc([marc_data / "pymarc" / "bad_records.mrc"], actor=IMPORTER, at=at)
    assert (report.read, report.skipped) == (9, 4)
    assert report.created + report.updated == 5
    skipped = [p for p in report.problems if p.skipped]
    assert [p.position for p in skipped] == [4, 5, 7, 9]
    assert all(p.file.endswith("bad_records.mrc") for p in skipped)


def test_a_marcxml_file_of_records_without_a_collection_loads_every_record(tmp_path, at, marc_data, central):
    # Seven of YAZ's records, each saved alone with its XML declaration, put one after another.
    path = tmp_path / "seven.xml"
    path.write_bytes(b"".join((marc_data / "yaz" / f"xml2marc{n}.xml").read_bytes() for n in range(5, 12)))
    report = import_marc([path], actor=IMPORTER, at=at)
    assert (report.read, report.created, report.skipped, report.problems) == (7, 7, 0, [])
    assert Record.objects.exclude(title="").count() == 7


def test_records_without_a_collection_or_a_namespace_load(at, marc_data, central):
    report = import_marc([marc_data / "bibliohub" / "bare-records.xml"], actor=IMPORTER, at=at)
    assert (report.read, report.created, report.skipped) == (3, 3, 0)
    assert set(Record.objects.values_list("title", flat=True)) == {
        "Польові дослідження з українського сексу", "Księgi Jakubowe", "Cho tôi xin một vé đi tuổi thơ",
    }


def test_a_marcxml_file_broken_after_its_first_record_loads_that_record(at, marc_data, central):
    report = import_marc([marc_data / "ruby-marc" / "three-records-second-bad.xml"], actor=IMPORTER, at=at)
    assert (report.read, report.created, report.skipped) == (2, 1, 1)
    assert report.problems[0].line == 72 and report.problems[0].reason.startswith("The XML is broken here")


@pytest.mark.parametrize(
    ("name", "skipped"),
    [
        ("authority-and-holdings.xml", [(2, "bh-auth-1", "z"), (3, "bh-hold-1", "x"), (4, "bh-hold-2", "y")]),
        ("authority-and-holdings.mrc", [(2, "bh-auth-2", "z"), (3, "bh-hold-3", "u"), (4, "bh-hold-4", "v")]),
    ],
)
def test_authority_and_holdings_records_are_skipped_with_the_reason(at, marc_data, central, name, skipped):
    report = import_marc([marc_data / "bibliohub" / name], actor=IMPORTER, at=at)
    assert (report.read, report.created, report.skipped) == (4, 1, 3)
    assert [(p.position, p.control_number, p.skipped) for p in report.problems] == [
        (position, control, True) for position, control, _kind in skipped
    ]
    authority, *holdings = report.problems
    assert authority.reason == (
        "An authority record (leader/06 “z”): the catalogue does not keep authority records yet."
    )
    for problem, (_position, _control, kind) in zip(holdings, skipped[1:], strict=True):
        assert problem.reason.startswith(f"A holdings record (leader/06 “{kind}”): ")
    assert (problem.line is None) == name.endswith(".mrc")
    assert Record.objects.get().title in {"Đường Kách Mệnh", "Кобзар"}
    assert not Record.objects.filter(title="").exists()
    assert _entries("record_created").count() == 1


def test_the_command_says_why_an_authority_record_was_skipped(capsys, marc_data, central):
    call_command("import_marc", str(marc_data / "bibliohub" / "authority-and-holdings.mrc"))
    out = capsys.readouterr().out
    assert "Read 4 records" in out and "3 skipped" in out
    assert "record 2 (bh-auth-2), byte 203: An authority record (leader/06 “z”)" in out


def test_a_killed_import_leaves_whole_batches_and_a_rerun_adds_no_duplicates(tmp_path, at, central, monkeypatch):
    records = [
        make_record(control=f"c{n}", items=[{"a": "central", "p": f"B{n}"}]) for n in range(1, 8)
    ]
    path = _write(tmp_path / "a.mrc", records)
    real_write_items = importer._write_items
    calls = []

    def dies_in_batch_two(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real_write_items(*args, **kwargs)

    monkeypatch.setattr(importer, "_write_items", dies_in_batch_two)
    with pytest.raises(RuntimeError):
        import_marc([path], actor=IMPORTER, at=at, batch_size=3)
    # Batch 1 (records 1-3) is whole, with its items; nothing of batch 2 was written.
    assert sorted(Record.objects.values_list("control_number", flat=True)) == ["c1", "c2", "c3"]
    assert Item.objects.count() == 3
    assert Identifier.objects.filter(kind="control").count() == 3
    assert _entries("record_created").count() == 3
    assert _entries("item_added").count() == 3

    monkeypatch.setattr(importer, "_write_items", real_write_items)
    report = import_marc([path], actor=IMPORTER, at=at, batch_size=3)
    assert (report.created, report.updated) == (4, 3)
    assert Record.objects.count() == 7
    assert Item.objects.count() == 7


def test_one_import_entry_sums_up_the_run(tmp_path, at, central, cataloguer):
    path = _write(tmp_path / "a.mrc", [make_record(control="c1")])
    import_marc([path], at=at, branch=central, actor=Actor.for_import(source="a.mrc", staff=cataloguer))
    entry = _entries("import").get()
    assert (entry.branch_id, entry.network_id, entry.staff_id, entry.at) == (
        central.pk, central.network_id, cataloguer.pk, at,
    )
    assert (entry.channel, entry.actor, entry.source) == (Channel.IMPORT, "import", "a.mrc")
    assert entry.detail["read"] == 1
    assert entry.detail["created"] == 1
    # The file's name, not its path.
    assert entry.detail["files"] == ["a.mrc"]


def test_each_imported_title_and_copy_leaves_an_entry_with_its_branch_type_and_material(
    tmp_path, at, central, riverside
):
    tale = make_record(control="c1", items=[
        {"a": "central", "p": "B1", "y": "book"}, {"a": "riverside", "p": "B2", "y": "kit"},
    ])
    data = tale["008"].data
    tale["008"].data = data[:22] + "j" + data[23:35] + "ukr" + data[38:]  # for children, in Ukrainian
    path = _write(tmp_path / "a.mrc", [tale, make_record(control="c2")])
    import_marc([path], actor=IMPORTER, at=at)
    record = Record.objects.get(control_number="c1")
    created = _entries("record_created").get(record_id=record.pk)
    assert (created.language, created.format, created.audience) == ("ukr", "book", "children")
    assert (created.channel, created.actor, created.source, created.staff_id) == (
        Channel.IMPORT, "import", "a.mrc", None,
    )
    assert created.at == at
    copies = {e.item_id: e for e in _entries("item_added")}
    assert set(copies) == set(Item.objects.values_list("pk", flat=True))
    for item in Item.objects.filter(record=record).select_related("branch"):
        entry = copies[item.pk]
        assert (entry.branch_id, entry.network_id, entry.record_id, entry.item_type_id) == (
            item.branch_id, item.branch.network_id, record.pk, item.item_type_id,
        )
        assert (entry.language, entry.format, entry.audience, entry.channel) == (
            "ukr", "book", "children", Channel.IMPORT,
        )


def test_the_entries_of_a_batch_are_written_in_one_statement(tmp_path, at, central):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    records = [make_record(control=f"c{n}", items=[{"a": "central", "p": f"B{n}"}, {"a": "central", "p": f"C{n}"}])
               for n in range(6)]
    with CaptureQueriesContext(connection) as queries:
        import_marc([_write(tmp_path / "a.mrc", records)], actor=IMPORTER, at=at, batch_size=3)
    # Each batch of three records and six copies writes its nine entries with one statement.
    batches = [q["sql"] for q in queries if 'INSERT INTO "history_entry"' in q["sql"] and "FROM (VALUES" in q["sql"]]
    assert len(batches) == 2
    assert _entries("record_created").count() + _entries("item_added").count() == 18


def test_a_reimport_records_changed_copies_and_a_copy_the_file_withdraws(tmp_path, at, central):
    first = make_record(control="c1", items=[{"a": "central", "p": "B1"}, {"a": "central", "p": "B2"}])
    import_marc([_write(tmp_path / "a.mrc", [first])], actor=IMPORTER, at=at)
    again = make_record(control="c1", items=[
        {"a": "central", "p": "B1", "o": "821 SHE"}, {"a": "central", "p": "B2", "0": "1"},
    ])
    import_marc([_write(tmp_path / "b.mrc", [again])], actor=IMPORTER, at=at)
    b1, b2 = Item.objects.order_by("barcode")
    assert _entries("record_updated").get().record_id == b1.record_id
    updated = _entries("item_updated").get()
    assert (updated.item_id, updated.detail) == (b1.pk, {})
    withdrawn = _entries("item_withdrawn").get()
    assert (withdrawn.item_id, withdrawn.detail) == (b2.pk, {"previous_status": "available"})
    assert (withdrawn.branch_id, withdrawn.channel) == (central.pk, Channel.IMPORT)


def test_item_types_and_locations_met_first_in_a_file_are_recorded_as_set_up_by_the_import(
    tmp_path, at, central
):
    record = make_record(control="c1", items=[{"a": "central", "p": "B1", "y": "Comics", "c": "Basement"}])
    import_marc([_write(tmp_path / "a.mrc", [record])], actor=IMPORTER, at=at)
    item_type = ItemType.objects.get(code="comics")
    saved = Entry.objects.get(domain="catalog", kind="item_type_saved")
    assert (saved.item_type_id, saved.channel, saved.detail["created"]) == (item_type.pk, Channel.IMPORT, True)
    location = Entry.objects.get(domain="libraries", kind="location_saved")
    assert (location.branch_id, location.channel, location.detail["code"]) == (central.pk, Channel.IMPORT, "basement")


def test_imported_records_are_in_the_search_index(tmp_path, at, central):
    import_marc([_write(tmp_path / "a.mrc", [
        make_record(control="c1", items=[{"a": "central", "p": "B1"}]),
    ])], actor=IMPORTER, at=at)
    record = Record.objects.get()
    facets = set(Facet.objects.filter(record_id=record.pk).values_list("facet", "value"))
    assert ("branch", "central") in facets
    assert ("format", "book") in facets


def test_every_multilingual_sample_record_is_found_by_search(at, marc_data, central):
    from bibliohub.search.service import search
    from bibliohub.search.types import SearchQuery

    import_marc([marc_data / "multilingual_sample.xml"], actor=IMPORTER, at=at)
    for word in ("Thư viện", "西游记", "Десна", "Sienkiewicz"):
        assert search(SearchQuery(text=word)).total >= 1, word


def test_a_file_that_is_not_marc_stops_the_import_before_anything_is_written(tmp_path, at, marc_data, central):
    good = _write(tmp_path / "a.mrc", [make_record(control="c1")])
    with pytest.raises(MarcFileError) as error:
        import_marc([good, marc_data / "pymarc" / "one.json"], actor=IMPORTER, at=at)
    assert error.value.file.endswith("one.json")
    assert Record.objects.count() == 0


def test_a_missing_file_is_a_file_error(tmp_path, at):
    with pytest.raises(MarcFileError):
        import_marc([tmp_path / "nowhere.mrc"], actor=IMPORTER, at=at)


def test_the_command_prints_a_summary_and_each_problem(capsys, at, marc_data, central):
    call_command("import_marc", str(marc_data / "pymarc" / "bad_records.mrc"))
    out = capsys.readouterr().out
    assert "Read 9 records" in out
    assert "4 skipped" in out
    assert "bad_records.mrc: record 4, byte 381: The directory is damaged." in out


def test_the_command_prints_json_when_asked(capsys, tmp_path, central):
    path = _write(tmp_path / "a.mrc", [make_record(control="c1", items=[{"a": "central", "p": "B1"}])])
    call_command("import_marc", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert (report["read"], report["created"], report["items"], report["problems"]) == (1, 1, 1, [])
    # Run on the server by nobody the database knows: the history names the file.
    summary = _entries("import").get()
    assert (summary.channel, summary.actor, summary.staff_id, summary.source) == (Channel.IMPORT, "import", None, "a.mrc")


def test_the_command_fails_with_a_one_line_reason_on_a_file_that_is_not_marc(marc_data, central):
    with pytest.raises(CommandError, match=r"one\.json: This is not a MARC file"):
        call_command("import_marc", str(marc_data / "pymarc" / "one.json"))


def test_the_command_refuses_an_unknown_default_branch(tmp_path, central):
    path = _write(tmp_path / "a.mrc", [make_record(control="c1")])
    with pytest.raises(CommandError, match="no branch with the code moon"):
        call_command("import_marc", str(path), "--branch", "moon")


def test_the_cli_exits_non_zero_with_the_reason_on_stderr(marc_data, tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bibliohub", "import-marc", str(marc_data / "yaz" / "marc0.json")],
        capture_output=True, text=True, timeout=60, env={"BIBLIOHUB_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].endswith("This is not a MARC file (neither ISO 2709 nor MARCXML).")


def test_extra_fields_survive_the_import(tmp_path, at, central):
    record = make_record(control="c1", extra=[
        Field(tag="856", indicators=Indicators("4", "0"), subfields=[Subfield("u", "https://example.org/x")]),
    ])
    import_marc([_write(tmp_path / "a.mrc", [record])], actor=IMPORTER, at=at)
    stored, _warnings = iso2709.decode(bytes(Record.objects.get().marc))
    assert stored["856"]["u"] == "https://example.org/x"


def test_reading_in_a_second_process_gives_the_same_result_as_in_one(at, marc_data, central):
    files = [marc_data / "pymarc" / "bad_records.mrc", marc_data / "yaz" / "marccol1.u8.marc"]
    together = import_marc(files, actor=IMPORTER, at=at, parallel=True, batch_size=5)
    rows = sorted(Record.objects.values_list("control_number", "title"))
    Record.objects.all().delete()
    alone = import_marc(files, actor=IMPORTER, at=at, parallel=False, batch_size=5)
    assert sorted(Record.objects.values_list("control_number", "title")) == rows
    assert (together.read, together.created, together.skipped) == (alone.read, alone.created, alone.skipped)
    assert [str(p) for p in together.problems] == [str(p) for p in alone.problems]


def _index_snapshot() -> tuple[list, list]:
    from django.db import connection

    facets = sorted(Facet.objects.values_list("record_id", "facet", "value"))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT record_id, sort_title, vector::text FROM search_document ORDER BY record_id")
        else:
            cursor.execute(
                "SELECT d.record_id, d.sort_title, f.title, f.author, f.subject, f.other, f.isbn "
                "FROM search_document d JOIN search_fts f ON f.rowid = d.record_id ORDER BY d.record_id"
            )
        return facets, cursor.fetchall()


@pytest.mark.parametrize("parallel", [True, False], ids=["read-in-a-second-process", "read-in-one-process"])
def test_new_records_are_indexed_as_a_reindex_from_the_tables_would_index_them(
    tmp_path, at, central, riverside, parallel
):
    from bibliohub.search.indexing import index_records

    records = [
        make_record(control="c1", title="Łódź i okolice", isbn="9788301000001", items=[
            {"a": "central", "p": "B1"}, {"a": "riverside", "p": "B2", "7": "1"}, {"a": "riverside", "p": "B3", "0": "1"},
        ]),
        make_record(control="c2", title="Đường Kách Mệnh", isbn="83-01-00000-1", items=[{"a": "riverside", "p": "B4", "1": "1"}]),
        make_record(control="c3", title="西游记"),
    ]
    import_marc([_write(tmp_path / "a.mrc", records)], actor=IMPORTER, at=at, parallel=parallel)
    written = _index_snapshot()
    assert ("available_at", "central") in {(f, v) for _r, f, v in written[0]}
    index_records(Record.objects.values_list("id", flat=True))
    assert _index_snapshot() == written


def test_new_records_never_take_the_id_of_a_deleted_record(tmp_path, at, central):
    import_marc([_write(tmp_path / "a.mrc", [make_record(control="c1"), make_record(control="c2")])], actor=IMPORTER, at=at)
    last = Record.objects.get(control_number="c2")
    last_id = last.pk
    last.delete()
    import_marc([_write(tmp_path / "b.mrc", [make_record(control="c3")])], actor=IMPORTER, at=at)
    assert Record.objects.get(control_number="c3").pk > last_id
    # The ORM goes on numbering after the imported records.
    made = Record.objects.create(title="Made by hand", marc=b"", created_at=at, updated_at=at)
    assert made.pk > Record.objects.get(control_number="c3").pk


@pytest.mark.parametrize(
    "extra",
    [
        [],
        # An empty subfield: the stored record is encoded again without it.
        [Field(tag="500", indicators=Indicators(" ", " "), subfields=[Subfield("a", "Note"), Subfield("b", "")])],
    ],
    ids=["stored-as-read", "encoded-again"],
)
def test_the_stored_record_is_exactly_the_record_encoded_without_its_items(tmp_path, at, central, extra):
    record = make_record(control="c1", items=[{"a": "central", "p": "B1"}], extra=extra)
    # An item field between others, not only at the end.
    record.fields.insert(3, Field(tag="952", indicators=Indicators(" ", " "), subfields=[
        Subfield("a", "central"), Subfield("p", "B2"),
    ]))
    path = _write(tmp_path / "a.mrc", [record])
    import_marc([path], actor=IMPORTER, at=at)
    record.fields = [f for f in record.fields if f.tag != "952"]
    expected = iso2709.encode(iso2709.decode(iso2709.encode(record))[0])
    assert bytes(Record.objects.get().marc) == expected
    assert Item.objects.count() == 2
