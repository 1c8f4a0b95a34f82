"""The MARCXML a record is given as by SRU, OAI-PMH and Z39.50: every character a MARC record
may hold either kept exactly or, where XML cannot carry it, left out."""

from __future__ import annotations

import pymarc
from lxml import etree

from bibliohub.catalog.models import Record
from bibliohub.interop.records import MARC, marcxml

NS = {"m": MARC}


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
