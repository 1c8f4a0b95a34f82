"""History benchmark: a year's figures by branch × month × kind from the daily roll-ups, side
by side with the same figures counted from the raw entries, over a history of millions of
rows; and how long rolling up a busy day takes.

    .venv/bin/python bench/history_figures.py --db sqlite:////tmp/bench-history/db.sqlite3
    .venv/bin/python bench/history_figures.py --db postgres://bibliohub@127.0.0.1:55490/postgres
    .venv/bin/python bench/history_figures.py --db … --rows 2000000 --repeat 10   # quicker

The first run on a database fills it with `--rows` entries (20,000,000 by default), written in
the order they happen as a network's history is, spread evenly over two years, four branches, forty kinds in the proportions of a busy city network (loans and
returns first), 200,000 patrons with their ages, categories and pseudonyms, channels, item
types and languages; then rolls them all up through `bibliohub.history.rollup.roll_up` and
prints its rate. Later runs on the same database reuse the entries. Loading drops the entry
table's secondary indexes and builds them again afterwards, as a bulk load would.

Then, in one run:
    rolled up      history.selectors.counts(year, by branch, month and kind), `--repeat` times
    raw            the same figures counted from the entries themselves (GROUP BY over the
                   year's rows), a few times
    busy day       100,000 entries of one day written, then rolled up (`--busy-day N`)

and it checks that the two ways give the same figures. Timings are wall-clock seconds of this
process, which waits on the database; the machine has 2 cores, so compare the two columns of
one run, not runs made at different moments.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NETWORK = 1
BRANCHES = (1, 2, 3, 4)
BRANCH_WEIGHTS = (45, 25, 20, 10)
YEARS = (2025, 2026)
CHANNELS = (("desk", 70), ("selfcheck", 18), ("online", 10), ("job", 2))
LANGUAGES = (("ukr", 55), ("eng", 15), ("rus", 10), ("pol", 6), ("vie", 5), ("chi", 5), ("", 4))

# (kind, share of the entries, is it a patron using a service, has it a copy)
KINDS = (
    ("checkout", 2600, True, True),
    ("checkin", 2550, False, True),
    ("renew", 1100, True, True),
    ("hold_placed", 350, True, False),
    ("hold_ready", 300, False, True),
    ("hold_cancelled", 60, False, False),
    ("hold_expired", 40, False, False),
    ("transfer_sent", 180, False, True),
    ("transfer_received", 175, False, True),
    ("checkout_refused", 120, False, True),
    ("renewal_refused", 90, False, True),
    ("hold_refused", 20, False, False),
    ("fine", 260, False, False),
    ("payment", 150, False, False),
    ("waive", 30, False, False),
    ("lost", 10, False, True),
    ("damaged", 6, False, True),
    ("registered", 60, True, False),
    ("card_renewed", 70, False, False),
    ("details_changed", 80, False, False),
    ("blocked", 8, False, False),
    ("block_lifted", 7, False, False),
    ("pin_set", 40, False, False),
    ("record_created", 120, False, False),
    ("record_updated", 90, False, False),
    ("item_added", 260, False, True),
    ("item_updated", 60, False, True),
    ("item_withdrawn", 40, False, True),
    ("event_registered", 200, True, False),
    ("event_cancelled", 30, False, False),
    ("checked_in", 180, True, False),
    ("walk_ins", 40, False, False),
    ("booked", 90, True, False),
    ("booking_cancelled", 20, False, False),
    ("booking_checked_in", 60, True, False),
    ("hours_logged", 25, False, False),
    ("activity_recorded", 15, False, False),
    ("mentoring_requested", 5, True, False),
    ("notice_sent", 600, False, False),
    ("hours_set", 1, False, False),
)

COLUMNS = (
    "at", "day", "network_id", "branch_id", "domain", "kind", "channel", "actor", "staff_id",
    "terminal_id", "source", "patron_id", "pseudonym", "category_id", "age", "age_band",
    "record_id", "item_id", "item_type_id", "language", "audience", "format", "object_type",
    "object_id", "quantity", "amount", "currency", "reasons", "detail", "rolled_up",
)  # fmt: skip


def _setup_django(url: str) -> None:
    os.environ["BIBLIOHUB_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bibliohub.history import Domain, kinds

    if kinds.domain("bench") is None:
        bench = Domain("bench", "Benchmark")
        for code, _share, use, _copy in KINDS:
            bench.kind(code, code, use=use)


class Generator:
    """Entries as rows of COLUMNS, reproducible from the seed."""

    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.kinds = [k for k in KINDS]
        self.kind_weights = [k[1] for k in KINDS]
        self.patrons = 200_000
        rng = random.Random(seed + 1)
        self.births = [
            date(rng.randint(1940, 2020), rng.randint(1, 12), 1) for _ in range(self.patrons)
        ]
        self.categories = [rng.choice((1, 1, 1, 2, 3, 4)) for _ in range(self.patrons)]
        self.pseudonyms: dict[tuple[int, int], str] = {}

    def pseudonym(self, patron: int, year: int) -> str:
        key = (patron, year)
        found = self.pseudonyms.get(key)
        if found is None:
            key = hashlib.sha256(f"bench-{year}".encode()).digest()
            found = hmac.new(key, str(patron).encode(), hashlib.sha256).hexdigest()[:16]
            self.pseudonyms[key] = found
        return found

    def rows(self, n: int, *, day: date | None = None):
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(os.environ.get("BIBLIOHUB_TIME_ZONE", "Europe/Kyiv"))
        rng = self.rng
        first = datetime(YEARS[0], 1, 1, 8, tzinfo=zone)
        span_days = 365 * len(YEARS)
        kinds = rng.choices(self.kinds, weights=self.kind_weights, k=n)
        branches = rng.choices(BRANCHES, weights=BRANCH_WEIGHTS, k=n)
        channels = rng.choices([c for c, _ in CHANNELS], weights=[w for _, w in CHANNELS], k=n)
        languages = rng.choices([c for c, _ in LANGUAGES], weights=[w for _, w in LANGUAGES], k=n)
        # In the order things happen, as the history is written: day by day, each day's
        # entries spread over its twelve opening hours.
        if day is None:
            starts = [first + timedelta(days=d) for d in range(span_days)]
        else:
            starts = [datetime(day.year, day.month, day.day, 8, tzinfo=zone)]
        per_day, extra = divmod(n, len(starts))

        def moments():
            for d, start in enumerate(starts):
                for minute in sorted(rng.randrange(720) for _ in range(per_day + (d < extra))):
                    yield start + timedelta(minutes=minute)

        for i, moment in enumerate(moments()):
            code, _share, _use, has_copy = kinds[i]
            local_day = moment.date()
            patron = (
                rng.randrange(self.patrons) if code not in ("hours_set", "record_created") else None
            )
            channel = channels[i]
            if patron is not None:
                birth = self.births[patron]
                age = (
                    local_day.year
                    - birth.year
                    - ((local_day.month, local_day.day) < (birth.month, birth.day))
                )
                pseudonym = self.pseudonym(patron, local_day.year)
                category = self.categories[patron]
            else:
                age, pseudonym, category = None, "", None
            yield (
                moment.astimezone(UTC),
                local_day,
                NETWORK,
                branches[i],
                "bench",
                code,
                channel,
                "staff"
                if channel == "desk"
                else ("terminal" if channel == "selfcheck" else "patron"),
                7 if channel == "desk" else None,
                1 if channel == "selfcheck" else None,
                "",
                patron,
                pseudonym,
                category,
                age,
                "",
                rng.randrange(1_000_000) if has_copy else None,
                rng.randrange(2_000_000) if has_copy else None,
                rng.choice((1, 1, 1, 2, 3)) if has_copy else None,
                languages[i] if has_copy else "",
                "",
                "book" if has_copy else "",
                "circulation.loan" if has_copy else "",
                rng.randrange(5_000_000) if has_copy else None,
                rng.choice((8, 12, 20)) if code == "walk_ins" else 1,
                "2.50" if code in ("fine", "payment") else None,
                "UAH" if code in ("fine", "payment") else "",
                "[]",
                "{}",
                False,
            )


def _load(n: int, generator: Generator, *, day: date | None = None, drop_indexes: bool) -> float:
    """Insert n generated entries; returns seconds."""
    from django.db import connection

    from bibliohub.history.models import Entry

    table = Entry._meta.db_table
    indexes = [i for i in Entry._meta.indexes]
    started = time.perf_counter()
    with connection.schema_editor() as editor:
        if drop_indexes:
            for index in indexes:
                editor.remove_index(Entry, index)
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
                for row in generator.rows(n, day=day):
                    copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in COLUMNS)
        raw = connection.connection
        if raw is None:
            connection.ensure_connection()
            raw = connection.connection
        raw.execute("PRAGMA synchronous=OFF")
        rows = generator.rows(n, day=day)
        while True:
            chunk = [
                (r[0].isoformat(sep=" "), r[1].isoformat(), *r[2:])
                for _, r in zip(range(200_000), rows, strict=False)
            ]
            if not chunk:
                break
            raw.execute("BEGIN")
            raw.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', chunk)
            raw.execute("COMMIT")
            print(f"  … {chunk[-1][1]}", file=sys.stderr, flush=True)
        raw.execute("PRAGMA synchronous=FULL")
    if drop_indexes:
        with connection.cursor() as cursor:
            # Sort in memory while building the indexes again.
            if connection.vendor == "postgresql":
                cursor.execute("SET maintenance_work_mem = '1GB'")
            else:
                cursor.execute("PRAGMA cache_size = -1000000")
                cursor.execute("PRAGMA threads = 2")
        with connection.schema_editor() as editor:
            for index in indexes:
                editor.add_index(Entry, index)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _timed(call, repeat: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return times, result


def _raw_figures(start: date, end: date) -> dict:
    """The year's figures counted from the entries, in the plainest SQL each database runs
    fastest (no function per row beyond the month's text or date_trunc)."""
    from decimal import Decimal

    from django.db import connection

    from bibliohub.history.selectors import Total

    month = "substr(day, 1, 7)" if connection.vendor == "sqlite" else "date_trunc('month', day)"
    sql = (
        f"SELECT branch_id, {month}, domain, kind, SUM(quantity), SUM(amount) "
        "FROM history_entry WHERE network_id = %s AND day >= %s AND day <= %s "
        f"GROUP BY branch_id, {month}, domain, kind"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [NETWORK, start, end])
        rows = cursor.fetchall()
    figures = {}
    for branch, period, domain, kind, quantity, amount in rows:
        first = date.fromisoformat(period + "-01") if isinstance(period, str) else period.date()
        figures[(branch or 0, first, f"{domain}.{kind}")] = Total(
            quantity, Decimal(str(amount or 0))
        )
    return figures


def _ms(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--raw-repeat", type=int, default=3)
    parser.add_argument("--busy-day", type=int, default=100_000)
    args = parser.parse_args()
    _setup_django(args.db)
    from django.db import connection

    from bibliohub.history import rollup, selectors
    from bibliohub.history.models import Entry

    generator = Generator()
    have = Entry.objects.filter(domain="bench").count()
    if have < args.rows:
        print(f"loading {args.rows - have:,} entries…", file=sys.stderr, flush=True)
        seconds = _load(args.rows - have, generator, drop_indexes=True)
        print(f"loaded in {seconds:.0f} s", file=sys.stderr)
        started = time.perf_counter()
        counted = rollup.roll_up(batch=50_000)
        seconds = time.perf_counter() - started
        print(
            f"rolled up {counted:,} entries in {seconds:.0f} s ({counted / seconds:,.0f}/s)",
            file=sys.stderr,
        )
    else:
        rollup.roll_up()
    total_rows = Entry.objects.count()
    year = YEARS[-1]
    start, end = date(year, 1, 1), date(year, 12, 31)

    def from_rollups():
        return selectors.counts(
            start=start, end=end, network_id=NETWORK, by=("branch", "month", "kind")
        )

    rolled_times, rolled = _timed(from_rollups, args.repeat)
    raw_times, raw = _timed(lambda: _raw_figures(start, end), args.raw_repeat)
    assert rolled == raw, "the roll-ups and the raw entries disagree"
    print(
        f"| {connection.vendor} | {total_rows:,} entries | {len(rolled)} figures | from roll-ups {_ms(rolled_times)} | "
        f"raw {_ms(raw_times)} | raw ÷ rolled-up {statistics.median(raw_times) / statistics.median(rolled_times):.0f}× |"
    )

    if args.busy_day:
        day = date(year + 1, 1, 15)
        _load(args.busy_day, generator, day=day, drop_indexes=False)
        started = time.perf_counter()
        counted = rollup.roll_up()
        seconds = time.perf_counter() - started
        print(
            f"| {connection.vendor} | busy day | {counted:,} entries rolled up in {seconds:.1f} s ({counted / seconds:,.0f}/s) |"
        )
        # Leave the database as it was: the busy day goes again.
        Entry.objects.filter(day=day).delete()
        from bibliohub.history.models import DayBreakdown, DayCount, DistinctYear

        DayCount.objects.filter(day=day).delete()
        DayBreakdown.objects.filter(day=day).delete()
        # The busy day is the only one of its year.
        DistinctYear.objects.filter(year=day.year).delete()


if __name__ == "__main__":
    main()
