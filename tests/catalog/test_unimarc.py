"""UNIMARC and CNMARC: the character set from field 100, telling them from MARC 21, the fields we
search and show, items from 995 or 852, bad records skipped with their position, and export
(ISO 2709 and XML) that imports back without losing a field."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from pymarc import Field, Indicators, Subfield

from bibliohub.catalog.marc import iso2709, unimarc
from bibliohub.catalog.marc.exporter import export_marc
from bibliohub.catalog.marc.importer import import_marc
from bibliohub.catalog.marc.reader import Problem, ReadRecord, read_records
from bibliohub.catalog.models import Identifier, Item, ItemStatus, Record
from bibliohub.catalog.services import read_marc
from bibliohub.history import Actor
from tests.catalog.marc_builders import make_record

pytestmark = pytest.mark.django_db

IMPORTER = Actor.for_import(source="unimarc-tests")
YAZ = shutil.which("yaz-marcdump")


def _unimarc(marc_data: Path, name: str) -> Path:
    return marc_data / "unimarc" / name


def _read(data: bytes, **kwargs) -> list[ReadRecord | Problem]:
    return list(read_records(io.BytesIO(data), **kwargs))


def _flat(record, *, without: str = "") -> list[tuple]:
    return [
        (f.tag, f.data) if f.control_field
        else (f.tag, f.indicator1, f.indicator2, tuple((s.code, s.value) for s in f.subfields))
        for f in record.fields
        if f.tag != without
    ]


def _export(**kwargs) -> bytes:
    out = io.BytesIO()
    export_marc(out, **kwargs)
    return out.getvalue()


# --- reading ---------------------------------------------------------------------------------


def test_the_pymarc_unimarc_file_is_read_in_utf8_as_field_100_says(marc_data):
    [read] = _read((marc_data / "pymarc" / "testunimarc.dat").read_bytes())
    assert isinstance(read, ReadRecord)
    assert read.schema == "unimarc"
    fields = unimarc.extract(read.record)
    # The non-sorting marks (U+0088, U+0089) around the article are kept in the record and
    # left out of the title we show.
    assert read.record["200"]["a"] == "\x88L'\x89altra faccia della spirale"
    assert fields.title == "L'altra faccia della spirale"
    assert fields.responsibility == "Isaac Asimov ; traduzione di Cesare Scaglia ; introduzione di Fruttero & Lucentini"
    assert fields.authors == ["Asimov, Isaac", "Fruttero, Carlo", "Lucentini, Franco", "Scaglia, Cesare"]
    assert fields.isbns == ["9788804406822"]
    assert (fields.place, fields.publisher, fields.year) == ("Milano", "A. Mondadori", 1996)
    assert fields.languages == ["ita"]
    assert (fields.control_number, fields.control_source) == ("IT\\ICCU\\ANA\\0019370", "ICCU")


def test_iso5426_text_is_decoded_from_field_100_not_from_the_leader(marc_data):
    [read] = _read(_unimarc(marc_data, "iso5426_french.mrc").read_bytes())
    assert isinstance(read, ReadRecord)
    assert read.record["200"]["a"] == "\x88Les \x89Misérables"
    fields = unimarc.extract(read.record)
    assert fields.title == "Les Misérables"
    assert fields.subjects == ["Révolutions -- France -- 19e siècle"]
    # Stored in Unicode, and field 100 now says so.
    assert unimarc.character_sets(unimarc.general_data(read.record)) == ["50"]


def test_iso5426_decoding_agrees_with_yaz():
    import unicodedata

    sample = bytes(range(0x20, 0x7F)) + b"".join(
        bytes([code]) for code in range(0xA1, 0x100) if code in unimarc._ISO5426_CHARS
    ) + b" \xc2e\xc1a\xc8u\xd0c\xcfs"
    yaz = subprocess.run(["yaz-iconv", "-f", "iso5426", "-t", "utf8"], input=sample, capture_output=True, check=True)
    assert unimarc.decode_iso5426(sample) == unicodedata.normalize("NFC", yaz.stdout.decode("utf-8"))


def _iconv_knows(charset: str) -> bool:
    if shutil.which("iconv") is None:
        return False
    return subprocess.run(["iconv", "-f", charset, "-t", "UTF-8"], input=b"A", capture_output=True).returncode == 0


def test_basic_cyrillic_decoding_agrees_with_iconv():
    assert _iconv_knows("ISO-IR-37"), "glibc's iconv with ISO-IR-37 is missing (the libc-bin package)"
    high = bytes(range(0xC0, 0xFF))  # iconv's 7-bit set: 40-7E, here in the right half
    converted = subprocess.run(
        ["iconv", "-f", "ISO-IR-37", "-t", "UTF-8"], input=bytes(b - 0x80 for b in high), capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    assert unimarc.decode_basic_cyrillic(b"Tom 2: " + high) == "Tom 2: " + converted


def test_a_record_in_basic_cyrillic_is_read_from_field_100():
    from tests.data.marc.unimarc.make_samples import UNIMARC_LEADER, control, data, raw
    from tests.data.marc.unimarc.make_samples import iso2709 as build

    chunk = build(UNIMARC_LEADER, [
        control("001", "RU-1"),
        data("100", "  ", ("a", "19900101d1990    m  y0rusy0102    ca")),
        # KOI8-R has the basic Cyrillic letters where ISO registration 37 puts them.
        raw("200", b"1 \x1fa" + "Кобзар".encode("koi8_r") + b"\x1ff" + "Т. Шевченко".encode("koi8_r")),
    ])
    [read] = _read(chunk)
    assert isinstance(read, ReadRecord)
    assert unimarc.extract(read.record).title == "Кобзар"
    assert read.record["200"]["f"] == "Т. Шевченко"
    # Stored in Unicode; field 100 says so.
    assert unimarc.character_sets(unimarc.general_data(read.record)) == ["50"]


def test_a_ukrainian_record_is_read_with_its_cyrillic_fields(marc_data):
    [read] = _read(_unimarc(marc_data, "ukrainian.mrc").read_bytes())
    assert isinstance(read, ReadRecord)
    fields = unimarc.extract(read.record)
    assert (fields.title, fields.subtitle) == ("Кобзар", "вибрані поезії")
    assert fields.responsibility == "Тарас Шевченко ; передм. Івана Дзюби"
    assert fields.authors == ["Шевченко, Т. Г. 1814-1861", "Дзюба, І. М."]
    assert fields.edition == "Вид. 2-ге, доп"
    assert (fields.place, fields.publisher, fields.year) == ("Київ", "Дніпро", 1985)
    assert fields.series == "Бібліотека української літератури ; 12"
    assert fields.subjects == ["Українська поезія -- Україна -- 19 ст"]
    assert fields.languages == ["ukr"]
    assert fields.audience == "adult"
    assert unimarc.classifications(read.record) == [("UDC", "821.161.2-1"), ("RUBBK", "84(4УКР)5-5")]


def test_a_cnmarc_record_is_told_apart_with_its_chinese_library_classification(marc_data):
    [read] = _read(_unimarc(marc_data, "cnmarc_chinese.mrc").read_bytes())
    assert isinstance(read, ReadRecord)
    assert read.schema == "cnmarc"
    fields = unimarc.extract(read.record)
    assert fields.title == "红楼梦"
    assert fields.authors == ["曹雪芹 约1715-约1763", "高鹗"]
    assert (fields.place, fields.publisher, fields.year, fields.edition) == ("北京", "人民文学出版社", 1996, "第2版")
    assert fields.subjects == ["章回小说 -- 中国 -- 清代"]
    assert fields.languages == ["chi"]
    assert unimarc.classifications(read.record) == [("CLC", "I242.47")]


def test_214_publication_is_preferred_to_210():
    record = make_record(control="x")
    record.fields = []
    record.add_field(
        Field(tag="200", indicators=Indicators("1", " "), subfields=[Subfield("a", "T")]),
        Field(tag="210", indicators=Indicators(" ", " "),
                      subfields=[Subfield("a", "Old"), Subfield("c", "Old press"),
                                 Subfield("d", "1990")]),
        Field(tag="214", indicators=Indicators(" ", "0"),
                      subfields=[Subfield("a", "Lviv"), Subfield("c", "Old Lion"),
                                 Subfield("d", "2015")]),
    )
    fields = unimarc.extract(record)
    assert (fields.place, fields.publisher, fields.year) == ("Lviv", "Old Lion", 2015)


def test_bad_records_are_skipped_with_position_and_reason_and_the_rest_is_read(marc_data):
    results = _read(_unimarc(marc_data, "broken.mrc").read_bytes(), name="broken.mrc")
    problems = [r for r in results if isinstance(r, Problem)]
    assert [r.position for r in results if isinstance(r, ReadRecord)] == [1, 5]
    assert [(p.position, p.control_number) for p in problems] == [
        (2, "BAD-CHARSET"), (3, "BAD-UTF8"), (4, "BAD-DIRECTORY")
    ]
    assert all(p.offset and p.skipped for p in problems)
    assert "01 05" in problems[0].reason
    assert "not valid UTF-8" in problems[1].reason
    assert "directory" in problems[2].reason


def test_the_format_is_detected_record_by_record_and_can_be_forced(marc_data):
    marc21 = (marc_data / "pymarc" / "one.dat").read_bytes()
    uni = (marc_data / "pymarc" / "testunimarc.dat").read_bytes()
    assert [r.schema for r in _read(marc21 + uni) if isinstance(r, ReadRecord)] == ["marc21", "unimarc"]
    # Forced: MARC 21 rules for both (no title in 245 for the UNIMARC one), or UNIMARC for both.
    assert [r.schema for r in _read(marc21 + uni, schema="marc21") if isinstance(r, ReadRecord)] == ["marc21"] * 2
    assert [r.schema for r in _read(uni, schema="cnmarc") if isinstance(r, ReadRecord)] == ["cnmarc"]


def test_unimarc_in_marcxchange_xml_is_read():
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="info:lc/xmlns/marcxchange-v1">
 <record format="UNIMARC" type="Bibliographic">
  <leader>00000nam0 22     3  450 </leader>
  <controlfield tag="001">X1</controlfield>
  <datafield tag="100" ind1=" " ind2=" "><subfield code="a">20200101d2020    m  y0ukry0103    ca</subfield></datafield>
  <datafield tag="200" ind1="1" ind2=" "><subfield code="a">Лісова пісня</subfield></datafield>
 </record>
</collection>""".encode()
    [read] = _read(xml)
    assert isinstance(read, ReadRecord)
    assert read.schema == "unimarc"
    assert unimarc.extract(read.record).title == "Лісова пісня"
    assert unimarc.character_sets(unimarc.general_data(read.record)) == ["50"]


# --- importing -------------------------------------------------------------------------------


def test_a_ukrainian_file_is_imported_with_its_995_items(marc_data, at, central):
    report = import_marc([_unimarc(marc_data, "ukrainian.mrc")], actor=IMPORTER, at=at)
    assert (report.created, report.skipped, report.items) == (1, 0, 2)
    record = Record.objects.get()
    assert record.title == "Кобзар"
    assert record.isbns == ["9789660350007"]
    assert Identifier.objects.filter(kind="control", value="(NBUV)UA-NBUV-0001985").exists()
    items = {i.barcode: i for i in Item.objects.select_related("location", "branch")}
    assert items["UA0001"].call_number == "У2 Ш37"
    assert items["UA0001"].location is not None and items["UA0001"].location.code == "adult"
    assert items["UA0001"].status == ItemStatus.AVAILABLE
    assert items["UA0002"].status == ItemStatus.REFERENCE
    assert items["UA0002"].public_note == "Лише в читальній залі"
    # Kept whole as UNIMARC, without the holdings the Item table now holds.
    stored = read_marc(record.marc)
    assert unimarc.is_unimarc(stored) and not stored.get_fields("995")


def test_a_cnmarc_file_takes_its_items_from_852_when_told(marc_data, at, central):
    call_command(
        "import_marc", str(_unimarc(marc_data, "cnmarc_chinese.mrc")), "--format", "cnmarc", "--holdings", "852",
        "--json", stdout=(out := io.StringIO()),
    )
    summary = json.loads(out.getvalue())
    assert (summary["created"], summary["items"]) == (1, 1)
    item = Item.objects.get()
    assert (item.barcode, item.branch.code, item.call_number) == ("CN0001", "central", "I242.47/C5")
    record = Record.objects.get()
    assert record.title == "红楼梦"
    assert unimarc.classifications(read_marc(record.marc)) == [("CLC", "I242.47")]


def test_an_import_of_a_broken_file_skips_the_bad_records_and_loads_the_rest(marc_data, at, central):
    report = import_marc([_unimarc(marc_data, "broken.mrc")], actor=IMPORTER, at=at)
    assert (report.read, report.created, report.skipped) == (5, 2, 3)
    assert sorted(Record.objects.values_list("title", flat=True)) == ["Les Misérables", "The last good record"]
    assert [(p.position, p.skipped) for p in report.problems] == [(2, True), (3, True), (4, True)]


def test_marc21_and_unimarc_records_load_side_by_side(marc_data, at, central):
    report = import_marc(
        [marc_data / "pymarc" / "one.dat", marc_data / "pymarc" / "testunimarc.dat"], actor=IMPORTER, at=at
    )
    assert (report.created, report.skipped) == (2, 0)
    assert "L'altra faccia della spirale" in set(Record.objects.values_list("title", flat=True))


# --- exporting and the round trip ------------------------------------------------------------

SAMPLES = ("ukrainian.mrc", "cnmarc_chinese.mrc", "iso5426_french.mrc")


@pytest.mark.parametrize("format", ["iso2709", "marcxml"])
def test_unimarc_round_trip_keeps_every_field_and_item(marc_data, at, central, format):
    paths = [_unimarc(marc_data, name) for name in SAMPLES] + [marc_data / "pymarc" / "testunimarc.dat"]
    import_marc(paths, actor=IMPORTER, at=at, holdings="995")
    # The Chinese record's items are in 852; a second run takes them from there.
    import_marc([paths[1]], actor=IMPORTER, at=at, holdings="852")
    stored = {r.control_number: _flat(read_marc(r.marc)) for r in Record.objects.all()}
    fields = {r.control_number: (r.title, r.authors, r.subjects, r.isbns, r.year) for r in Record.objects.all()}
    items = sorted(Item.objects.values_list("barcode", "branch__code", "call_number", "status", "public_note"))
    assert len(stored) == 4 and len(items) == 3

    data = _export(format=format, schema="unimarc")
    exported = [r for r in _read(data) if isinstance(r, ReadRecord)]
    assert len(exported) == 4 and all(r.schema in ("unimarc", "cnmarc") for r in exported)
    assert all(str(r.record.leader)[9] == "a" for r in exported)  # stored as UTF-8 again
    if format == "iso2709":
        assert data[9:10] == b" "  # UNIMARC leaves leader/09 undefined

    Record.objects.all().delete()
    report = import_marc([io.BytesIO(data)], actor=IMPORTER, at=at, holdings="995")
    assert (report.created, report.skipped, report.items) == (4, 0, 3)
    assert {r.control_number: _flat(read_marc(r.marc)) for r in Record.objects.all()} == stored
    assert {
        r.control_number: (r.title, r.authors, r.subjects, r.isbns, r.year) for r in Record.objects.all()
    } == fields
    assert sorted(Item.objects.values_list("barcode", "branch__code", "call_number", "status", "public_note")) == items


def test_each_export_leaves_out_the_records_of_the_other_format(marc_data, at, central):
    import_marc([marc_data / "pymarc" / "one.dat", marc_data / "pymarc" / "testunimarc.dat"], actor=IMPORTER, at=at)
    out = io.BytesIO()
    marc21 = export_marc(out)
    assert marc21.written == 1 and len(marc21.left_out) == 1 and "UNIMARC" in marc21.left_out[0]
    uni = export_marc(io.BytesIO(), schema="unimarc")
    assert uni.written == 1 and "MARC 21" in uni.left_out[0]


def test_yaz_reads_the_unimarc_export(tmp_path, marc_data, at, central):
    assert YAZ is not None, "yaz-marcdump is missing: run scripts/setup.sh"
    import_marc([_unimarc(marc_data, name) for name in SAMPLES], actor=IMPORTER, at=at)
    path = tmp_path / "out.mrc"
    call_command("export_marc", "--out", str(path), "--format", "unimarc", stdout=io.StringIO())
    assert YAZ is not None
    result = subprocess.run([YAZ, "-n", str(path)], capture_output=True, timeout=60)
    assert result.returncode == 0 and result.stderr == b""
    text = subprocess.run([YAZ, str(path)], capture_output=True, timeout=60).stdout.decode("utf-8")
    assert "Кобзар" in text and "红楼梦" in text and "Misérables" in text
    xml_path = tmp_path / "out.xml"
    call_command("export_marc", "--out", str(xml_path), "--format", "unimarc-xml", stdout=io.StringIO())
    assert subprocess.run([YAZ, "-i", "marcxml", "-n", str(xml_path)], capture_output=True).returncode == 0


def test_the_edit_form_does_not_write_marc21_fields_into_a_unimarc_record(marc_data, at, central):
    import dataclasses

    from bibliohub.catalog.services import CatalogueChangeRefused, RecordChanges, update_record

    import_marc([_unimarc(marc_data, "ukrainian.mrc")], actor=IMPORTER, at=at)
    record = Record.objects.get()
    before = bytes(record.marc)
    with pytest.raises(CatalogueChangeRefused):
        update_record(
            record, changes=dataclasses.replace(RecordChanges.of(record), title="Кобзар!"),
            actor=Actor.for_import(source="x"), at=at,
        )
    record.refresh_from_db()
    assert bytes(record.marc) == before


def test_a_holding_without_a_barcode_is_left_out_and_named(tmp_path, marc_data, at, central):
    [read] = _read(_unimarc(marc_data, "ukrainian.mrc").read_bytes())
    assert isinstance(read, ReadRecord)
    read.record.get_fields("995")[1].delete_subfield("f")
    path = tmp_path / "one.mrc"
    path.write_bytes(iso2709.encode(read.record))
    report = import_marc([path], actor=IMPORTER, at=at)
    assert (report.created, report.items) == (1, 1)
    [note] = report.problems
    assert not note.skipped and "(995)" in note.reason and "$f" in note.reason


def test_the_record_page_shows_a_unimarc_record(client, marc_data, at, central):
    import_marc([_unimarc(marc_data, "cnmarc_chinese.mrc")], actor=IMPORTER, at=at)
    record = Record.objects.get()
    response = client.get(f"/record/{record.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "红楼梦" in html and "人民文学出版社" in html


def test_corporate_names_and_meetings_are_authors():
    record = make_record(control="x")
    record.fields = []
    record.add_field(
        Field(tag="200", indicators=Indicators("1", " "), subfields=[Subfield("a", "Proceedings")]),
        Field(tag="710", indicators=Indicators("0", "2"),
              subfields=[Subfield("a", "Національна бібліотека України"), Subfield("b", "Відділ рукописів")]),
        Field(tag="711", indicators=Indicators("1", "2"),
              subfields=[Subfield("a", "IFLA World Library and Information Congress"), Subfield("d", "88"),
                         Subfield("f", "2023"), Subfield("e", "Rotterdam")]),
    )
    assert unimarc.extract(record).authors == [
        "Національна бібліотека України. Відділ рукописів",
        "IFLA World Library and Information Congress 88 2023 Rotterdam",
    ]
