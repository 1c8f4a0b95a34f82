"""Stream MARC records out of ISO 2709 or MARCXML files, one at a time, in flat memory.

Every record that cannot be read becomes a Problem naming where it is (record number, byte
offset or line, control number when readable) and why; reading goes on with the next one.
"""

from __future__ import annotations

import codecs
import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from django.utils.translation import gettext as _
from lxml import etree
from pymarc import Field, Indicators, Leader, Record, Subfield

from bibliohub.catalog.marc import iso2709, unimarc
from bibliohub.catalog.marc.unimarc import Schema, SchemaChoice

Format = Literal["iso2709", "marcxml", "auto"]
FORMATS = ("iso2709", "marcxml", "auto")
MARCXML_NS = "http://www.loc.gov/MARC21/slim"
# ISO 25577 MarcXchange, in which UNIMARC records are often exchanged as XML.
MARCXCHANGE_NS = ("info:lc/xmlns/marcxchange-v1", "info:lc/xmlns/marcxchange-v2")
BLOCK = 1 << 20
# A run of bytes this long without a record terminator is not MARC we can resynchronise on.
MAX_RECORD_SEARCH = 16 << 20
# Bytes some systems put between ISO 2709 records (line ends, padding, DOS end-of-file).
_SEPARATORS = frozenset(b"\r\n\x00\x1a\x1d\x1e")


class NotMarcError(Exception):
    """The file is not MARC at all (neither ISO 2709 nor MARCXML)."""


@dataclass(frozen=True)
class Problem:
    """Something wrong with one record. `skipped` is False when the record was still loaded
    (an unknown branch code on an item, a leader that lied about the encoding)."""

    file: str
    position: int
    reason: str
    offset: int | None = None
    line: int | None = None
    control_number: str = ""
    skipped: bool = True

    def to_dict(self) -> dict[str, object]:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        where = _("record %(position)d") % {"position": self.position}
        if self.control_number:
            where += f" ({self.control_number})"
        if self.offset is not None:
            where += ", " + _("byte %(offset)d") % {"offset": self.offset}
        if self.line is not None:
            where += ", " + _("line %(line)d") % {"line": self.line}
        return f"{self.file}: {where}: {self.reason}"


@dataclass
class ReadRecord:
    """A record read in Unicode (leader/09 "a"), with what had to be repaired on the way."""

    position: int
    record: Record
    offset: int | None = None
    line: int | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)
    # Each field of `record` as iso2709.encode would write it, when the file had it so already
    # (see iso2709.decode_keeping_fields); None otherwise.
    field_bytes: list[bytes] | None = None
    # The record's format: MARC 21, or UNIMARC / CNMARC (kept as such, in UTF-8).
    schema: Schema = "marc21"


def sniff(head: bytes) -> Literal["iso2709", "marcxml"]:
    """Tell ISO 2709 from MARCXML by the first bytes; raise NotMarcError for anything else."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if text.startswith(b"<"):
        return "marcxml"
    if (text[:5].isdigit() and (b"\x1e" in text or b"\x1d" in text)) or (b"\x1e" in text and b"\x1f" in text):
        return "iso2709"
    raise NotMarcError(_("This is not a MARC file (neither ISO 2709 nor MARCXML)."))


def probe(stream: BinaryIO, *, format: Format = "auto") -> Literal["iso2709", "marcxml"]:
    """Check from its first bytes that `stream` is MARC (in `format`, when given) and return
    which kind; raise NotMarcError otherwise. Reads from the current position."""
    head = stream.read(1 << 16)
    found = sniff(head)
    if format != "auto" and found != format:
        raise NotMarcError(_("This file is not %(format)s.") % {"format": "MARCXML" if format == "marcxml" else "ISO 2709"})
    if found == "marcxml":
        root = _root_tag(head)
        if root is not None and not _is_marcxml_root(root):
            raise NotMarcError(_("This XML file is not MARCXML."))
    return found


def _root_tag(head: bytes) -> str | None:
    """The tag of the first element of the XML that begins with `head`, None when `head` ends
    before it. Only what comes before that element must be well-formed: a record broken
    further on is the reader's to report, and a file of bare <record> elements (one XML
    declaration each, or none) is MARCXML too. Raises NotMarcError when the XML cannot be
    read up to the first element."""
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    error: etree.XMLSyntaxError | None = None
    try:
        parser.feed(head)
    except etree.XMLSyntaxError as exc:
        error = exc
    root = next((element.tag for _event, element in parser.read_events()), None)
    if root is None and error is not None:
        raise NotMarcError(_("This is not a MARC file: the XML cannot be read (%(error)s).") % {"error": error}) from error
    return root if isinstance(root, str) else None


def read_records(
    stream: BinaryIO, *, format: Format = "auto", name: str = "", schema: SchemaChoice = "auto"
) -> Iterator[ReadRecord | Problem]:
    """Yield every record of `stream` as a ReadRecord, or a Problem when it cannot be read.

    `schema` says whether the records are MARC 21, UNIMARC or CNMARC; "auto" tells each record
    apart (unimarc.looks_unimarc). A UNIMARC record's character set comes from its field 100.
    Raises NotMarcError before yielding anything when the file is not MARC."""
    if format not in FORMATS:
        raise ValueError(f"unknown MARC format {format!r}")
    if schema not in unimarc.SCHEMAS:
        raise ValueError(f"unknown MARC schema {schema!r}")
    head = stream.read(BLOCK)
    if format == "auto":
        format = sniff(head)
    if format == "marcxml":
        if _local(_root_tag_or_none(head)) == "record" and b"\x00" not in head[:64]:
            return _read_marcxml(_BareRecords(head, stream), name=name, schema=schema)
        return _read_marcxml(_Prefixed(head, stream), name=name, schema=schema)
    return _read_iso2709(head, stream, name=name, schema=schema)


def _root_tag_or_none(head: bytes) -> str | None:
    try:
        return _root_tag(head)
    except NotMarcError:
        return None  # the parser itself says so, with the line


class _Prefixed:
    """A stream with its first bytes (already read for sniffing) put back in front."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0:
                data, self._head = self._head + self._stream.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._stream.read(size)


# An XML declaration, with its encoding; other processing instructions (<?xml-stylesheet …?>)
# are not declarations.
_DECLARATION = re.compile(rb"<\?xml\s[^>]*\?>")
_ENCODING = re.compile(rb"""\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")


class _BareRecords:
    """A file of <record> elements with no <collection> around them (records saved one at a
    time and put together, each with its XML declaration or none, with or without the MARC
    namespace) read as the collection it stands for: a <collection> element is put around
    the records and every XML declaration is taken out, keeping its line breaks so that
    lines are still those of the file. The first declaration's encoding is kept. Streams, in
    blocks, like the rest of the reader."""

    block = BLOCK

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        head = head.removeprefix(codecs.BOM_UTF8)
        first = _DECLARATION.match(head.lstrip())
        encoding = _ENCODING.search(first.group()) if first else None
        prologue = b'<?xml version="1.0" encoding="%s"?>' % encoding.group(1) if encoding else b""
        self._stream = stream
        self._pending = head  # read, but perhaps ending inside a declaration
        self._out = prologue + b"<collection>"
        self._pos = 0
        self._done = False

    def read(self, size: int = -1) -> bytes:
        while self._pos >= len(self._out) and not self._done:
            self._fill()
        if size < 0:
            size = len(self._out) - self._pos
        data = self._out[self._pos : self._pos + size]
        self._pos += len(data)
        return data

    def _fill(self) -> None:
        more = self._stream.read(self.block)
        data = self._pending + more
        if not more:
            self._out, self._pending, self._done = _undeclared(data) + b"</collection>", b"", True
        else:
            # Keep back a tag cut in two by the block: it may be a declaration.
            cut = data.rfind(b"<")
            if cut < 0 or data.find(b">", cut) >= 0:
                cut = len(data)
            self._out, self._pending = _undeclared(data[:cut]), data[cut:]
        self._pos = 0


def _undeclared(data: bytes) -> bytes:
    return _DECLARATION.sub(lambda m: b"\n" * m.group().count(b"\n"), data)


def _read_iso2709(
    head: bytes, stream: BinaryIO, *, name: str, schema: SchemaChoice = "auto"
) -> Iterator[ReadRecord | Problem]:
    buf = head
    pos = 0  # position in buf
    start_of_buf = 0  # file offset of buf[0]
    eof = not head
    position = 0

    def fill(wanted: int) -> bool:
        """Make sure buf holds `wanted` bytes from pos on; False at the end of the file."""
        nonlocal buf, pos, start_of_buf, eof
        while len(buf) - pos < wanted and not eof:
            more = stream.read(max(BLOCK, wanted))
            if not more:
                eof = True
                break
            buf = buf[pos:] + more
            start_of_buf += pos
            pos = 0
        return len(buf) - pos >= wanted

    while True:
        while True:
            if pos >= len(buf) and not fill(1):
                return
            if buf[pos] in _SEPARATORS:
                pos += 1
                continue
            break
        position += 1
        offset = start_of_buf + pos
        warnings: list[str] = []
        fill(5)
        length_text = buf[pos : pos + 5]
        length = int(length_text) if length_text.isdigit() else 0
        chunk = b""
        if length >= 25 and fill(length):
            end = pos + length - 1
            if buf[end] == iso2709.RECORD_TERMINATOR and buf.find(b"\x1d", pos, end) < 0:
                chunk = buf[pos : end + 1]
        if not chunk:
            # The stated length is wrong (or is our overlong marker): the terminator decides.
            searched = 0
            end = buf.find(b"\x1d", pos)
            while end < 0 and not eof and searched < MAX_RECORD_SEARCH:
                searched = len(buf) - pos
                fill(searched + BLOCK)
                end = buf.find(b"\x1d", pos)
            if end < 0:
                rest = buf[pos:]
                if not rest.strip():
                    return  # padding after the last record
                if len(rest) >= MAX_RECORD_SEARCH:
                    yield Problem(name, position, _("No record terminator found; the rest of the file was not read."), offset=offset)
                    return
                yield Problem(
                    name, position, _("The file ends in the middle of a record."),
                    offset=offset, control_number=iso2709.control_number_of(rest),
                )
                return
            chunk = buf[pos : end + 1]
            if length_text != iso2709.OVERLONG_LENGTH:
                warnings.append(_("The record length in the leader is wrong."))
        pos += len(chunk)
        if schema != "marc21" and (schema != "auto" or unimarc.looks_unimarc(chunk)):
            yield _read_unimarc(chunk, name, position, offset, warnings, schema)
            continue
        try:
            record, repairs, field_bytes = iso2709.decode_keeping_fields(chunk)
        except iso2709.DecodeError as exc:
            yield Problem(name, position, str(exc), offset=offset, control_number=iso2709.control_number_of(chunk))
            continue
        except (ValueError, IndexError, KeyError, UnicodeError) as exc:
            yield Problem(
                name, position, _("The record cannot be read: %(error)s") % {"error": exc},
                offset=offset, control_number=iso2709.control_number_of(chunk),
            )
            continue
        warnings.extend(repairs)
        yield ReadRecord(
            position=position, record=record, offset=offset, warnings=warnings, field_bytes=field_bytes
        )


def _read_unimarc(
    chunk: bytes, name: str, position: int, offset: int, warnings: list[str], schema: SchemaChoice
) -> ReadRecord | Problem:
    try:
        record, repairs, field_bytes = unimarc.decode_keeping_fields(chunk)
    except (unimarc.UnimarcDecodeError, unimarc.CharacterSetError) as exc:
        return Problem(name, position, str(exc), offset=offset, control_number=iso2709.control_number_of(chunk))
    except (ValueError, IndexError, KeyError, UnicodeError) as exc:
        return Problem(
            name, position, _("The record cannot be read: %(error)s") % {"error": exc},
            offset=offset, control_number=iso2709.control_number_of(chunk),
        )
    found: Schema = unimarc.schema_of(record) if schema == "auto" else schema  # type: ignore[assignment]
    if found == "marc21":
        found = "unimarc"
    return ReadRecord(
        position=position, record=record, offset=offset, warnings=[*warnings, *repairs],
        field_bytes=None if warnings else field_bytes, schema=found,
    )


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _is_marcxml_root(tag: object) -> bool:
    # Index Data's "turbomarc" also has a <collection>, in its own namespace.
    return isinstance(tag, str) and tag in (
        f"{{{MARCXML_NS}}}collection", f"{{{MARCXML_NS}}}record", "collection", "record",
        *(f"{{{ns}}}{local}" for ns in MARCXCHANGE_NS for local in ("collection", "record")),
    )


def _record_from_xml(element: etree._Element) -> tuple[Record, list[str]]:
    warnings: list[str] = []
    record = Record()
    leader = ""
    fields = record.fields
    for child in element:
        kind = _local(child.tag)
        if kind == "leader":
            leader = child.text or ""
        elif kind in ("controlfield", "datafield"):
            tag = (child.get("tag") or "").strip()
            if tag.isdigit() and len(tag) < 3:
                warnings.append(_("Tag %(tag)s was read as %(fixed)s.") % {"tag": tag, "fixed": tag.zfill(3)})
                tag = tag.zfill(3)
            if len(tag) != 3 or not tag.isalnum() or not tag.isascii():
                warnings.append(_("A field with the invalid tag “%(tag)s” was left out.") % {"tag": tag})
                continue
            if kind == "controlfield" or iso2709.is_control_tag(tag):
                fields.append(Field(tag=tag, data=child.text or ""))
                continue
            ind1 = (child.get("ind1") or " ")[:1]
            ind2 = (child.get("ind2") or " ")[:1]
            subfields = [
                Subfield((sub.get("code") or " ")[:1], sub.text or "")
                for sub in child
                if _local(sub.tag) == "subfield"
            ]
            fields.append(Field(tag=tag, indicators=Indicators(ind1, ind2), subfields=subfields))
    if not fields:
        raise iso2709.DecodeError(_("The record has no fields."))
    if len(leader) != 24:
        warnings.append(_("The leader is %(count)d characters long instead of 24.") % {"count": len(leader)})
        leader = (leader + " " * 24)[:24]
    if not leader.isascii():
        leader = "".join(c if c.isascii() else " " for c in leader)
    # XML text is Unicode already, whatever leader/09 said.
    record.leader = Leader(leader[:9] + "a" + leader[10:])
    return record, warnings


def _xml_schema(record: Record, element: etree._Element, schema: SchemaChoice) -> Schema:
    if schema != "auto":
        return schema
    declared = (element.get("format") or "").strip().upper()
    if declared in ("UNIMARC", "CNMARC"):
        return "cnmarc" if declared == "CNMARC" or record.get_fields("690") else "unimarc"
    return unimarc.schema_of(record)


def _read_marcxml(stream: _Prefixed | _BareRecords, *, name: str, schema: SchemaChoice = "auto") -> Iterator[ReadRecord | Problem]:
    position = 0
    checked_root = False
    events = etree.iterparse(
        stream, events=("start", "end"), huge_tree=True, resolve_entities=False, no_network=True,
        remove_comments=True, remove_pis=True,
    )
    try:
        for event, element in events:
            local = _local(element.tag)
            if event == "start":
                if not checked_root:
                    checked_root = True
                    if not _is_marcxml_root(element.tag):
                        raise NotMarcError(_("This XML file is not MARCXML."))
                continue
            parent = element.getparent()
            if local != "record" or (parent is not None and _local(parent.tag) != "collection"):
                continue
            position += 1
            line = element.sourceline
            try:
                record, warnings = _record_from_xml(element)
            except (iso2709.DecodeError, ValueError) as exc:
                yield Problem(name, position, str(exc), line=line, control_number=_xml_control_number(element))
            else:
                found = _xml_schema(record, element, schema)
                if found != "marc21":
                    # XML text is Unicode already, whatever field 100 said.
                    unimarc.for_storage(record)
                yield ReadRecord(position=position, record=record, line=line, warnings=warnings, schema=found)
            # Keep memory flat: drop the record and everything before it.
            element.clear()
            if parent is not None:
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        if not checked_root:
            raise NotMarcError(_("This is not a MARC file: the XML cannot be read (%(error)s).") % {"error": exc}) from exc
        yield Problem(
            name, position + 1,
            _("The XML is broken here (%(error)s); the rest of the file was not read.") % {"error": exc},
            line=exc.lineno,
        )


def _xml_control_number(element: etree._Element) -> str:
    for child in element:
        if _local(child.tag) == "controlfield" and child.get("tag") == "001":
            return (child.text or "").strip()
    return ""
