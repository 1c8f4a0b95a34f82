"""The text of a PDF that WeasyPrint wrote, without a PDF library: the machine has neither
pdftotext nor pypdf. WeasyPrint writes text as glyph ids (two bytes each, Identity-H) in TJ
arrays of its content streams, and a ToUnicode map per font; each array is decoded with each
font's map, and what a test looks for is in the decoding with the right font."""

from __future__ import annotations

import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


def _streams(pdf: bytes) -> list[bytes]:
    found = []
    for match in _STREAM.finditer(pdf):
        try:
            found.append(zlib.decompress(match.group(1)))
        except zlib.error:
            found.append(match.group(1))
    return found


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be", errors="replace")


def _cmap(stream: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", stream, re.S):
        pairs = _HEX.findall(block)
        for source, target in zip(pairs[::2], pairs[1::2], strict=False):
            mapping[int(source, 16)] = _utf16(target)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for low, high, target in re.findall(rb"<(\w+)>\s*<(\w+)>\s*<(\w+)>", block):
            start = _utf16(target)
            for n, gid in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[gid] = start[:-1] + chr(ord(start[-1]) + n)
    return mapping


def text(pdf: bytes) -> str:
    """Every run of text in the PDF, decoded with every font's map, one a line."""
    streams = _streams(pdf)
    maps = [_cmap(s) for s in streams if b"begincmap" in s]
    lines = []
    for stream in streams:
        if b"TJ" not in stream:
            continue
        for array in re.finditer(rb"\[([^\]]*)\]\s*TJ", stream):
            glyphs = b"".join(_HEX.findall(array.group(1)))
            ids = [int(glyphs[i:i + 4], 16) for i in range(0, len(glyphs) - 3, 4)]
            for mapping in maps:
                lines.append("".join(mapping.get(g, "\ufffd") for g in ids))
    return "\n".join(lines)


def page_count(pdf: bytes) -> int:
    """The pages of the PDF, counted in its (possibly compressed) objects."""
    objects = pdf + b"".join(_streams(pdf))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", objects))
