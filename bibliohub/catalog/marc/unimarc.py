"""UNIMARC and CNMARC (the Chinese national format, which derives from it): telling them from
MARC 21, reading their character set from field 100, and the fields we search and show.

A UNIMARC record is kept whole as UNIMARC, converted to UTF-8 (field 100 then says so), exactly
as a MARC 21 record is kept as MARC 21: nothing is crosswalked into the other format, so export
gives back the fields it was given.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pymarc
from django.utils.translation import gettext as _
from pymarc import Field, Indicators, Leader, Record, Subfield

from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.marc.extract import (
    RecordFields,
    clean,
    extract_fields,
    normalise_isbn,
    normalise_issn,
)
from bibliohub.catalog.models import Audience, Format

Schema = Literal["marc21", "unimarc", "cnmarc"]
SchemaChoice = Literal["marc21", "unimarc", "cnmarc", "auto"]
SCHEMAS = ("marc21", "unimarc", "cnmarc", "auto")

# Non-sorting characters: UNIMARC in Unicode brackets an article left out of sorting with
# U+0088 and U+0089; in ISO 2709 with ISO 646/5426 they are ESC H and ESC I.
NON_SORT = "\x88\x89"
_NON_SORT_TABLE = str.maketrans("", "", NON_SORT)

# Field 100 $a positions 26-33: the character sets G0-G3, two digits each.
UTF8_SET = "50"
ISO646_SET = "01"
CYRILLIC_SET = "02"
ISO5426_SET = "03"
_SUPPORTED_SETS = frozenset({ISO646_SET, CYRILLIC_SET, ISO5426_SET, UTF8_SET})

# ISO 5426 (extended Latin), right half, as YAZ converts it (yaz-iconv -f iso5426): the
# special characters; bytes C0-DF are non-spacing diacritics, written before their letter.
_ISO5426_CHARS: dict[int, str] = {
    0x88: "\x88", 0x89: "\x89",
    0xA1: "\u00a1", 0xA2: "\u201e", 0xA3: "\u00a3", 0xA4: "$", 0xA5: "\u00a5", 0xA6: "\u2020",
    0xA7: "\u00a7", 0xA8: "\u2032", 0xA9: "\u2018", 0xAA: "\u201c", 0xAB: "\u00ab", 0xAC: "\u266d",
    0xAD: "\u00a9", 0xAE: "\u2117", 0xAF: "\u00ae", 0xB0: "\u02bb", 0xB1: "\u02bc", 0xB2: "\u201a",
    0xB6: "\u2021", 0xB7: "\u00b7", 0xB8: "\u2033", 0xB9: "\u2019", 0xBA: "\u201d", 0xBB: "\u00bb",
    0xBC: "\u266f", 0xBD: "\u02b9", 0xBE: "\u02ba", 0xBF: "\u00bf",
    0xE1: "\u00c6", 0xE2: "\u0110", 0xE6: "\u0132", 0xE8: "\u0141", 0xE9: "\u00d8", 0xEA: "\u0152",
    0xEC: "\u00de", 0xF1: "\u00e6", 0xF2: "\u0111", 0xF3: "\u00f0", 0xF5: "\u0131", 0xF6: "\u0133",
    0xF8: "\u0142", 0xF9: "\u00f8", 0xFA: "\u0153", 0xFB: "\u00df", 0xFC: "\u00fe",
}
_ISO5426_DIACRITICS: dict[int, str] = {
    0xC0: "\u0309", 0xC1: "\u0300", 0xC2: "\u0301", 0xC3: "\u0302", 0xC4: "\u0303", 0xC5: "\u0304",
    0xC6: "\u0306", 0xC7: "\u0307", 0xC8: "\u0308", 0xC9: "\u0308", 0xCA: "\u030a", 0xCB: "\u0315",
    0xCC: "\u0313", 0xCD: "\u030b", 0xCE: "\u031b", 0xCF: "\u030c", 0xD0: "\u0327", 0xD1: "\u031c",
    0xD2: "\u0326", 0xD3: "\u0328", 0xD4: "\u0325", 0xD5: "\u032e", 0xD6: "\u0323", 0xD7: "\u0324",
    0xD8: "\u0332", 0xD9: "\u0333", 0xDA: "\u0329", 0xDB: "\u032d", 0xDD: "\u0360",
}


# ISO registration 37, basic Cyrillic (ISO 5427's basic set), in the right half as UNIMARC's G1:
# bytes C0-FF in the KOI order, as glibc's iconv converts ISO-IR-37 (its 40-7E, and 7F for Ъ).
_BASIC_CYRILLIC = "юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ"


class CharacterSetError(ValueError):
    """Text in a character set we cannot read, or bytes that are not in the set declared."""


def decode_iso5426(data: bytes) -> str:
    """ISO 5426 text (ISO 646 in the left half) in Unicode, composed (NFC).

    Raises CharacterSetError for a byte the set does not define."""
    if data.isascii() and b"\x1b" not in data:
        return data.decode("ascii")
    out: list[str] = []
    marks: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        i += 1
        if byte == 0x1B and i < len(data) and data[i] in b"HI":
            out.append("\x88" if data[i] == 0x48 else "\x89")
            i += 1
            continue
        if byte in _ISO5426_DIACRITICS:
            marks.append(_ISO5426_DIACRITICS[byte])
            continue
        if byte < 0x80:
            char = chr(byte)
        elif byte in _ISO5426_CHARS:
            char = _ISO5426_CHARS[byte]
        else:
            raise CharacterSetError(_("Byte %(byte)s is not a character of ISO 5426.") % {"byte": f"0x{byte:02X}"})
        out.append(char)
        if marks:
            # ISO 5426 writes the marks before their letter, Unicode after it.
            out.extend(reversed(marks))
            marks.clear()
    return unicodedata.normalize("NFC", "".join(out))


def decode_basic_cyrillic(data: bytes) -> str:
    """ISO 646 with ISO registration 37 (basic Cyrillic) in the right half, in Unicode.

    Raises CharacterSetError for a byte the sets do not define."""
    if data.isascii() and b"\x1b" not in data:
        return data.decode("ascii")
    out: list[str] = []
    i = 0
    while i < len(data):
        byte = data[i]
        i += 1
        if byte == 0x1B and i < len(data) and data[i] in b"HI":
            out.append("\x88" if data[i] == 0x48 else "\x89")
            i += 1
        elif byte < 0x80:
            out.append(chr(byte))
        elif byte >= 0xC0:
            out.append(_BASIC_CYRILLIC[byte - 0xC0])
        elif byte in (0x88, 0x89):
            out.append(chr(byte))
        else:
            raise CharacterSetError(
                _("Byte %(byte)s is not a character of the basic Cyrillic set.") % {"byte": f"0x{byte:02X}"}
            )
    return "".join(out)


def character_sets(fixed: str) -> list[str]:
    """The character set codes field 100 $a gives (positions 26-33), blanks left out."""
    area = fixed[26:34]
    return [code for code in (area[i : i + 2] for i in range(0, len(area), 2)) if code.strip()]


def text_decoder(fixed: str):
    """The function that turns this record's bytes into text, chosen from field 100 $a
    (positions 26-33). Raises CharacterSetError for a set we cannot read."""
    codes = character_sets(fixed)
    if not codes:
        # Field 100 missing or short: UTF-8 is what every system writes today.
        return _utf8
    unknown = [c for c in codes if c not in _SUPPORTED_SETS]
    if unknown or (CYRILLIC_SET in codes and ISO5426_SET in codes):
        raise CharacterSetError(
            _("Field 100 gives the character set %(codes)s, which cannot be read (supported: 01 ISO 646, "
              "02 basic Cyrillic, 03 ISO 5426, 50 Unicode).") % {"codes": " ".join(codes)}
        )
    if UTF8_SET in codes:
        return _utf8
    if CYRILLIC_SET in codes:
        return decode_basic_cyrillic
    return decode_iso5426


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CharacterSetError(_("Field 100 says Unicode (50) but the text is not valid UTF-8.")) from exc


# --- telling UNIMARC from MARC 21 -------------------------------------------------------------

_DIRECTORY_TAG = {tag: re.compile(rb"(?:[^\x1e]{12})*?" + tag, re.DOTALL) for tag in (b"245", b"200")}


def looks_unimarc(chunk: bytes) -> bool:
    """Whether an ISO 2709 record is UNIMARC rather than MARC 21, from its directory: a title in
    200 and none in 245. Costs one anchored search on a MARC 21 record (245 is found first):
    0.6 µs a record over the generated bench file."""
    if _DIRECTORY_TAG[b"245"].match(chunk, 24):
        return False
    return bool(_DIRECTORY_TAG[b"200"].match(chunk, 24))


_FIXED_100 = re.compile(r"\d{8}[abcdefghijkux]")


def is_unimarc(record: Record) -> bool:
    """Whether a decoded record (an XML one, or one stored in the catalogue) is UNIMARC: a title
    in 200 and none in 245, or a 100 $a with UNIMARC's general processing data."""
    tags = {f.tag for f in record.fields}
    if "245" in tags:
        return False
    if "200" in tags:
        return True
    return any(_FIXED_100.match(_first_raw(f, "a")) for f in record.get_fields("100"))


def schema_of(record: Record) -> Schema:
    """"cnmarc" for a UNIMARC record that carries the Chinese Library Classification (690) or
    is catalogued in Chinese, "unimarc" for another UNIMARC record, "marc21" otherwise."""
    if not is_unimarc(record):
        return "marc21"
    fixed = general_data(record)
    if record.get_fields("690") or fixed[22:25] == "chi":
        return "cnmarc"
    return "unimarc"


def extract_any(record: Record) -> RecordFields:
    """The searchable fields of a stored record, whichever format it is in."""
    if is_unimarc(record):
        return extract(record)
    return extract_fields(record)


def general_data(record: Record) -> str:
    """Field 100 $a, the general processing data (dates, audience, character sets)."""
    for f in record.get_fields("100"):
        return _first_raw(f, "a")
    return ""


# --- reading ISO 2709 -----------------------------------------------------------------------


class UnimarcDecodeError(ValueError):
    """A UNIMARC record that cannot be read; the message says why."""


def decode_keeping_fields(chunk: bytes) -> tuple[Record, list[str], list[bytes] | None]:
    """Decode one UNIMARC ISO 2709 record into a pymarc Record in Unicode, with leader/09 "a"
    (how the catalogue stores records) and field 100 saying Unicode. The character set comes from
    field 100 $a/26-33, never from the leader. Returns the record and the repairs made.

    Raises UnimarcDecodeError when the record cannot be read, CharacterSetError when its text
    is in a set we cannot read or is not what field 100 says.

    Also returns each field's bytes as iso2709.encode would write them, when the record is in
    UTF-8 already and needed no repair (None otherwise), as iso2709.decode_keeping_fields does:
    the importer then stores them as they are."""
    warnings: list[str] = []
    if len(chunk) < 25:
        raise UnimarcDecodeError(_("The record is shorter than a leader."))
    leader = bytes(b if b < 128 else 32 for b in chunk[:24]).decode("ascii")
    base_text = chunk[12:17]
    directory_end = -1
    if base_text.isdigit():
        base = int(base_text)
        if 24 < base <= len(chunk) and chunk[base - 1] == 0x1E:
            directory_end = base - 1
    if directory_end < 0:
        directory_end = chunk.find(b"\x1e", 24)
        if directory_end < 0:
            raise UnimarcDecodeError(_("The record has no directory."))
        warnings.append(_("The base address in the leader is wrong."))
    base = directory_end + 1
    directory = chunk[24:directory_end]
    if not directory or len(directory) % 12:
        raise UnimarcDecodeError(_("The directory is damaged."))
    data_end = len(chunk) - 1 if chunk[-1] == 0x1D else len(chunk)
    entries: list[tuple[str, bytes]] = []
    lying = False
    for start in range(0, len(directory), 12):
        entry = directory[start : start + 12]
        tag = entry[:3].decode("latin-1")
        length_text, offset_text = entry[3:7], entry[7:12]
        data = b""
        if length_text.isdigit() and offset_text.isdigit():
            begin = base + int(offset_text)
            data = chunk[begin : begin + int(length_text)]
        if not data or data[-1] != 0x1E or base + int(offset_text or 0) + len(data) > data_end:
            lying = True
        entries.append((tag, data[:-1]))
    if lying:
        pieces = chunk[base:data_end].split(b"\x1e")
        if pieces and pieces[-1] == b"":
            pieces.pop()
        if len(pieces) != len(entries):
            raise UnimarcDecodeError(_("The directory does not match the fields in the record."))
        entries = [(tag, piece) for (tag, _data), piece in zip(entries, pieces, strict=True)]
        warnings.append(_("The directory gives wrong field lengths; fields were read by their terminators."))

    fixed = ""
    for tag, data in entries:
        if tag == "100":
            fixed = next((p[1:].decode("latin-1") for p in data.split(b"\x1f")[1:] if p[:1] == b"a"), "")
            break
    decode_text = text_decoder(fixed)

    record = Record()
    record.leader = Leader(leader[:9] + "a" + leader[10:])
    fields = record.fields
    utf8 = decode_text is _utf8
    as_is = utf8 and not warnings
    data_field, control_field, new = iso2709._data_field, iso2709._control_field, tuple.__new__
    for tag, data in entries:
        if tag < "010" and tag.isdigit():
            fields.append(control_field(tag, decode_text(data)))
            continue
        if utf8:
            texts = _utf8(data).split("\x1f")
            subfields = [new(Subfield, (part[:1], part[1:])) for part in texts[1:] if part]
            indicators = texts[0]
            if as_is and len(subfields) != len(texts) - 1:
                as_is = False
        else:
            raw_parts = data.split(b"\x1f")
            indicators = raw_parts[0].decode("latin-1")
            subfields = [
                new(Subfield, (part[:1].decode("latin-1"), decode_text(part[1:]))) for part in raw_parts[1:] if part
            ]
        if len(indicators) != 2:
            warnings.append(_("Field %(tag)s does not start with two indicators.") % {"tag": tag})
            indicators = (indicators + "  ")[:2]
            as_is = False
        if tag == "100":
            unicode = [Subfield(s.code, unicode_general_data(s.value)) if s.code == "a" else s for s in subfields]
            if unicode != subfields:
                subfields, as_is = unicode, False
        fields.append(data_field(tag, indicators[0], indicators[1], subfields))
    if not fields:
        raise UnimarcDecodeError(_("The record has no fields."))
    if not as_is:
        return record, warnings, None
    return record, warnings, [data + b"\x1e" for _tag, data in entries]


def decode(chunk: bytes) -> tuple[Record, list[str]]:
    """decode_keeping_fields without the fields' bytes."""
    record, warnings, _raw = decode_keeping_fields(chunk)
    return record, warnings


def unicode_general_data(fixed: str) -> str:
    """Field 100 $a saying that the record is in Unicode (50 in position 26, blanks to 33)."""
    if len(fixed) < 26:
        return fixed
    if len(fixed) < 34:
        fixed = fixed.ljust(34)
    return fixed[:26] + UTF8_SET + " " * 6 + fixed[34:]


def for_storage(record: Record) -> Record:
    """Field 100 of a record read from XML (Unicode already) saying Unicode."""
    for f in record.get_fields("100"):
        f.subfields = [Subfield(s.code, unicode_general_data(s.value)) if s.code == "a" else s for s in f.subfields]
    return record


def for_export(record: Record) -> Record:
    """The stored record as UNIMARC wants it written: leader/09 and /23 blank (UNIMARC leaves
    them undefined), field 100 saying Unicode."""
    leader = str(record.leader).ljust(24)
    record.leader = Leader(leader[:9] + " " + leader[10:23] + " ")
    for f in record.get_fields("100"):
        f.subfields = [Subfield(s.code, unicode_general_data(s.value)) if s.code == "a" else s for s in f.subfields]
    return record


# --- the fields we search and show ------------------------------------------------------------

# Leader/06, type of record.
_FORMATS: dict[str, str] = {
    "a": Format.BOOK, "b": Format.MANUSCRIPT, "c": Format.SCORE, "d": Format.SCORE,
    "e": Format.MAP, "f": Format.MAP, "g": Format.VIDEO, "i": Format.AUDIO, "j": Format.MUSIC,
    "k": Format.VISUAL, "l": Format.ERESOURCE, "m": Format.KIT, "r": Format.OBJECT,
}
# Field 100 $a/17-19, target audience (the first code).
_AUDIENCES: dict[str, str] = {
    "a": Audience.CHILDREN, "b": Audience.CHILDREN, "c": Audience.CHILDREN, "d": Audience.CHILDREN,
    "e": Audience.YOUNG_ADULT, "k": Audience.SPECIALISED, "m": Audience.ADULT,
}
_SERIAL_LEVELS = frozenset("si")
_LANGUAGE = re.compile(r"[a-z]{3}")
_YEAR = re.compile(r"\d{4}")
# Subject access fields (600 personal name ... 608 form, 610 uncontrolled terms).
_SUBJECT_TAGS = frozenset({"600", "601", "602", "604", "605", "606", "607", "608", "610", "615", "616", "617"})
_PERSON_TAGS = frozenset({"700", "701", "702"})
_CORPORATE_TAGS = frozenset({"710", "711", "712"})
# Classification fields and their schemes: (tag, scheme) for classifications().
_CLASSIFICATIONS: dict[str, str] = {
    "675": "UDC", "676": "DDC", "680": "LCC", "686": "", "690": "CLC", "692": "CAS",
}


def _first_raw(f: Field, code: str) -> str:
    for s in f.subfields:
        if s.code == code:
            return s.value
    return ""


def _text(value: str) -> str:
    if "\x88" in value or "\x89" in value:
        value = value.translate(_NON_SORT_TABLE)
    return clean(value)


def _all(f: Field, code: str) -> list[str]:
    return [v for v in (_text(s.value) for s in f.subfields if s.code == code) if v]


def _first(f: Field, code: str) -> str:
    values = _all(f, code)
    return values[0] if values else ""


def _person(f: Field) -> str:
    # $a entry element, $b part of name other than the entry element, $d roman numerals,
    # $c additions, $f dates.
    name = _first(f, "a")
    rest = _first(f, "b").lstrip(", ").strip()
    if rest:
        name = f"{name}, {rest}" if name else rest
    extra = [v for code in "dcf" for v in _all(f, code)]
    return " ".join([name, *extra]).strip()


def _corporate(f: Field) -> str:
    # $a entry element, $b subdivisions; a meeting's $d number, $f date and $e place after them.
    name = ". ".join(_all(f, "a") + _all(f, "b"))
    meeting = " ".join(_all(f, "d") + _all(f, "f") + _all(f, "e"))
    return f"{name} {meeting}".strip() if meeting else name


def classifications(record: Record) -> list[tuple[str, str]]:
    """(scheme, number) of every classification in the record: UDC (675), Dewey (676), Library of
    Congress (680), the Chinese Library Classification (690 in CNMARC; 686 with $2 "clc") and
    other schemes from 686 $2."""
    found: list[tuple[str, str]] = []
    for f in record.fields:
        scheme = _CLASSIFICATIONS.get(f.tag)
        if scheme is None:
            continue
        if f.tag == "686":
            scheme = _first(f, "2").upper() or "local"
        for number in _all(f, "a"):
            found.append((scheme, number))
    return found


def extract(record: pymarc.Record) -> RecordFields:
    """Read the searchable and displayed fields of a UNIMARC or CNMARC record: 001, 010 ISBN,
    011 ISSN, 100 dates and audience, 101 languages, 200 title ($a, $e, $f), 205 edition,
    210/214 publication, 225 series, 330 summary, 600-617 subjects, 700-702 and 710-712 names,
    801 the agency the control number belongs to."""
    out = RecordFields()
    fixed = general_data(record)
    publication: Field | None = None
    publication_rank = 9
    authors: list[str] = []
    subjects: list[str] = []
    isbns: list[str] = []
    issns: list[str] = []
    languages: list[str] = []
    series: list[str] = []
    summaries: list[str] = []
    source = ""
    for f in record.fields:
        tag = f.tag
        if f.control_field:
            if tag == "001":
                out.control_number = (f.data or "").strip()
            continue
        if tag == "200" and not out.title:
            titles = _all(f, "a")
            out.title = " ; ".join(titles)
            parts = _all(f, "h") + _all(f, "i")
            if parts:
                out.title = ". ".join([out.title, *parts])
            out.subtitle = " : ".join(_all(f, "e"))
            out.responsibility = " ; ".join(_all(f, "f") + _all(f, "g"))
        elif tag in _PERSON_TAGS:
            if name := _person(f):
                authors.append(name)
        elif tag in _CORPORATE_TAGS:
            if name := _corporate(f).strip():
                authors.append(name)
        elif tag in _SUBJECT_TAGS:
            subject = " -- ".join(
                v for v in (_text(s.value) for s in f.subfields if s.code.isalpha()) if v
            )
            if subject:
                subjects.append(subject)
        elif tag == "010":
            for value in _all(f, "a"):
                if isbn := normalise_isbn(value):
                    isbns.append(isbn)
        elif tag == "011":
            for value in _all(f, "a"):
                if issn := normalise_issn(value):
                    issns.append(issn)
        elif tag == "101":
            for s in f.subfields:
                if s.code == "a" and _LANGUAGE.fullmatch(code := s.value.strip().lower()):
                    languages.append(code)
        elif tag in ("210", "214"):
            # 214 (since 2012) with second indicator 0 is the publication statement; prefer it,
            # then an older 210.
            rank = 0 if tag == "214" and f.indicator2 == "0" else (2 if tag == "210" else 1)
            if rank < publication_rank:
                publication, publication_rank = f, rank
        elif tag == "205" and not out.edition:
            out.edition = " ".join(_all(f, "a") + _all(f, "b"))
        elif tag == "225":
            if value := " ; ".join(_all(f, "a") + _all(f, "v")):
                series.append(value)
        elif tag == "330" and (value := " ".join(_all(f, "a"))):
            summaries.append(value)
        elif tag == "801" and (not source or f.indicator2 == "0"):
            source = _first(f, "b")
    out.authors = list(dict.fromkeys(authors))
    out.subjects = list(dict.fromkeys(subjects))
    out.isbns = list(dict.fromkeys(isbns))
    out.issns = list(dict.fromkeys(issns))
    out.languages = list(dict.fromkeys(languages))
    out.series = "; ".join(series)
    out.summary = "\n\n".join(summaries)
    out.control_source = source
    if publication is not None:
        out.place = _first(publication, "a").strip("[]")
        out.publisher = _first(publication, "c")
    year_text = fixed[9:13]
    if year_text.isdigit() and year_text != "0000":
        out.year = int(year_text)
    elif publication is not None and (match := _YEAR.search(_first(publication, "d"))):
        out.year = int(match.group(0))
    leader = str(record.leader)
    if leader[7:8] in _SERIAL_LEVELS:
        out.format = str(Format.SERIAL)
    else:
        out.format = str(_FORMATS.get(leader[6:7], Format.OTHER))
    out.audience = str(_AUDIENCES.get(fixed[17:18], "")) if out.format != Format.SERIAL else ""
    return out


# --- holdings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoldingsMap:
    """Which subfields of a holdings field say what about an item. Libraries differ: Koha and
    many French and Ukrainian systems put items in 995, others in 852."""

    tag: str
    barcode: str
    branch: str
    branch_fallback: str
    location: str
    call_number: str
    item_type: str = ""
    note: str = ""
    acquired: str = ""
    price: str = ""
    lost: str = ""
    not_for_loan: str = ""


HOLDINGS: dict[str, HoldingsMap] = {
    # Koha's UNIMARC framework, as the French and Ukrainian libraries using it have it.
    "995": HoldingsMap(
        tag="995", barcode="f", branch="b", branch_fallback="c", location="e", call_number="k",
        item_type="r", note="u", acquired="5", lost="2", not_for_loan="o",
    ),
    # UNIMARC 852 Location and call number: $a institution, $b sublocation (the branch),
    # $j call number; the barcode in $p as MARC 21 holdings have it.
    "852": HoldingsMap(
        tag="852", barcode="p", branch="b", branch_fallback="a", location="c", call_number="j",
        note="z",
    ),
}
DEFAULT_HOLDINGS = "995"


def holdings_field(item_values: dict[str, str], mapping: HoldingsMap) -> Field:
    """A holdings field in `mapping`'s layout from the item's values by role name."""
    subfields = []
    for role in ("branch", "location", "acquired", "price", "call_number", "barcode", "item_type", "note",
                 "lost", "not_for_loan"):
        code = getattr(mapping, role)
        value = item_values.get(role, "")
        if code and value:
            subfields.append(Subfield(code, value))
    return Field(tag=mapping.tag, indicators=Indicators(" ", " "), subfields=subfields)
