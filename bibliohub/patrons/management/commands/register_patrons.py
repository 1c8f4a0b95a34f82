"""`bibliohub register-patrons FILE --branch CODE [--category CODE] [--dry-run] [--json]`:
register the patrons of a CSV file (see bibliohub.patrons.csv_import for the columns), all or
nothing. Exit status 1 when any row is refused, with the rows to fix."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bibliohub.accounts.models import User
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons.csv_import import register_from_csv
from bibliohub.patrons.models import PatronCategory


class Command(BaseCommand):
    help = "Register patrons from a CSV file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file, UTF-8; '-' reads standard input")
        parser.add_argument("--branch", required=True, help="code of the home branch")
        parser.add_argument("--category", help="category code for rows that give none")
        parser.add_argument("--staff", help="user name of the librarian doing the import")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        branch = Branch.objects.filter(code=options["branch"]).first()
        if branch is None:
            raise CommandError(
                _("No branch has the code “%(code)s”.") % {"code": options["branch"]}
            )
        category = None
        if options["category"]:
            category = PatronCategory.objects.filter(code=options["category"]).first()
            if category is None:
                raise CommandError(
                    _("No patron category has the code “%(code)s”.") % {"code": options["category"]}
                )
        staff = None
        if options["staff"]:
            staff = User.objects.filter(username=options["staff"]).first()
            if staff is None:
                raise CommandError(
                    _("No staff user is called “%(name)s”.") % {"name": options["staff"]}
                )
        try:
            file = sys.stdin.buffer if options["file"] == "-" else open(options["file"], "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        # The import is the actor, with the librarian who ran it if --staff names one.
        source = "stdin" if options["file"] == "-" else Path(options["file"]).name
        with file:
            report = register_from_csv(
                file,
                branch=branch,
                category_default=category,
                actor=Actor.for_import(source=source, staff=staff),
                at=timezone.now(),
                dry_run=options["dry_run"],
            )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for error in report.errors:
                where = _("row %(row)s") % {"row": error.row} if error.row else _("file")
                if error.column:
                    where += f", {error.column}"
                self.stdout.write(f"{where}: {error.message}")
            for row in report.registered:
                self.stdout.write(f"{row.row}\t{row.card_number or '-'}\t{row.name}")
        if not report.ok:
            raise CommandError(
                ngettext(
                    "%(count)s error; nothing was registered. Fix the row above and try again.",
                    "%(count)s errors; nothing was registered. Fix the rows above and try again.",
                    len(report.errors),
                )
                % {"count": len(report.errors)}
            )
        if not options["json"]:
            count = len(report.registered)
            message = (
                ngettext(
                    "Dry run: %(count)s patron would be registered; nothing was written.",
                    "Dry run: %(count)s patrons would be registered; nothing was written.",
                    count,
                )
                if report.dry_run
                else ngettext(
                    "%(count)s patron registered.", "%(count)s patrons registered.", count
                )
            ) % {"count": count}
            self.stdout.write(self.style.SUCCESS(message))
