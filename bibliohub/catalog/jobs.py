"""The catalogue's scheduled job: count the copies each branch holds, once a day."""

from __future__ import annotations

from django.utils import timezone

from bibliohub.catalog import census
from bibliohub.catalog.kinds import COPIES_HELD
from bibliohub.history.models import Census
from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.libraries.models import Network


@scheduled("copies_counted", order=81, label="copies held counted")
def count_copies(run: Run) -> Outcome:
    """At the first run of a day (the collection as the day starts); later runs that day
    have nothing to do."""
    today = timezone.localdate(run.at)
    done = set(
        Census.objects.filter(kind=COPIES_HELD.key, day=today).values_list("network_id", flat=True)
    )
    written = 0
    for network in Network.objects.exclude(pk__in=done).order_by("pk"):
        written += census.count_copies(network, day=today, actor=run.actor, at=run.at)
    return Outcome({"entries": written})
