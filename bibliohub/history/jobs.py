"""The history's scheduled jobs, after every other: count what the other jobs and the day
recorded into the roll-ups, compare the frozen figures of closed periods with a
recomputation, and destroy the pseudonym keys of closed years."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bibliohub.history import rollup, services, snapshots
from bibliohub.history.models import ClosedPeriod, PeriodKind, PseudonymKey
from bibliohub.jobs import Outcome, Run, scheduled

# How often the figures of a closed period are compared with a recomputation.
RECHECK_EVERY = timedelta(days=1)


@scheduled("roll_up", order=90, label="history rolled up", describe=lambda d: str(d["entries"]))
def roll_up(run: Run) -> Outcome:
    return Outcome({"entries": rollup.roll_up()})


@scheduled(
    "closed_figures_checked",
    order=92,
    label="figures of closed periods compared with a recomputation",
    describe=lambda d: f"{d['periods']} periods, {d['differing']} figures differ",
)
def recheck_closed(run: Run) -> Outcome:
    """Once a day per closed period: what differs is kept beside the frozen figure, for
    staff to review (never applied by itself)."""
    due = ClosedPeriod.objects.filter(checked_at__lt=run.at - RECHECK_EVERY) | (
        ClosedPeriod.objects.filter(checked_at__isnull=True)
    )
    periods = differing = 0
    for closed in due.order_by("start"):
        differing += snapshots.recheck(closed, at=run.at)
        periods += 1
    return Outcome({"periods": periods, "differing": differing})


@scheduled(
    "pseudonym_keys",
    order=95,
    label="pseudonym keys destroyed",
    describe=lambda d: ", ".join(d["years"]) or "none",
)
def destroy_old_keys(run: Run) -> Outcome:
    """A year's key is destroyed once the year is closed (its figures frozen: nothing needs
    to tell its patrons apart any more), and in any case once the year has ended and
    PSEUDONYM_KEY_DAYS more have passed: its pseudonyms stay countable, unlinkable."""
    today = timezone.localdate(run.at)
    by_age = (today - timedelta(days=settings.PSEUDONYM_KEY_DAYS)).year - 1
    destroyed: list[str] = []
    live = PseudonymKey.objects.filter(destroyed_at__isnull=True)
    closed = {
        (network_id, start.year)
        for network_id, start in ClosedPeriod.objects.filter(kind=PeriodKind.YEAR).values_list(
            "network_id", "start"
        )
    }
    due: dict[int, list[int]] = {}
    for network_id, year in live.values_list("network_id", "year"):
        if year <= by_age or ((network_id, year) in closed and year < today.year):
            due.setdefault(network_id, []).append(year)
    for network_id, years in sorted(due.items()):
        destroyed += [
            f"{network_id}/{year}"
            for year in services.destroy_pseudonym_keys(
                network_id=network_id, years=years, actor=run.actor, at=run.at
            )
        ]
    return Outcome({"years": destroyed})
