"""ISO 2709 records to pymarc Records and back, for MARC 21 in MARC-8 or UTF-8.

pymarc's own decoder stops at the first inconsistency and re-decodes every subfield; this one
decodes a UTF-8 field once, repairs what can be repaired without guessing (a record length or
directory lengths that do not match the field terminators) and says what it repaired.

Records longer than ISO 2709 allows in MARC 21 (99,999 bytes, or a field over 9,999 bytes) are
written with a wider directory entry map, which ISO 2709 itself permits: leader/20 and
leader/21 give the number of digits of the field length and of the starting position, and
the record length reads 99999 ("at least this long; read to the record terminator"). Nothing is
dropped or split; `decode` reads such records back.
"""

from __future__ import annotations

import contextlib
import io
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pymarc import Field, Indicators, Leader, Record, Subfield
from pymarc.marc8 import marc8_to_unicode

FIELD_TERMINATOR = 0x1E
RECORD_TERMINATOR = 0x1D
SUBFIELD_DELIMITER = 0x1F
ESCAPE = b"\x1b"
MAX_LENGTH = 99_999
OVERLONG_LENGTH = b"99999"


class DecodeError(ValueError):
    """A record that cannot be read; the message says why in plain words."""


def is_control_tag(tag: str) -> bool:
    # As pymarc and ruby-marc do: only numeric tags below 010 are control fields.
    return tag < "010" and tag.isdigit()


# In MARC-8 a byte above 0x7F is a special letter or a combining mark that precedes its base
# letter, so four of them in a row do not happen; in a single-byte code page (Windows-1251,
# DOS 866) every letter of a Cyrillic word is one.
_CODE_PAGE_RUN = re.compile(rb"[\x80-\xff]{4}")


def choose_encoding(leader09: str, body: bytes) -> tuple[str, str]:
    """Return ("utf-8" | "marc-8", warning or "") for the bytes of one record.

    Leaders lie: a record flagged MARC-8 whose bytes are valid UTF-8 with non-ASCII text was
    written by a system that forgot to set leader/09, and a record flagged UTF-8 whose bytes
    are not valid UTF-8 is usually MARC-8 from a system that set it blindly.
    Raises DecodeError for text in neither (a national code page)."""
    if leader09 == "a":
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            if ESCAPE not in body and _CODE_PAGE_RUN.search(body):
                raise DecodeError(_("The text is neither UTF-8 (as the leader says) nor MARC-8.")) from None
            return "marc-8", _("The leader says UTF-8 but the text is not valid UTF-8; read as MARC-8.")
        return "utf-8", ""
    if ESCAPE in body:
        # MARC-8 escape sequences switch character sets (CJK, Cyrillic, Greek...).
        return "marc-8", ""
    if body.isascii():
        return "utf-8", ""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        if _CODE_PAGE_RUN.search(body):
            raise DecodeError(
                _("The text is neither MARC-8 (as the leader says) nor UTF-8; it looks like a national code page.")
            ) from None
        return "marc-8", ""
    return "utf-8", _("The leader says MARC-8 but the text is UTF-8; read as UTF-8.")


def _marc8(data: bytes, troubles: list[str]) -> str:
    # pymarc writes what it could not convert to stderr instead of raising; catch it so that it
    # becomes a warning on this record rather than noise on the terminal.
    noise = io.StringIO()
    try:
        with contextlib.redirect_stderr(noise):
            text = marc8_to_unicode(data, True)
    except UnicodeDecodeError:
        # A broken escape sequence; keep what is readable.
        troubles.append(_("Some MARC-8 text could not be converted."))
        return data.decode("utf-8", "replace")
    if noise.getvalue():
        troubles.append(_("Some MARC-8 text could not be converted."))
    return text


_new = object.__new__
_tuple_new = tuple.__new__


def _data_field(tag: str, ind1: str, ind2: str, subfields: list[Subfield]) -> Field:
    # Field.__init__ re-checks what the decoder already knows; a million records notice.
    field = _new(Field)
    field.tag = tag
    field._indicators = _tuple_new(Indicators, (ind1, ind2))
    field.subfields = subfields
    field.data = None
    field.control_field = False
    return field


def _control_field(tag: str, data: str) -> Field:
    field = _new(Field)
    field.tag = tag
    field._indicators = None
    field.subfields = []
    field.data = data
    field.control_field = True
    return field


_DIRECTORY = re.compile(r"(...)(\d{4})(\d{5})", re.DOTALL)
_EACC_SEGMENT = re.compile(rb"(\x1b\$,?1)([^\x1b]*)")
_NOT_EACC = re.compile(rb"[^\x20-\x7e]")


def _split_marc8(data: bytes, troubles: list[str]) -> list[bytes]:
    """The indicators and subfields of a MARC-8 data field.

    A delimiter byte not followed by a subfield code (a space, an escape sequence) is a stray
    byte in the text, not the start of a subfield, and is dropped; so are bytes that cannot be
    part of a CJK (EACC) character. This is what YAZ does, and its output is our reference."""
    parts = data.split(b"\x1f")
    if len(parts) > 1 and any(not part or not 0x21 <= part[0] <= 0x7E for part in parts[1:]):
        joined = [parts[0]]
        for part in parts[1:]:
            if part and 0x21 <= part[0] <= 0x7E:
                joined.append(part)
            elif part:
                joined[-1] += part
                troubles.append(_("A stray subfield delimiter was removed from the text."))
        parts = joined
    if b"\x1b$" in data:
        cleaned = [_EACC_SEGMENT.sub(lambda m: m.group(1) + _NOT_EACC.sub(b"", m.group(2)), part) for part in parts]
        if cleaned != parts:
            troubles.append(_("Bytes that are not CJK characters were removed from CJK text."))
        parts = cleaned
    return parts


def _entry_map(leader: bytes, directory_length: int) -> tuple[int, int, int]:
    """Digits of (field length, starting position, implementation part) of each directory
    entry. MARC 21 fixes 4, 5, 0; a record we wrote overlong says otherwise in leader/20-22."""
    widths = leader[20:23]
    if widths.isdigit() and widths != b"450":
        length_w, offset_w, impl_w = widths[0] - 48, widths[1] - 48, widths[2] - 48
        size = 3 + length_w + offset_w + impl_w
        if length_w >= 4 and offset_w >= 5 and directory_length % size == 0:
            return length_w, offset_w, impl_w
    return 4, 5, 0


def decode(chunk: bytes) -> tuple[Record, list[str]]:
    """Decode one ISO 2709 record (ending with its record terminator) into a pymarc Record in
    Unicode with leader/09 set to "a". Returns the record and the repairs made, in words.

    Raises DecodeError when the record cannot be read."""
    record, warnings, _raw = decode_keeping_fields(chunk)
    return record, warnings


def decode_keeping_fields(chunk: bytes) -> tuple[Record, list[str], list[bytes] | None]:
    """decode, and also each field of the record as `encode` would write it (its bytes with the
    field terminator), taken from `chunk` as it is, or None when the record needed any repair or
    conversion and so must be encoded again. The importer stores these bytes instead of
    encoding every field of every record once more (see encode_fields)."""
    warnings: list[str] = []
    if len(chunk) < 25:
        raise DecodeError(_("The record is shorter than a leader."))
    raw_leader = chunk[:24]
    if not raw_leader.isascii():
        warnings.append(_("The leader has characters that are not ASCII; they were replaced by spaces."))
        raw_leader = bytes(b if b < 128 else 32 for b in raw_leader)
    leader = raw_leader.decode("ascii")

    directory_end = -1
    base_text = chunk[12:17]
    if base_text.isdigit():
        base = int(base_text)
        if 24 < base <= len(chunk) and chunk[base - 1] == FIELD_TERMINATOR:
            directory_end = base - 1
    if directory_end < 0:
        directory_end = chunk.find(b"\x1e", 24)
        if directory_end < 0:
            raise DecodeError(_("The record has no directory."))
        warnings.append(_("The base address in the leader is wrong."))
    base = directory_end + 1
    directory = chunk[24:directory_end]
    length_w, offset_w, impl_w = _entry_map(raw_leader, len(directory))
    size = 3 + length_w + offset_w + impl_w
    if not directory or len(directory) % size != 0:
        raise DecodeError(_("The directory is damaged."))

    body = chunk[24:]
    encoding, warning = choose_encoding(leader[9], body)
    if warning:
        warnings.append(warning)

    entries: list[tuple[str, bytes]] = []
    lying = False
    data_end = len(chunk) - 1 if chunk[-1] == RECORD_TERMINATOR else len(chunk)
    text = directory.decode("latin-1")
    if size == 12 and (parsed := _DIRECTORY.findall(text)) and len(parsed) * 12 == len(text):
        # The MARC 21 entry map, parsed in one pass.
        triples = [(tag, int(length), int(offset)) for tag, length, offset in parsed]
    else:
        triples = []
        for start in range(0, len(text), size):
            entry = text[start : start + size]
            length_text = entry[3 : 3 + length_w]
            offset_text = entry[3 + length_w : 3 + length_w + offset_w]
            if length_text.isdigit() and offset_text.isdigit():
                triples.append((entry[:3], int(length_text), int(offset_text)))
            else:
                triples.append((entry[:3], 0, 0))
    for tag, length, offset in triples:
        begin = base + offset
        end = begin + length
        data = chunk[begin:end]
        if end > data_end or not data or data[-1] != FIELD_TERMINATOR:
            lying = True
        entries.append((tag, data[:-1]))
    if lying:
        # The directory lengths or offsets are wrong; the field terminators are not.
        pieces = chunk[base:data_end].split(b"\x1e")
        if pieces and pieces[-1] == b"":
            pieces.pop()
        if len(pieces) != len(entries):
            raise DecodeError(_("The directory does not match the fields in the record."))
        entries = [(tag, piece) for (tag, _data), piece in zip(entries, pieces, strict=True)]
        warnings.append(_("The directory gives wrong field lengths; fields were read by their terminators."))

    record = Record()
    record.leader = Leader(leader[:9] + "a" + leader[10:])
    fields = record.fields
    utf8 = encoding == "utf-8"
    odd_indicators: list[str] = []
    troubles: list[str] = []
    # UTF-8 text decodes and encodes back to the same bytes, so a field whose subfields all
    # survive the split (no empty one) and whose indicators are two characters is written by
    # encode exactly as it stands in `chunk`.
    as_is = utf8 and not warnings
    for tag, data in entries:
        if is_control_tag(tag):
            text = data.decode("utf-8") if utf8 else data.decode("latin-1")
            fields.append(_control_field(tag, text))
            continue
        if utf8:
            parts = data.decode("utf-8").split("\x1f")
            subfields = [_tuple_new(Subfield, (part[:1], part[1:])) for part in parts[1:] if part]
            indicators = parts[0]
            if as_is and len(subfields) != len(parts) - 1:
                as_is = False
        else:
            raw_parts = _split_marc8(data, troubles)
            subfields = [
                _tuple_new(Subfield, (part[:1].decode("latin-1"), _marc8(part[1:], troubles)))
                for part in raw_parts[1:] if part
            ]
            indicators = raw_parts[0].decode("latin-1")
        if len(indicators) != 2:
            odd_indicators.append(tag)
            indicators = (indicators + "  ")[:2]
        fields.append(_data_field(tag, indicators[0], indicators[1], subfields))
    if not fields:
        raise DecodeError(_("The record has no fields."))
    if odd_indicators:
        tags = list(dict.fromkeys(odd_indicators))
        warnings.append(
            ngettext(
                "Field %(tags)s does not start with two indicators and a subfield; what was in their place was dropped.",
                "Fields %(tags)s do not start with two indicators and a subfield; what was in their place was dropped.",
                len(tags),
            ) % {"tags": ", ".join(tags)}
        )
    warnings.extend(dict.fromkeys(troubles))
    if not as_is or odd_indicators:
        return record, warnings, None
    # Tags are three Latin-1 characters from the directory, as encode writes them.
    return record, warnings, [data + b"\x1e" for _tag, data in entries]


def stored_fields(marc: bytes) -> tuple[str, list[tuple[str, str]]] | None:
    """The leader and the fields, as (tag, text) pairs, of a record in the form `encode`
    writes it (UTF-8, leader/09 "a", the MARC 21 entry map, each field where the directory
    says, one after the other), read without building a pymarc record: each text is what
    decode reads for the field, a data field's subfields still behind their delimiters
    (\x1f). None for bytes in any other form, which only `decode` reads right. For readers
    of the catalogue's own records that need no record object (the protocols' MARCXML)."""
    if (
        len(marc) < 25 or marc[20:24] != b"4500" or marc[9:10] != b"a" or not marc[:24].isascii()
        or marc[-1] != RECORD_TERMINATOR
    ):
        return None
    head = marc[12:17]
    base = int(head) if head.isdigit() else 0
    if base <= 24 or base > len(marc) or marc[base - 1] != FIELD_TERMINATOR:
        return None
    directory = marc[24 : base - 1].decode("latin-1")
    entries = _DIRECTORY.findall(directory)
    if not entries or len(entries) * 12 != len(directory):
        return None
    raw = marc[base:-1].split(b"\x1e")
    if len(raw) != len(entries) + 1 or raw[-1]:
        return None
    offset = 0
    for (_tag, length, start), field in zip(entries, raw, strict=False):
        if int(start) != offset or int(length) != len(field) + 1:
            return None
        offset += len(field) + 1
    try:
        texts = marc[base:-1].decode("utf-8").split("\x1e")
    except UnicodeDecodeError:
        return None
    return marc[:24].decode("ascii"), [(tag, text) for (tag, _l, _s), text in zip(entries, texts, strict=False)]


def control_number_of(chunk: bytes) -> str:
    """The 001 of a record that may be too damaged to decode, or "" when it cannot be found."""
    try:
        base = int(chunk[12:17])
        end = chunk.index(b"\x1e", 24)
        for start in range(24, end - 11, 12):
            if chunk[start : start + 3] == b"001":
                length = int(chunk[start + 3 : start + 7])
                offset = int(chunk[start + 7 : start + 12])
                return chunk[base + offset : base + offset + length].rstrip(b"\x1e").decode("utf-8", "replace").strip()
    except (ValueError, IndexError):
        pass
    return ""


def _field_bytes(field: Field) -> bytes:
    if field.control_field:
        return (field.data or "").encode("utf-8") + b"\x1e"
    indicators = field.indicators or Indicators(" ", " ")
    parts = [(str(indicators[0] or " ")[:1] + str(indicators[1] or " ")[:1]).encode("utf-8")]
    for sub in field.subfields:
        parts.append(b"\x1f" + (sub.code + sub.value).encode("utf-8"))
    parts.append(b"\x1e")
    return b"".join(parts)


def encode(record: Record) -> bytes:
    """The record as UTF-8 ISO 2709 with leader/09 "a". Records too long for MARC 21 get the
    wider entry map described at the top of this module instead of being cut."""
    return encode_fields(str(record.leader), record.fields, [_field_bytes(field) for field in record.fields])


def encode_fields(leader: str, fields: list[Field], datas: list[bytes]) -> bytes:
    """encode, given the bytes of every field already (each ending with its terminator), in the
    order of `fields`."""
    lengths = [len(data) for data in datas]
    offset = sum(lengths)
    data_length = offset + 1
    longest = max(lengths, default=0)
    length_w, offset_w = 4, 5
    if longest > 9_999 or offset > 99_999:
        length_w = max(4, len(str(longest)))
        offset_w = max(5, len(str(offset)))
    entry = "%s%0*d%0*d"
    entries: list[str] = []
    start = 0
    for field, length in zip(fields, lengths, strict=True):
        # One str format per field, encoded once for the whole directory (ASCII digits and
        # Latin-1 tags), is the cheapest way Python has to build it.
        entries.append(entry % (field.tag.rjust(3, "0")[:3], length_w, length, offset_w, start))
        start += length
    directory = "".join(entries).encode("latin-1", "replace") + b"\x1e"
    base = 24 + len(directory)
    if base > MAX_LENGTH:
        raise ValueError("A record with this many fields cannot be written as ISO 2709.")
    total = base + data_length
    if len(leader) != 24:
        leader = (leader + " " * 24)[:24]
    length_text = b"%05d" % total if total <= MAX_LENGTH and length_w == 4 and offset_w == 5 else OVERLONG_LENGTH
    head = (
        length_text
        + leader[5:9].encode("ascii", "replace")
        + b"a22"
        + b"%05d" % base
        + leader[17:20].encode("ascii", "replace")
        + b"%d%d00" % (length_w, offset_w)
    )
    return head + directory + b"".join(datas) + b"\x1d"
