"""`bibliohub annual-report --year Y [--branch CODE] --format pdf|xlsx|csv --out FILE
[--language LANG]`: the annual report of a branch or, without --branch, of the whole network,
written to FILE. Exits non-zero with a one-line reason for an unknown branch or language, or
a year with no data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bibliohub.reports import annual, render
from bibliohub.reports.management.scope import language_of, network_and_branch, require_data


class Command(BaseCommand):
    help = "Write the annual report of a branch or the whole network as PDF, XLSX or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Calendar year.")
        parser.add_argument("--branch", help="Branch code (default: the whole network).")
        parser.add_argument(
            "--format", dest="fmt", choices=("pdf", "xlsx", "csv"), required=True,
            help="The file's format.",
        )
        parser.add_argument("--out", required=True, help="The file to write.")
        parser.add_argument(
            "--language",
            help=f"Language of the report (default {settings.LANGUAGE_CODE}): "
            + ", ".join(code for code, _name in settings.LANGUAGES),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        network, branch = network_and_branch(options["branch"])
        language = language_of(options["language"])
        require_data(network, options["year"])
        report = annual.build(
            network=network, branch=branch, year=options["year"], language=language,
            today=timezone.localdate(),
        )
        content = render.annual(report, options["fmt"])
        try:
            Path(options["out"]).write_bytes(content)
        except OSError as error:
            raise CommandError(f"cannot write {options['out']}: {error.strerror}") from None
        self.stdout.write(f"{options['out']}: {len(content)} bytes")
