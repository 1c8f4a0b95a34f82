"""The libraries' scheduled job: count the hours each branch was open on the days that are
over (the opening hours of any period are the sum of its days)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from bibliohub.history.models import Entry
from bibliohub.history.services import counted_days
from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.libraries import services
from bibliohub.libraries.kinds import HOURS_OPEN
from bibliohub.libraries.models import Branch

# How far back the first count of a branch goes: the hours of a past day are known from
# the calendar's history as long as the history knows the week then in force.
FIRST_COUNT_DAYS = 400


@scheduled("opening_hours_counted", order=80, label="opening hours counted")
def count_opening_hours(run: Run) -> Outcome:
    """Every day not counted yet, up to yesterday, for every active branch: once a day after
    midnight in practice, and the days a stopped server missed when it runs again."""
    yesterday = timezone.localdate(run.at) - timedelta(days=1)
    counted = 0
    for branch in Branch.objects.filter(is_active=True).order_by("pk"):
        first = _first_day(branch, yesterday)
        if first > yesterday:
            continue
        done = counted_days(HOURS_OPEN, network_id=branch.network_id, branch_id=branch.pk, since=first)
        days = [
            first + timedelta(days=n)
            for n in range((yesterday - first).days + 1)
            if first + timedelta(days=n) not in done
        ]
        counted += services.count_opening_hours(branch, days=days, actor=run.actor, at=run.at)
    return Outcome({"days": counted})


def _first_day(branch: Branch, yesterday: date) -> date:
    """The first day to count: the day the history first knew of the branch, at most
    FIRST_COUNT_DAYS ago (a branch with no history yet starts yesterday)."""
    known = (
        Entry.objects.filter(branch_id=branch.pk).order_by("at").values_list("day", flat=True).first()
    )
    earliest = yesterday - timedelta(days=FIRST_COUNT_DAYS)
    return max(known or yesterday, earliest)
