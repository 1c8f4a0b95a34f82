"""The annual report of the network or of one branch for a year, as plain data that the
PDF, XLSX and CSV renderers (reports.render) and the staff page turn into their own shape.

What it holds: every indicator computed for a year (value, numerator, denominator, unit,
last year's value and the change in %, the target where one is set, the definition); how
the development programmes covering the year have got on (their actions' status counts and
the latest progress on each action, without anyone's name and without the notes that are
not public); the year's SWOT analysis; and the figures people enter by hand (the daily
record book and the yearly figures), missing — never zero — when nobody entered them.

Every text is in the language the report is built in (`language`): build it inside that
language, render it inside it too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q
from django.utils import translation

from bibliohub.daybook.services import yearly_figures
from bibliohub.history import indicators
from bibliohub.history.indicators import Period, Scope
from bibliohub.history.models import PeriodKind
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures import selectors as measures
from bibliohub.planning.models import (
    Action,
    ActionStatus,
    Programme,
    ProgrammeStatus,
    ProgressUpdate,
    Quadrant,
    Swot,
    SwotPoint,
)
from bibliohub.planning.selectors import summarise
from bibliohub.reports import statutory

# The figures people enter by hand (daybook): counted in the daily record book, or entered
# once a year. They make the report's "entered figures" section rather than its indicators.
ENTERED = (
    "visits",
    "reference_questions",
    "computer_sessions",
    "wifi_sessions",
    "population_served",
    "staff_fte",
    "budget",
)


@dataclass(frozen=True)
class FigureRow:
    """One figure of the report: an indicator, or a figure entered by hand."""

    code: str
    group: str
    name: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    unit: str  # indicators.Unit's value
    unit_label: str
    last_year: Decimal | None
    change: Decimal | None  # in % of last year's value
    target: Decimal | None
    target_met: bool | None
    definition: str
    numerator_counts: str
    denominator_counts: str
    standard: str
    missing: str  # the reason code, "" when there is a value
    missing_reason: str
    frozen: bool
    currency: str = ""
    # Where statutory forms put this figure ("IMLS PLS FY2023: 553 PHYSCIR").
    statutory: tuple[str, ...] = ()

    @property
    def is_missing(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class ActionLine:
    """An action of a programme with the status it shows at the end of the year (or today,
    for the current year) and its latest progress update of the year. No names of people;
    the update's note only when it was made public."""

    direction: str
    goal: str
    title: str
    status: str
    status_label: str
    updated_on: date | None
    update_status_label: str
    update_branch: str
    update_note: str


@dataclass(frozen=True)
class ProgrammeSection:
    title: str
    years: str
    scope: str  # the network's name, or the branch's
    status_label: str
    total: int
    counts: list[tuple[str, str, int]]  # (status, its label, how many actions)
    done_percent: int
    actions: list[ActionLine]


@dataclass(frozen=True)
class SwotSection:
    year: int
    summary: str
    quadrants: list[tuple[str, str, list[str]]]  # (quadrant, its label, the points)


@dataclass
class AnnualReport:
    network: str
    branch_code: str | None
    place: str  # the branch's name, or the network's
    year: int
    language: str
    made_on: date
    has_data: bool
    indicators: list[FigureRow] = field(default_factory=list)
    entered: list[FigureRow] = field(default_factory=list)
    programmes: list[ProgrammeSection] = field(default_factory=list)
    swot: SwotSection | None = None

    @property
    def is_network(self) -> bool:
        return self.branch_code is None


def build(
    *, network: Network, branch: Branch | None, year: int, language: str, today: date
) -> AnnualReport:
    """The annual report of `branch` (None: the whole network) for `year`, its texts in
    `language`. `today` says which statuses are shown for the current year (an action
    past its due date is late). Reads only; raises nothing for a year without data (the
    report then says what is missing: `has_data` is False)."""
    with translation.override(language):
        period = Period.year(year)
        scope = Scope(network.pk, branch.pk if branch is not None else None)
        report = AnnualReport(
            network=network.display_name(language),
            branch_code=branch.code if branch is not None else None,
            place=(branch or network).display_name(language),
            year=year,
            language=language,
            made_on=today,
            has_data=indicators.has_data(period, network.pk),
        )
        currency = _currency(network, branch, year)
        for line in measures.overview(period, [scope])[scope]:
            if PeriodKind.YEAR not in line.indicator.periods:
                continue
            row = _row(line, currency=currency if line.indicator.code == "budget" else "")
            (report.entered if row.code in ENTERED else report.indicators).append(row)
        order = {code: n for n, code in enumerate(ENTERED)}
        report.entered.sort(key=lambda row: order[row.code])
        as_of = min(today, period.end)
        report.programmes = _programmes(network, branch, period, as_of=as_of, language=language)
        report.swot = _swot(network, branch, year, language=language)
        return report


def _currency(network: Network, branch: Branch | None, year: int) -> str:
    found = yearly_figures(network.pk, year)
    own = found.get((branch.pk if branch is not None else 0, "budget"))
    if own is not None:
        return own.currency
    if branch is None:
        currencies = {row.currency for (b, name), row in found.items() if name == "budget" and b}
        if len(currencies) == 1:
            return currencies.pop()
    return ""


def _row(line: measures.Line, *, currency: str) -> FigureRow:
    indicator = line.indicator
    figure = line.figure
    return FigureRow(
        code=indicator.code,
        group=indicators.group_label(indicator.group),
        name=str(indicator.name),
        value=figure.value,
        numerator=figure.numerator,
        denominator=figure.denominator,
        unit=str(indicator.unit.value),
        unit_label=str(indicator.unit.label),
        last_year=line.last_year.figure.value if line.last_year is not None else None,
        change=line.change,
        target=line.goal.value if line.goal is not None else None,
        target_met=line.goal.met if line.goal is not None else None,
        definition=line.reading.definition,
        numerator_counts=str(indicator.numerator),
        denominator_counts=str(indicator.denominator),
        standard=indicator.standard,
        missing=figure.missing if figure.is_missing else "",
        missing_reason=figure.missing_label if figure.is_missing else "",
        frozen=line.reading.frozen,
        currency=currency,
        statutory=tuple(statutory.references(indicator.code)),
    )


def programmes_covering(network: Network, branch: Branch | None, period: Period) -> list[Programme]:
    """The programmes in force (or closed) whose dates cover part of `period`: for the
    network, the network's own; for a branch, the network's and the branch's. Drafts are
    not reported."""
    found = Programme.objects.filter(
        network=network,
        status__in=[ProgrammeStatus.ADOPTED, ProgrammeStatus.CLOSED],
        starts_on__lte=period.end,
        ends_on__gte=period.start,
    ).select_related("branch")
    if branch is None:
        found = found.filter(branch__isnull=True)
    else:
        found = found.filter(Q(branch__isnull=True) | Q(branch=branch))
    # The network's first: NULL sorts first on SQLite and last on PostgreSQL unless told.
    return list(found.order_by(F("branch_id").asc(nulls_first=True), "starts_on", "pk"))


def _programmes(
    network: Network, branch: Branch | None, period: Period, *, as_of: date, language: str
) -> list[ProgrammeSection]:
    programmes = programmes_covering(network, branch, period)
    if not programmes:
        return []
    actions = (
        Action.objects.filter(programme__in=programmes)
        .select_related("goal__direction")
        .order_by(
            "programme_id", "goal__direction__position", "goal__direction_id",
            "goal__position", "goal_id", "position", "pk",
        )
    )
    if branch is not None:
        # Of a network programme, the actions carried out at the branch (or everywhere).
        actions = actions.filter(
            Q(programme__branch=branch)
            | Q(all_branches=True)
            | Q(pk__in=Action.branches.through.objects.filter(branch=branch).values("action_id"))
            | Q(coordinator=branch)
        )
    by_programme: dict[int, list[Action]] = {p.pk: [] for p in programmes}
    for action in actions:
        by_programme[action.programme_id].append(action)
    latest: dict[int, ProgressUpdate] = {}
    for found in (
        ProgressUpdate.objects.filter(
            action__programme__in=programmes, on__lte=period.end
        )
        .select_related("branch")
        .only("action_id", "on", "status", "note", "is_public", "branch__name", "branch__names")
        .order_by("action_id", "-on", "-pk")
    ):
        latest.setdefault(found.action_id, found)
    sections = []
    for programme in programmes:
        lines = []
        statuses = []
        for action in by_programme[programme.pk]:
            action.programme = programme
            status = action.shown_status(as_of)
            statuses.append(status)
            update: ProgressUpdate | None = latest.get(action.pk)
            goal = action.goal
            lines.append(
                ActionLine(
                    direction=str(goal.direction.text("title", language)),
                    goal=str(goal.text("title", language)),
                    title=str(action.text("title", language)),
                    status=status.value,
                    status_label=str(status.label),
                    updated_on=update.on if update is not None else None,
                    update_status_label=(
                        str(ActionStatus(update.status).label) if update is not None else ""
                    ),
                    update_branch=(
                        update.branch.display_name(language)
                        if update is not None and update.branch is not None
                        else ""
                    ),
                    # A note not made public is written for colleagues and may name people.
                    update_note=update.note if update is not None and update.is_public else "",
                )
            )
        summary = summarise(statuses)
        sections.append(
            ProgrammeSection(
                title=str(programme.text("title", language)),
                years=programme.years,
                scope=(programme.branch or network).display_name(language),
                status_label=str(ProgrammeStatus(programme.status).label),
                total=summary.total,
                counts=[(s.value, str(s.label), n) for s, n in summary.counts],
                done_percent=summary.done_percent,
                actions=lines,
            )
        )
    return sections


def _swot(network: Network, branch: Branch | None, year: int, *, language: str) -> SwotSection | None:
    swot = Swot.objects.filter(network=network, branch=branch, year=year).first()
    if swot is None:
        return None
    points: dict[str, list[str]] = {q.value: [] for q in Quadrant}
    for point in SwotPoint.objects.filter(swot=swot).order_by("position", "pk"):
        point.swot = swot
        statement = str(point.text("statement", language))
        if point.reference:
            statement = f"{statement} ({point.reference})"
        points[point.quadrant].append(statement)
    return SwotSection(
        year=year,
        summary=str(swot.text("summary", language)),
        quadrants=[(q.value, str(q.label), points[q.value]) for q in Quadrant],
    )
