"""Exporting MARC: what YAZ reads without complaint, with current items as 952, and a round
trip that keeps every field and subfield of records imported from UTF-8."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from lxml import etree

from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.marc.exporter import export_marc
from bibliohub.catalog.marc.importer import import_marc
from bibliohub.catalog.marc.reader import ReadRecord, read_records
from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.history import Actor
from tests.catalog.marc_builders import make_record

pytestmark = pytest.mark.django_db

IMPORTER = Actor.for_import(source="export-tests")

YAZ = shutil.which("yaz-marcdump")


def _flat(record, *, without: str = "952") -> list[tuple]:
    return [
        (f.tag, f.data) if f.control_field
        else (f.tag, f.indicator1, f.indicator2, tuple((s.code, s.value) for s in f.subfields))
        for f in record.fields
        if f.tag != without
    ]


def _records(data: bytes) -> list:
    return [r.record for r in read_records(io.BytesIO(data)) if isinstance(r, ReadRecord)]


def _export(**kwargs) -> bytes:
    out = io.BytesIO()
    export_marc(out, **kwargs)
    return out.getvalue()


def _yaz(path: Path, *args: str) -> subprocess.CompletedProcess:
    assert YAZ, "the export is checked with the real yaz-marcdump: apt-get install yaz"
    return subprocess.run([YAZ, *args, str(path)], capture_output=True, timeout=60)


@pytest.mark.parametrize(
    "name",
    [
        "yaz/marccol1.u8.marc", "yaz/marccol5.u8.marc", "ruby-marc/utf8.marc", "pymarc/utf8_with_leader_flag.dat",
        "multilingual_sample.xml",
    ],
)
def test_a_record_imported_from_utf8_and_exported_keeps_every_field_and_subfield(name, marc_data, at, central):
    source = marc_data / name
    with open(source, "rb") as f:
        originals = [r.record for r in read_records(f) if isinstance(r, ReadRecord)]
    import_marc([source], actor=IMPORTER, at=at)
    exported = _records(_export())
    assert len(exported) == len(originals)
    for original, again in zip(originals, exported, strict=True):
        assert _flat(again) == _flat(original)
        assert str(again.leader)[5:9] == str(original.leader)[5:9]
        assert str(again.leader)[17:20] == str(original.leader)[17:20]


def test_items_are_exported_as_952_that_import_back_into_the_same_items(tmp_path, at, central, riverside):
    record = make_record(control="c1", items=[
        {"a": "central", "c": "adult", "o": "891.7 Ш41", "p": "000123", "y": "bk", "g": "120.50", "d": "2024-09-01",
         "z": "Signed"},
        {"a": "riverside", "p": "000124", "y": "dvd", "7": "1"},
    ])
    path = tmp_path / "a.mrc"
    path.write_bytes(iso2709.encode(record))
    import_marc([path], actor=IMPORTER, at=at)
    Item.objects.filter(barcode="000124").update(status=ItemStatus.WITHDRAWN)
    before = sorted(Item.objects.values_list(
        "barcode", "branch__code", "location__code", "call_number", "item_type__code", "status", "price",
        "received_on", "public_note",
    ))

    [exported] = _records(_export())
    fields = {f["p"]: f for f in exported.get_fields("952")}
    assert fields["000123"]["a"] == "central"
    assert fields["000123"]["o"] == "891.7 Ш41"
    assert fields["000124"]["0"] == "1"

    again = tmp_path / "again.mrc"
    again.write_bytes(iso2709.encode(exported))
    Item.objects.all().delete()
    import_marc([again], actor=IMPORTER, at=at)
    after = sorted(Item.objects.values_list(
        "barcode", "branch__code", "location__code", "call_number", "item_type__code", "status", "price",
        "received_on", "public_note",
    ))
    assert after == before


def test_yaz_marcdump_reads_the_iso2709_export_without_error(tmp_path, marc_data, at, central):
    import_marc([marc_data / "yaz" / "marc12.marc", marc_data / "multilingual_sample.xml",
                 marc_data / "pymarc" / "test.dat"], actor=IMPORTER, at=at)
    path = tmp_path / "out.mrc"
    call_command("export_marc", "--out", str(path))
    result = _yaz(path, "-n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"" and result.stderr == b""
    xml = _yaz(path, "-i", "marc", "-o", "marcxml")
    assert xml.returncode == 0
    root = etree.fromstring(b"<all>" + xml.stdout.replace(b'<?xml version="1.0"?>', b"") + b"</all>")
    assert len(root.findall(".//{http://www.loc.gov/MARC21/slim}record")) == Record.objects.count() == 20
    assert "车票去哪儿了".encode() in xml.stdout


def test_yaz_marcdump_reads_the_marcxml_export(tmp_path, marc_data, at, central):
    import_marc([marc_data / "multilingual_sample.xml"], actor=IMPORTER, at=at)
    path = tmp_path / "out.xml"
    call_command("export_marc", "--out", str(path), "--format", "marcxml")
    result = _yaz(path, "-i", "marcxml", "-o", "marc")
    assert result.returncode == 0, result.stderr
    assert len(_records(result.stdout)) == 9


def test_the_marcxml_export_reads_back_the_same_records(tmp_path, marc_data, at, central):
    import_marc([marc_data / "multilingual_sample.xml"], actor=IMPORTER, at=at)
    data = _export(format="marcxml")
    etree.fromstring(data)  # well-formed
    with open(marc_data / "multilingual_sample.xml", "rb") as f:
        originals = [r.record for r in read_records(f) if isinstance(r, ReadRecord)]
    assert [_flat(r) for r in _records(data)] == [_flat(r) for r in originals]


def test_a_record_too_long_for_iso2709_is_left_out_there_and_named(at, central):
    from pymarc import Field, Indicators, Subfield

    record = make_record(control="big", extra=[
        Field(tag="505", indicators=Indicators("0", " "), subfields=[Subfield("a", "ж" * 60_000)]),
    ])
    import_marc([io.BytesIO(iso2709.encode(record))], actor=IMPORTER, at=at)
    out = io.BytesIO()
    report = export_marc(out)
    assert (report.written, out.getvalue()) == (0, b"")
    assert "too long for ISO 2709" in report.left_out[0]
    assert export_marc(io.BytesIO(), format="marcxml").written == 1


def test_the_export_can_be_limited_to_what_a_search_finds(tmp_path, at, central, capsys):
    import_marc([io.BytesIO(b"".join(iso2709.encode(r) for r in [
        make_record(control="c1", title="Rivers of Ukraine"),
        make_record(control="c2", title="Mountains of Poland"),
        make_record(control="c3", title="Rivers of Vietnam"),
    ]))], actor=IMPORTER, at=at)
    path = tmp_path / "rivers.mrc"
    call_command("export_marc", "--out", str(path), "--query", "rivers")
    titles = sorted(r["245"]["a"] for r in _records(path.read_bytes()))
    assert titles == ["Rivers of Ukraine", "Rivers of Vietnam"]
    assert "Wrote 2 records" in capsys.readouterr().out


def test_export_reads_records_in_chunks_with_a_fixed_number_of_queries(at, central, django_assert_max_num_queries):
    import_marc([io.BytesIO(b"".join(
        iso2709.encode(make_record(control=f"c{n}", items=[{"a": "central", "p": f"B{n}"}])) for n in range(30)
    ))], actor=IMPORTER, at=at)
    with django_assert_max_num_queries(4):
        assert export_marc(io.BytesIO()).written == 30
