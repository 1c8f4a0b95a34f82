"""Realistic multilingual MARC 21 records for the demo network, the tests and the benchmarks.

Records are composed from curated word lists in `data/` (one file per language) so that
titles, names, subjects and publishers read as a librarian would expect: Vietnamese, Simplified
Chinese, Ukrainian, Polish and English in roughly equal shares, and a few other languages.
Each record carries Koha-style 952 items spread across the branches.

The same seed always gives the same records. Records are first built as plain tuples, which
`write_iso2709` and `iter_iso2709` encode directly: a million records take one to three minutes
on two cores, about half the time that building pymarc objects and encoding them would take.
"""

from __future__ import annotations

import json
import random
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from os import PathLike
from pathlib import Path
from typing import Any

import pymarc
from stdnum import ean, issn

DEFAULT_BRANCHES: tuple[str, ...] = ("central", "north", "riverside", "school")
LANGUAGES: tuple[str, ...] = ("vie", "chi", "ukr", "pol", "eng")
ORGANISATION = "BIBLIOHUB"  # 003 and 040: the demo network's cataloguing agency

# Item types written to 952$y, with their names in the five interface languages. The demo
# command creates exactly these.
ITEM_TYPES: dict[str, dict[str, str]] = {
    "BOOK": {"en": "Book", "vi": "Sách", "zh-hans": "图书", "uk": "Книга", "pl": "Książka"},
    "SERIAL": {"en": "Magazine", "vi": "Tạp chí", "zh-hans": "期刊", "uk": "Журнал", "pl": "Czasopismo"},
    "AUDIOBOOK": {"en": "Audiobook", "vi": "Sách nói", "zh-hans": "有声书", "uk": "Аудіокнига", "pl": "Audiobook"},
    "CD": {"en": "Music CD", "vi": "Đĩa nhạc", "zh-hans": "音乐CD", "uk": "Музичний диск", "pl": "Płyta CD"},
    "DVD": {"en": "DVD", "vi": "Đĩa DVD", "zh-hans": "DVD光盘", "uk": "DVD-диск", "pl": "Płyta DVD"},
    "MAP": {"en": "Map", "vi": "Bản đồ", "zh-hans": "地图", "uk": "Карта", "pl": "Mapa"},
    "SCORE": {"en": "Sheet music", "vi": "Bản nhạc", "zh-hans": "乐谱", "uk": "Ноти", "pl": "Nuty"},
}

# Shelving locations written to 952$c. The demo command creates each in every branch.
LOCATIONS: dict[str, dict[str, str]] = {
    "adult": {"en": "Adult lending", "vi": "Kho mượn người lớn", "zh-hans": "成人借阅区", "uk": "Абонемент для дорослих", "pl": "Wypożyczalnia dla dorosłych"},
    "children": {"en": "Children's library", "vi": "Phòng đọc thiếu nhi", "zh-hans": "少儿阅览区", "uk": "Дитячий відділ", "pl": "Oddział dla dzieci"},
    "teen": {"en": "Teen corner", "vi": "Góc tuổi teen", "zh-hans": "青少年阅读角", "uk": "Куточок для підлітків", "pl": "Kącik nastolatka"},
    "reference": {"en": "Reference", "vi": "Phòng tra cứu", "zh-hans": "参考咨询区", "uk": "Довідковий фонд", "pl": "Księgozbiór podręczny"},
    "av": {"en": "Audio and video", "vi": "Tài liệu nghe nhìn", "zh-hans": "视听资料区", "uk": "Аудіо та відео", "pl": "Zbiory audiowizualne"},
    "periodicals": {"en": "Magazines", "vi": "Báo và tạp chí", "zh-hans": "报刊区", "uk": "Періодика", "pl": "Czasopisma"},
    "world": {"en": "World languages", "vi": "Sách ngoại văn", "zh-hans": "外文图书", "uk": "Книги іноземними мовами", "pl": "Książki obcojęzyczne"},
}

_DATA_DIR = Path(__file__).parent / "data"
_LANGUAGE_NAMES = {"vie": "Vietnamese", "chi": "Chinese", "ukr": "Ukrainian", "pol": "Polish", "eng": "English"}
_EDITIONS = {
    "vie": ["Tái bản lần thứ 2", "Tái bản lần thứ 3", "In lần thứ 5"],
    "chi": ["第2版", "第3版", "修订本"],
    "ukr": ["2-ге вид.", "3-тє вид., доп.", "Вид. 4-те"],
    "pol": ["Wyd. 2", "Wyd. 3 popr.", "Wyd. 4"],
    "eng": ["Second edition", "Third edition", "Revised edition"],
}
# Cumulative shares of the record's language; the rest (3 %) are other languages.
_LANGUAGE_SHARES = ((0.194, "vie"), (0.388, "chi"), (0.582, "ukr"), (0.776, "pol"), (0.97, "eng"))
# Cumulative shares of the kind of material (leader 06/07).
_KIND_SHARES = (
    (0.80, "book"), (0.83, "serial"), (0.87, "audio"), (0.885, "music"), (0.925, "video"),
    (0.94, "map"), (0.955, "score"), (1.0, "eresource"),
)
_LEADER_TYPES = {
    "book": "am", "serial": "as", "audio": "im", "music": "jm", "video": "gm", "map": "em",
    "score": "cm", "eresource": "mm",
}
_CONTENT_TYPES = {  # 336, 337, 338
    "book": (("text", "txt"), ("unmediated", "n"), ("volume", "nc")),
    "serial": (("text", "txt"), ("unmediated", "n"), ("volume", "nc")),
    "audio": (("spoken word", "spw"), ("audio", "s"), ("audio disc", "sd")),
    "music": (("performed music", "prm"), ("audio", "s"), ("audio disc", "sd")),
    "video": (("two-dimensional moving image", "tdi"), ("video", "v"), ("videodisc", "vd")),
    "map": (("cartographic image", "cri"), ("unmediated", "n"), ("sheet", "nb")),
    "score": (("notated music", "ntm"), ("unmediated", "n"), ("volume", "nc")),
    "eresource": (("text", "txt"), ("computer", "c"), ("online resource", "cr")),
}
_PHYSICAL = {  # 007
    "audio": "sd fsngnnmmned", "music": "sd fsngnnmmned", "video": "vd cvaizq",
    "map": "aj canzn", "eresource": "cr |||||||||||",
}
_ITEM_TYPE_OF = {
    "book": "BOOK", "serial": "SERIAL", "audio": "AUDIOBOOK", "music": "CD", "video": "DVD",
    "map": "MAP", "score": "SCORE",
}
_LATEST = date(2026, 10, 31)  # the last day a demo item may have been catalogued

# A MARC field as plain data: a control field is (tag, data); a data field is
# (tag, indicators, ((code, value), ...)).
RawField = tuple[str, str] | tuple[str, str, tuple[tuple[str, str], ...]]


@cache
def _language_data(code: str) -> dict[str, Any]:
    with (_DATA_DIR / f"{code}.json").open(encoding="utf-8") as f:
        return json.load(f)


@dataclass
class _Content:
    """What a record is about, before it becomes MARC fields."""

    language: str
    title: str
    subtitle: str = ""
    author: str = ""  # the 100 heading: "Mickiewicz, Adam" or "Nguyễn Du"
    author_dates: str = ""
    author_display: str = ""  # as the title page gives it, for 245 $c
    translator: tuple[str, str] | None = None  # (heading, display)
    illustrator: tuple[str, str] | None = None
    original_language: str = ""
    uniform_title: str = ""
    other_languages: tuple[str, ...] = ()
    topics: list[str] = field(default_factory=list)  # 650
    places: list[str] = field(default_factory=list)  # 651 (with a topical subdivision)
    genres: list[str] = field(default_factory=list)  # 655
    ddc: str = ""
    literary_form: str = "0"  # 008/33: 0 not fiction, 1 fiction, p poetry, d drama
    audience: str = " "  # 008/22: j children, d teenagers, e adults, blank unknown
    summary: str = ""
    publisher: tuple[str, str, str] | None = None  # (place, name, MARC country code)
    isbn_group: str = ""
    earliest_year: int = 1950


class _Generator:
    def __init__(self, *, seed: int, branches: Sequence[str], items_per_record: tuple[int, int]):
        if not branches:
            raise ValueError("at least one branch code is needed")
        low, high = items_per_record
        if low < 0 or high < low:
            raise ValueError(f"items_per_record must be (low, high) with 0 <= low <= high, not {items_per_record}")
        self.seed = seed
        self.rng = random.Random(seed)
        self.branches = tuple(branches)
        self.items_low, self.items_high = low, high
        self.data = {code: _language_data(code) for code in LANGUAGES}
        self.others = _language_data("other")["editions"]
        self.isbn_counters: dict[str, int] = {}
        self.issn_counter = 0
        self.item_counter = 0
        self.notables = self._notables()
        # Adult material goes mostly to the central library, little of it to a school.
        self.adult_weights = [
            3.0 if i == 0 else 0.3 if code == "school" else 2.0 for i, code in enumerate(self.branches)
        ]

    def _notables(self) -> list[_Content]:
        """The classics and the strings tests look for, placed within the first few hundred
        records: the first entry of each language file comes first, then the rest in turn."""
        queues = [list(self.data[code]["classics"]) for code in ("vie", "pol", "ukr", "chi", "eng")]
        languages = ["vie", "pol", "ukr", "chi", "eng"]
        notables: list[_Content] = []
        while any(queues):
            for language, queue in zip(languages, queues, strict=True):
                if queue:
                    notables.append(self._classic(language, queue.pop(0)))
        for language in languages:
            notables.extend(self._translation(language, t) for t in self.data[language]["translations"])
        notables.extend(self._other_edition(entry) for entry in self.others)
        return notables

    # --- content -----------------------------------------------------------------------------

    def _person(self, language: str) -> tuple[str, str]:
        """A made-up name as (heading, display form)."""
        data, rng = self.data[language], self.rng
        female = rng.random() < 0.5
        given = rng.choice(data["given_f"] if female else data["given_m"])
        surnames_mf = data.get("surnames_mf")
        if surnames_mf and rng.random() < 0.3:
            surname = rng.choice(surnames_mf)[1 if female else 0]
        else:
            surname = rng.choice(data["surnames"])
        if data["name_order"] == "direct":
            name = surname + data["name_join"] + given
            return name, name
        return f"{surname}, {given}", f"{given} {surname}"

    def _classic(self, language: str, entry: dict[str, Any]) -> _Content:
        heading = entry.get("author", "")
        return _Content(
            language=language, title=entry["title"], subtitle=entry.get("subtitle", ""),
            author=heading, author_dates=entry.get("dates", ""), author_display=_display(heading),
            topics=list(entry.get("subjects", [])), ddc=entry.get("ddc", ""),
            literary_form=entry.get("form", "1"), audience=entry.get("audience", "e"),
            summary=entry.get("summary", ""), earliest_year=max(1950, entry.get("year", 1950)),
        )

    def _translation(self, language: str, entry: dict[str, Any]) -> _Content:
        heading = entry["author"]
        translator = entry.get("translator")
        return _Content(
            language=language, title=entry["title"], author=heading,
            author_dates=entry.get("dates", ""), author_display=_display(heading),
            translator=(translator, _display(translator)) if translator else self._person(language),
            original_language=entry["original"], uniform_title=entry["uniform"],
            literary_form=entry.get("form", "1"), audience=entry.get("audience", "e"),
        )

    def _other_edition(self, entry: dict[str, Any]) -> _Content:
        heading = entry["author"]
        return _Content(
            language=entry["language"], title=entry["title"], subtitle=entry.get("subtitle", ""),
            author=heading, author_dates=entry.get("dates", ""), author_display=_display(heading),
            topics=list(entry["subjects"]), ddc=entry["ddc"], literary_form=entry.get("form", "1"),
            audience=entry.get("audience", "e"), publisher=tuple(entry["publisher"]),  # type: ignore[arg-type]
            isbn_group=entry["isbn_group"],
        )

    def _fiction(self, language: str, audience: str) -> _Content:
        data, rng = self.data[language], self.rng
        heading, display = self._person(language)
        title = f"{rng.choice(data['fiction_a'])}{'' if language == 'chi' else ' '}{rng.choice(data['fiction_b'])}"
        content = _Content(
            language=language, title=title, author=heading, author_display=display,
            genres=[rng.choice(data["fiction_subjects"])], literary_form="1", audience=audience,
        )
        if rng.random() < 0.35:
            content.summary = rng.choice(data["summaries_fiction"])
        return content

    def _about_a_place(self, language: str) -> _Content:
        data, rng = self.data[language], self.rng
        pattern, subject, ddc = rng.choice(data["place_topics"])
        name, genitive, heading = rng.choice(data["places"])
        title = pattern.format(p=name, g=genitive)
        title = title[0].upper() + title[1:]
        subtitle = ""
        if " : " in title:
            title, subtitle = title.split(" : ", 1)
        elif rng.random() < 0.3:
            subtitle = rng.choice(data["subtitles"])
        author, display = self._person(language) if rng.random() < 0.85 else ("", "")
        content = _Content(
            language=language, title=title, subtitle=subtitle, author=author,
            author_display=display, places=[f"{heading} -- {subject}"], ddc=ddc,
            audience=rng.choice(" e"),
        )
        if rng.random() < 0.35:
            content.summary = " ".join(rng.sample(data["summaries_nonfiction"], 2))
        return content

    def _from_list(self, language: str, key: str, audience: str) -> _Content:
        data, rng = self.data[language], self.rng
        entry = rng.choice(data[key])
        author, display = self._person(language)
        content = _Content(
            language=language, title=entry[0], author=author, author_display=display,
            topics=[entry[1]], ddc=entry[2], audience=audience,
            other_languages=tuple(entry[3]) if len(entry) > 3 else (),
            # No one wrote about Python programming in 1960.
            earliest_year=1995 if key == "practical" else 1950,
        )
        if audience == "j" and rng.random() < 0.5:
            content.illustrator = self._person(language)
        if rng.random() < 0.2:
            content.summary = rng.choice(data["summaries_nonfiction"])
        return content

    def _book(self, language: str) -> _Content:
        rng = self.rng
        if language == "other":
            return self._other_edition(rng.choice(self.others))
        data = self.data[language]
        r = rng.random()
        if r < 0.05:
            return self._classic(language, rng.choice(data["classics"]))
        if r < 0.09:
            return self._translation(language, rng.choice(data["translations"]))
        if r < 0.17:
            return self._from_list(language, "children", "j")
        if r < 0.23:
            return self._fiction(language, "j")
        if r < 0.30:
            return self._fiction(language, "d")
        if r < 0.55:
            return self._fiction(language, rng.choice("ee "))
        if r < 0.78:
            return self._about_a_place(language)
        return self._from_list(language, "practical", rng.choice("ee "))

    # --- records -----------------------------------------------------------------------------

    def records(self, count: int) -> Iterator[tuple[str, list[RawField]]]:
        rng = self.rng
        for index in range(count):
            if index % 4 == 0 and index // 4 < len(self.notables):
                kind, content = "book", self.notables[index // 4]
            else:
                kind = _pick(_KIND_SHARES, rng.random())
                language = _pick(_LANGUAGE_SHARES, rng.random(), "other")
                if kind != "book" and language == "other":
                    language = "eng"
                content = self._content_for(kind, language)
            yield self._record(index, kind, content)

    def _content_for(self, kind: str, language: str) -> _Content:
        rng = self.rng
        data = self.data.get(language)
        if kind == "book" or data is None:
            return self._book(language)
        if kind == "serial":
            title, subject, ddc = rng.choice(data["serials"])
            return _Content(language=language, title=title, topics=[subject], ddc=ddc, audience=" ")
        if kind in ("audio", "video"):
            if rng.random() < 0.5:
                content = self._classic(language, rng.choice(data["classics"]))
            else:
                content = self._fiction(language, rng.choice("jdee"))
            if kind == "video":
                content.ddc = "791.4372"
            return content
        if kind in ("music", "score"):
            composer, title = rng.choice(data["music"])
            return _Content(
                language=language, title=title, author=composer, author_display=_display(composer),
                ddc="781.62" if not composer else "780", audience=" ",
            )
        if kind == "map":
            name, _genitive, heading = rng.choice(data["places"])
            title = rng.choice(data["maps"]).format(p=name)
            title = title[0].upper() + title[1:]
            subtitle = ""
            if " : " in title:
                title, subtitle = title.split(" : ", 1)
            return _Content(
                language=language, title=title, subtitle=subtitle,
                places=[f"{heading} -- {_MAP_SUBDIVISION[language]}"], ddc="912", audience=" ",
            )
        # An e-resource: an online edition of a practical book or a local history.
        if rng.random() < 0.5:
            return self._from_list(language, "practical", " ")
        return self._about_a_place(language)

    def _record(self, index: int, kind: str, c: _Content) -> tuple[str, list[RawField]]:
        rng = self.rng
        data = self.data.get(c.language)
        cataloguing_language = c.language if data else "eng"
        year = 2026 - int(77 * rng.random() ** 2.5)
        year = max(year, c.earliest_year)
        catalogued = date.fromordinal(
            rng.randint(date(max(year, 2000), 1, 1).toordinal(), _LATEST.toordinal())
        )
        place, publisher, country = c.publisher or tuple(rng.choice(data["publishers"]))  # type: ignore[index]
        control = f"bh{self.seed}-{index + 1:08d}"

        fields: list[RawField] = [
            ("001", control),
            ("003", ORGANISATION),
            ("005", f"{catalogued:%Y%m%d}093000.0"),
        ]
        if kind in _PHYSICAL:
            fields.append(("007", _PHYSICAL[kind]))
        fields.append(("008", _field_008(kind, c, year=year, catalogued=catalogued, country=country, rng=rng)))

        if kind == "serial":
            self.issn_counter += 1
            body = f"{(self.issn_counter * 7919 + self.seed * 104729) % 10**7:07d}"
            fields.append(("022", "  ", (("a", f"{body[:4]}-{body[4:]}{issn.calc_check_digit(body)}"),)))
        elif year >= 1972 and kind != "map" and (isbn := self._isbn(c)):
            fields.append(("020", "  ", (("a", isbn),)))
        fields.append(("040", "  ", (("a", ORGANISATION), ("b", cataloguing_language), ("e", "rda"), ("c", ORGANISATION))))
        if c.original_language:
            fields.append(("041", "1 ", (("a", c.language), ("h", c.original_language))))
        elif c.other_languages:
            fields.append(("041", "0 ", (("a", c.language), *(("a", o) for o in c.other_languages))))
        if c.ddc:
            fields.append(("082", "04", (("a", c.ddc), ("2", "23"))))
        if c.author:
            subfields = [("a", c.author + ("," if c.author_dates else ""))]
            if c.author_dates:
                subfields.append(("d", c.author_dates))
            fields.append(("100", "1 " if ", " in c.author else "0 ", tuple(subfields)))
        if c.uniform_title:
            fields.append(("240", "10", (("a", c.uniform_title + "."), ("l", _LANGUAGE_NAMES.get(c.language, "English") + "."))))
        fields.append(("245", *_title_field(c, data)))
        if kind == "book" and data and rng.random() < 0.08:
            fields.append(("250", "  ", (("a", rng.choice(_EDITIONS[c.language]) + "."),)))
        fields.append(("264", " 1", (("a", f"{place} :"), ("b", f"{publisher},"), ("c", f"{year}."))))
        extent = (data or self.data["eng"])["extent"][kind if kind != "music" else "audio"]
        fields.append(("300", "  ", (("a", extent.format(
            n=rng.randint(48, 640), cm=rng.choice((18, 20, 21, 24, 27)), h=rng.randint(3, 14), m=rng.randint(80, 150),
        )),)))
        if kind == "serial":
            fields.append(("310", "  ", (("a", "Monthly"),)))
        for (term, code), tag, source in zip(_CONTENT_TYPES[kind], ("336", "337", "338"), ("rdacontent", "rdamedia", "rdacarrier"), strict=True):
            fields.append((tag, "  ", (("a", term), ("b", code), ("2", source))))
        series = ""
        if data and rng.random() < 0.1:
            series = rng.choice(data["series"])
            number = str(rng.randint(1, 120))
            fields.append(("490", "1 ", (("a", f"{series} ;"), ("v", number))))
        if c.summary:
            fields.append(("520", "  ", (("a", c.summary),)))
        english = c.language == "eng"
        for topic in c.topics:
            fields.append(("650", " 0" if english else " 4", _heading(topic)))
        for place_heading in c.places:
            fields.append(("651", " 0" if english else " 4", _heading(place_heading)))
        for genre in c.genres:
            fields.append(("655", " 0" if english else " 4", (("a", genre + "."),)))
        for person, role in ((c.translator, "translator"), (c.illustrator, "illustrator")):
            if person:
                fields.append(("700", "1 " if ", " in person[0] else "0 ", (("a", person[0] + ","), ("e", role + "."))))
        if series:
            fields.append(("830", " 0", (("a", f"{series} ;"), ("v", number))))
        if kind == "eresource":
            fields.append(("856", "40", (("u", f"https://ebooks.bibliohub.example/{control}"),)))
        else:
            fields.extend(self._items(kind, c, catalogued))
        return "00000n" + _LEADER_TYPES[kind] + " a2200000 i 4500", fields

    def _isbn(self, c: _Content) -> str:
        groups = [c.isbn_group] if c.isbn_group else self.data[c.language]["isbn_groups"]
        group = self.rng.choice(groups)
        n = self.isbn_counters.get(group, 0)
        digits = 9 - len(group)
        if n >= 10**digits:
            return ""  # the group is used up: no ISBN rather than a duplicate
        self.isbn_counters[group] = n + 1
        # Multiplying by a number prime to 10 visits every value below 10**digits once, so
        # ISBNs are unique and still look scattered.
        first12 = f"978{group}{(n * 7919 + self.seed * 104729) % 10**digits:0{digits}d}"
        return first12 + ean.calc_check_digit(first12)

    def _items(self, kind: str, c: _Content, catalogued: date) -> Iterator[RawField]:
        rng = self.rng
        low, high = self.items_low, self.items_high
        count = low + int((high - low + 1) * rng.random() ** 1.6)
        youth = c.audience in ("j", "d")
        location = _location(kind, c)
        call_number = _call_number(kind, c, self.data.get(c.language))
        item_type = _ITEM_TYPE_OF[kind]
        for _ in range(count):
            self.item_counter += 1
            if youth:
                branch = rng.choice(self.branches)
            else:
                branch = rng.choices(self.branches, self.adult_weights)[0]
            acquired = min(catalogued + timedelta(days=rng.randint(0, 30)), _LATEST)
            subfields = [
                ("a", branch), ("b", branch), ("c", location), ("d", acquired.isoformat()),
                ("g", f"{rng.randint(300, 6000) / 100:.2f}"), ("o", call_number),
                ("p", f"3{self.seed % 1000:03d}{self.item_counter:09d}"), ("y", item_type),
            ]
            # Koha's own subfields for an item's state: 7 not for loan, q due date (on loan),
            # 1 lost, 4 damaged, 0 withdrawn.
            if location == "reference":
                subfields.append(("7", "1"))
            else:
                r = rng.random()
                if r < 0.08:
                    subfields.append(("q", (date(2026, 11, 20) + timedelta(days=rng.randint(0, 35))).isoformat()))
                elif r < 0.09:
                    subfields.append(("1", "1"))
                elif r < 0.095:
                    subfields.append(("4", "1"))
                elif r < 0.098:
                    subfields.append(("0", "1"))
            yield ("952", "  ", tuple(subfields))


_MAP_SUBDIVISION = {"vie": "Bản đồ", "chi": "地图", "ukr": "Карти", "pol": "mapy", "eng": "Maps"}


def _pick(shares: Sequence[tuple[float, str]], r: float, otherwise: str = "") -> str:
    for limit, value in shares:
        if r < limit:
            return value
    return otherwise or shares[-1][1]


def _display(heading: str) -> str:
    """"Mickiewicz, Adam" -> "Adam Mickiewicz"; direct-order names stay as they are."""
    if ", " in heading:
        surname, given = heading.split(", ", 1)
        return f"{given} {surname}"
    return heading


def _heading(text: str) -> tuple[tuple[str, str], ...]:
    """"Łódź (woj. łódzkie) -- historia" -> $a Łódź (woj. łódzkie) $x historia."""
    parts = text.split(" -- ")
    return (("a", parts[0]), *(("x", part) for part in parts[1:]))


def _title_field(c: _Content, data: dict[str, Any] | None) -> tuple[str, tuple[tuple[str, str], ...]]:
    """245 with ISBD punctuation, as most catalogues exported from Koha carry it."""
    responsibility = []
    if c.author_display:
        template = data["responsibility"]["author"] if data else "{name}"
        responsibility.append(template.format(name=c.author_display))
    for person, role in ((c.translator, "translator"), (c.illustrator, "illustrator")):
        if person:
            template = data["responsibility"][role] if data else "{name}"
            responsibility.append(template.format(name=person[1]))
    subfields = []
    title = c.title
    if c.subtitle:
        subfields.append(("a", f"{title} :"))
        subfields.append(("b", c.subtitle + (" /" if responsibility else ".")))
    else:
        subfields.append(("a", title + (" /" if responsibility else ".")))
    if responsibility:
        subfields.append(("c", " ; ".join(responsibility) + "."))
    nonfiling = 0
    if c.language == "eng":
        for article in ("The ", "A ", "An "):
            if title.startswith(article):
                nonfiling = len(article)
    return ("1" if c.author else "0") + str(nonfiling), tuple(subfields)


def _field_008(kind: str, c: _Content, *, year: int, catalogued: date, country: str, rng: random.Random) -> str:
    audience = c.audience
    if kind == "book":
        illustrations = "a   " if audience == "j" or rng.random() < 0.3 else "    "
        index = "1" if c.literary_form == "0" and rng.random() < 0.4 else "0"
        material = f"{illustrations}{audience}      00{index} {c.literary_form} "
    elif kind == "serial":
        material = "mr p       0    0"
    elif kind in ("audio", "music", "score"):
        composition, music_format, text = (
            ("nn", "n", "f ") if kind == "audio" else ("mu", "a" if kind == "score" else "n", "  ")
        )
        material = f"{composition}{music_format} {audience}       {text} n "
    elif kind == "video":
        material = f"{rng.randint(80, 150):03d} {audience}          vl"
    elif kind == "map":
        material = "       a     0   "
    else:
        material = f"    {audience}o  d        "
    assert len(material) == 17, (kind, material)
    return f"{catalogued:%y%m%d}s{year}    {country}{material}{c.language} d"


def _location(kind: str, c: _Content) -> str:
    if kind == "serial":
        return "periodicals"
    if kind in ("audio", "music", "video"):
        return "av"
    if kind == "map":
        return "reference"
    if c.audience == "j":
        return "children"
    if c.audience == "d":
        return "teen"
    if c.language not in LANGUAGES:
        return "world"
    if c.other_languages:  # dictionaries
        return "reference"
    return "adult"


def _call_number(kind: str, c: _Content, data: dict[str, Any] | None) -> str:
    if kind == "serial":
        return f"PER {c.title[:12]}"
    ddc = c.ddc
    if not ddc:
        forms = {"p": "poetry", "d": "drama"}
        ddc = data["literature_class"][forms.get(c.literary_form, "fiction")] if data else "800"
    cutter = (c.author.split(",")[0] if c.author else c.title)[:3].strip().upper()
    prefix = {"j": "J ", "d": "YA "}.get(c.audience, "")
    if kind in ("audio", "music", "video"):
        prefix = {"audio": "CD ", "music": "CD ", "video": "DVD "}[kind] + prefix
    return f"{prefix}{ddc} {cutter}"


# --- encoding ----------------------------------------------------------------------------------


def _encode(leader: str, fields: list[RawField]) -> bytes:
    """ISO 2709 in UTF-8 (leader 09 = a), without building pymarc objects."""
    directory: list[str] = []
    bodies: list[bytes] = []
    offset = 0
    for f in fields:
        if len(f) == 2:
            body = (f[1] + "\x1e").encode()  # type: ignore[misc]
        else:
            body = (f[1] + "".join([f"\x1f{code}{value}" for code, value in f[2]]) + "\x1e").encode()  # type: ignore[misc]
        directory.append(f"{f[0]}{len(body):04d}{offset:05d}")
        bodies.append(body)
        offset += len(body)
    base = 24 + 12 * len(fields) + 1
    total = base + offset + 1
    head = f"{total:05d}{leader[5:12]}{base:05d}{leader[17:]}{''.join(directory)}\x1e"
    return b"".join([head.encode(), *bodies, b"\x1d"])


def _to_pymarc(leader: str, fields: list[RawField]) -> pymarc.Record:
    record = pymarc.Record(force_utf8=True, leader=leader)
    for f in fields:
        if len(f) == 2:
            record.add_field(pymarc.Field(tag=f[0], data=f[1]))  # type: ignore[misc]
        else:
            record.add_field(
                pymarc.Field(
                    tag=f[0],
                    indicators=pymarc.Indicators(f[1][0], f[1][1]),  # type: ignore[misc]
                    subfields=[pymarc.Subfield(code, value) for code, value in f[2]],  # type: ignore[misc]
                )
            )
    return record


# --- public interface --------------------------------------------------------------------------


def generate_records(
    count: int,
    *,
    seed: int = 1,
    branches: Sequence[str] = DEFAULT_BRANCHES,
    items_per_record: tuple[int, int] = (1, 4),
) -> Iterator[pymarc.Record]:
    """Yield `count` bibliographic records as pymarc Records, the same ones for the same seed.

    Items (952) go to the given branch codes, between items_per_record[0] and [1] per record
    (fewer more often); online resources have a link (856) and no items. Raises ValueError
    for an empty branch list or a bad items range.
    """
    generator = _Generator(seed=seed, branches=branches, items_per_record=items_per_record)
    for leader, fields in generator.records(count):
        yield _to_pymarc(leader, fields)


def iter_iso2709(
    count: int,
    *,
    seed: int = 1,
    branches: Sequence[str] = DEFAULT_BRANCHES,
    items_per_record: tuple[int, int] = (1, 4),
    exclude: Container[str] = frozenset(),
) -> Iterator[bytes]:
    """The same records as generate_records, each encoded as UTF-8 ISO 2709 bytes, leaving
    out those whose control number (001) is in `exclude` (records a catalogue already has)."""
    generator = _Generator(seed=seed, branches=branches, items_per_record=items_per_record)
    for leader, fields in generator.records(count):
        if fields[0][1] not in exclude:
            yield _encode(leader, fields)


def write_iso2709(
    path: str | PathLike[str],
    count: int,
    seed: int = 1,
    *,
    branches: Sequence[str] = DEFAULT_BRANCHES,
    items_per_record: tuple[int, int] = (1, 4),
) -> int:
    """Write `count` records to `path` as UTF-8 ISO 2709 and return the number of bytes."""
    written = 0
    batch: list[bytes] = []
    with open(path, "wb") as f:
        for chunk in iter_iso2709(count, seed=seed, branches=branches, items_per_record=items_per_record):
            batch.append(chunk)
            if len(batch) == 2000:
                written += f.write(b"".join(batch))
                batch.clear()
        written += f.write(b"".join(batch))
    return written
