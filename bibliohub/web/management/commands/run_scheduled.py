"""`bibliohub run-scheduled [--at ISO] [--json]`: the network's scheduled jobs, in order:
automatic renewals (before anything is found overdue), hold expiry, fine accrual, circulation
notices (after the three above, so they tell the state of things), anonymisation of returned
loans, then room bookings (release the unused ones, reminders) and event reminders. Run it
from cron or a systemd timer every few minutes; every step is safe to repeat. It lives in the
web app because it spans every domain app (they do not depend on one another this way)."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bibliohub.circulation import notices, services
from bibliohub.history import Actor
from bibliohub.programs import services as programs
from bibliohub.spaces import services as spaces

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


def _by_kind(counts: dict[str, int]) -> str:
    kinds = [f"{kind} {counts[kind]}" for kind in notices.TEMPLATES if counts.get(kind)]
    return f" ({', '.join(kinds)})" if kinds else ""


class Command(BaseCommand):
    help = (
        "Run the scheduled jobs: automatic renewals, hold expiry, fine accrual, notices by "
        "e-mail, anonymisation of returned loans, room bookings and event reminders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at",
            type=_moment,
            help="Run as at this moment (ISO 8601; local time if no offset). Default: now.",
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
        outcome: dict[str, Any] = {"at": at.isoformat()}
        failures: list[str] = []

        def step(name: str, job: Callable[[], dict[str, Any]]) -> None:
            # One failing job must not keep the others from running: each is its own
            # transaction, and the next run picks up whatever this one left.
            try:
                outcome[name] = job()
            except Exception as error:
                # Logged with its traceback, and turned into the exit status below.
                logger.exception("run-scheduled: %s failed", name)
                outcome[name] = {"error": str(error) or error.__class__.__name__}
                failures.append(f"{name}: {outcome[name]['error']}")

        # Each step acts as the job of its name: the history says which job did what.
        def auto_renewals() -> dict[str, Any]:
            result = services.auto_renew(at=at, actor=Actor.for_job("auto_renewals"))
            return {"renewed": len(result.renewed), "refused": len(result.refused)}

        def notices_step() -> dict[str, Any]:
            report = notices.send_notices(at=at, actor=Actor.for_job("notices"))
            if report.stopped:
                failures.append(f"notices: the mail server cannot be reached ({report.stopped})")
            return {**report.sent, "sent": report.total, "failed": report.failed}

        step("auto_renewals", auto_renewals)
        step(
            "holds_expired",
            lambda: {
                "expired": len(
                    services.expire_holds(at=at, actor=Actor.for_job("holds_expired"))
                )
            },
        )
        step(
            "fines",
            lambda: {"loans_owing": services.accrue_fines(at=at, actor=Actor.for_job("fines"))},
        )
        step("notices", notices_step)
        step(
            "anonymised",
            lambda: {
                "loans": services.anonymise_returned_loans(
                    at=at, actor=Actor.for_job("anonymised"), delay_days=delay
                )
            },
        )
        step(
            "rooms",
            lambda: {
                "released": spaces.release_unused(actor=Actor.for_job("rooms"), at=at),
                "reminded": spaces.send_reminders(actor=Actor.for_job("rooms"), at=at),
            },
        )
        step(
            "event_reminders",
            lambda: {
                "sent": programs.send_reminders(actor=Actor.for_job("event_reminders"), at=at)
            },
        )

        if options["json"]:
            self.stdout.write(json.dumps(outcome, indent=2))
        else:
            self.stdout.write(self._summary(outcome))
        if failures:
            raise CommandError("; ".join(failures))

    @staticmethod
    def _summary(outcome: dict[str, Any]) -> str:
        def part(name: str, text: Callable[[dict[str, Any]], str]) -> str:
            data = outcome[name]
            return f"failed: {data['error']}" if "error" in data else text(data)

        lines = [
            f"Scheduled jobs as at {outcome['at']}",
            "  automatic renewals: "
            + part("auto_renewals", lambda d: f"{d['renewed']} renewed, {d['refused']} refused"),
            "  holds expired: " + part("holds_expired", lambda d: str(d["expired"])),
            "  loans owing overdue fines: " + part("fines", lambda d: str(d["loans_owing"])),
            "  notices: "
            + part(
                "notices",
                lambda d: f"{d['sent']} sent{_by_kind(d)}, {d['failed']} failed",
            ),
            "  returned loans anonymised: " + part("anonymised", lambda d: str(d["loans"])),
            "  room bookings: "
            + part("rooms", lambda d: f"{d['released']} released unused, {d['reminded']} reminded"),
            "  event reminders: " + part("event_reminders", lambda d: str(d["sent"])),
        ]
        return "\n".join(lines)
