"""Room booking benchmark: bookings through bibliohub.spaces.services.book (one transaction
each: the room's row lock, the overlap check, the limits, the event row), the OPAC day view of
a branch's rooms, and four threads racing for the same slots.

    .venv/bin/python bench/spaces_booking.py --db sqlite:////tmp/bench-spaces/db.sqlite3
    .venv/bin/python bench/spaces_booking.py --db postgres://bibliohub@127.0.0.1:55451/postgres

Scenarios:
    book          patrons booking free slots across 20 rooms over ten days (sequential)
    refused       the same slots asked for again: every call is a CONFLICT refusal
    day view      the free/booked slots of 20 rooms for one day (what the staff day page reads)
    race          4 threads, each trying every slot of one room; exactly one booking per slot
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KYIV = ZoneInfo("Europe/Kyiv")


def _summary(name: str, times: list[float]) -> dict:
    times = sorted(times)
    return {
        "scenario": name,
        "calls": len(times),
        "per_second": round(len(times) / sum(times), 1),
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--rooms", type=int, default=20)
    args = parser.parse_args()
    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db
    if args.db.startswith("sqlite:///"):
        Path(args.db.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bibliohub.libraries.models import Branch, Network, OpeningPeriod
    from bibliohub.patrons.models import AgeBand, Patron, PatronCategory, PatronStatus
    from bibliohub.spaces import selectors, services
    from bibliohub.spaces.errors import BookingRefused
    from bibliohub.spaces.models import Booking, BookingRule, Room

    call_command("migrate", verbosity=0)
    tag = str(int(time.time() * 1000))
    network = Network.objects.create(name=f"Bench {tag}")
    branch = Branch.objects.create(network=network, code=f"s{tag}"[-20:], name="Bench branch")
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(branch=branch, weekday=d, opens="09:00", closes="20:00") for d in range(7)
    )
    category, _ = PatronCategory.objects.get_or_create(
        code="adult", defaults={"name": "Adult", "age_band": AgeBand.ADULT}
    )
    at = datetime(2026, 12, 1, 8, 0, tzinfo=KYIV)
    patrons = Patron.objects.bulk_create(
        Patron(network=network, card_barcode=f"B{tag}-{i}", family_name="Bench", given_names=str(i),
               home_branch=branch, category=category, status=PatronStatus.ACTIVE, created_at=at)
        for i in range(200)
    )
    rooms = [Room.objects.create(branch=branch, code=f"r{i}", name=f"Room {i}") for i in range(args.rooms)]
    BookingRule.objects.filter(resource__in=rooms).delete()
    for room in rooms:
        BookingRule.objects.create(resource=room, slot_minutes=60, max_minutes=60, max_days_ahead=30,
                                   max_minutes_per_day=120, max_minutes_per_week=600)
    slots = [
        (room, datetime(2026, 12, 2 + day, 9 + hour, tzinfo=KYIV))
        for day in range(10) for hour in range(11) for room in rooms
    ][:2000]
    results = []
    times = []
    for i, (room, start) in enumerate(slots):
        patron = patrons[i % len(patrons)]
        t = time.perf_counter()
        with contextlib.suppress(BookingRefused):  # a patron's limit: still a full call
            services.book(resource=room, start=start, end=start + timedelta(hours=1), patron=patron, at=at)
        times.append(time.perf_counter() - t)
    results.append(_summary("book", times))
    times = []
    for i, (room, start) in enumerate(slots[:500]):
        t = time.perf_counter()
        try:
            services.book(resource=room, start=start, end=start + timedelta(hours=1),
                          patron=patrons[(i + 7) % len(patrons)], at=at)
            raise AssertionError("a booked slot was booked again")
        except BookingRefused:
            pass
        times.append(time.perf_counter() - t)
    results.append(_summary("refused", times))
    times = []
    rooms_fresh = list(Room.objects.filter(branch=branch).select_related("branch"))
    for _ in range(100):
        t = time.perf_counter()
        selectors.day_view(rooms_fresh, datetime(2026, 12, 3, tzinfo=KYIV).date(), at=at)
        times.append(time.perf_counter() - t)
    results.append(_summary("day view", times))

    race_room = Room.objects.create(branch=branch, code="race", name="Race room")
    BookingRule.objects.create(resource=race_room, slot_minutes=60, max_minutes=60, max_days_ahead=30)
    race_slots = [datetime(2026, 12, 2 + d, 9 + h, tzinfo=KYIV) for d in range(5) for h in range(11)]
    barrier = threading.Barrier(4)
    race_times: list[float] = []
    lock = threading.Lock()

    def racer(n: int) -> None:
        barrier.wait()
        mine = []
        for start in race_slots:
            t = time.perf_counter()
            with contextlib.suppress(BookingRefused):
                services.book(resource=race_room, start=start, end=start + timedelta(hours=1),
                              group_name=f"Group {n}", at=at, staff=None)
            mine.append(time.perf_counter() - t)
        with lock:
            race_times.extend(mine)
        connections.close_all()

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(4)]
    wall = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - wall
    booked = Booking.objects.filter(resource=race_room).count()
    assert booked == len(race_slots), (booked, len(race_slots))
    race = _summary("race (4 threads)", race_times)
    race["per_second"] = round(len(race_times) / wall, 1)
    race["bookings"] = booked
    results.append(race)
    print(json.dumps({"db": args.db.split("@")[-1], "results": results}, indent=1))


if __name__ == "__main__":
    main()
