"""Programmes' scheduled job: the reminders of dates starting soon, each sent once."""

from __future__ import annotations

from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.programs import census, services


@scheduled("event_reminders", order=70, label="event reminders", describe=lambda d: str(d["sent"]))
def event_reminders(run: Run) -> Outcome:
    return Outcome({"sent": services.send_reminders(actor=run.actor, at=run.at)})


@scheduled("dates_held_counted", order=83, label="dates of events held counted")
def dates_held(run: Run) -> Outcome:
    return Outcome({"dates": census.count_held(actor=run.actor, at=run.at)})
