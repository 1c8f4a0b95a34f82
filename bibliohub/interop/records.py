"""Catalogue records as the protocols send them: MARCXML from the catalogue's MARC export, and
simple Dublin Core from the fields the catalogue extracts, in the container each protocol
names (OAI-PMH's oai_dc, SRU's srw_dc)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

import pymarc
from lxml import etree

from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.marc.importer import ITEM_TAG
from bibliohub.catalog.models import Format, Record
from bibliohub.web.languages import record_language_tag

DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The columns these need, for .only().
COLUMNS = (
    "id",
    "updated_at",
    "marc",
    "title",
    "subtitle",
    "authors",
    "subjects",
    "isbns",
    "issns",
    "publisher",
    "year",
    "languages",
    "format",
    "summary",
    "series",
    "vernacular",
)

# DCMI Type for each of our formats.
_DC_TYPE: dict[str, str] = {
    Format.AUDIO: "Sound",
    Format.MUSIC: "Sound",
    Format.VIDEO: "MovingImage",
    Format.MAP: "Image",
    Format.VISUAL: "StillImage",
    Format.ERESOURCE: "Software",
    Format.KIT: "Collection",
    Format.OBJECT: "PhysicalObject",
}
# Characters XML 1.0 cannot carry (control characters a MARC record may hold).
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


MARC = "http://www.loc.gov/MARC21/slim"
_MARC_LOCATION = f"{MARC} http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"


# Escapes for text and for attribute values in double quotes; a carriage return, a tab or a
# line break kept as a reference, since an XML parser would normalise the character itself.
_TEXT_ESCAPES = {"\r": "&#13;"}
_ATTRIBUTE_ESCAPES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
_RECORD_START = (
    f'<record xmlns="{MARC}" xmlns:xsi="{XSI}" xsi:schemaLocation="{_MARC_LOCATION}"><leader>'
)
# The same inside an element that declares the xsi prefix already (OAI-PMH's envelope).
_RECORD_START_IN_XSI = f'<record xmlns="{MARC}" xsi:schemaLocation="{_MARC_LOCATION}"><leader>'
_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTRIBUTE_SPECIAL = re.compile('[&<>"\r\n\t]')
# In the UTF-8 of a record _direct takes: the characters XML 1.0 cannot carry (C0 controls
# other than tab, line feed and carriage return, and U+FFFE and U+FFFF), apart from ISO 2709's
# own terminators and delimiters, which _direct takes out.
_NOT_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1c]|\xef\xbf[\xbe\xbf]")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _escaped(value: str) -> str:
    # Most values need nothing: one search rather than saxutils' five replacements.
    return escape(value, _TEXT_ESCAPES) if _TEXT_SPECIAL.search(value) else value


def _quoted(value: str) -> str:
    return escape(value, _ATTRIBUTE_ESCAPES) if _ATTRIBUTE_SPECIAL.search(value) else value


def marcxml(record: Record) -> etree._Element:
    """The stored record as one namespaced MARCXML <record> element (see marcxml_text)."""
    return etree.fromstring(marcxml_text(record), _PARSER)


def marcxml_text(record: Record, *, xsi_declared: bool = False) -> str:
    """The stored record as the text of one namespaced MARCXML <record>, bibliographic fields
    only: without its copies' 952 fields, whose status changes with every loan. Characters XML
    cannot carry are left out. Written as text (a harvest renders a million of these), straight
    from the stored bytes when they are what the catalogue writes (see _direct). With
    `xsi_declared`, for a place where the xsi prefix is declared already, the record does not
    declare it again."""
    marc = bytes(record.marc)
    text = _direct(marc)
    if text is None:
        text = clean(_from_decoded(iso2709.decode(marc)[0]))
    elif _NOT_XML_BYTES.search(marc):
        # Cleaning a whole record's text costs more than making it; its bytes tell first
        # whether there is anything to clean.
        text = clean(text)
    return _RECORD_START_IN_XSI + text[len(_RECORD_START) :] if xsi_declared else text


def _direct(marc: bytes) -> str | None:
    """MARCXML from stored ISO 2709 without decoding it into a record first, or None when the
    bytes are not as the catalogue writes them (iso2709.stored_fields), every field with two
    indicators and no markup in the tags: those go through the decoder. Gives the same text
    as _from_decoded(iso2709.decode(marc)) for the records it takes."""
    stored = iso2709.stored_fields(marc)
    if stored is None:
        return None
    leader, fields = stored
    if not leader.isprintable() or _ATTRIBUTE_SPECIAL.search("".join(tag for tag, _text in fields)):
        return None
    parts = [_RECORD_START, _escaped(leader), "</leader>"]
    for tag, piece in fields:
        if tag == ITEM_TAG:
            continue
        if iso2709.is_control_tag(tag):
            if "\x1f" in piece:  # kept by the decoder, and not something XML can carry
                return None
            parts += ('<controlfield tag="', tag, '">', _escaped(piece), "</controlfield>")
            continue
        subfields = piece.split("\x1f")
        indicators = subfields[0]
        if len(indicators) != 2 or _ATTRIBUTE_SPECIAL.search(indicators):
            return None
        parts += ('<datafield ind1="', indicators[0], '" ind2="', indicators[1], '" tag="', tag, '">')
        for subfield in subfields[1:]:
            if subfield:
                parts += (
                    '<subfield code="', _quoted(subfield[0]), '">', _escaped(subfield[1:]),
                    "</subfield>",
                )  # fmt: skip
        parts.append("</datafield>")
    parts.append("</record>")
    return "".join(parts)


def _from_decoded(decoded: pymarc.Record) -> str:
    parts = [_RECORD_START, _escaped(str(decoded.leader)), "</leader>"]
    for field in decoded.fields:
        if field.tag == ITEM_TAG:
            continue
        tag = _quoted(field.tag)
        if field.control_field:
            parts += ('<controlfield tag="', tag, '">', _escaped(field.data or ""), "</controlfield>")
            continue
        parts += (
            '<datafield ind1="', _quoted(field.indicator1), '" ind2="', _quoted(field.indicator2),
            '" tag="', tag, '">',
        )  # fmt: skip
        for subfield in field.subfields:
            parts += (
                '<subfield code="', _quoted(subfield.code), '">', _escaped(subfield.value),
                "</subfield>",
            )  # fmt: skip
        parts.append("</datafield>")
    parts.append("</record>")
    return "".join(parts)


def dublin_core(
    record: Record, *, namespace: str, prefix: str, schema_location: str = ""
) -> etree._Element:
    dc = etree.Element(f"{{{namespace}}}dc", nsmap={prefix: namespace, "dc": DC})
    if schema_location:
        dc.set(f"{{{XSI}}}schemaLocation", f"{namespace} {schema_location}")
    values: list[tuple[str, Iterable[str]]] = [
        ("title", [record.full_title]),
        ("creator", record.authors),
        ("subject", record.subjects),
        ("description", [record.summary]),
        ("publisher", [record.publisher]),
        ("date", [str(record.year)] if record.year else []),
        ("type", [_DC_TYPE.get(record.format, "Text")]),
        (
            "identifier",
            [f"urn:ISBN:{i}" for i in record.isbns] + [f"urn:ISSN:{i}" for i in record.issns],
        ),
        ("language", record.languages),
        ("relation", [record.series]),
    ]
    # The 880 fields: the title and names in their own script as a second dc:title and
    # dc:creator beside the romanised ones, in the record's language when we know it.
    lang = record_language_tag(list(record.languages or ()))
    in_script = {
        name: [v["text"] for v in record.vernacular or () if v.get("role") == role and (role != "title" or v.get("tag") == "245")]
        for name, role in (("title", "title"), ("creator", "author"), ("subject", "subject"))
    }
    for name, texts in values:
        for value in texts:
            if value := clean(str(value)).strip():
                etree.SubElement(dc, f"{{{DC}}}{name}").text = value
        for value in in_script.get(name, ()):
            if value := clean(str(value)).strip():
                element = etree.SubElement(dc, f"{{{DC}}}{name}")
                element.text = value
                if lang:
                    element.set(_XML_LANG, lang)
    return dc


def clean(text: str) -> str:
    """`text` without the characters XML cannot hold."""
    return _NOT_XML.sub("", text)
