"""`bibliohub demo`: load the demo library network (idempotent) and print how to sign in."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.accounts.models import Role
from bibliohub.demo.services import (
    LOGINS,
    branch_summary,
    demo_network,
    demo_record_count,
    load_demo,
)
from bibliohub.libraries.models import Network

ADDRESS = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Load the demo library network: four libraries with opening hours and holidays, staff "
        "accounts for every role and a generated catalogue. Running it again adds only what is missing."
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
        parser.add_argument("--json", action="store_true", help="Print the logins and branches as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["records"] < 0:
            raise CommandError(_("The number of records cannot be negative."))
        loaded = False
        records_imported = 0
        if options["if_empty"] and Network.objects.exists():
            network = demo_network()
        else:
            bar = None
            if sys.stderr.isatty() and not options["json"]:
                from tqdm import tqdm

                bar = tqdm(total=options["records"], unit=" records", file=sys.stderr)

            def progress(done: int) -> None:
                bar.update(done - bar.n)

            try:
                report = load_demo(
                    records=options["records"], at=timezone.now(),
                    progress=progress if bar is not None else None,
                )
            finally:
                if bar is not None:
                    bar.close()
            network, loaded, records_imported = report.network, bool(report.added), report.records_imported

        if options["json"]:
            self.stdout.write(json.dumps(self._as_json(network, loaded, records_imported), ensure_ascii=False, indent=2))
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

    def _print_logins(self, network: Network) -> None:
        self.stdout.write("")
        self.stdout.write(_("Open %(address)s in a browser. Staff pages are at %(address)sstaff/.") % {"address": ADDRESS})
        self.stdout.write("")
        self.stdout.write(_("Demo logins (user name / password):"))
        width = max(len(login.username) for login in LOGINS)
        names = {b.code: b.name for b in network.branches.all()}
        for login in LOGINS:
            where = ", ".join(names.get(code, code) for code in login.branches) or _("all branches")
            self.stdout.write(f"  {login.username:<{width}}  {login.password:<16}  {Role(login.role).label} ({where})")
        self.stdout.write(_("These passwords are public: change them before real use."))

    def _as_json(self, network: Network | None, loaded: bool, records_imported: int) -> dict[str, object]:
        if network is None:
            return {"loaded": False, "network": None, "address": ADDRESS, "branches": [], "logins": []}
        return {
            "loaded": loaded,
            "network": network.name,
            "address": ADDRESS,
            "records": {"total": demo_record_count(), "imported": records_imported},
            "branches": branch_summary(network),
            "logins": [
                {"username": login.username, "password": login.password, "role": str(login.role),
                 "branches": list(login.branches)}
                for login in LOGINS
            ],
        }
