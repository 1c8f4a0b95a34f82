"""`bibliohub spaces-scheduled`: release bookings nobody checked in and send booking reminders.
Run it every few minutes (cron, a systemd timer); each run does only what is due."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.history import Actor
from bibliohub.jobs import Run
from bibliohub.spaces.jobs import rooms

# The "rooms" job of run-scheduled, on its own.
JOB = "rooms"


class Command(BaseCommand):
    help = "Release room and equipment bookings nobody checked in, and send reminders that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the counts as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        at = timezone.now()
        result = rooms(Run(at=at, actor=Actor.for_job(JOB)))
        released, reminded = result.counts["released"], result.counts["reminded"]
        if options["json"]:
            self.stdout.write(json.dumps({"released": released, "reminded": reminded}))
        else:
            self.stdout.write(
                _("%(released)d unused bookings released, %(reminded)d reminders sent.")
                % {"released": released, "reminded": reminded}
            )
