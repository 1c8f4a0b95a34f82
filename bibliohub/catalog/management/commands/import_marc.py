"""`bibliohub import-marc FILE...`: load MARC records and their 952 items into the catalogue."""

from __future__ import annotations

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bibliohub.catalog.marc.importer import ImportReport, MarcFileError, import_marc
from bibliohub.catalog.marc.reader import FORMATS
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch


class Command(BaseCommand):
    help = "Import MARC 21 records (ISO 2709 or MARCXML, MARC-8 or UTF-8) with their 952 items."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--format", choices=FORMATS, default="auto")
        parser.add_argument("--branch", metavar="CODE", help="Branch for items whose branch code is missing or unknown.")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options) -> None:
        branch = None
        if options["branch"]:
            branch = Branch.objects.filter(code=options["branch"]).first()
            if branch is None:
                raise CommandError(_("There is no branch with the code %(code)s.") % {"code": options["branch"]})
        bar = None
        if sys.stderr.isatty() and not options["json"]:
            from tqdm import tqdm

            bar = tqdm(unit=" " + _("records"), file=sys.stderr, smoothing=0.1)

        def progress(done: int) -> None:
            assert bar is not None  # passed to the import only with a bar
            bar.update(done - bar.n)

        # Run on the server, by nobody the database knows: the history names the files.
        actor = Actor.for_import(source=", ".join(os.path.basename(f) for f in options["files"]))
        try:
            report = import_marc(
                options["files"], format=options["format"], branch=branch, actor=actor, at=timezone.now(),
                progress=progress if bar is not None else None, batch_size=options["batch_size"],
            )
        except MarcFileError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            return
        self._summary(report)

    def _summary(self, report: ImportReport) -> None:
        self.stdout.write(
            _("Read %(read)d records: %(created)d created, %(updated)d updated, %(skipped)d skipped, "
              "%(items)d items, in %(seconds).1f s.")
            % {
                "read": report.read, "created": report.created, "updated": report.updated,
                "skipped": report.skipped, "items": report.items, "seconds": report.seconds,
            }
        )
        for problem in report.problems:
            label = _("skipped") if problem.skipped else pgettext("import report", "note")
            self.stdout.write(f"{label}: {problem}")
