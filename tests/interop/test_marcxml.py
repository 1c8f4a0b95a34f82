"""The MARCXML a record is given as by SRU, OAI-PMH and Z39.50: every character a MARC record
may hold either kept exactly or, where XML cannot carry it, left out."""

from __future__ import annotations

from pathlib import Path

import pymarc
from lxml import etree

from bibliohub.catalog.models import Record
from bibliohub.interop.records import MARC, marcxml

NS = {"m": MARC}
MARC_DATA = Path(__file__).resolve().parent.parent / "data" / "marc"


def _record(*fields: pymarc.Field) -> Record:
    marc = pymarc.Record(force_utf8=True, leader="00000nam a2200000 a 4500")
    marc.add_field(pymarc.Field(tag="001", data="ctl&<1>"), *fields)
    return Record(marc=marc.as_marc())


def test_markup_quotes_and_line_ends_are_kept_and_control_characters_left_out():
    title = pymarc.Field(
        tag="245", indicators=pymarc.Indicators("1", "0"),
        subfields=[
            pymarc.Subfield("a", 'Tom & Jerry <"the cat"> :'),
            pymarc.Subfield("b", "line one\r\nline two\tend\x07"),
        ],
    )  # fmt: skip
    items = pymarc.Field(
        tag="952", indicators=pymarc.Indicators(" ", " "),
        subfields=[pymarc.Subfield("p", "B0001")],
    )  # fmt: skip
    element = marcxml(_record(title, items))
    # As a harvester parses what is sent.
    parsed = etree.fromstring(etree.tostring(element))
    assert parsed.findtext("m:controlfield[@tag='001']", namespaces=NS) == "ctl&<1>"
    (field,) = parsed.findall("m:datafield", NS)  # the copies' 952 is not sent
    assert (field.get("tag"), field.get("ind1"), field.get("ind2")) == ("245", "1", "0")
    assert [(s.get("code"), s.text) for s in field] == [
        ("a", 'Tom & Jerry <"the cat"> :'),
        ("b", "line one\r\nline two\tend"),
    ]
    assert parsed.findtext("m:leader", namespaces=NS).startswith("00")


def test_stored_records_are_written_straight_from_their_bytes_as_the_decoder_would():
    from bibliohub.catalog.marc import iso2709
    from bibliohub.demo.generate import iter_iso2709
    from bibliohub.interop.records import _direct, _from_decoded

    # Generated records in five languages with their copies in 952; nine in Vietnamese,
    # Chinese, Ukrainian and Polish; two with 880 fields in Han and Cyrillic.
    records = [iso2709.decode(chunk)[0] for chunk in iter_iso2709(200, seed=7)]
    for name in ("multilingual_sample.xml", "yaz/marc9.xml", "yaz/marc12.xml"):
        records += pymarc.parse_xml_to_array(str(MARC_DATA / name))
    written = [_direct(iso2709.encode(record)) for record in records]
    assert None not in written  # the catalogue's own records take the direct way
    assert written == [_from_decoded(iso2709.decode(iso2709.encode(r))[0]) for r in records]
    assert sum('tag="880"' in text for text in written if text) == 2


def _swap_first_two_data_fields(marc: bytes) -> bytes:
    """The same record with the data of its 2nd and 3rd fields stored the other way round and
    the directory's offsets saying so: valid ISO 2709, not as the catalogue writes it."""
    base = int(marc[12:17])
    entries = [marc[24 + i : 36 + i] for i in range(0, base - 25, 12)]
    datas = marc[base:-1].split(b"\x1e")[:-1]
    order = [0, 2, 1, *range(3, len(datas))]
    offsets, at = {}, 0
    for i in order:
        offsets[i] = at
        at += len(datas[i]) + 1
    directory = b"".join(e[:7] + b"%05d" % offsets[i] for i, e in enumerate(entries))
    return marc[:24] + directory + b"\x1e" + b"".join(datas[i] + b"\x1e" for i in order) + b"\x1d"


def test_records_not_in_the_catalogues_own_form_go_through_the_decoder():
    from bibliohub.interop.records import _direct, marcxml_text

    title = pymarc.Field(
        tag="245", indicators=pymarc.Indicators("1", "0"), subfields=[pymarc.Subfield("a", "Kobzar")]
    )
    author = pymarc.Field(
        tag="100", indicators=pymarc.Indicators("1", " "),
        subfields=[pymarc.Subfield("a", "Shevchenko, Taras")],
    )  # fmt: skip
    record = _record(author, title)
    swapped = Record(marc=_swap_first_two_data_fields(bytes(record.marc)))
    assert _direct(bytes(swapped.marc)) is None
    assert marcxml_text(swapped) == marcxml_text(record)

    odd_code = _record(
        pymarc.Field(tag="500", indicators=pymarc.Indicators(" ", " "), subfields=[pymarc.Subfield('"', "x")])
    )
    parsed = etree.fromstring(marcxml_text(odd_code))
    assert parsed.find("m:datafield/m:subfield", NS).get("code") == '"'
