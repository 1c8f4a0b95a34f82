"""Notices benchmark: `queue_notices` over a network where many loans fall due, then the same
run again (every notice already queued, the cost of an idle daily run).

    .venv/bin/python bench/notices.py --db sqlite:////tmp/bench-notices/db.sqlite3 \
        --patrons 2000 --loans 5

Each patron has an e-mail address and `--loans` loans due from 30 days ago to 10 days ahead,
so about a third are due soon or overdue. The figures are the selection, rendering in the
patron's language, the notice log and the outbox row (the settings' task queue gets the
messages; no worker sends them here), not an SMTP server's speed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup(patrons: int, loans: int, at: datetime) -> None:
    from django.core.management import call_command

    from bibliohub.catalog.models import Item, ItemType, Record
    from bibliohub.circulation.models import CirculationRule, Loan
    from bibliohub.libraries.models import Branch, Network
    from bibliohub.patrons.models import AgeBand, Patron, PatronCategory, PatronStatus

    call_command("migrate", verbosity=0)
    tag = str(int(time.time() * 1000))
    network = Network.objects.create(name=f"Bench {tag}")
    branch = Branch.objects.create(network=network, code=f"n{tag}", name="Bench branch")
    item_type, _ = ItemType.objects.get_or_create(code="book", defaults={"name": "Book"})
    category, _ = PatronCategory.objects.get_or_create(
        code="adult", defaults={"name": "Adult", "age_band": AgeBand.ADULT}
    )
    CirculationRule.objects.get_or_create(branch=None, patron_category=None, item_type=None)
    languages = ["en", "vi", "zh-hans", "uk", "pl"]
    people = Patron.objects.bulk_create(
        Patron(
            network=network,
            card_barcode=f"N{tag}-{i}",
            family_name=f"Reader {i}",
            given_names="Bench",
            email=f"reader{i}@example.org",
            language=languages[i % len(languages)],
            home_branch=branch,
            category=category,
            status=PatronStatus.ACTIVE,
            created_at=at,
        )
        for i in range(patrons)
    )
    records = Record.objects.bulk_create(
        Record(marc=b"", title=f"Title {i}", created_at=at, updated_at=at) for i in range(500)
    )
    items = Item.objects.bulk_create(
        Item(
            record=records[i % len(records)],
            barcode=f"N{tag}-{i}",
            branch=branch,
            item_type=item_type,
            status="on_loan",
            created_at=at,
            updated_at=at,
        )
        for i in range(patrons * loans)
    )
    Loan.objects.bulk_create(
        Loan(
            item=item,
            patron=people[i // loans],
            branch=branch,
            item_type=item_type,
            checked_out_at=at - timedelta(days=40),
            due_at=at + timedelta(days=(i * 7) % 41 - 30, hours=12),
            category=category,
            age_band=category.age_band,
            home_branch=branch,
        )
        for i, item in enumerate(items)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="BIBLIOHUB_DATABASE_URL of a scratch database")
    parser.add_argument("--patrons", type=int, default=2000)
    parser.add_argument("--loans", type=int, default=5, help="loans per patron")
    args = parser.parse_args()
    os.environ["BIBLIOHUB_DATABASE_URL"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bibliohub.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail

    from bibliohub.circulation import notices
    from bibliohub.history import Actor

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    _setup(args.patrons, args.loans, at)

    started = time.perf_counter()
    first = notices.queue_notices(at=at, actor=Actor.for_job("notices"))
    first_s = time.perf_counter() - started
    started = time.perf_counter()
    again = notices.queue_notices(at=at + timedelta(hours=1), actor=Actor.for_job("notices"))
    again_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "db": args.db.split("://")[0],
                "patrons": args.patrons,
                "loans": args.patrons * args.loans,
                "first_run": {
                    "messages": first.total,
                    "by_kind": {k: n for k, n in first.queued.items() if n},
                    "seconds": round(first_s, 2),
                    "messages_per_s": round(first.total / first_s, 1) if first_s else None,
                },
                "second_run": {"messages": again.total, "seconds": round(again_s, 2)},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
