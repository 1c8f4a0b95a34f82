"""Reading the indicators as the staff pages, the REST API and the command show them: every
indicator of a period for a scope, with last year's figure, the change in %, and the target
set for it; the periods a request can name; and one indicator by branch or broken down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q

from bibliohub.circulation.models import Term
from bibliohub.history import indicators
from bibliohub.history.indicators import Figure, Indicator, Period, Reading, Scope
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures.models import Target
from bibliohub.planning.models import Measure, ProgrammeStatus


class PeriodUnknown(ValueError):
    """A period a request names that does not exist (a 13th month, a term of another
    network)."""


class TermUnknown(PeriodUnknown):
    """A term id that is no term of the network."""


def period_for(
    *,
    year: int,
    quarter: int | None = None,
    month: int | None = None,
    term: int | None = None,
    network: Network | None = None,
) -> Period:
    """The period a request names: a year, one of its quarters or months, or a school term
    (circulation's terms, by id). Raises PeriodUnknown."""
    given = [x for x in (quarter, month, term) if x is not None]
    if len(given) > 1:
        raise PeriodUnknown("name a quarter, a month or a term, not several")
    if not 1900 <= year <= 2200:
        raise PeriodUnknown(f"no year {year}")
    if quarter is not None:
        if not 1 <= quarter <= 4:
            raise PeriodUnknown(f"no quarter {quarter}")
        return Period.quarter(year, quarter)
    if month is not None:
        if not 1 <= month <= 12:
            raise PeriodUnknown(f"no month {month}")
        return Period.month(year, month)
    if term is not None:
        found = Term.objects.filter(pk=term)
        if network is not None:
            found = found.filter(network=network)
        row = found.first()
        if row is None:
            raise TermUnknown(f"no term {term}")
        return Period.term(row.starts_on, row.ends_on, row.display_name())
    return Period.year(year)


def terms_of(network: Network, year: int, branch: Branch | None = None) -> list[Term]:
    """The school terms that start in `year` (of the branch, or of every branch)."""
    found = Term.objects.filter(network=network, starts_on__year=year)
    if branch is not None:
        found = found.filter(Q(branch=branch) | Q(branch__isnull=True))
    return list(found.order_by("starts_on"))


@dataclass(frozen=True)
class Goal:
    """A target as it applies: the value aimed at, what it was worked out from, and whether
    the figure meets it (None when that cannot be told)."""

    target: Target
    baseline: Decimal | None
    value: Decimal | None
    met: bool | None


@dataclass(frozen=True)
class Line:
    """One indicator of a period at a scope, as shown."""

    reading: Reading
    last_year: Reading | None
    change: Decimal | None
    goal: Goal | None

    @property
    def indicator(self) -> Indicator:
        return self.reading.indicator

    @property
    def figure(self) -> Figure:
        return self.reading.figure


def goal_of(target: Target, *, indicator: Indicator, figure: Figure, last_year: Figure | None) -> Goal:
    baseline = target.baseline
    if baseline is None and last_year is not None:
        baseline = last_year.value
    value = target.target
    if value is None and target.change is not None and baseline is not None:
        value = (baseline * (100 + target.change) / 100).quantize(Decimal("0.0001"))
    met = None
    if value is not None and figure.value is not None and indicator.higher_is_better is not None:
        met = figure.value >= value if indicator.higher_is_better else figure.value <= value
    return Goal(target, baseline, value, met)


def targets_for(network_id: int, year: int, scopes: Sequence[Scope]) -> dict[tuple[int, str], Target]:
    """The targets of `year` for `scopes`, keyed by (branch id or 0, code)."""
    rows = Target.objects.filter(network_id=network_id, year=year)
    return {(row.branch_id or 0, row.code): row for row in rows}


def overview(
    period: Period, scopes: Sequence[Scope], *, codes: Sequence[str] | None = None
) -> dict[Scope, list[Line]]:
    """Every indicator (or those of `codes`) of `period` at each of `scopes`, with the same
    period a year earlier, the change in %, and the target of the period's year: what the
    staff page, the API and the command show. Closed periods show their frozen figures."""
    now = indicators.read(period, scopes, codes=codes)
    before = indicators.read(period.year_before(), scopes, codes=codes)
    result: dict[Scope, list[Line]] = {}
    targets: dict[int, dict[tuple[int, str], Target]] = {}
    for scope in scopes:
        if scope.network_id not in targets:  # once a network, not once a scope
            targets[scope.network_id] = targets_for(scope.network_id, period.start.year, scopes)
        found = targets[scope.network_id]
        earlier = {r.code: r for r in before[scope]}
        lines = []
        for reading in now[scope]:
            last = earlier.get(reading.code)
            target = found.get((scope.branch_id or 0, reading.code))
            lines.append(
                Line(
                    reading,
                    last,
                    indicators.change(reading.figure, last.figure) if last is not None else None,
                    goal_of(
                        target,
                        indicator=reading.indicator,
                        figure=reading.figure,
                        last_year=last.figure if last is not None else None,
                    )
                    if target is not None
                    else None,
                )
            )
        result[scope] = lines
    return result


def trend(
    code: str, *, years: Sequence[int], scopes: Sequence[Scope]
) -> dict[Scope, list[tuple[int, Reading]]]:
    """Indicator `code` for each of `years` at each of `scopes` (the dynamics a plan
    follows)."""
    result: dict[Scope, list[tuple[int, Reading]]] = {scope: [] for scope in scopes}
    for year in years:
        found = indicators.read(Period.year(year), scopes, codes=[code])
        for scope in scopes:
            result[scope].extend((year, r) for r in found[scope])
    return result


def number(value: Decimal | None) -> int | float | None:
    """A figure as JSON gives it: a whole number, or a decimal one (kept to 4 places)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def as_json(line: Line, *, branch_code: str | None) -> dict[str, Any]:
    """A line as the REST API and `bibliohub indicators --json` give it."""
    indicator = line.indicator
    figure = line.figure
    recomputed = line.reading.recomputed
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "value": number(figure.value),
        "numerator": number(figure.numerator),
        "denominator": number(figure.denominator),
        "unit": str(indicator.unit.value),
        "definition": line.reading.definition,
        "numerator_counts": str(indicator.numerator),
        "denominator_counts": str(indicator.denominator),
        "higher_is_better": indicator.higher_is_better,
        "standard": indicator.standard,
        "version": line.reading.version,
        "missing": figure.missing or None,
        "missing_reason": figure.missing_label or None,
        "branch": branch_code,
        "frozen": line.reading.frozen,
        "recomputed": (
            {
                "value": number(recomputed.value),
                "numerator": number(recomputed.numerator),
                "denominator": number(recomputed.denominator),
                "missing": recomputed.missing or None,
                "version": line.reading.recomputed_version,
            }
            if recomputed is not None
            else None
        ),
        "last_year": number(line.last_year.figure.value) if line.last_year else None,
        "change_percent": number(line.change),
        "target": (
            {
                "value": number(line.goal.value),
                "baseline": number(line.goal.baseline),
                "change_percent": number(line.goal.target.change),
                "met": line.goal.met,
            }
            if line.goal is not None
            else None
        ),
    }


def definition_json(indicator: Indicator, settings: dict[str, Decimal]) -> dict[str, Any]:
    """What an indicator is, as the REST API gives it."""
    return {
        "code": indicator.code,
        "name": str(indicator.name),
        "group": indicators.group_label(indicator.group),
        "definition": indicator.describe(settings),
        "numerator_counts": str(indicator.numerator),
        "denominator_counts": str(indicator.denominator),
        "unit": str(indicator.unit.value),
        "higher_is_better": indicator.higher_is_better,
        "standard": indicator.standard,
        "version": indicator.version,
        "periods": sorted(str(p) for p in indicator.periods),
        "dimensions": list(indicator.dimensions),
        "settings": {k: number(v) for k, v in settings.items()},
    }


def period_json(period: Period) -> dict[str, str]:
    return {
        "kind": str(period.kind),
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }


def default_network() -> Network | None:
    """The installation's network (one installation normally holds one)."""
    return Network.objects.order_by("pk").first()


# --- the network dashboard ------------------------------------------------------------------

# The strategic indicators of a city library system's one-year programme (the Lutsk
# programme, planning.blueprints.CITY_ONE_YEAR), in its order: what the dashboard shows when
# no programme in force names its own.
PLAN_CODES = (
    "complaints",
    "refusals",
    "unmet_requests",
    "processing_days_median",
    "collection_renewal",
    "e_service_users",
    "programme_attendance",
    "regular_users",
    "active_partners",
)


def plan_codes(network: Network, year: int) -> list[str]:
    """The indicator codes the network's programmes in force during `year` measure
    themselves by (their measures', in order, each once), or PLAN_CODES when there is none:
    the plan's key indicators. Codes the registry does not compute (yet) are kept: the
    dashboard says so."""
    found = (
        Measure.objects.filter(
            programme__network=network,
            programme__branch__isnull=True,
            programme__starts_on__lte=date(year, 12, 31),
            programme__ends_on__gte=date(year, 1, 1),
        )
        .exclude(programme__status=ProgrammeStatus.DRAFT)
        .order_by("programme__starts_on", "programme_id", "goal_id", "position", "pk")
        .values_list("indicator_codes", flat=True)
    )
    codes: list[str] = []
    for listed in found:
        codes.extend(c for c in listed if c not in codes)
    return codes or list(PLAN_CODES)


@dataclass(frozen=True)
class Board:
    """The dashboard of one period: the lines of each scope (the network first when shown,
    then each branch), in the order of `codes`, and the plan's codes no indicator computes."""

    period: Period
    scopes: list[tuple[Scope, Branch | None]]
    lines: dict[Scope, list[Line]]
    not_computed: list[str]


def dashboard(
    period: Period,
    *,
    network: Network,
    branches: Sequence[Branch],
    with_network: bool,
    codes: Sequence[str],
) -> Board:
    """The figures of `codes` for `period` at the network (when `with_network`) and each of
    `branches`, with last year's, the change and the target (`overview`): the figures of
    every scope read in one pass over the roll-ups of each of the two years."""
    computed = [code for code in codes if indicators.get(code) is not None]
    scopes: list[tuple[Scope, Branch | None]] = []
    if with_network:
        scopes.append((Scope(network.pk), None))
    scopes += [(Scope(network.pk, b.pk), b) for b in branches]
    found = overview(period, [s for s, _b in scopes], codes=computed) if computed else {}
    order = {code: n for n, code in enumerate(computed)}
    lines = {
        scope: sorted(found.get(scope, []), key=lambda line: order[line.indicator.code])
        for scope, _b in scopes
    }
    return Board(period, scopes, lines, [c for c in codes if c not in order])


def by_month(code: str, *, year: int, scope: Scope) -> list[Figure]:
    """Indicator `code` for each month of `year` at `scope` (frozen where a month is
    closed): a trend chart's points."""
    result = []
    for month in range(1, 13):
        found = indicators.read(Period.month(year, month), [scope], codes=[code])
        result.append(found[scope][0].figure)
    return result


def by_branch(
    code: str, period: Period, *, network: Network, branches: Sequence[Branch]
) -> tuple[dict[int, Reading], dict[int, Reading]]:
    """Indicator `code` for `period` and the same period a year earlier at each of
    `branches`, keyed by branch id: the branch comparison."""
    scopes = [Scope(network.pk, b.pk) for b in branches]
    now = indicators.read(period, scopes, codes=[code])
    before = indicators.read(period.year_before(), scopes, codes=[code])
    return (
        {s.branch_id or 0: now[s][0] for s in scopes},
        {s.branch_id or 0: before[s][0] for s in scopes},
    )


def plan_figures(
    codes: Sequence[str], *, network_id: int, branch_id: int | None, years: Sequence[int]
) -> dict[int, dict[str, Line]]:
    """For a programme: each of its indicator `codes` the registry computes, for each of
    `years` at its scope (its branch, or the network), with last year's figure, the change
    and the target; keyed by year, then code."""
    computed = [code for code in dict.fromkeys(codes) if indicators.get(code) is not None]
    scope = Scope(network_id, branch_id)
    result: dict[int, dict[str, Line]] = {}
    for year in years:
        found = overview(Period.year(year), [scope], codes=computed) if computed else {scope: []}
        result[year] = {line.indicator.code: line for line in found[scope]}
    return result
