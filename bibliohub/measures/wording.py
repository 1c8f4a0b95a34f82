"""The figures of the indicators as pages write them: numbers in the reader's language, the
unit, and the change on last year in words (up or down, better or worse), not by colour
alone. Used by the indicator screens and the programmes' pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bibliohub import charts
from bibliohub.history.indicators import Figure, Indicator, Reading, Unit
from bibliohub.measures import selectors
from bibliohub.measures.selectors import Line


def number(value: Decimal | int | float | None) -> str:
    """A figure as the reader's language writes numbers, to at most two decimal places;
    "—" for none."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    else:
        value = value.quantize(Decimal("0.01")).normalize()
    return formats.number_format(value, use_l10n=True, force_grouping=True)


def with_unit(value: Decimal | None, indicator: Indicator) -> str:
    if value is None:
        return "—"
    if indicator.unit == Unit.PERCENT:
        return f"{number(value)} %"
    return number(value)


@dataclass(frozen=True)
class Change:
    """The change on last year in words: the number, its direction, and whether it is good
    news for this indicator (not told by colour alone)."""

    text: str
    verdict: str  # "better", "worse", "same" or "" (neither, or not known)
    verdict_text: str


def change_of(change: Decimal | None, indicator: Indicator) -> Change:
    if change is None:
        return Change(_("cannot be compared"), "", "")
    shown = number(abs(change))
    if change == 0:
        return Change(_("no change"), "same", "")
    if change > 0:
        text = _("up %(change)s %%") % {"change": shown}
    else:
        text = _("down %(change)s %%") % {"change": shown}
    if indicator.higher_is_better is None:
        return Change(text, "", "")
    good = (change > 0) == indicator.higher_is_better
    if good:
        return Change(text, "better", pgettext("indicator change", "better"))
    return Change(text, "worse", pgettext("indicator change", "worse"))


@dataclass(frozen=True)
class Shown:
    """One indicator at one scope, worded for a page."""

    line: Line
    value: str
    last_year: str
    change: Change
    target: str
    met: bool | None
    numerator: str
    denominator: str

    @property
    def indicator(self) -> Indicator:
        return self.line.indicator

    @property
    def figure(self) -> Figure:
        return self.line.figure

    @property
    def reading(self) -> Reading:
        return self.line.reading

    @property
    def recomputed(self) -> str:
        found = self.line.reading.recomputed
        return "" if found is None else with_unit(found.value, self.indicator)


def shown(line: Line) -> Shown:
    indicator = line.indicator
    figure = line.figure
    goal = line.goal
    return Shown(
        line,
        with_unit(figure.value, indicator),
        with_unit(line.last_year.figure.value, indicator) if line.last_year else "—",
        change_of(line.change, indicator),
        with_unit(goal.value, indicator) if goal is not None else "",
        goal.met if goal is not None else None,
        number(figure.numerator),
        number(figure.denominator),
    )


@dataclass(frozen=True)
class PlanFigure:
    """One of a programme's indicators in one of its years, worded; with a progress bar
    towards its target when one is set."""

    year: int
    row: Shown
    progress: charts.Chart | None


def plan_figures(
    codes: Sequence[str], *, network_id: int, branch_id: int | None, starts_on: date,
    ends_on: date, today: date,
) -> dict[str, list[PlanFigure]]:
    """The figures of a programme's indicator `codes` for each of its years that has begun
    (at its branch, or the network), keyed by code: what the programme's pages show beside
    each indicator the plan names. Codes the registry does not compute have none."""
    years = [y for y in range(starts_on.year, ends_on.year + 1) if y <= today.year]
    found = selectors.plan_figures(codes, network_id=network_id, branch_id=branch_id, years=years)
    result: dict[str, list[PlanFigure]] = {}
    for year in years:
        for code, line in found[year].items():
            row = shown(line)
            progress = None
            if line.goal is not None and line.goal.value is not None and line.goal.value > 0:
                name = str(line.indicator.name)
                progress = charts.progress_bar(
                    title=_("%(indicator)s in %(year)s towards its target")
                    % {"indicator": name, "year": year},
                    description=_("%(value)s of the target %(target)s")
                    % {"value": row.value, "target": row.target},
                    label=str(year),
                    value=line.figure.value,
                    target=line.goal.value,
                    number=number,
                    value_label=pgettext("figure", "Value"),
                    target_label=_("Target"),
                    filename=f"{code}-{year}-target.csv",
                )
            result.setdefault(code, []).append(PlanFigure(year, row, progress))
    return result
