"""`bibliohub export-marc --out FILE`: write catalogue records with their items as MARC 21."""

from __future__ import annotations

import json
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from bibliohub.catalog.marc.exporter import export_marc
from bibliohub.search.service import matching_ids
from bibliohub.search.types import SearchQuery


class Command(BaseCommand):
    help = "Export records as UTF-8 MARC 21 (ISO 2709 or MARCXML) with their items as 952 fields."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, metavar="FILE")
        parser.add_argument("--format", choices=("iso2709", "marcxml"), default="iso2709")
        parser.add_argument("--query", metavar="TEXT", help="Only the records this search finds.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options) -> None:
        # Every record the search matches, not only the window a results page ranks.
        ids = matching_ids(SearchQuery(text=options["query"])) if options["query"] else None
        path = options["out"]
        partial = f"{path}.partial"
        try:
            out = open(partial, "wb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        try:
            report = export_marc(out, format=options["format"], record_ids=ids)
        except BaseException:
            out.close()
            os.unlink(partial)
            raise
        out.close()
        # Written under another name first, so that a failed export never looks complete.
        os.replace(partial, path)
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _("Wrote %(written)d records with %(items)d items to %(path)s.")
            % {"written": report.written, "items": report.items, "path": path}
        )
        for reason in report.left_out:
            self.stdout.write(_("left out: %(reason)s") % {"reason": reason})
