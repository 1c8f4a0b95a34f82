"""The outbox's scheduled job: send what is due (first attempts the task queue has not run
yet, retries whose back-off has passed), so that `bibliohub run-scheduled` alone drains the
outbox even where no worker runs."""

from __future__ import annotations

from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.mail import services


@scheduled(
    "mail",
    order=85,
    label="e-mail outbox",
    describe=lambda d: (f"{d['sent']} sent, {d['retrying']} to retry, {d['failed']} failed, "
                        f"{d['abandoned']} interrupted"),
)
def send_due_mail(run: Run) -> Outcome:
    counts = services.send_due(at=run.at)
    problem = f"{counts['retrying'] + counts['failed']} e-mails not sent" if (
        counts["retrying"] or counts["failed"]) else ""
    return Outcome(counts, problem=problem)
