"""The daily record book's indicators: visits and the other services counted by hand or by
gate counters, the yearly figures (population to be served, staff, budget), and the figures
per inhabitant that need them. What nobody entered is missing, never zero."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bibliohub.daybook.kinds import (
    COMPUTER_SESSIONS,
    GATE_VISITS,
    MEASURE_KINDS,
    REFERENCE_QUESTIONS,
    VISITS,
    WIFI_SESSIONS,
)
from bibliohub.daybook.models import DailyCount
from bibliohub.daybook.models import Figure as YearFigure
from bibliohub.daybook.services import yearly_figures
from bibliohub.history.indicators import (
    KIND,
    Figure,
    Indicator,
    Inputs,
    Missing,
    PeriodKind,
    Scope,
    Unit,
    group,
    register,
)
from bibliohub.history.kinds import Kind
from bibliohub.history.selectors import Total

SERVICES = group("services", _("Visits and services"), order=25)
CONTEXT = group("context", _("Population, staff and budget"), order=70)

ALL_VISITS = (VISITS, GATE_VISITS)
_ENTERED_BY_HAND = {kind.key for kind in MEASURE_KINDS.values()}
_KIND_OF_MEASURE = {str(measure): kind.key for measure, kind in MEASURE_KINDS.items()}


def _entered(inputs: Inputs, kind: Kind, scope: Scope) -> Total | None:
    """The entries of `kind` in the period at `scope`, summed; None when nothing is known.
    A count entered by hand and cleared later leaves entries that add up to 0, which is not
    a count of 0: a kind of the record book is known for the days that have a count in it
    now (a zero entered is one), a gate counter's for the days it sent a reading."""
    found = inputs.recorded([kind], scope)
    if found is None or kind.key not in _ENTERED_BY_HAND:
        return found
    period = inputs.period

    def load() -> set[tuple[int, str]]:
        rows = (
            DailyCount.objects.filter(
                branch__network_id=inputs.network_id, day__gte=period.start, day__lte=period.end
            )
            .values_list("branch_id", "measure")
            .distinct()
            .order_by()
        )
        return {(branch_id, _KIND_OF_MEASURE[measure]) for branch_id, measure in rows}

    counted = inputs.cached("daybook.entered", load)
    if any(
        key == kind.key and (scope.branch_id is None or branch_id == scope.branch_id)
        for branch_id, key in counted
    ):
        return found
    return None


def _entered_sums(kinds: Sequence[Kind]) -> Callable[[Inputs, Scope], Figure]:
    """The entries of `kinds` in the period, summed; missing when none of them is known."""

    def compute(inputs: Inputs, scope: Scope) -> Figure:
        found = [total for kind in kinds if (total := _entered(inputs, kind, scope)) is not None]
        if not found:
            return Figure.lacking(Missing.NOT_RECORDED)
        return Figure.count(sum(total.quantity for total in found))

    return compute


def _visit_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    return {
        kind.key: Figure.count(found.quantity)
        for kind in ALL_VISITS
        if (found := _entered(inputs, kind, scope)) is not None
    }


def yearly(inputs: Inputs, scope: Scope, figure: str) -> Decimal | None:
    """The yearly figure of the period's year for `scope`: the branch's; for the network,
    the network's own, else its branches' added up."""
    year = inputs.period.start.year
    found = inputs.cached(("daybook.yearly", year), lambda: yearly_figures(inputs.network_id, year))
    if scope.branch_id is not None:
        row = found.get((scope.branch_id, figure))
        return None if row is None else row.value
    own = found.get((0, figure))
    if own is not None:
        return own.value
    parts = [row.value for (branch_id, name), row in found.items() if name == figure and branch_id]
    return sum(parts, Decimal(0)) if parts else None


def _yearly(figure: str) -> Callable[[Inputs, Scope], Figure]:
    def compute(inputs: Inputs, scope: Scope) -> Figure:
        return Figure.count(yearly(inputs, scope, figure))

    return compute


def _per_capita(code: str, *, per: int = 1) -> Callable[[Inputs, Scope], Figure]:
    def compute(inputs: Inputs, scope: Scope) -> Figure:
        numerator = inputs.figure(code, scope)
        population = yearly(inputs, scope, YearFigure.POPULATION)
        if numerator.value is None:
            return Figure.lacking(Missing.NOT_RECORDED, denominator=population)
        return Figure.ratio(numerator.value, population, scale=per)

    return compute


def _share_of_population(inputs: Inputs, scope: Scope) -> Figure:
    users = inputs.figure("active_users", scope)
    if users.value is None:
        return users
    return Figure.ratio(users.value, yearly(inputs, scope, YearFigure.POPULATION), scale=100)


def _visits_per_user(inputs: Inputs, scope: Scope) -> Figure:
    visits = inputs.figure("visits", scope)
    if visits.value is None:
        return visits
    return Figure.ratio(visits.value, inputs.figure("active_users", scope).value)


def _counted(
    code: str,
    kinds: Sequence[Kind],
    name: Promise,
    definition: Promise,
    numerator: Promise,
    standard: str,
    order: int,
    *,
    parts: bool = False,
) -> None:
    register(
        Indicator(
            code=code,
            name=name,
            definition=definition,
            numerator=numerator,
            standard=standard,
            compute=_entered_sums(kinds),
            breakdown=_visit_parts if parts else None,
            dimensions=(KIND,) if parts else (),
            group=SERVICES,
            order=order,
        )
    )


_counted(
    "visits",
    ALL_VISITS,
    _("Visits"),
    _(
        "People entering the library's premises in the period, as counted at the door by "
        "staff (entered in the daily record book) or by gate counters; each entry counts. "
        "Missing when nothing was counted."
    ),
    _("Visits counted"),
    "ISO 2789:2022 (visit); IMLS PLS FY2023 VISITS; 6-НК (visits)",
    10,
    parts=True,
)
_counted(
    "reference_questions",
    [REFERENCE_QUESTIONS],
    _("Reference questions"),
    _("Questions answered by staff in the period, as entered in the daily record book."),
    _("Reference questions"),
    "IMLS PLS FY2023 REFERENC; 6-НК (reference service)",
    20,
)
_counted(
    "computer_sessions",
    [COMPUTER_SESSIONS],
    _("Public computer sessions"),
    _("Sessions on the library's public computers in the period, as entered."),
    _("Public computer sessions"),
    "IMLS PLS FY2023 PITUSR",
    30,
)
_counted(
    "wifi_sessions",
    [WIFI_SESSIONS],
    _("Wi-Fi sessions"),
    _("Sessions on the library's public Wi-Fi in the period, as entered."),
    _("Wi-Fi sessions"),
    "IMLS PLS FY2023 WIFISESS",
    40,
)

register(
    Indicator(
        code="visits_per_user",
        name=_("Visits per active user"),
        definition=_("Visits in the period divided by its active users."),
        numerator=_("Visits"),
        denominator=_("Active users"),
        unit=Unit.RATIO,
        standard="6-НК: відвідуваність (visits ÷ users)",
        compute=_visits_per_user,
        group=SERVICES,
        order=50,
    )
)

for _code, _figure, _name, _definition, _unit, _standard, _order in (
    (
        "population_served",
        YearFigure.POPULATION,
        _("Population to be served"),
        _("People living in the area the branch serves in the year, as entered; for the "
          "network, its own figure, else its branches' added up."),
        Unit.COUNT,
        "ISO 11620:2014 (population to be served)",
        10,
    ),
    (
        "staff_fte",
        YearFigure.STAFF_FTE,
        _("Staff (full-time equivalents)"),
        _("Staff in full-time equivalents in the year, as entered."),
        Unit.FTE,
        "ISO 2789:2022 (staff FTE); 6-НК (staff)",
        20,
    ),
    (
        "budget",
        YearFigure.BUDGET,
        _("Budget"),
        _("The year's budget, as entered, in its currency."),
        Unit.MONEY,
        "ISO 2789:2022 (expenditure)",
        30,
    ),
):
    register(
        Indicator(
            code=_code,
            name=_name,
            definition=_definition,
            numerator=_name,
            unit=_unit,
            higher_is_better=None,
            standard=_standard,
            compute=_yearly(_figure),
            periods=frozenset({PeriodKind.YEAR}),
            group=CONTEXT,
            order=_order,
        )
    )

register(
    Indicator(
        code="loans_per_capita",
        name=_("Loans per inhabitant"),
        definition=_("Loans in the period (renewals included) divided by the population to be served."),
        numerator=_("Loans"),
        denominator=_("Population to be served"),
        unit=Unit.RATIO,
        standard="ISO 11620:2014 B.2.1.2 (loans per capita)",
        compute=_per_capita("loans"),
        group=CONTEXT,
        order=40,
    )
)
register(
    Indicator(
        code="visits_per_capita",
        name=_("Visits per inhabitant"),
        definition=_("Visits in the period divided by the population to be served."),
        numerator=_("Visits"),
        denominator=_("Population to be served"),
        unit=Unit.RATIO,
        standard="ISO 11620:2014 B.2.2.1 (library visits per capita)",
        compute=_per_capita("visits"),
        group=CONTEXT,
        order=50,
    )
)
register(
    Indicator(
        code="attendance_per_1000",
        name=_("Programme attendance per 1,000 inhabitants"),
        definition=_("Attendance at programmes in the period per 1,000 people of the population to be served."),
        numerator=_("Programme attendance"),
        denominator=_("Population to be served ÷ 1,000"),
        unit=Unit.RATIO,
        standard="AFBP (Poland), after ISO 11620: attendance at events per 1,000 inhabitants",
        compute=_per_capita("programme_attendance", per=1000),
        group=CONTEXT,
        order=60,
    )
)
register(
    Indicator(
        code="population_reached",
        name=_("Population reached"),
        definition=_("Active users in the period as a percentage of the population to be served."),
        numerator=_("Active users"),
        denominator=_("Population to be served"),
        unit=Unit.PERCENT,
        standard="ISO 11620:2014 (percentage of target population reached)",
        compute=_share_of_population,
        group=CONTEXT,
        order=70,
    )
)
