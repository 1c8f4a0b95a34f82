"""`bibliohub run-scheduled [--at ISO] [--only NAME…] [--json]`: every app's scheduled jobs
(bibliohub.jobs), in their order: automatic renewals (before anything is found overdue), hold
expiry, fine accrual, circulation notices (after the three above, so they tell the state of
things), anonymisation of returned loans, room bookings (release the unused ones,
reminders), event reminders, and last the history's roll-up of everything they and the day
recorded, and the destruction of old pseudonym keys. Run it from cron or a systemd timer
every few minutes; every job is safe to repeat. Each job acts as itself: the history says
which job did what."""

from __future__ import annotations

import argparse
import json
import logging
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bibliohub.history import Actor
from bibliohub.jobs import registered, run_job

logger = logging.getLogger(__name__)


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        # argparse turns this into a one-line usage error (and call_command into CommandError).
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date and time: {value!r}") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs: automatic renewals, hold expiry, fine accrual, notices by "
        "e-mail, anonymisation of returned loans, room bookings, event reminders and the "
        "history's roll-up."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at",
            type=_moment,
            help="Run as at this moment (ISO 8601; local time if no offset). Default: now.",
        )
        parser.add_argument(
            "--only",
            nargs="+",
            metavar="NAME",
            help="Run only these jobs (by name, as the JSON output names them).",
        )
        parser.add_argument(
            "--anonymise-after-days",
            type=int,
            default=None,
            help="Forget who borrowed returned loans after this many days "
            "(default: each network's privacy policy, 30 days without one).",
        )
        parser.add_argument("--json", action="store_true", help="Print the outcome as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        at: datetime = options["at"] or timezone.now()
        delay = options["anonymise_after_days"]
        if delay is not None and delay < 0:
            raise CommandError("--anonymise-after-days cannot be negative")
        jobs = registered()
        if options["only"]:
            unknown = sorted(set(options["only"]) - {job.name for job in jobs})
            if unknown:
                known = ", ".join(job.name for job in jobs)
                raise CommandError(f"no scheduled job {', '.join(unknown)} (there are: {known})")
            jobs = [job for job in jobs if job.name in options["only"]]
        outcome: dict[str, Any] = {"at": at.isoformat()}
        failures: list[str] = []
        lines = [f"Scheduled jobs as at {outcome['at']}"]
        for job in jobs:
            # One failing job must not keep the others from running: each is its own
            # transaction, and the next run picks up whatever this one left.
            try:
                result = run_job(
                    job,
                    at=at,
                    actor=Actor.for_job(job.name),
                    options={"anonymise_after_days": delay},
                )
            except Exception as error:
                # Logged with its traceback, and turned into the exit status below.
                logger.exception("run-scheduled: %s failed", job.name)
                message = str(error) or error.__class__.__name__
                outcome[job.name] = {"error": message}
                failures.append(f"{job.name}: {message}")
                lines.append(f"  {job.label}: failed: {message}")
                continue
            outcome[job.name] = result.counts
            lines.append(f"  {job.label}: {job.describe(result.counts)}")
            if result.problem:
                failures.append(f"{job.name}: {result.problem}")
        self.stdout.write(json.dumps(outcome, indent=2) if options["json"] else "\n".join(lines))
        if failures:
            raise CommandError("; ".join(failures))
