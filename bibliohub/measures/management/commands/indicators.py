"""`bibliohub indicators --year Y [--branch CODE] [--json]`: every indicator of a year (or of
one of its quarters or months, or a school term) for a branch or, without --branch, the
whole network: code, name, value, numerator, denominator, unit and definition, with last
year's value, the change in % and the target. `--code C --by DIMENSION` breaks one
indicator down ("loans by language of the material"). Exits non-zero with a one-line
reason for an unknown branch, indicator or dimension, or a period with no data."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bibliohub.history import indicators
from bibliohub.history.indicators import Figure, Scope
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures import selectors


def _text(figure_value: Any) -> str:
    number = selectors.number(figure_value)
    return "" if number is None else str(number)


class Command(BaseCommand):
    help = "Print every indicator of a year for a branch or the whole network."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Calendar year.")
        parser.add_argument("--branch", help="Branch code (default: the whole network).")
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--quarter", type=int, help="1 to 4: a quarter of the year.")
        when.add_argument("--month", type=int, help="1 to 12: a month of the year.")
        when.add_argument("--term", type=int, help="A school term, by its id.")
        parser.add_argument("--code", action="append", help="Only this indicator (repeatable).")
        parser.add_argument("--by", help="Break the indicator of --code down by this dimension.")
        parser.add_argument("--json", action="store_true", help="Print JSON for scripts.")

    def handle(self, *args: Any, **options: Any) -> None:
        branch = None
        if options["branch"]:
            branch = Branch.objects.select_related("network").filter(code=options["branch"]).first()
            if branch is None:
                raise CommandError(f"unknown branch: {options['branch']}")
            network: Network | None = branch.network
        else:
            network = selectors.default_network()
            if network is None:
                raise CommandError("no network is set up (bibliohub demo loads one)")
        assert network is not None
        try:
            period = selectors.period_for(
                year=options["year"], quarter=options["quarter"], month=options["month"],
                term=options["term"], network=network,
            )
        except selectors.PeriodUnknown as unknown:
            raise CommandError(str(unknown)) from None
        codes = options["code"]
        for code in codes or ():
            if indicators.get(code) is None:
                raise CommandError(f"unknown indicator: {code}")
        if not indicators.has_data(period, network.pk):
            raise CommandError(f"no data for {period.label}")
        scope = Scope(network.pk, branch.pk if branch is not None else None)
        where = branch.code if branch is not None else None
        if options["by"]:
            self._breakdown(period, scope, codes, options["by"], where, as_json=options["json"])
            return
        lines = selectors.overview(period, [scope], codes=codes)[scope]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "period": selectors.period_json(period),
                        "network": network.display_name(),
                        "branch": where,
                        "indicators": [selectors.as_json(line, branch_code=where) for line in lines],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        place = branch.display_name() if branch is not None else network.display_name()
        self.stdout.write(f"# {period.label} — {place}")
        self.stdout.write(
            "\t".join(
                ("code", "name", "value", "numerator", "denominator", "unit", "last year",
                 "change %", "target", "definition")
            )
        )
        for line in lines:
            figure: Figure = line.figure
            value = _text(figure.value) or f"missing: {figure.missing_label}"
            self.stdout.write(
                "\t".join(
                    (
                        line.indicator.code,
                        str(line.indicator.name),
                        value + (" (frozen)" if line.reading.frozen else ""),
                        _text(figure.numerator),
                        _text(figure.denominator),
                        str(line.indicator.unit.value),
                        _text(line.last_year.figure.value) if line.last_year else "",
                        _text(line.change),
                        _text(line.goal.value) if line.goal else "",
                        line.reading.definition,
                    )
                )
            )

    def _breakdown(
        self, period: Any, scope: Scope, codes: list[str] | None, by: str, where: str | None,
        *, as_json: bool,
    ) -> None:
        if not codes or len(codes) != 1:
            raise CommandError("--by needs one --code")
        code = codes[0]
        try:
            found = indicators.breakdown(code, by, period, [scope])[scope]
        except ValueError as error:
            raise CommandError(str(error)) from None
        labels = indicators.value_labels(by, sorted(found))
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "code": code,
                        "by": by,
                        "period": selectors.period_json(period),
                        "branch": where,
                        "parts": [
                            {
                                "value_of": value,
                                "label": labels[value],
                                "value": selectors.number(f.value),
                                "numerator": selectors.number(f.numerator),
                                "denominator": selectors.number(f.denominator),
                                "missing": f.missing or None,
                            }
                            for value, f in sorted(found.items())
                        ],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        self.stdout.write(f"# {code} by {by}, {period.label}")
        for value, figure in sorted(found.items()):
            shown = _text(figure.value) or f"missing: {figure.missing_label}"
            self.stdout.write(f"{value}\t{labels[value]}\t{shown}")
