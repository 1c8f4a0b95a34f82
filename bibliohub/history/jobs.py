"""The history's scheduled jobs, after every other: count what the other jobs and the day
recorded into the roll-ups, and destroy the pseudonym keys of years long closed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from bibliohub.history import rollup, services
from bibliohub.history.models import PseudonymKey
from bibliohub.jobs import Outcome, Run, scheduled


@scheduled("roll_up", order=90, label="history rolled up", describe=lambda d: str(d["entries"]))
def roll_up(run: Run) -> Outcome:
    return Outcome({"entries": rollup.roll_up()})


@scheduled(
    "pseudonym_keys",
    order=95,
    label="pseudonym keys destroyed",
    describe=lambda d: ", ".join(d["years"]) or "none",
)
def destroy_old_keys(run: Run) -> Outcome:
    """A year's key is destroyed once the year has ended and PSEUDONYM_KEY_DAYS more have
    passed (time to close the year's figures): its pseudonyms stay countable, unlinkable."""
    today = timezone.localdate(run.at)
    last_closed = (today - timedelta(days=settings.PSEUDONYM_KEY_DAYS)).year - 1
    destroyed: list[str] = []
    networks = (
        PseudonymKey.objects.filter(year__lte=last_closed, destroyed_at__isnull=True)
        .values_list("network_id", flat=True)
        .distinct()
    )
    for network_id in sorted(set(networks)):
        years = services.destroy_pseudonym_keys(
            network_id=network_id, through_year=last_closed, actor=run.actor, at=run.at
        )
        destroyed += [f"{network_id}/{year}" for year in years]
    return Outcome({"years": destroyed})
