"""`bibliohub demo`: load the demo library network (idempotent) and print how to sign in: staff
logins, the self-check terminal, demo patrons with their PIN and items to try."""

from __future__ import annotations

import json
import sys
import unicodedata
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.accounts.models import Role
from bibliohub.demo.circulation import item_summary, patron_summary, terminal_summary
from bibliohub.demo.services import (
    LOGINS,
    branch_summary,
    demo_network,
    demo_record_count,
    load_demo,
)
from bibliohub.libraries.models import Network

ADDRESS = "http://127.0.0.1:8000/"  # where `bibliohub serve` listens unless told otherwise


class Command(BaseCommand):
    help = (
        "Load the demo library network: four libraries with opening hours and holidays, staff "
        "accounts for every role, a generated catalogue, patrons with loans and holds, a "
        "self-check terminal, rooms, programmes and partners. Running it again adds only what "
        "is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--records", type=int, default=3000, metavar="N",
            help="How many catalogue records to generate (default 3000).",
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="Do nothing when the database already has a library network.",
        )
        parser.add_argument(
            "--address", default=ADDRESS, metavar="URL",
            help="The address the site will be served at, printed with the logins "
            "(`make run` gives the host and port it serves on).",
        )
        parser.add_argument(
            "--json", action="store_true",
            help="Print the logins, branches, terminal, demo patrons and items as JSON.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.address = options["address"].rstrip("/") + "/"
        if options["records"] < 0:
            raise CommandError(_("The number of records cannot be negative."))
        loaded = False
        records_imported = 0
        at = timezone.now()
        if options["if_empty"] and Network.objects.exists():
            network = demo_network()
        else:
            bar = None
            if sys.stderr.isatty() and not options["json"]:
                from tqdm import tqdm

                bar = tqdm(total=options["records"], unit=" records", file=sys.stderr)

            def progress(done: int) -> None:
                assert bar is not None
                bar.update(done - bar.n)

            try:
                report = load_demo(
                    records=options["records"], at=at,
                    progress=progress if bar is not None else None,
                )
            finally:
                if bar is not None:
                    bar.close()
            network, loaded, records_imported = report.network, bool(report.added), report.records_imported
            if options["verbosity"] > 1 and not options["json"]:
                for line in report.added:
                    self.stdout.write(f"  + {line}")

        if options["json"]:
            self.stdout.write(json.dumps(self._as_json(network, loaded, records_imported, at), ensure_ascii=False, indent=2))
            return
        if network is None:
            self.stdout.write(_("The database already has a library network; the demo was not loaded."))
            return
        if loaded:
            self.stdout.write(
                _("Demo network ready: %(records)d records in the catalogue (%(new)d new).")
                % {"records": demo_record_count(), "new": records_imported}
            )
        else:
            self.stdout.write(_("The demo network is already there; nothing was changed."))
        self._print_logins(network)
        self._print_circulation(network, at)

    def _print_logins(self, network: Network) -> None:
        self.stdout.write("")
        self.stdout.write(_("Open %(address)s in a browser. Staff pages are at %(address)sstaff/.") % {"address": self.address})
        self.stdout.write("")
        self.stdout.write(_("Demo logins (user name / password):"))
        width = max(len(login.username) for login in LOGINS)
        names = {b.code: b.name for b in network.branches.all()}
        for login in LOGINS:
            where = ", ".join(names.get(code, code) for code in login.branches) or _("all branches")
            self.stdout.write(f"  {login.username:<{width}}  {login.password:<16}  {Role(login.role).label} ({where})")
        self.stdout.write(_("These passwords are public: change them before real use."))
        self.stdout.write("")
        self.stdout.write(
            _("Development programmes: %(address)sstaff/plans/ (the monitoring group signs in as "
              "monitor); the published ones: %(address)splans/.") % {"address": self.address}
        )

    def _print_circulation(self, network: Network, at: datetime) -> None:
        terminal = terminal_summary()
        if terminal is not None:
            self.stdout.write("")
            self.stdout.write(
                _("Self-check (SIP2): start it with `bibliohub sip2`, then connect to %(host)s:%(port)s "
                  "as %(login)s / %(password)s (%(branch)s).")
                % {**terminal, "branch": network.branches.get(code=terminal["branch"]).name}
            )
        people = patron_summary(network, at=at)
        if people:
            self.stdout.write("")
            self.stdout.write(_("Demo patrons (card number / PIN), for the portal and self-check:"))
            width = max(_width(str(p["name"])) for p in people)
            for p in people:
                name = str(p["name"])
                padding = " " * (width - _width(name))
                self.stdout.write(f"  {p['card_number']}  {p['pin'] or '-':<6}  {name}{padding}  {p['about']}")
        items = item_summary(network, at=at)
        lines = [
            (item["barcode"], _("available (%(type)s)") % {"type": item["item_type"]}, item["title"])
            for item in items["available"]
        ]
        if on_loan := items["on_loan"]:
            lines.append((str(on_loan["barcode"]), _("on loan"), str(on_loan["title"])))
        if on_hold := items["on_hold"]:
            lines.append((str(on_hold["barcode"]), _("on the hold shelf for someone else"), str(on_hold["title"])))
        if lines:
            self.stdout.write("")
            self.stdout.write(_("Items at the central library to try:"))
            for barcode, state, title in lines:
                self.stdout.write(f"  {barcode}  {state}: {title[:60]}")


    def _as_json(
        self, network: Network | None, loaded: bool, records_imported: int, at: datetime
    ) -> dict[str, object]:
        if network is None:
            return {
                "loaded": False, "network": None, "address": self.address, "branches": [], "logins": [],
                "terminal": None, "patrons": [], "items": {"available": [], "on_loan": None, "on_hold": None},
            }
        return {
            "loaded": loaded,
            "network": network.name,
            "address": self.address,
            "records": {"total": demo_record_count(), "imported": records_imported},
            "branches": branch_summary(network),
            "logins": [
                {"username": login.username, "password": login.password, "role": str(login.role),
                 "branches": list(login.branches)}
                for login in LOGINS
            ],
            "terminal": terminal_summary(),
            "patrons": patron_summary(network, at=at),
            "items": item_summary(network, at=at),
        }


def _width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
