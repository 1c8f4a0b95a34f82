"""Network dashboard benchmark: the server time of /staff/indicators/ for a network of four
branches, a year and the year before, over the history that bench/history_figures.py fills
(20 million entries of the `bench` domain by default).

    .venv/bin/python bench/history_figures.py --db sqlite:////tmp/bench-history/db.sqlite3
    .venv/bin/python bench/dashboard.py --db sqlite:////tmp/bench-history/db.sqlite3
    .venv/bin/python bench/dashboard.py --db postgres://bibliohub@127.0.0.1:55490/postgres
    .venv/bin/python bench/dashboard.py --db sqlite:////tmp/small.sqlite3 --fill 200000   # quick

The history's entries are of the benchmark's own kinds (`bench.checkout`, …), which no app's
indicator counts; so that the dashboard reads what is there, the run registers, beside the
real indicators, indicators over those kinds (`bench_loans`, `bench_refusals`,
`bench_attendance`, `bench_registrations`, `bench_bookings`, `bench_fines`). The indicators of
distinct patrons (active, regular and e-service users) count the benchmark's entries as they
are, since its kinds mark their uses of a service.

It makes the network and its four branches (ids 1–4, as the entries name them) and a network
manager when they are missing, then times, `--repeat` times each:
    plan     GET /staff/indicators/?year=2026 — the plan's key indicators (the Lutsk six and
             the ones no app computes yet), for the network and the four branches, 2026
             beside 2025: the page a director opens
    every    GET /staff/indicators/?year=2026&all=1 — every registered indicator, the same
    selector measures.selectors.dashboard for every indicator, without rendering the page
    detail   GET /staff/indicators/figure/bench_loans/?year=2026 — one indicator, its months of
             both years and its branches side by side
with the number of SQL queries each makes. Timings are wall-clock seconds of this process
(server time: the request through Django's test client, middleware and template included;
no network, no browser). The target (DESIGN.md): the network dashboard in ≤ 1 s at 20 M rows.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import history_figures  # noqa: E402  (bench/history_figures.py: the same history)

YEAR = history_figures.YEARS[-1]
BRANCH_NAMES = (
    ("central", "Центральна бібліотека", {"en": "Central Library"}),
    ("north", "Бібліотека-філія № 2", {"en": "North branch"}),
    ("riverside", "Бібліотека-філія № 3", {"en": "Riverside branch"}),
    ("school", "Шкільна бібліотека", {"en": "School library"}),
)
# The benchmark's own kinds, summed as the real indicators sum theirs.
BENCH_INDICATORS = (
    ("bench_loans", "Loans (benchmark)", ("checkout", "renew"), True),
    ("bench_refusals", "Refusals (benchmark)", ("checkout_refused", "renewal_refused", "hold_refused"), False),
    ("bench_attendance", "Attendance (benchmark)", ("checked_in", "walk_ins"), True),
    ("bench_registrations", "New users (benchmark)", ("registered",), True),
    ("bench_bookings", "Bookings (benchmark)", ("booked",), True),
    ("bench_fines", "Fines (benchmark)", ("fine",), None),
)


def _register_bench_indicators() -> None:
    from bibliohub.history import indicators, kinds
    from bibliohub.history.indicators import Indicator, sums

    for code, name, codes, better in BENCH_INDICATORS:
        if indicators.get(code) is not None:
            continue
        found = [kinds.find("bench", c) for c in codes]
        indicators.register(
            Indicator(
                code=code,
                name=name,
                definition=f"The benchmark's entries of {', '.join(codes)}, summed.",
                numerator=name,
                compute=sums([k for k in found if k is not None]),
                higher_is_better=better,
                group="bench",
                order=len(code),
            )
        )


def _network():
    from bibliohub.accounts.models import Role, User
    from bibliohub.libraries.models import Branch, Network

    network, _ = Network.objects.get_or_create(
        pk=history_figures.NETWORK, defaults={"name": "Міська ЦБС", "names": {"en": "City library system"}}
    )
    for pk, (code, name, names) in zip(history_figures.BRANCHES, BRANCH_NAMES, strict=True):
        Branch.objects.get_or_create(
            pk=pk,
            defaults={"network": network, "code": f"bench-{code}", "name": name, "names": names,
                      "is_central": pk == 1},
        )
    user = User.objects.filter(username="bench-director").first()
    if user is None:
        user = User.objects.create_user(
            username="bench-director", password=None, role=Role.NETWORK_MANAGER
        )
    return network, user


def _timed(call, repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return times, queries


def _ms(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--fill", type=int, default=0,
        help="fill an empty database with this many entries first (history_figures' generator); "
        "0: use what bench/history_figures.py loaded",
    )
    parser.add_argument(
        "--close-previous", action="store_true",
        help="close the year before first (its figures then come frozen, as after a year closed "
        "in January)",
    )
    args = parser.parse_args()
    history_figures._setup_django(args.db)
    from django.db import connection
    from django.test import Client

    from bibliohub.history import indicators, rollup
    from bibliohub.history.indicators import Period
    from bibliohub.history.models import Entry
    from bibliohub.libraries.models import Branch
    from bibliohub.measures import selectors

    have = Entry.objects.filter(domain="bench").count()
    if have == 0 and args.fill:
        print(f"loading {args.fill:,} entries…", file=sys.stderr, flush=True)
        history_figures._load(args.fill, history_figures.Generator(), drop_indexes=True)
        rollup.roll_up(batch=50_000)
        have = args.fill
    if have == 0:
        sys.exit("no benchmark history here: run bench/history_figures.py on this database first, or pass --fill N")
    rollup.roll_up()
    _register_bench_indicators()
    network, user = _network()
    branches = list(Branch.objects.filter(network=network).order_by("pk"))
    if args.close_previous and indicators.closed_period(Period.year(YEAR - 1), network.pk) is None:
        from django.utils import timezone

        from bibliohub.history import Actor
        from bibliohub.measures import services

        started = time.perf_counter()
        services.close(Period.year(YEAR - 1), network=network, actor=Actor.for_staff(user),
                       at=timezone.now())
        print(f"closed {YEAR - 1} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)

    def get(path: str) -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")

    def selector() -> None:
        selectors.dashboard(
            Period.year(YEAR), network=network, branches=branches, with_network=True,
            codes=indicators.codes(),
        )

    get(f"/staff/indicators/?year={YEAR}")  # the first request sets Django up: not timed
    rows = Entry.objects.count()
    closed = indicators.closed_period(Period.year(YEAR - 1), network.pk) is not None
    print(f"{YEAR - 1} {'closed (frozen figures)' if closed else 'open (computed)'}")
    print(f"{connection.vendor}, {rows:,} entries ({have:,} of the benchmark), "
          f"{len(branches)} branches, {len(indicators.codes())} indicators registered")
    print("| page | server time | SQL queries |")
    print("|---|---|---|")
    for name, call in (
        ("plan: /staff/indicators/", lambda: get(f"/staff/indicators/?year={YEAR}")),
        ("every indicator: ?all=1", lambda: get(f"/staff/indicators/?year={YEAR}&all=1")),
        ("selector only, every indicator", selector),
        ("one indicator: figure/bench_loans/", lambda: get(f"/staff/indicators/figure/bench_loans/?year={YEAR}")),
    ):
        times, queries = _timed(call, args.repeat)
        print(f"| {name} | {_ms(times)} | {queries} |")


if __name__ == "__main__":
    main()
