"""Front desk benchmark: the staff checkout screen end to end (URL routing, session, desk
branch, permission-checked fetch, the checkout service, templates), through Django's test
client, for a patron with no loans and a patron with 1,000 current loans, side by side.

    .venv/bin/python bench/desk_screens.py                      # SQLite in a temporary directory
    .venv/bin/python bench/desk_screens.py --db postgres://bibliohub@127.0.0.1:55448/postgres
    .venv/bin/python bench/desk_screens.py -n 300

Two timings per patron, interleaved round by round so both patrons see the same machine load:

    page    GET of the checkout page (patron summary, blocks, first page of 50 loans)
    scan    an htmx POST of one item barcode: the checkout and the fragment the page shows
            (the result and the refreshed first page of loans)

It prints p50 and p95 in milliseconds and the ratio of the 1,000-loan patron to the patron
without loans: the screen is meant to cost the same whatever the number of loans.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(loans_for_heavy: int, rounds: int) -> dict:
    from django.core.management import call_command

    from bibliohub.accounts.models import Role, User
    from bibliohub.catalog.models import Item, ItemStatus, ItemType, Record
    from bibliohub.circulation.models import CirculationRule, Loan
    from bibliohub.libraries.models import Branch, Network, OpeningPeriod
    from bibliohub.patrons.models import AgeBand, Patron, PatronCategory, PatronStatus

    call_command("migrate", verbosity=0)
    at = datetime.now(UTC)
    tag = str(int(time.time() * 1000))  # rerunnable against the same database
    network = Network.objects.create(name=f"Desk bench {tag}")
    branch = Branch.objects.create(network=network, code=f"d{tag}", name="Bench branch")
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(branch=branch, weekday=d, opens="00:00", closes="23:59") for d in range(7)
    )
    item_type, _ = ItemType.objects.get_or_create(code="book", defaults={"name": "Book"})
    category, _ = PatronCategory.objects.get_or_create(
        code="adult", defaults={"name": "Adult", "age_band": AgeBand.ADULT}
    )
    CirculationRule.objects.get_or_create(
        branch=None, patron_category=None, item_type=None, defaults={"loan_period": 21}
    )
    staff = User.objects.create_user(
        username=f"desk{tag}", password="x", role=Role.BRANCH_LIBRARIAN
    )
    staff.branches.set([branch])
    light, heavy = Patron.objects.bulk_create(
        Patron(
            network=network,
            card_barcode=f"P{tag}-{name}",
            family_name="Reader",
            given_names=name,
            home_branch=branch,
            category=category,
            status=PatronStatus.ACTIVE,
            card_expires_on=at.date() + timedelta(days=365),
            created_at=at,
        )
        for name in ("light", "heavy")
    )
    n_items = loans_for_heavy + 2 * rounds
    records = Record.objects.bulk_create(
        Record(marc=b"", title=f"Volume {i}", created_at=at, updated_at=at) for i in range(n_items)
    )
    items = Item.objects.bulk_create(
        Item(
            record=r,
            barcode=f"I{tag}-{i}",
            branch=branch,
            item_type=item_type,
            status=ItemStatus.ON_LOAN if i < loans_for_heavy else ItemStatus.AVAILABLE,
            created_at=at,
            updated_at=at,
        )
        for i, r in enumerate(records)
    )
    Loan.objects.bulk_create(
        Loan(
            item=item,
            patron=heavy,
            branch=branch,
            item_type=item_type,
            checked_out_at=at - timedelta(days=1),
            due_at=at + timedelta(days=20 + i % 7),
            category=category,
            age_band=AgeBand.ADULT,
            home_branch=branch,
        )
        for i, item in enumerate(items[:loans_for_heavy])
    )
    free = [item.barcode for item in items[loans_for_heavy:]]
    return {"staff": staff, "light": light, "heavy": heavy, "free": free}


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: SQLite in a temporary directory)")
    parser.add_argument("-n", "--rounds", type=int, default=200)
    parser.add_argument("--loans", type=int, default=1000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-desk-")
    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db or f"sqlite:///{tmp}/db.sqlite3"
    os.environ["BIBLIOHUB_VAR_DIR"] = tmp
    os.environ["BIBLIOHUB_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()
    from django.test import Client
    from django.urls import reverse

    world = _setup(args.loans, args.rounds + 5)
    client = Client()
    client.force_login(world["staff"])
    free = iter(world["free"])
    times: dict[tuple[str, str], list[float]] = {}
    for n in range(args.rounds + 5):
        for who in ("light", "heavy"):
            patron = world[who]
            url = reverse("staff:circulation:checkout", args=[patron.pk])
            started = time.perf_counter()
            page = client.get(url)
            page_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            scanned = client.post(url, {"barcode": next(free)}, HTTP_HX_REQUEST="true")
            scan_ms = (time.perf_counter() - started) * 1000
            assert page.status_code == 200 and b"Lent" in scanned.content, scanned.content[:500]
            if n >= 5:  # the first rounds warm caches and the session
                times.setdefault((who, "page"), []).append(page_ms)
                times.setdefault((who, "scan"), []).append(scan_ms)
    engine = (
        "PostgreSQL" if os.environ["BIBLIOHUB_DATABASE_URL"].startswith("postgres") else "SQLite"
    )
    print(f"\n{engine}, {args.rounds} rounds, heavy patron starts with {args.loans} loans\n")
    print("| screen | patron | p50 ms | p95 ms |")
    print("|---|---|---:|---:|")
    for (who, what), values in sorted(
        times.items(), key=lambda kv: (kv[0][1], kv[0][0] != "light")
    ):
        label = "no loans" if who == "light" else f"{args.loans} loans"
        print(f"| {what} | {label} | {statistics.median(values):.1f} | {_p(values, 0.95):.1f} |")
    for what in ("page", "scan"):
        ratio = statistics.median(times[("heavy", what)]) / statistics.median(
            times[("light", what)]
        )
        print(f"\n{what}: median with {args.loans} loans / without = {ratio:.2f}")


if __name__ == "__main__":
    main()
