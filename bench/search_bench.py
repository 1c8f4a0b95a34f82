"""Search benchmark: a million generated records, 200 mixed-language queries, ranked top 20 with
facets through the service, and the bare full-text query on the same data side by side.

    # SQLite (the default backend): build the database once, then measure
    .venv/bin/python bench/search_bench.py --db sqlite:////tmp/bench-search/db.sqlite3 load -n 1000000
    .venv/bin/python bench/search_bench.py --db sqlite:////tmp/bench-search/db.sqlite3 run

    # PostgreSQL: a throwaway cluster on a port of your own
    url=$(scripts/pg-test-cluster.sh start /tmp/pg-bench 55442)
    .venv/bin/python bench/search_bench.py --db $url load -n 1000000
    .venv/bin/python bench/search_bench.py --db $url run

`load` writes records and items straight into the tables (the MARC importer has its own
benchmark) and then times bibliohub.search.indexing.rebuild. Titles, names, subjects and
publishers come from the demo word lists in bibliohub/demo/data, plus a long tail of generated
words per language so that rare words exist beside very common ones, as in a real catalogue.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bibliohub" / "demo" / "data"
LANGUAGES = ("vie", "chi", "ukr", "pol", "eng")
BRANCHES = ("central", "north", "riverside", "school")

# Syllables for each language's long tail of rarer words.
_SYLLABLES = {
    "vie": (
        ["ng", "nh", "th", "tr", "đ", "b", "c", "h", "l", "m", "v", "x", "kh", "gi", "qu", "ph", "s", "r", "d", "t"],
        ["ương", "ành", "ấu", "ọc", "ời", "iên", "uyệt", "ăm", "ế", "ô", "ạn", "ình", "ải", "ũ", "ược", "ạt", "ong", "ánh"],
    ),
    "ukr": (["б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ф", "х", "ц", "ч", "ш"], ["а", "о", "у", "е", "и", "і", "я", "ю", "є", "ан", "ов", "ер", "ин", "ій"]),
    "pol": (["b", "c", "d", "g", "k", "l", "m", "n", "p", "r", "s", "t", "w", "z", "sz", "cz", "rz", "ż", "ł", "ś"], ["a", "o", "u", "e", "i", "y", "ą", "ę", "ó", "ar", "ow", "en", "in"]),
    "eng": (["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cr", "st", "tr"], ["a", "e", "i", "o", "u", "ar", "er", "in", "on", "or", "an", "en"]),
}


def _tail_words(language: str, rng: random.Random, size: int = 30000) -> list[str]:
    if language == "chi":
        return ["".join(chr(rng.randint(0x4E00, 0x7FFF)) for _ in range(rng.choice((2, 2, 3)))) for _ in range(size)]
    onsets, rhymes = _SYLLABLES[language]
    if language == "vie":
        # Vietnamese writes one syllable per word: a tail "word" is two syllables.
        return [f"{rng.choice(onsets)}{rng.choice(rhymes)} {rng.choice(onsets)}{rng.choice(rhymes)}" for _ in range(size)]
    return ["".join(rng.choice(onsets) + rng.choice(rhymes) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def _zipf(rng: random.Random, items: list):
    """Log-uniform choice: the first items are very common, the last ones rare."""
    return items[int(len(items) ** rng.random()) - 1]


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.data = {code: json.loads((DATA / f"{code}.json").read_text()) for code in LANGUAGES}
        self.tail = {code: _tail_words(code, self.rng) for code in LANGUAGES}

    def _name(self, d: dict) -> str:
        rng = self.rng
        given = rng.choice(d["given_m"] + d["given_f"])
        surname = rng.choice(d["surnames"])
        if d["name_order"] == "inverted":
            return f"{surname}, {given}"
        return f"{surname}{d.get('name_join', ' ')}{given}"

    def record(self, language: str) -> dict:
        rng, d = self.rng, self.data[language]
        kind = rng.random()
        subjects: list[str] = []
        if kind < 0.5:
            title = f"{rng.choice(d['fiction_a'])} {rng.choice(d['fiction_b'])}"
            subjects.append(rng.choice(d["fiction_subjects"]))
        elif kind < 0.75:
            entry = rng.choice(d["practical"])
            title = entry[0]
            subjects.append(entry[1])
        elif kind < 0.9:
            entry = rng.choice(d["children"])
            title = entry[0]
            subjects.append(entry[1])
        else:
            place = rng.choice(d["places"])
            entry = rng.choice(d["place_topics"])
            title = entry[0].format(p=place[0], g=place[1])
            subjects.append(f"{entry[1]} -- {place[2]}")
        if rng.random() < 0.7:
            title += " " + _zipf(rng, self.tail[language])
        if rng.random() < 0.3:
            subjects.append(_zipf(rng, self.tail[language]))
        place, publisher = rng.choice(d["publishers"])[:2]
        summary = ""
        if rng.random() < 0.3:
            summary = rng.choice(d["summaries_fiction"] + d["summaries_nonfiction"])
        return {
            "title": title,
            "subtitle": rng.choice(d["subtitles"]) if rng.random() < 0.2 else "",
            "authors": [self._name(d) for _ in range(1 if rng.random() < 0.85 else 2)],
            "subjects": subjects,
            "publisher": publisher,
            "place": place,
            "summary": summary,
            "year": rng.randint(1950, 2026),
            "languages": [language],
            "format": "book" if rng.random() < 0.85 else rng.choice(("audio", "video", "serial", "map")),
            "audience": rng.choice(("adult", "adult", "children", "young_adult", "general", "")),
        }

    def queries(self, count: int) -> list[tuple[str, str]]:
        """(kind, text) pairs: rare and very common words in each language, one-character and
        two-character Chinese, two-word queries, author names."""
        rng = random.Random(7)
        result: list[tuple[str, str]] = []
        while len(result) < count:
            language = LANGUAGES[len(result) % len(LANGUAGES)]
            d, tail = self.data[language], self.tail[language]
            pick = len(result) // len(LANGUAGES) % 8
            if pick == 0:
                result.append(("rare", tail[rng.randint(len(tail) // 2, len(tail) - 1)]))
            elif pick == 1:
                result.append(("common", rng.choice(d["fiction_b"])))
            elif pick == 2:
                result.append(("common", rng.choice(d["surnames"])))
            elif pick == 3:
                result.append(("two words", f"{rng.choice(d['fiction_a'])} {rng.choice(d['fiction_b'])}"))
            elif pick == 4:
                result.append(("medium", tail[rng.randint(20, 300)]))
            elif pick == 5 and language == "chi":
                result.append(("one CJK character", rng.choice(rng.choice(d["fiction_b"]))))
            elif pick == 5:
                result.append(("common", rng.choice(d["practical"])[0].split()[0]))
            elif pick == 6:
                result.append(("author", self._name(d).split(",")[0]))
            else:
                result.append(("rare+common", f"{tail[rng.randint(100, 3000)]} {rng.choice(d['fiction_b'])}"))
        return result


def load(count: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bibliohub.catalog.models import Item, ItemType, Record
    from bibliohub.libraries.models import Branch, Network
    from bibliohub.search.indexing import rebuild

    call_command("migrate", verbosity=0)
    network = Network.objects.first() or Network.objects.create(name="Bench network")
    branches = [Branch.objects.get_or_create(code=c, defaults={"network": network, "name": c.title()})[0] for c in BRANCHES]
    book, _ = ItemType.objects.get_or_create(code="book", defaults={"name": "Book"})
    generator = Generator(seed)
    rng = generator.rng
    start = datetime(2000, 1, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    batch = 5000
    made = Record.objects.count()
    barcode = Item.objects.count()
    while made < count:
        n = min(batch, count - made)
        records = []
        for i in range(n):
            at = start + timedelta(minutes=made + i)
            records.append(Record(marc=b"", created_at=at, updated_at=at, **generator.record(LANGUAGES[rng.randrange(5)])))
        Record.objects.bulk_create(records)  # sets the ids (RETURNING) on both databases
        items = []
        for record in records:
            for _ in range(1 + int(3 * rng.random() ** 1.6)):
                barcode += 1
                r = rng.random()
                status = "available" if r < 0.8 else "on_loan" if r < 0.97 else "withdrawn"
                items.append(Item(
                    record_id=record.id, barcode=f"B{barcode:09d}", branch=rng.choice(branches), item_type=book,
                    status=status, created_at=record.created_at, updated_at=record.created_at,
                ))
        Item.objects.bulk_create(items)
        made += n
        if made % 100000 < batch:
            print(f"  {made} records ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    t1 = time.perf_counter()
    print(f"records and items written: {made} in {t1 - t0:.0f} s", file=sys.stderr)
    indexed = rebuild(progress=lambda done, total: done % 100000 == 0 and print(f"  indexed {done}", file=sys.stderr))
    t2 = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_document")
            cursor.execute("VACUUM ANALYZE search_facet")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    print(f"rebuild: {indexed} records in {t2 - t1:.0f} s = {indexed / (t2 - t1):.0f} records/s")


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(count: int, seed: int, repeat: int) -> None:
    from django.db import connection

    from bibliohub.catalog.models import Record
    from bibliohub.search.backends import get_backend
    from bibliohub.search.query import parse
    from bibliohub.search.service import search
    from bibliohub.search.types import SearchQuery

    backend = get_backend()
    queries = Generator(seed).queries(count)

    def bare(text: str) -> None:
        m = backend.match(parse(text))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT c.id FROM (SELECT {m.id_column} AS id, {m.rank_columns} FROM {m.source}) c "
                f"ORDER BY {m.order_by} LIMIT 20",
                m.params + m.order_params,
            )
            cursor.fetchall()

    def service(text: str):
        return search(SearchQuery(text=text, limit=20))

    for _kind, text in queries:  # warm the caches once
        service(text)
        bare(text)
    timings: dict[str, list[float]] = {"service": [], "bare": []}
    by_kind: dict[str, list[float]] = {}
    bare_by_kind: dict[str, list[float]] = {}
    inexact = 0
    for _ in range(repeat):
        for kind, text in queries:
            # Side by side, alternating, so that machine noise hits both equally.
            t0 = time.perf_counter()
            result = service(text)
            t1 = time.perf_counter()
            bare(text)
            t2 = time.perf_counter()
            timings["service"].append((t1 - t0) * 1000)
            timings["bare"].append((t2 - t1) * 1000)
            by_kind.setdefault(kind, []).append((t1 - t0) * 1000)
            bare_by_kind.setdefault(kind, []).append((t2 - t1) * 1000)
            inexact += not result.total_is_exact
    records = Record.objects.count()
    print(f"{connection.vendor}, {records} records, {len(queries)} queries x {repeat}, ranked top 20")
    print("| query | median ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    for name, values in timings.items():
        label = "service (hits, availability, facets)" if name == "service" else "bare full-text top 20"
        print(f"| {label} | {statistics.median(values):.1f} | {_percentile(values, 95):.1f} | {max(values):.1f} |")
    print(
        f"ratio service/bare: median {statistics.median(timings['service']) / statistics.median(timings['bare']):.2f}, "
        f"p95 {_percentile(timings['service'], 95) / _percentile(timings['bare'], 95):.2f}; "
        f"{inexact / repeat:.0f} of {len(queries)} queries matched more than the exact-count limit"
    )
    print("| kind | n | service median | service p95 | bare median | bare p95 |")
    print("|---|---|---|---|---|---|")
    for kind, values in sorted(by_kind.items()):
        b = bare_by_kind[kind]
        print(
            f"| {kind} | {len(values) // repeat} | {statistics.median(values):.1f} | {_percentile(values, 95):.1f} "
            f"| {statistics.median(b):.1f} | {_percentile(b, 95):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL: sqlite:///path or postgres://…")
    parser.add_argument("--seed", type=int, default=1)
    sub = parser.add_subparsers(dest="action", required=True)
    p_load = sub.add_parser("load")
    p_load.add_argument("-n", "--count", type=int, default=1_000_000)
    p_run = sub.add_parser("run")
    p_run.add_argument("-q", "--queries", type=int, default=200)
    p_run.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    sys.path.insert(0, str(ROOT))
    if args.db.startswith("sqlite:///"):
        Path(args.db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    if args.action == "load":
        load(args.count, args.seed)
    else:
        run(args.queries, args.seed, args.repeat)


if __name__ == "__main__":
    main()
