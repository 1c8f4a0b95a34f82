"""`bibliohub statutory-form --form imls-pls|6nk|cn-school --year Y [--branch CODE]
--format csv|xlsx --out FILE [--language LANG]`: a statutory form (reports/statutory/*.json)
filled in with the year's figures of a branch or the whole network. Values Bibliohub cannot
work out are missing, never zero. Exits non-zero with a one-line reason for an unknown form,
branch or language, or a year with no data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bibliohub.reports import render, statutory
from bibliohub.reports.management.scope import language_of, network_and_branch, require_data


class Command(BaseCommand):
    help = "Write a statutory form filled in with a year's figures, as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--form", required=True, help="imls-pls, 6nk or cn-school.")
        parser.add_argument("--year", type=int, required=True, help="Calendar year.")
        parser.add_argument("--branch", help="Branch code (default: the whole network).")
        parser.add_argument("--format", dest="fmt", choices=("csv", "xlsx"), required=True)
        parser.add_argument("--out", required=True, help="The file to write.")
        parser.add_argument("--language", help="Language of the headings and reasons.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            form = statutory.get(options["form"])
        except statutory.FormUnknown:
            known = ", ".join(sorted(statutory.forms()))
            raise CommandError(f"unknown form: {options['form']} (one of {known})") from None
        network, branch = network_and_branch(options["branch"])
        language = language_of(options["language"])
        require_data(network, options["year"])
        filled = statutory.fill(
            form, network=network, branch=branch, year=options["year"], language=language
        )
        content = render.form(filled, options["fmt"], language=language)
        try:
            Path(options["out"]).write_bytes(content)
        except OSError as error:
            raise CommandError(f"cannot write {options['out']}: {error.strerror}") from None
        self.stdout.write(f"{options['out']}: {len(content)} bytes")
