"""Patron search benchmark: `patrons.selectors.find_patrons` (a range of the term index per
word typed) against the search it replaced (`icontains` on both name columns, every word),
over the same patrons, for the first page of results as the desk shows it (25 patrons and
the count). CPU is this process's (SQLite works inside it; PostgreSQL's server is not in it):
on a busy machine it says what a search costs when wall-clock time says how busy it was.

    .venv/bin/python bench/patron_search.py                         # 50,000 patrons, SQLite
    .venv/bin/python bench/patron_search.py --db postgres://bibliohub@127.0.0.1:55494/postgres
    .venv/bin/python bench/patron_search.py -n 100000 --rounds 30

The patrons have names in five languages (Vietnamese, Chinese, Ukrainian, Polish, English,
spread as in life: many Nguyễns) and a school class for one in three; they and their keys are written in bulk with the same
key function the services use (registering 50,000 through the service would take minutes
and time nothing of the search). The queries are what the desk types: a full name, a family
name, a two-letter prefix, a Chinese name without a space, a class.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Names as they are spread in real life: a few Vietnamese family names for most people, a
# hundred-odd Chinese ones with given names of one or two characters from a pool, and
# Ukrainian, Polish and English family names built from stems and endings.
_STEMS = {
    "uk": ["Шевч", "Ковал", "Бондар", "Ткач", "Кравч", "Олійн", "Мельн", "Мороз", "Савч", "Гнат"],
    "pl": ["Kowal", "Nowak", "Wiśniew", "Wójc", "Kamiń", "Lewandow", "Zieliń", "Szymań", "Dąbrow"],
    "en": ["Smith", "John", "Will", "Brown", "Jon", "Mill", "Dav", "Tay", "Thom", "Wal"],
}
_ENDINGS = {
    "uk": ["енко", "ук", "юк", "ишин", "ак", "ич", "ій", "ський"],
    "pl": ["ski", "ska", "czyk", "ewicz", "ak", "iak", "owski"],
    "en": ["son", "s", "er", "ton", "ley", "ford", "ard"],
}
FAMILY = {
    "vi": ["Nguyễn"] * 8
    + ["Trần"] * 3
    + ["Lê"] * 2
    + [
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
    ],
    "zh": list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"),
    **{lang: [s + e for s in stems for e in _ENDINGS[lang]] for lang, stems in _STEMS.items()},
}
_HAN = "子涵明轩芳伟娜静思雨浩然欣怡宇轩梓萱诗佳俊杰晨曦若琳嘉怡博文雅婷"
GIVEN = {
    "vi": [f"{m} {g}" for m in ("Thị", "Văn", "Minh", "Thu", "Quốc", "Gia", "Ngọc", "Đức")
           for g in ("Lan", "Hùng", "Khoa", "Hà", "Bảo", "Huy", "Anh", "Vy", "Nam", "Linh")],
    "zh": [a + b for a in _HAN for b in _HAN] + list(_HAN),
    "uk": ["Олена", "Андрій", "Ірина", "Богдан", "Наталія", "Олег", "Софія", "Тарас", "Марко",
           "Оксана", "Дмитро", "Людмила"],
    "pl": ["Anna", "Piotr", "Zofia", "Łukasz", "Magdalena", "Tomasz", "Julia", "Jan", "Kasia",
           "Marek", "Ewa", "Paweł"],
    "en": ["Emily", "James", "Sarah", "Michael", "Olivia", "Aisha", "Helen", "David", "Grace",
           "Tom", "Lucy", "Sam"],
}  # fmt: skip
QUERIES = [
    "Nguyễn Thị Lan", "nguyen thi lan", "Kowalski Piotr", "周子涵", "李 明轩", "Шевченко",
    "kow", "ng", "Smithson", "8A", "8 a", "Олена Коваленко", "nobody",
]  # fmt: skip


def _setup(count: int) -> int:
    from django.core.management import call_command

    from bibliohub.libraries.models import Branch, Network
    from bibliohub.patrons.lookup import search_terms
    from bibliohub.patrons.models import (
        AgeBand,
        Patron,
        PatronCategory,
        PatronSearchTerm,
        PatronStatus,
    )

    call_command("migrate", verbosity=0)
    at = datetime.now(UTC)
    tag = str(int(time.time() * 1000))
    network = Network.objects.create(name=f"Patron search bench {tag}")
    branch = Branch.objects.create(network=network, code=f"p{tag}", name="Bench branch")
    category, _ = PatronCategory.objects.get_or_create(
        code="adult", defaults={"name": "Adult", "age_band": AgeBand.ADULT}
    )
    rng = random.Random(1)
    languages = list(FAMILY)
    for start in range(0, count, 5000):
        batch = []
        for i in range(start, min(count, start + 5000)):
            language = rng.choice(languages)
            batch.append(
                Patron(
                    network=network,
                    card_barcode=f"B{tag}-{i}",
                    family_name=rng.choice(FAMILY[language]),
                    given_names=rng.choice(GIVEN[language]),
                    school_class=f"{rng.randint(1, 11)}{rng.choice('ABCD')}" if i % 3 == 0 else "",
                    home_branch=branch,
                    category=category,
                    status=PatronStatus.ACTIVE,
                    card_expires_on=at.date() + timedelta(days=365),
                    created_at=at,
                )
            )
        Patron.objects.bulk_create(batch)
        PatronSearchTerm.objects.bulk_create(
            PatronSearchTerm(patron=p, term=term)
            for p in batch
            for term in search_terms(
                family_name=p.family_name, given_names=p.given_names, school_class=p.school_class
            )
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return network.pk


def _old_search(text: str, network_id: int):
    from django.db.models import Q

    from bibliohub.patrons.models import Patron

    match = Q(card_barcode=text) | Q(email__iexact=text)
    by_name = Q()
    for word in text.split():
        by_name &= Q(family_name__icontains=word) | Q(given_names__icontains=word)
    return (
        Patron.objects.filter(network_id=network_id)
        .filter(match | by_name)
        .select_related("category", "home_branch")
        .order_by("family_name", "given_names", "pk")
    )


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("-n", "--patrons", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-patrons-")
    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db or f"sqlite:///{tmp}/db.sqlite3"
    os.environ["BIBLIOHUB_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()
    from bibliohub.patrons.selectors import find_patrons

    started = time.perf_counter()
    network_id = _setup(args.patrons)
    print(
        f"{args.patrons} patrons written in {time.perf_counter() - started:.1f} s", file=sys.stderr
    )
    searches = {"terms": find_patrons, "icontains": _old_search}
    times: dict[str, list[float]] = {name: [] for name in searches}
    cpu: dict[str, list[float]] = {name: [] for name in searches}
    found: dict[tuple[str, str], int] = {}
    for n in range(args.rounds + 2):
        for text in QUERIES:
            for name, search in searches.items():
                started, cpu_started = time.perf_counter(), time.process_time()
                qs = (
                    search(text, network=network_id)
                    if name == "terms"
                    else search(text, network_id)
                )
                total = qs.count()
                list(qs[:25])
                elapsed = (time.perf_counter() - started) * 1000
                if n >= 2:
                    times[name].append(elapsed)
                    cpu[name].append((time.process_time() - cpu_started) * 1000)
                found[(name, text)] = total
    engine = (
        "PostgreSQL" if os.environ["BIBLIOHUB_DATABASE_URL"].startswith("postgres") else "SQLite"
    )
    print(f"\n{engine}, {args.patrons} patrons, {len(QUERIES)} queries × {args.rounds} rounds\n")
    print("| search | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, values in times.items():
        print(
            f"| {name} | {statistics.median(values):.1f} | {_p(values, 0.95):.1f} "
            f"| {max(values):.1f} | {statistics.median(cpu[name]):.1f} | {_p(cpu[name], 0.95):.1f} |"
        )
    print("\n| query | found (terms) | found (icontains) |")
    print("|---|---:|---:|")
    for text in QUERIES:
        print(f"| {text} | {found[('terms', text)]} | {found[('icontains', text)]} |")


if __name__ == "__main__":
    main()
