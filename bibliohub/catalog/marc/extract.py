"""The fields we search, sort and show, taken from a MARC 21 bibliographic record.

A pure function of the record: no database, no settings. The import calls it for every
record and the cataloguing screens call it again after a record is edited.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pymarc
from stdnum import ean as stdnum_ean
from stdnum import isbn as stdnum_isbn
from stdnum import issn as stdnum_issn

from bibliohub.catalog.models import Audience, Format


@dataclass
class RecordFields:
    """Exactly the extracted fields of catalog.Record."""

    title: str = ""
    subtitle: str = ""
    responsibility: str = ""
    authors: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)
    issns: list[str] = field(default_factory=list)
    publisher: str = ""
    place: str = ""
    year: int | None = None
    languages: list[str] = field(default_factory=list)
    format: str = Format.BOOK.value
    audience: str = ""
    series: str = ""
    summary: str = ""
    edition: str = ""
    control_number: str = ""
    control_source: str = ""
    # The 880 fields (alternate graphic representation): see vernacular_fields.
    vernacular: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        # dataclasses.asdict deep-copies every list; the import calls this a million times.
        return dict(self.__dict__)


# ISBD punctuation that ends a subfield because of what follows it, not because it belongs.
_TRAILING = " \t/:;,=+"
_YEAR = re.compile(r"\d{4}")
_ISBN_CANDIDATE = re.compile(r"[0-9Xx][0-9Xx\- ]{8,}[0-9Xx]")
_LANGUAGE = re.compile(r"[a-z]{3}")
# A final full stop belongs to the text after an initial or a capitalised abbreviation
# ("Smith, J.", "Jr.", "Inc.", "Vt."), a few lower-case ones, and an ellipsis.
_KEEP_PERIOD = re.compile(r"(?:\b[^\W\d_]|\b[A-Z][a-z]{1,2}|\b(?:etc|ed|eds|ca|co|no|pbk)|\.\.)\.$")

_FORMATS: dict[str, str] = {
    "a": Format.BOOK, "t": Format.MANUSCRIPT, "c": Format.SCORE, "d": Format.SCORE,
    "e": Format.MAP, "f": Format.MAP, "g": Format.VIDEO, "i": Format.AUDIO, "j": Format.MUSIC,
    "k": Format.VISUAL, "m": Format.ERESOURCE, "o": Format.KIT, "p": Format.KIT,
    "r": Format.OBJECT,
}
_AUDIENCES: dict[str, str] = {
    "a": Audience.CHILDREN, "b": Audience.CHILDREN, "c": Audience.CHILDREN, "j": Audience.CHILDREN,
    "d": Audience.YOUNG_ADULT, "e": Audience.ADULT, "f": Audience.SPECIALISED, "g": Audience.GENERAL,
}
# Record types whose 008/22 is the target audience (books, music, visual materials, computer
# files). For maps and continuing resources the same position means something else.
_AUDIENCE_TYPES = frozenset("acdijgkormt")
_SERIAL_LEVELS = frozenset("bis")

_AUTHOR_SUBFIELDS = {
    "100": "abcdq", "700": "abcdq", "110": "abcdn", "710": "abcdn", "111": "acdnq", "711": "acdnq",
}


def clean(text: str) -> str:
    """Strip the ISBD punctuation and spaces a cataloguer put after a subfield."""
    text = text.strip().rstrip(_TRAILING)
    if text.endswith(".") and not _KEEP_PERIOD.search(text):
        text = text[:-1].rstrip(_TRAILING)
    return text


def _join(f: pymarc.Field, codes: str, sep: str = " ") -> str:
    return sep.join(v for v in (clean(s.value) for s in f.subfields if s.code and s.code in codes) if v)


def _first(f: pymarc.Field, code: str) -> str:
    for s in f.subfields:
        if s.code == code:
            return clean(s.value)
    return ""


def normalise_isbn(value: str) -> str:
    """The ISBN-13 in `value` (which may carry a qualifier such as "(pbk.)"), or "" when it
    has none that is valid."""
    match = _ISBN_CANDIDATE.search(value)
    if not match:
        return ""
    # stdnum's validate() cleans the number several times over; the check digits are what
    # matter, and computing them directly keeps a million-record import fast.
    number = match.group(0).replace("-", "").replace(" ", "").upper()
    if len(number) == 10 and number[:-1].isdigit():
        if stdnum_isbn._calc_isbn10_check_digit(number[:-1]) != number[-1]:
            return ""
        body = "978" + number[:-1]
        return body + stdnum_ean.calc_check_digit(body)
    if len(number) == 13 and number.isdigit() and number[:3] in ("978", "979"):
        return number if stdnum_ean.calc_check_digit(number[:-1]) == number[-1] else ""
    return ""


def normalise_issn(value: str) -> str:
    candidate = value.strip().split(" ")[0]
    if not stdnum_issn.is_valid(candidate):
        return ""
    return stdnum_issn.format(candidate)


def _record_format(leader: str, physical: str) -> str:
    kind = leader[6:7]
    if kind == "a" and leader[7:8] in _SERIAL_LEVELS:
        return Format.SERIAL
    if kind in ("a", "t") and physical == "c":
        return Format.ERESOURCE  # text read on a computer or online (an e-book)
    return _FORMATS.get(kind, Format.OTHER)


def _languages(fixed: str, fields041: list[pymarc.Field]) -> list[str]:
    codes: list[str] = []
    code = fixed[35:38].lower() if len(fixed) >= 38 else ""
    if _LANGUAGE.fullmatch(code):
        codes.append(code)
    for f in fields041:
        for s in f.subfields:
            if s.code in ("a", "d"):
                value = s.value.strip().lower()
                # Records from before 2001 run several codes together ("engfre").
                codes.extend(
                    value[i : i + 3] for i in range(0, len(value) - len(value) % 3, 3)
                    if _LANGUAGE.fullmatch(value[i : i + 3])
                )
    return list(dict.fromkeys(codes))


# The part of the record a linked 880 field stands beside, by the tag its $6 links it to.
_LINKED_ROLES = {
    "245": "title", "130": "title", "240": "title", "246": "title", "730": "title", "740": "title",
    "100": "author", "110": "author", "111": "author", "700": "author", "710": "author", "711": "author",
}
_RIGHT_TO_LEFT = frozenset({"R", "AL"})


def _direction(orientation: str, text: str) -> str:
    """"rtl" or "ltr": what $6 says (r after the script code), else the first letter."""
    if orientation == "r":
        return "rtl"
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RIGHT_TO_LEFT:
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _linked_text(tag: str, f: pymarc.Field) -> str:
    if tag == "245":
        title, subtitle = _join(f, "afgknp"), _first(f, "b")
        return f"{title} : {subtitle}" if title and subtitle else title or subtitle
    if tag in _AUTHOR_SUBFIELDS:
        return _join(f, _AUTHOR_SUBFIELDS[tag])
    if tag[:1] == "6":
        return " -- ".join(v for v in (clean(s.value) for s in f.subfields if s.code.isalpha()) if v)
    return _join(f, "abcdefghijklmnopqrstuvwxyz")


def vernacular_fields(record: pymarc.Record, romanised: dict[str, str] | None = None) -> list[dict[str, str]]:
    """The 880 fields of `record`, each as {"role", "tag", "text", "dir", "linked"}: the role
    of the field it is linked to (title, author, subject, or other: publisher, series,
    notes…), that field's tag, its text as the extractor reads that tag, its writing direction
    and, when the linked field was found, the linked field's own (romanised) text, so that
    the two can be shown together. An 880 whose $6 has no occurrence number (00) stands alone
    and is kept all the same."""
    result: list[dict[str, str]] = []
    for f in record.get_fields("880"):
        link = (f.get("6") or "").strip()
        tag = link[:3]
        if not (len(tag) == 3 and tag.isdigit()):
            continue
        parts = link.split("/")
        occurrence = parts[0][4:6]
        orientation = parts[2].strip().lower() if len(parts) > 2 else ""
        text = _linked_text(tag, f)
        if not text:
            continue
        role = _LINKED_ROLES.get(tag) or ("subject" if tag[:1] == "6" else "other")
        linked = (romanised or {}).get(f"{tag}-{occurrence}", "") if occurrence not in ("", "00") else ""
        result.append({"role": role, "tag": tag, "text": text, "dir": _direction(orientation, text), "linked": linked})
    return result


def _romanised_links(record: pymarc.Record) -> dict[str, str]:
    """The text of each field that a 880 links back to, by "tag-occurrence" (245-01)."""
    links: dict[str, str] = {}
    for f in record.fields:
        if f.control_field or f.tag == "880":
            continue
        link = f.get("6")
        if link and link.startswith("880-") and len(link) >= 6:
            links[f"{f.tag}-{link[4:6]}"] = _linked_text(f.tag, f)
    return links


def extract_fields(record: pymarc.Record) -> RecordFields:
    """Read the searchable and displayed fields of `record` (see RecordFields)."""
    out = RecordFields()
    leader = str(record.leader)
    fixed = ""
    physical = ""
    authors: list[str] = []
    subjects: list[str] = []
    isbns: list[str] = []
    issns: list[str] = []
    languages041: list[pymarc.Field] = []
    has_vernacular = False
    publication: pymarc.Field | None = None
    publication_rank = 9
    series490: list[str] = []
    series830: list[str] = []
    summaries: list[str] = []
    for f in record.fields:
        tag = f.tag
        if f.control_field:
            data = f.data or ""
            if tag == "001":
                out.control_number = data.strip()
            elif tag == "003":
                out.control_source = data.strip()
            elif tag == "008":
                fixed = data
            elif tag == "007" and not physical:
                physical = data[:1]
            continue
        first = tag[:1]
        if tag == "245" and not out.title:
            out.title = _join(f, "afgknp")
            out.subtitle = _first(f, "b")
            out.responsibility = _first(f, "c")
        elif tag in _AUTHOR_SUBFIELDS:
            name = _join(f, _AUTHOR_SUBFIELDS[tag])
            if name:
                authors.append(name)
        elif first == "6":
            subject = " -- ".join(
                v for v in (clean(s.value) for s in f.subfields if s.code.isalpha()) if v
            )
            if subject:
                subjects.append(subject)
        elif tag == "020":
            for s in f.subfields:
                if s.code == "a" and (value := normalise_isbn(s.value)):
                    isbns.append(value)
        elif tag == "022":
            for s in f.subfields:
                if s.code == "a" and (value := normalise_issn(s.value)):
                    issns.append(value)
        elif tag == "041":
            languages041.append(f)
        elif tag in ("260", "264"):
            # Prefer the publication statement (264 second indicator 1) over production,
            # distribution or copyright dates, and either over an older 260.
            rank = 0 if tag == "264" and f.indicator2 == "1" else (1 if tag == "264" else 2)
            if rank < publication_rank:
                publication, publication_rank = f, rank
        elif tag == "250" and not out.edition:
            out.edition = _join(f, "ab")
        elif tag == "490":
            if value := _join(f, "av", " ; "):
                series490.append(value)
        elif tag == "830":
            if value := _join(f, "anpv", " ; "):
                series830.append(value)
        elif tag == "520" and (value := " ".join(s.value.strip() for s in f.subfields if s.code in ("a", "b"))):
            summaries.append(value)
        elif tag == "880":
            has_vernacular = True

    out.authors = list(dict.fromkeys(authors))
    out.subjects = list(dict.fromkeys(subjects))
    out.isbns = list(dict.fromkeys(isbns))
    out.issns = list(dict.fromkeys(issns))
    out.series = "; ".join(series490 or series830)
    out.summary = "\n\n".join(summaries)
    if publication is not None:
        out.place = _first(publication, "a").strip("[]")
        out.publisher = _first(publication, "b")
    year_text = fixed[7:11]
    if year_text.isdigit() and year_text != "0000":
        out.year = int(year_text)
    elif publication is not None and (match := _YEAR.search(_first(publication, "c"))):
        out.year = int(match.group(0))
    out.languages = _languages(fixed, languages041)
    out.format = str(_record_format(leader, physical))
    kind = leader[6:7]
    if len(fixed) > 22 and kind in _AUDIENCE_TYPES and not (kind == "a" and leader[7:8] in _SERIAL_LEVELS):
        out.audience = str(_AUDIENCES.get(fixed[22], ""))
    if has_vernacular:
        out.vernacular = vernacular_fields(record, _romanised_links(record))
    return out
