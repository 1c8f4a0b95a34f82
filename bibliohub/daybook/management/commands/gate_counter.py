"""`bibliohub gate-counter --branch CODE --name "Main door"`: add a gate counter at a branch
and print the token it reports its counts with (once: only its digest is kept);
`--list` shows the counters (of a branch with --branch), `--new-token ID` replaces a
counter's token, `--deactivate ID` refuses its counts from now on. Run by an administrator
on the server."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bibliohub.daybook import services
from bibliohub.daybook.models import GateCounter
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch


class Command(BaseCommand):
    help = "Add, list, re-key or deactivate the gate counters that report visits."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--branch", help="Branch code.")
        parser.add_argument("--name", help="Which door the new counter stands at.")
        parser.add_argument("--list", action="store_true", help="List the counters.")
        parser.add_argument("--new-token", type=int, metavar="ID", help="Give a counter a new token.")
        parser.add_argument("--deactivate", type=int, metavar="ID", help="Refuse a counter's counts.")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = Actor.system("gate-counter")
        now = timezone.now()
        branch = None
        if options["branch"]:
            branch = Branch.objects.filter(code=options["branch"]).first()
            if branch is None:
                raise CommandError(f"unknown branch: {options['branch']}")
        if options["list"]:
            counters = GateCounter.objects.select_related("branch")
            if branch is not None:
                counters = counters.filter(branch=branch)
            for counter in counters:
                state = "active" if counter.is_active else "inactive"
                last = f"{counter.last_reading_at:%Y-%m-%d %H:%M}" if counter.last_reading_at else "-"
                self.stdout.write(
                    f"{counter.pk}\t{counter.branch.code}\t{counter.name}\t…{counter.hint}\t{state}\t{last}"
                )
            return
        for option in ("new_token", "deactivate"):
            if options[option] is not None:
                found = GateCounter.objects.select_related("branch").filter(pk=options[option]).first()
                if found is None:
                    raise CommandError(f"no gate counter {options[option]}")
                if option == "new_token":
                    self.stdout.write(services.new_counter_token(found, actor=actor, at=now))
                else:
                    found.is_active = False
                    services.save_counter(found, actor=actor, at=now)
                    self.stdout.write(f"deactivated {found.pk}")
                return
        if branch is None or not (options["name"] or "").strip():
            raise CommandError("a new counter needs --branch and --name")
        _counter, secret = services.add_counter(branch, name=options["name"], actor=actor, at=now)
        self.stdout.write(secret)
