"""Cross-script search benchmark: the same searches through the service with cross-script
matching on and off (settings.SEARCH_CROSS_SCRIPT), side by side on the same data, alternating
query by query so that machine noise hits both equally.

    # build the database once with search_bench.py (same generator), then measure
    .venv/bin/python bench/search_bench.py --db sqlite:////tmp/bench-search/db.sqlite3 load -n 1000000
    .venv/bin/python bench/cross_script_bench.py --db sqlite:////tmp/bench-search/db.sqlite3 run

The queries are search_bench.py's 200 (Vietnamese, Chinese, Ukrainian, Polish and English:
rare, common, two words, authors, one Chinese character) and, for each Chinese and Ukrainian
query, what a reader on another keyboard types for it: its pinyin run together and syllable
by syllable, its Traditional form, its official Ukrainian transliteration. Both modes run on
the same index (with its cross-script columns), so the difference is the cost of asking for
the other forms and ranking the same-script matches first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cross_queries(queries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """search_bench's queries, and each Chinese or Cyrillic one as typed in another script."""
    import opencc
    from pypinyin import lazy_pinyin
    from translitua import UkrainianKMU, translit

    from bibliohub.search.scripts import has_other_script

    to_traditional = opencc.OpenCC("s2t")
    result = list(queries)
    for kind, text in queries:
        if not has_other_script(text):
            continue
        if any("\u0400" <= c <= "\u04ff" for c in text):
            result.append((f"{kind}, transliterated", translit(text, UkrainianKMU)))
        else:
            syllables = lazy_pinyin(text)
            result.append((f"{kind}, pinyin run together", "".join(s for s in syllables if s.strip())))
            result.append((f"{kind}, pinyin syllables", " ".join(s for s in syllables if s.strip())))
            if (traditional := to_traditional.convert(text)) != text:
                result.append((f"{kind}, Traditional", traditional))
    return result


def run(count: int, seed: int, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import override_settings
    from search_bench import Generator

    from bibliohub.catalog.models import Record
    from bibliohub.search.service import search
    from bibliohub.search.types import SearchQuery

    queries = cross_queries(Generator(seed).queries(count))

    def service(text: str, cross: bool):
        with override_settings(SEARCH_CROSS_SCRIPT=cross):
            return search(SearchQuery(text=text, limit=20))

    for _kind, text in queries:  # warm the caches once
        service(text, True)
        service(text, False)
    timings: dict[bool, list[float]] = {True: [], False: []}
    by_kind: dict[tuple[str, bool], list[float]] = {}
    found = {True: 0, False: 0}
    for turn in range(repeat):
        for i, (kind, text) in enumerate(queries):
            # Alternating which goes first, so that neither always meets a warm cache.
            for cross in (True, False) if (i + turn) % 2 == 0 else (False, True):
                t0 = time.perf_counter()
                result = service(text, cross)
                elapsed = (time.perf_counter() - t0) * 1000
                timings[cross].append(elapsed)
                by_kind.setdefault((kind, cross), []).append(elapsed)
                found[cross] += bool(result.hits)
    records = Record.objects.count()
    print(f"{connection.vendor}, {records} records, {len(queries)} queries x {repeat}, ranked top 20 with facets")
    print("| search | median ms | p95 ms | max ms | queries with hits |")
    print("|---|---|---|---|---|")
    for cross in (False, True):
        values = timings[cross]
        label = "across scripts" if cross else "without cross-script matching"
        print(
            f"| {label} | {statistics.median(values):.1f} | {_percentile(values, 95):.1f} | {max(values):.1f} "
            f"| {found[cross] // repeat} of {len(queries)} |"
        )
    on, off = timings[True], timings[False]
    print(
        f"ratio across/without: median {statistics.median(on) / statistics.median(off):.2f}, "
        f"p95 {_percentile(on, 95) / _percentile(off, 95):.2f}"
    )
    print("| kind | n | without: median / p95 | across: median / p95 |")
    print("|---|---|---|---|")
    for kind in sorted({k for k, _ in by_kind}):
        a, b = by_kind[(kind, False)], by_kind[(kind, True)]
        print(
            f"| {kind} | {len(a) // repeat} | {statistics.median(a):.1f} / {_percentile(a, 95):.1f} "
            f"| {statistics.median(b):.1f} / {_percentile(b, 95):.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database URL: sqlite:///path or postgres://…")
    parser.add_argument("--seed", type=int, default=1)
    sub = parser.add_subparsers(dest="action", required=True)
    p_run = sub.add_parser("run")
    p_run.add_argument("-q", "--queries", type=int, default=200)
    p_run.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()
    run(args.queries, args.seed, args.repeat)


if __name__ == "__main__":
    main()
