"""Checkout benchmark: loans made through bibliohub.circulation.services.checkout, one
transaction each with durable commits, timed one by one, on SQLite and PostgreSQL side by side.

    # SQLite (WAL, synchronous=FULL as in settings) and PostgreSQL, in one run
    .venv/bin/python bench/checkout.py --db sqlite:////tmp/bench-checkout/db.sqlite3 \
        --db postgres://bibliohub@127.0.0.1:55446/postgres

Each database gets a fresh network, a default rule, patrons and copies, then two scenarios:

    spread        checkouts for many patrons, each with a few loans (a busy desk)
    1000 loans    checkouts for one patron who has 1,000 current loans at the start (a
                  new such patron each round; the loans made in the round add to them)

`--desks N` lends from N desks at once, each a process of its own with its own patrons and
copies, started together for each scenario; "per s" is then the checkouts of all desks over
the time from the first start to the last end, and the latencies are those of every desk.

Each `--db` runs in its own process (Django has one default database per process); the table
at the end puts them side by side. "cpu ms" is the CPU time of the benchmark process per
checkout (Django and the SQLite library; a PostgreSQL server's own work is not in it): on a
shared machine it says what a checkout costs when the wall-clock figures say how busy the
machine was. For PostgreSQL numbers that mean "durable", run a cluster
with fsync and synchronous_commit on (the test cluster of scripts/pg-test-cluster.sh turns
them off). The SQLite file must be on a real disk, not tmpfs, for the same reason.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(args: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from bibliohub.accounts.models import User
    from bibliohub.catalog.models import Item, ItemType, Record
    from bibliohub.circulation.models import CirculationRule, Loan
    from bibliohub.libraries.models import Branch, Network, OpeningPeriod
    from bibliohub.patrons.models import AgeBand, Patron, PatronCategory, PatronStatus

    call_command("migrate", verbosity=0)
    at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    # Rerunnable against the same database, and unique among desks set up at the same moment.
    tag = f"{int(time.time() * 1000)}p{os.getpid()}"
    network = Network.objects.create(name=f"Bench {tag}")
    branch = Branch.objects.create(network=network, code=f"b{tag}", name="Bench branch")
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(branch=branch, weekday=d, opens="09:00", closes="20:00") for d in range(6)
    )
    item_type, _ = ItemType.objects.get_or_create(code="book", defaults={"name": "Book"})
    category, _ = PatronCategory.objects.get_or_create(
        code="adult", defaults={"name": "Adult", "age_band": AgeBand.ADULT}
    )
    CirculationRule.objects.get_or_create(
        branch=None,
        patron_category=None,
        item_type=None,
        defaults={"loan_period": 21, "max_fines_before_block": 10, "fine_per_day": "0.20"},
    )
    staff = User.objects.create_user(username=f"bench{tag}", password="x")
    patrons = Patron.objects.bulk_create(
        Patron(
            network=network,
            card_barcode=f"C{tag}-{i}",
            family_name="Reader",
            given_names=str(i),
            home_branch=branch,
            category=category,
            status=PatronStatus.ACTIVE,
            card_expires_on=at.date() + timedelta(days=365),
            created_at=at,
        )
        for i in range(args.patrons + args.rounds)
    )
    needed = (2 * args.n + args.loans) * args.rounds + 50
    records = Record.objects.bulk_create(
        Record(marc=b"", title=f"Title {i}", created_at=at, updated_at=at) for i in range(needed)
    )
    items = Item.objects.bulk_create(
        Item(
            record=r,
            barcode=f"I{tag}-{i}",
            branch=branch,
            item_type=item_type,
            created_at=at,
            updated_at=at,
        )
        for i, r in enumerate(records)
    )
    # One patron per round who already has `--loans` current loans.
    heavy = patrons[args.patrons :]
    preloaded, items = items[: args.loans * args.rounds], items[args.loans * args.rounds :]
    Loan.objects.bulk_create(
        Loan(
            item=i,
            patron=heavy[n // args.loans],
            branch=branch,
            item_type=item_type,
            checked_out_at=at,
            due_at=at + timedelta(days=21),
            category=category,
            age_band=AgeBand.ADULT,
        )
        for n, i in enumerate(preloaded)
    )
    Item.objects.filter(pk__in=[i.pk for i in preloaded]).update(status="on_loan")
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("ANALYZE")
            c.execute("PRAGMA synchronous")
            durability = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[c.fetchone()[0]]
            c.execute("PRAGMA journal_mode")
            durability += f", journal_mode={c.fetchone()[0]}"
        else:
            c.execute("ANALYZE")
            c.execute("SHOW synchronous_commit")
            durability = f"synchronous_commit={c.fetchone()[0]}"
            c.execute("SHOW fsync")
            durability += f", fsync={c.fetchone()[0]}"
    return {
        "branch": branch,
        "staff": staff,
        "patrons": patrons[: args.patrons],
        "heavy": heavy,
        "items": items,
        "at": at,
        "durability": durability,
    }


def _time(calls) -> dict:
    durations = []
    cpu = time.process_time()
    started = time.time()
    start = time.perf_counter()
    for call in calls:
        t = time.perf_counter()
        call()
        durations.append(time.perf_counter() - t)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"durations": durations, "started": started, "ended": started + wall, "cpu": cpu}


def _summary(timings: list[dict]) -> dict:
    """One scenario of one round, over every desk: checkouts a second from the first desk's
    start to the last desk's end, latencies of all desks together."""
    durations = sorted(d for t in timings for d in t["durations"])
    wall = max(t["ended"] for t in timings) - min(t["started"] for t in timings)
    return {
        "n": len(durations),
        "per_second": len(durations) / wall,
        "p50_ms": statistics.median(durations) * 1000,
        "p95_ms": durations[int(0.95 * (len(durations) - 1))] * 1000,
        "max_ms": durations[-1] * 1000,
        # The desks' own processes: on a shared machine, the part of the time that is ours.
        "cpu_ms": sum(t["cpu"] for t in timings) / len(durations) * 1000,
    }


def _wait_for_go(phase: str) -> None:
    """With several desks: say this desk is ready for `phase` and wait until every desk is."""
    print(f"ready {phase}", flush=True)
    sys.stdin.readline()


def worker(args: argparse.Namespace) -> dict:
    import django

    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db[0]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    django.setup()
    from bibliohub.circulation import services
    from bibliohub.circulation.selectors import patron_state

    world = _setup(args)
    items = iter(world["items"])
    branch, staff, at = world["branch"], world["staff"], world["at"]
    patrons = world["patrons"]

    from bibliohub.history import Actor

    def lend(patron, k):
        item = next(items)
        # The actor as a staff view builds it, once per request.
        return lambda: services.checkout(
            patron=patron,
            item=item,
            branch=branch,
            actor=Actor.for_staff(staff, source="bench"),
            at=at + timedelta(seconds=k),
        )

    # Warm up the connection and caches before either scenario is timed.
    for k in range(20):
        lend(patrons[k % len(patrons)], k)()
    results: dict = {"durability": world["durability"], "rounds": []}
    for r in range(args.rounds):
        _wait_for_go(f"spread {r}")
        spread = _time(lend(patrons[k % len(patrons)], k) for k in range(args.n))
        _wait_for_go(f"heavy {r}")
        heavy = _time(lend(world["heavy"][r], k) for k in range(args.n))
        results["rounds"].append((spread, heavy))
    results["heavy_open_loans"] = patron_state(world["heavy"][0], at=at)[1].open_loans
    return results


def run_desks(db: str, args: argparse.Namespace) -> dict:
    """`args.desks` desk processes on database `db`, each with its own patrons and copies,
    started together for every scenario of every round."""
    command = [sys.executable, __file__, "--worker", "--db", db, "-n", str(args.n),
               "--loans", str(args.loans), "--patrons", str(args.patrons),
               "--rounds", str(args.rounds)]  # fmt: skip

    def ready(desk: subprocess.Popen) -> None:
        line = desk.stdout.readline()
        if not line.startswith("ready"):
            raise SystemExit(f"a desk stopped before its work: {line!r}")

    # The first desk migrates a fresh database alone; the others set up once it is ready.
    desks = [subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)]
    ready(desks[0])
    desks += [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(args.desks - 1)
    ]
    for phase in range(2 * args.rounds):
        for desk in desks[1:] if phase == 0 else desks:
            ready(desk)
        for desk in desks:  # every desk is ready: go
            desk.stdin.write("go\n")
            desk.stdin.flush()
    outputs = []
    for desk in desks:
        out, _ = desk.communicate()
        if desk.returncode:
            raise SystemExit(f"a desk failed with exit code {desk.returncode}")
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    rounds = [
        (_summary([o["rounds"][r][0] for o in outputs]), _summary([o["rounds"][r][1] for o in outputs]))
        for r in range(args.rounds)
    ]
    return {
        "durability": outputs[0]["durability"],
        "desks": args.desks,
        "spread": _merge([s for s, _ in rounds]),
        "heavy": _merge([h for _, h in rounds]),
        "heavy_open_loans": outputs[0]["heavy_open_loans"],
    }


def _merge(runs: list[dict]) -> dict:
    """The median of each figure over the rounds."""
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True, help="database URL (repeat)")
    parser.add_argument("-n", type=int, default=1000, help="checkouts per scenario and round")
    parser.add_argument("--loans", type=int, default=1000, help="current loans of the patron")
    parser.add_argument("--patrons", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--desks", type=int, default=1, help="desks lending at the same time")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    results = {}
    for db in args.db:
        if db.startswith("sqlite:///"):
            Path(db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        results[db.split(":")[0]] = run_desks(db, args)
    print(f"checkouts through the service, {args.n} per desk, scenario and round, {args.desks} "
          f"desk(s) at once, median of {args.rounds} rounds; load: {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"{'database':<10} {'scenario':<12} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8} {'cpu ms':>8}  durability")  # fmt: skip
    for name, res in results.items():
        for scenario in ("spread", "heavy"):
            r = res[scenario]
            label = scenario if scenario == "spread" else f"{args.loans} loans"
            print(f"{name:<10} {label:<12} {r['per_second']:>8.0f} {r['p50_ms']:>8.2f} "
                  f"{r['p95_ms']:>8.2f} {r['max_ms']:>8.2f} {r['cpu_ms']:>8.2f}  "
                  f"{res['durability']}")  # fmt: skip
    print(json.dumps(results))


if __name__ == "__main__":
    main()
