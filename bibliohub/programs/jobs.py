"""Programmes' scheduled job: the reminders of dates starting soon, each sent once."""

from __future__ import annotations

from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.programs import services


@scheduled("event_reminders", order=70, label="event reminders", describe=lambda d: str(d["sent"]))
def event_reminders(run: Run) -> Outcome:
    return Outcome({"sent": services.send_reminders(actor=run.actor, at=run.at)})
