"""Annual report benchmark: a branch's annual report for a year as PDF (target ≤ 10 s), over
a history of many rows, with the parts timed apart — building the report's data (the
indicators of the year and the year before from the roll-ups, the targets, plan progress,
the SWOT) and rendering it — and the XLSX and CSV beside them.

    .venv/bin/python bench/annual_report.py --db sqlite:////tmp/bench-annual/db.sqlite3 --rows 200000
    .venv/bin/python bench/annual_report.py --db postgres://bibliohub@127.0.0.1:55501/postgres
    .venv/bin/python bench/annual_report.py --db … --branch b1 --language zh-hans --repeat 5

The first run on a database sets up a network of four branches (codes b1…b4, unless the
database has a network already), a development programme of the year with `--actions`
actions and five progress updates each, and a SWOT analysis; then fills the history with
`--rows` entries (2,000,000 by default; 20,000,000 to match the targets of DESIGN.md) over two
years with the generator of bench/history_figures.py, its kinds mapped onto the real kinds of
circulation, patrons, the catalogue, programmes, the daybook and the community, and rolls them
all up. Later runs on the same database reuse what is there.

Timings are wall-clock seconds of this process (median and worst of `--repeat`); the machine
has 2 cores shared with other work, so compare numbers of one run."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import history_figures as hf  # noqa: E402  (the generator and loader of the history benchmark)

SOURCE = "bench-annual"
# The history benchmark's kinds as the real kinds the indicators read.
REAL_KINDS = {
    "checkout": "circulation.checkout",
    "checkin": "circulation.checkin",
    "renew": "circulation.renew",
    "hold_placed": "circulation.hold_placed",
    "hold_ready": "circulation.hold_ready",
    "hold_cancelled": "circulation.hold_cancelled",
    "hold_expired": "circulation.hold_expired",
    "transfer_sent": "circulation.transfer_sent",
    "transfer_received": "circulation.transfer_received",
    "checkout_refused": "circulation.checkout_refused",
    "renewal_refused": "circulation.renewal_refused",
    "hold_refused": "circulation.hold_refused",
    "fine": "circulation.fine",
    "payment": "circulation.payment",
    "waive": "circulation.waive",
    "lost": "circulation.lost",
    "damaged": "circulation.damaged",
    "registered": "patrons.registered",
    "card_renewed": "patrons.card_renewed",
    "details_changed": "patrons.details_changed",
    "blocked": "patrons.blocked",
    "block_lifted": "patrons.block_lifted",
    "record_created": "catalog.record_created",
    "record_updated": "catalog.record_updated",
    "item_added": "catalog.item_added",
    "item_updated": "catalog.item_updated",
    "item_withdrawn": "catalog.item_withdrawn",
    "event_registered": "programs.registered",
    "event_cancelled": "programs.cancelled",
    "checked_in": "programs.checked_in",
    "walk_ins": "programs.walk_ins",
    "hours_logged": "community.hours_logged",
    "activity_recorded": "community.activity_recorded",
    "mentoring_requested": "community.mentoring_requested",
    "notice_sent": "circulation.notice_sent",
    "hours_set": "daybook.gate_visits",
}
DOMAIN, KIND, SOURCE_COLUMN = 4, 5, 10


class Generator(hf.Generator):
    """The history benchmark's entries, as real kinds of the network and branches here."""

    def __init__(self, network_id: int, branch_ids: list[int]) -> None:
        super().__init__()
        self.network_id = network_id
        self.branch_ids = branch_ids

    def rows(self, n: int, *, day: date | None = None) -> Iterator[tuple[Any, ...]]:
        for row in super().rows(n, day=day):
            cells = list(row)
            domain, _dot, kind = REAL_KINDS.get(cells[KIND], f"bench.{cells[KIND]}").partition(".")
            cells[DOMAIN], cells[KIND] = domain, kind
            cells[2] = self.network_id
            cells[3] = self.branch_ids[(cells[3] - 1) % len(self.branch_ids)]
            cells[SOURCE_COLUMN] = SOURCE
            yield tuple(cells)


def _world(year: int, actions: int) -> tuple[Any, list[Any]]:
    """The network, its branches, a programme of `year` and its SWOT (made once)."""
    from bibliohub.libraries.models import Branch, Network
    from bibliohub.planning.models import (
        Action,
        ActionStatus,
        Direction,
        Goal,
        Programme,
        ProgrammeStatus,
        ProgressUpdate,
        Quadrant,
        Swot,
        SwotPoint,
    )

    now = datetime(year, 12, 31, 12, tzinfo=UTC)
    network = Network.objects.order_by("pk").first()
    if network is None:
        network = Network.objects.create(name="Bench network", names={"uk": "Мережа бібліотек"})
    branches = list(Branch.objects.filter(network=network).order_by("pk"))
    if not branches:
        branches = [
            Branch.objects.create(network=network, code=f"b{n}", name=f"Branch {n}", names={"zh-hans": f"分馆 {n}"})
            for n in range(1, 5)
        ]
    if not Programme.objects.filter(network=network, starts_on__year=year).exists():
        programme = Programme.objects.create(
            network=network, language="uk", title=f"Програма розвитку {year}",
            starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), status=ProgrammeStatus.ADOPTED,
            created_at=now, updated_at=now,
        )
        direction = Direction.objects.create(programme=programme, title="Читання для всіх")
        goal = Goal.objects.create(direction=direction, title="Більше читачів")
        statuses = list(ActionStatus)
        made = Action.objects.bulk_create(
            Action(
                programme=programme, goal=goal, position=n, title=f"Захід {n}",
                coordinator=branches[n % len(branches)], status=statuses[n % len(statuses)],
                due_on=date(year, 1 + n % 12, 28), updated_at=now,
            )
            for n in range(actions)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=action, on=date(year, month, 10), status=statuses[month % len(statuses)],
                note="", language="uk", is_public=month % 2 == 0, created_at=now,
                branch=branches[month % len(branches)],
            )
            for action in made
            for month in (2, 4, 6, 8, 10)
        )
        for branch in [None, *branches]:
            swot = Swot.objects.create(
                network=network, branch=branch, year=year, language="uk",
                summary="Підсумки року", created_at=now, updated_at=now,
            )
            SwotPoint.objects.bulk_create(
                SwotPoint(swot=swot, quadrant=q, position=n, statement=f"{q.label} {n}")
                for q in Quadrant
                for n in range(5)
            )
    return network, branches


def _timed(call: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return times, result


def _s(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--year", type=int, default=hf.YEARS[-1])
    parser.add_argument("--branch", help="Branch code (default: the first branch).")
    parser.add_argument("--language", default="uk")
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    hf._setup_django(args.db)
    from django.db import connection

    from bibliohub.history import rollup
    from bibliohub.history.models import Entry
    from bibliohub.libraries.models import Branch
    from bibliohub.reports import annual, render

    network, branches = _world(args.year, args.actions)
    have = Entry.objects.filter(source=SOURCE).count()
    if have < args.rows:
        print(f"loading {args.rows - have:,} entries…", file=sys.stderr, flush=True)
        generator = Generator(network.pk, [b.pk for b in branches])
        seconds = hf._load(args.rows - have, generator, drop_indexes=True)
        print(f"loaded in {seconds:.0f} s", file=sys.stderr)
        started = time.perf_counter()
        counted = rollup.roll_up(batch=50_000)
        print(f"rolled up {counted:,} entries in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    else:
        rollup.roll_up()
    branch = Branch.objects.get(code=args.branch) if args.branch else branches[0]
    today = date(args.year + 1, 1, 15)

    def build() -> Any:
        return annual.build(
            network=network, branch=branch, year=args.year, language=args.language, today=today
        )

    report = build()  # the first run loads Pango, the fonts and the templates
    render.annual(report, "pdf")
    build_times, report = _timed(build, args.repeat)
    pdf_times, pdf = _timed(lambda: render.annual(report, "pdf"), args.repeat)
    whole_times, _pdf = _timed(lambda: render.annual(build(), "pdf"), args.repeat)
    xlsx_times, _xlsx = _timed(lambda: render.annual(report, "xlsx"), args.repeat)
    csv_times, _csv = _timed(lambda: render.annual(report, "csv"), args.repeat)
    rows = Entry.objects.count()
    print(
        f"| {connection.vendor} | {rows:,} entries | branch {branch.code}, {args.year}, {args.language} | "
        f"{len(report.indicators)} indicators, {sum(len(p.actions) for p in report.programmes)} actions | "
        f"PDF whole {_s(whole_times)} ({len(pdf):,} bytes) | build {_s(build_times)} | "
        f"render PDF {_s(pdf_times)} | XLSX {_s(xlsx_times)} | CSV {_s(csv_times)} |"
    )


if __name__ == "__main__":
    main()
