"""The scheduled job of complaints and suggestions: warn of those past their deadline."""

from __future__ import annotations

from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.listening import services


@scheduled(
    "feedback_overdue",
    order=75,
    label="overdue complaints and suggestions",
    describe=lambda d: f"{d['warned']} overdue complaints and suggestions reported",
)
def feedback_overdue(run: Run) -> Outcome:
    return Outcome({"warned": services.warn_overdue(actor=run.actor, at=run.at)})
