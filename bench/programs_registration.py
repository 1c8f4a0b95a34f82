"""Event registration benchmark: registrations and cancellations (with promotion from the
waiting list) through bibliohub.programs.services, timed one by one, and a rush for one
popular date from several threads at once, on SQLite and PostgreSQL side by side.

    .venv/bin/python bench/programs_registration.py --db sqlite:////tmp/bench-programs/db.sqlite3 \
        --db postgres://bibliohub@127.0.0.1:55450/postgres

Each `--db` runs in its own process. Scenarios:

    register      guests registering for the dates of a weekly series (30 places a date,
                  then the waiting list), spread over the dates
    cancel        cancellations of people with a place, each promoting the first on the
                  waiting list (and queuing their e-mail; the locmem backend takes it)
    rush          `--threads` threads registering for one date at once until `--rush` people
                  have tried; the date must end with exactly its places taken

"cpu ms" is this process's CPU time per call; on a shared machine it is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _time(calls) -> dict:
    durations = []
    cpu = time.process_time()
    start = time.perf_counter()
    for call in calls:
        t = time.perf_counter()
        call()
        durations.append(time.perf_counter() - t)
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    durations.sort()
    return {
        "n": len(durations),
        "per_second": len(durations) / wall,
        "p50_ms": statistics.median(durations) * 1000,
        "p95_ms": durations[int(0.95 * (len(durations) - 1))] * 1000,
        "cpu_ms": cpu / len(durations) * 1000,
    }


def worker(args: argparse.Namespace) -> dict:
    import django

    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db[0]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from bibliohub.libraries.models import Branch, Network
    from bibliohub.programs import services
    from bibliohub.programs.errors import RegistrationRefused
    from bibliohub.programs.models import Registration, RegistrationStatus

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    tag = str(int(time.time() * 1000))
    network = Network.objects.create(name=f"Bench {tag}")
    branch = Branch.objects.create(network=network, code=f"p{tag}"[:20], name="Bench branch")
    at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    start = at + timedelta(days=3)

    def make(capacity: int, count: int):
        return services.create_event(
            services.EventDetails(title=f"Story time {tag}", format="on_site", audiences=["0-5"],
                                  capacity=capacity),
            branch=branch, starts_at=start, ends_at=start + timedelta(minutes=45),
            recurrence=f"FREQ=WEEKLY;COUNT={count}", organiser=None, staff=None, at=at,
        )

    event = make(30, 20)
    dates = list(event.occurrences.all())

    def guest(i: int):
        return services.Attendee(name=f"Guest {i}", contact_name=f"Guest {i}",
                                 contact_email=f"guest{i}@example.org", language="uk")

    def registering(i: int):
        return lambda: services.register(occurrence=dates[i % len(dates)], attendee=guest(i), staff=None, at=at)

    results: dict = {}
    results["register"] = _time(registering(i) for i in range(args.n))
    placed = list(Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED)[: args.n // 4])
    results["cancel"] = _time(
        (lambda r=r: services.cancel_registration(r, staff=None, at=at)) for r in placed
    )
    over = Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).values("occurrence")
    assert all(over.filter(occurrence=d).count() <= 30 for d in dates)

    rush_date = make(args.places, 1).occurrences.get()
    connections.close_all()
    counter = iter(range(10**6, 10**6 + args.rush))
    lock = threading.Lock()
    outcomes = {"confirmed": 0, "waitlisted": 0, "refused": 0}

    def rusher():
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            try:
                r = services.register(occurrence=rush_date, attendee=guest(i), staff=None, at=at)
                with lock:
                    outcomes[r.status] += 1
            except RegistrationRefused:
                with lock:
                    outcomes["refused"] += 1
        connections.close_all()

    threads = [threading.Thread(target=rusher) for _ in range(args.threads)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    taken = Registration.objects.filter(occurrence=rush_date, status=RegistrationStatus.CONFIRMED).count()
    results["rush"] = {"n": args.rush, "per_second": args.rush / wall, **outcomes, "places_taken": taken,
                       "exactly_full": taken == args.places}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True, help="database URL (repeat)")
    parser.add_argument("-n", type=int, default=2000, help="registrations timed one by one")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rush", type=int, default=400, help="people rushing for one date")
    parser.add_argument("--places", type=int, default=25, help="places at the rushed date")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    results = {}
    for db in args.db:
        if db.startswith("sqlite:///"):
            Path(db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(
            [sys.executable, __file__, "--worker", "--db", db, "-n", str(args.n), "--threads",
             str(args.threads), "--rush", str(args.rush), "--places", str(args.places)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results[db.split(":")[0]] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"event registration through the services; load: {os.getloadavg()[0]:.2f}")
    print(f"{'database':<10} {'scenario':<10} {'per s':>8} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>8}")
    for name, res in results.items():
        for scenario in ("register", "cancel"):
            r = res[scenario]
            print(f"{name:<10} {scenario:<10} {r['per_second']:>8.0f} {r['p50_ms']:>8.2f} "
                  f"{r['p95_ms']:>8.2f} {r['cpu_ms']:>8.2f}")  # fmt: skip
        r = res["rush"]
        print(f"{name:<10} {'rush':<10} {r['per_second']:>8.0f}  {args.threads} threads: "
              f"{r['confirmed']} places, {r['waitlisted']} waiting, {r['refused']} refused; "
              f"exactly full: {r['exactly_full']}")  # fmt: skip
    print(json.dumps(results))


if __name__ == "__main__":
    main()
