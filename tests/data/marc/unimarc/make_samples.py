"""Write the UNIMARC and CNMARC sample files beside this script (run it with Python 3 from
anywhere; it needs nothing but the standard library).

The records follow the examples of the UNIMARC Manual (IFLA) and the CNMARC format (national
standard WH/T 0503) with bibliographic facts anyone can check; the identifiers are made up
with valid check digits.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
Field = tuple[str, bytes]


def control(tag: str, text: str) -> Field:
    return tag, text.encode("ascii")


def data(tag: str, indicators: str, *subfields: tuple[str, str], encoding: str = "utf-8") -> Field:
    body = indicators.encode("ascii") + b"".join(
        b"\x1f" + code.encode("ascii") + value.encode(encoding) for code, value in subfields
    )
    return tag, body


def raw(tag: str, body: bytes) -> Field:
    return tag, body


def iso2709(leader: str, fields: list[Field]) -> bytes:
    directory = b""
    body = b""
    for tag, content in fields:
        chunk = content + b"\x1e"
        directory += tag.encode("ascii") + b"%04d%05d" % (len(chunk), len(body))
        body += chunk
    directory += b"\x1e"
    base = 24 + len(directory)
    total = base + len(body) + 1
    head = b"%05d" % total + leader[5:12].encode("ascii") + b"%05d" % base + leader[17:24].encode("ascii")
    return head + directory + body + b"\x1d"


UNIMARC_LEADER = "00000nam0 2200000   450 "


def ukrainian() -> bytes:
    """Taras Shevchenko's Kobzar (Kyiv: Dnipro, 1985), as a Ukrainian library catalogues it,
    with two copies in Koha's 995."""
    return iso2709(UNIMARC_LEADER, [
        control("001", "UA-NBUV-0001985"),
        control("005", "20200115120000.0"),
        data("010", "  ", ("a", "978-966-03-5000-7"), ("d", "150 грн")),
        data("100", "  ", ("a", "20200115d1985    m  y0ukry50      ca")),
        data("101", "0 ", ("a", "ukr")),
        data("102", "  ", ("a", "UA")),
        data("200", "1 ", ("a", "Кобзар"), ("e", "вибрані поезії"), ("f", "Тарас Шевченко"),
             ("g", "передм. Івана Дзюби")),
        data("205", "  ", ("a", "Вид. 2-ге, доп.")),
        data("210", "  ", ("a", "Київ"), ("c", "Дніпро"), ("d", "1985")),
        data("215", "  ", ("a", "639 с."), ("c", "іл."), ("d", "21 см")),
        data("225", "2 ", ("a", "Бібліотека української літератури"), ("v", "12")),
        data("330", "  ", ("a", "Поетична збірка, що стала символом української літератури.")),
        data("606", "  ", ("a", "Українська поезія"), ("y", "Україна"), ("z", "19 ст.")),
        data("675", "  ", ("a", "821.161.2-1"), ("v", "4"), ("z", "ukr")),
        data("686", "  ", ("a", "84(4УКР)5-5"), ("2", "rubbk")),
        data("700", " 1", ("a", "Шевченко"), ("b", "Т. Г."), ("g", "Тарас Григорович"), ("f", "1814-1861"),
             ("4", "070")),
        data("702", " 1", ("a", "Дзюба"), ("b", "І. М."), ("4", "080")),
        data("801", " 0", ("a", "UA"), ("b", "NBUV"), ("c", "20200115")),
        data("995", "  ", ("b", "central"), ("e", "adult"), ("f", "UA0001"), ("k", "У2 Ш37"), ("r", "book")),
        data("995", "  ", ("b", "central"), ("f", "UA0002"), ("k", "У2 Ш37"), ("r", "book"), ("o", "1"),
             ("u", "Лише в читальній залі")),
    ])


def chinese() -> bytes:
    """Dream of the Red Chamber (红楼梦; Beijing: People's Literature, 1996) in CNMARC, with its
    Chinese Library Classification in 690 and a copy in 852."""
    return iso2709("00000nam0 2200000   450 ", [
        control("001", "CN-NLC-012345678"),
        control("005", "20080101093000.0"),
        data("010", "  ", ("a", "978-7-02-000220-7"), ("d", "CNY59.70")),
        data("100", "  ", ("a", "20080101d1996    em y0chiy50      ea")),
        data("101", "0 ", ("a", "chi")),
        data("102", "  ", ("a", "CN"), ("b", "110000")),
        data("200", "1 ", ("a", "红楼梦"), ("A", "hong lou meng"), ("f", "(清)曹雪芹, 高鹗著"),
             ("g", "中国艺术研究院红楼梦研究所校注")),
        data("205", "  ", ("a", "第2版")),
        data("210", "  ", ("a", "北京"), ("c", "人民文学出版社"), ("d", "1996")),
        data("215", "  ", ("a", "2册 (1660页)"), ("d", "20cm")),
        data("330", "  ", ("a", "中国古典长篇小说。")),
        data("606", "0 ", ("a", "章回小说"), ("y", "中国"), ("z", "清代")),
        data("690", "  ", ("a", "I242.47"), ("v", "4")),
        data("701", " 0", ("a", "曹雪芹"), ("A", "cao xue qin"), ("f", "约1715-约1763"), ("4", "著")),
        data("701", " 0", ("a", "高鹗"), ("A", "gao e"), ("4", "著")),
        data("801", " 0", ("a", "CN"), ("b", "NLC"), ("c", "19960101")),
        data("852", "  ", ("a", "NLC"), ("b", "central"), ("j", "I242.47/C5"), ("p", "CN0001")),
    ])


def french_iso5426() -> bytes:
    """Victor Hugo's Les Misérables in ISO 5426 (field 100 says 01 and 03): the acute accent is a
    byte before its letter, the article between ESC H and ESC I is left out of sorting."""
    text = "iso-8859-1"  # only for the ASCII subfields below
    return iso2709(UNIMARC_LEADER, [
        control("001", "FRBNF30000001"),
        data("010", "  ", ("a", "2-07-040850-7"), encoding=text),
        data("100", "  ", ("a", "19951002d1995    m  y0frey0103    ba"), encoding=text),
        data("101", "0 ", ("a", "fre"), encoding=text),
        raw("200", b"1 \x1fa\x1bHLes \x1bIMis\xc2erables\x1ffVictor Hugo"),
        raw("210", b"  \x1faParis\x1fcGallimard\x1fd1995"),
        raw("700", b" 1\x1faHugo\x1fbVictor\x1ff1802-1885\x1f4070"),
        raw("606", b"  \x1faR\xc2evolutions\x1fyFrance\x1fz19e si\xc1ecle"),
        data("801", " 0", ("a", "FR"), ("b", "BnF"), encoding=text),
    ])


def broken() -> bytes:
    """Five records: a good one in ISO 5426, one in a character set we do not read (05, ISO 5428
    Greek), one whose field 100 says Unicode over Windows-1251 bytes, one with a directory
    that does not match its fields, and a good one in Unicode."""
    greek = iso2709(UNIMARC_LEADER, [
        control("001", "BAD-CHARSET"),
        data("100", "  ", ("a", "20010101d2001    m  y0grey0105    ca")),
        raw("200", b"1 \x1fa\xcf\xe4\xf5\xf3\xf3\xe5\xe9\xe1"),
    ])
    lying = iso2709(UNIMARC_LEADER, [
        control("001", "BAD-UTF8"),
        data("100", "  ", ("a", "20010101d2001    m  y0ukry50      ca")),
        raw("200", b"1 \x1fa" + "Кобзар".encode("cp1251")),
    ])
    damaged = bytearray(iso2709(UNIMARC_LEADER, [
        control("001", "BAD-DIRECTORY"),
        data("100", "  ", ("a", "20010101d2001    m  y0engy50      ba")),
        data("200", "1 ", ("a", "A damaged record")),
    ]))
    # One field terminator too few: the directory promises three fields, the data holds two.
    base = int(damaged[12:17])
    del damaged[damaged.index(b"\x1e", base)]
    damaged[:5] = b"%05d" % len(damaged)
    good = iso2709(UNIMARC_LEADER, [
        control("001", "GOOD-2"),
        data("100", "  ", ("a", "20010101d2001    m  y0engy50      ba")),
        data("101", "0 ", ("a", "eng")),
        data("200", "1 ", ("a", "The last good record"), ("f", "Anon.")),
    ])
    return french_iso5426() + greek + lying + bytes(damaged) + good


def main() -> None:
    (HERE / "ukrainian.mrc").write_bytes(ukrainian())
    (HERE / "cnmarc_chinese.mrc").write_bytes(chinese())
    (HERE / "iso5426_french.mrc").write_bytes(french_iso5426())
    (HERE / "broken.mrc").write_bytes(broken())


if __name__ == "__main__":
    main()
