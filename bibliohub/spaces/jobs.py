"""Rooms' scheduled job: release the bookings nobody checked in, send the reminders due."""

from __future__ import annotations

from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.spaces import services


@scheduled(
    "rooms",
    order=60,
    label="room bookings",
    describe=lambda d: f"{d['released']} released unused, {d['reminded']} reminded",
)
def rooms(run: Run) -> Outcome:
    return Outcome(
        {
            "released": services.release_unused(actor=run.actor, at=run.at),
            "reminded": services.send_reminders(actor=run.actor, at=run.at),
        }
    )
