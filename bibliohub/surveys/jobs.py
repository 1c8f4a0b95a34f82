"""The surveys' scheduled job: remind, once, invited patrons who have not answered a survey
that closes soon."""

from __future__ import annotations

from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.surveys import services


@scheduled(
    "survey_reminders", order=72, label="survey reminders", describe=lambda d: str(d["sent"])
)
def survey_reminders(run: Run) -> Outcome:
    return Outcome({"sent": services.send_reminders(actor=run.actor, at=run.at)})
