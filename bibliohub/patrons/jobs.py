"""Patrons' scheduled jobs: forget the wrong-PIN counts that have run out; count the registered
users and the students by class, once a day."""

from __future__ import annotations

from django.utils import timezone

from bibliohub.history.models import Census
from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.libraries.models import Network
from bibliohub.patrons import census, pins
from bibliohub.patrons.kinds import CARDS_VALID


@scheduled(
    "pin_attempts",
    order=79,
    label="wrong-PIN counts forgotten",
    describe=lambda d: str(d["forgotten"]),
)
def forget_pin_attempts(run: Run) -> Outcome:
    return Outcome({"forgotten": pins.forget_old_attempts(at=run.at)})


@scheduled("patrons_counted", order=82, label="registered users counted")
def count_patrons(run: Run) -> Outcome:
    """At the first run of a day (the cards valid that day); later runs that day have
    nothing to do."""
    today = timezone.localdate(run.at)
    done = set(
        Census.objects.filter(kind=CARDS_VALID.key, day=today).values_list("network_id", flat=True)
    )
    written = 0
    for network in Network.objects.exclude(pk__in=done).order_by("pk"):
        written += census.count_patrons(network, day=today, actor=run.actor, at=run.at)
    return Outcome({"entries": written})
