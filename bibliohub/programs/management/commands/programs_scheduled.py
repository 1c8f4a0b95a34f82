"""`bibliohub programs-scheduled [--at ISO] [--json]`: send the event reminders that are due.
Run it every hour or so (cron, a systemd timer); a registrant is reminded of a date once."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.history import Actor
from bibliohub.jobs import Run
from bibliohub.programs.jobs import event_reminders

# The "event_reminders" job of run-scheduled, on its own.
JOB = "event_reminders"


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--at: not an ISO 8601 date and time: {value!r}") from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Send reminders for events starting soon to everyone with a place."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", type=_moment, help="Run as at this moment (ISO 8601). Default: now.")
        parser.add_argument("--json", action="store_true", help="Print the count as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        at = options["at"] or timezone.now()
        reminded = event_reminders(Run(at=at, actor=Actor.for_job(JOB))).counts["sent"]
        if options["json"]:
            self.stdout.write(json.dumps({"at": at.isoformat(), "reminded": reminded}))
        else:
            self.stdout.write(_("%(count)d event reminders sent.") % {"count": reminded})
