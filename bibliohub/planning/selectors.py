"""Reads of the planning app: a programme's tree (directions → goals → actions, with its
indicators), how far it has got, its actions month by month and as a spreadsheet's rows, the
updates of an action as each reader may see them, and what the public site shows.

Shown statuses are worked out for a day (`today`): an action not done whose due date has
passed is late (models.Action.shown_status)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta
from django.db.models import Max, Prefetch, QuerySet

from bibliohub.planning import codes
from bibliohub.planning.models import (
    Action,
    ActionStatus,
    Direction,
    Evidence,
    Goal,
    Measure,
    Programme,
    ProgrammeStatus,
    ProgressUpdate,
    Quadrant,
    Swot,
    SwotPoint,
    month_key,
)


@dataclass
class Summary:
    """How far a programme (or a part of it) has got: how many actions in each shown
    status, in the order of ActionStatus, and the share done."""

    total: int
    counts: list[tuple[ActionStatus, int]]

    @property
    def done(self) -> int:
        return dict(self.counts).get(ActionStatus.DONE, 0)

    @property
    def done_percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def late(self) -> int:
        return dict(self.counts).get(ActionStatus.LATE, 0)


def summarise(statuses: Iterable[ActionStatus]) -> Summary:
    counted = Counter(statuses)
    return Summary(
        total=sum(counted.values()), counts=[(s, counted.get(s, 0)) for s in ActionStatus]
    )


@dataclass
class ActionRow:
    action: Action
    status: ActionStatus
    last_update: date | None


@dataclass
class GoalNode:
    goal: Goal
    actions: list[ActionRow]
    measures: list[Measure]


@dataclass
class DirectionNode:
    direction: Direction
    goals: list[GoalNode]

    @property
    def summary(self) -> Summary:
        return summarise(row.status for goal in self.goals for row in goal.actions)


@dataclass
class Overview:
    programme: Programme
    directions: list[DirectionNode]
    measures: list[Measure]  # the programme's own (strategic) indicators
    summary: Summary
    today: date

    @property
    def rows(self) -> list[ActionRow]:
        return [row for d in self.directions for g in d.goals for row in g.actions]


def actions_of(programme: Programme) -> QuerySet[Action]:
    """The programme's actions with what lists show of them (the day of their last update
    as `last_update`), in plan order."""
    return (
        Action.objects.filter(programme=programme)
        .select_related("coordinator", "owner")
        .prefetch_related("branches", "partners")
        .annotate(last_update=Max("updates__on"))
        .order_by("goal__direction__position", "goal__direction_id", "goal__position",
                  "goal_id", "position", "pk")
    )


def overview(programme: Programme, *, today: date) -> Overview:
    """The whole programme as its page shows it, in a fixed number of queries (each object
    knows its parents without asking the database again)."""
    directions = {d.pk: d for d in programme.directions.all()}
    goals = {g.pk: g for g in Goal.objects.filter(direction__programme=programme)}
    measures = list(programme.measures.all())
    for direction in directions.values():
        direction.programme = programme
    for goal in goals.values():
        goal.direction = directions[goal.direction_id]
    by_goal: dict[int, list[ActionRow]] = defaultdict(list)
    for action in actions_of(programme):
        action.programme = programme
        action.goal = goals[action.goal_id]
        by_goal[action.goal_id].append(
            ActionRow(action, action.shown_status(today), action.last_update)  # type: ignore[attr-defined]
        )
    goal_measures: dict[int, list[Measure]] = defaultdict(list)
    for measure in measures:
        measure.programme = programme
        if measure.goal_id is not None:
            measure.goal = goals[measure.goal_id]
            goal_measures[measure.goal_id].append(measure)
    goals_of: dict[int, list[GoalNode]] = defaultdict(list)
    for goal in goals.values():
        goals_of[goal.direction_id].append(
            GoalNode(goal, by_goal.get(goal.pk, []), goal_measures.get(goal.pk, []))
        )
    nodes = [DirectionNode(d, goals_of.get(d.pk, [])) for d in directions.values()]
    return Overview(
        programme=programme,
        directions=nodes,
        measures=[m for m in measures if m.goal_id is None],
        summary=summarise(row.status for node in nodes for g in node.goals for row in g.actions),
        today=today,
    )


def summaries(programmes: Iterable[Programme], *, today: date) -> dict[int, Summary]:
    """The summary of each programme, by id, in one query."""
    statuses: dict[int, list[ActionStatus]] = defaultdict(list)
    ids = [p.pk for p in programmes]
    for action in Action.objects.filter(programme_id__in=ids).only(
        "programme_id", "status", "due_on", "months"
    ):
        statuses[action.programme_id].append(action.shown_status(today))
    return {pk: summarise(statuses.get(pk, [])) for pk in ids}


@dataclass
class Month:
    first_day: date
    rows: list[ActionRow] = field(default_factory=list)


def by_month(view: Overview) -> list[Month]:
    """The programme's months, each with the actions done in it: those scheduled in that
    month, and those whose dates cover part of it. For a programme of a year or less."""
    programme = view.programme
    months: list[Month] = []
    day = programme.starts_on.replace(day=1)
    while day <= programme.ends_on:
        months.append(Month(day))
        day += relativedelta(months=1)
    for row in view.rows:
        action = row.action
        for month in months:
            key = month_key(month.first_day)
            last_day = month.first_day + relativedelta(months=1, days=-1)
            if action.months:
                if key in action.months:
                    month.rows.append(row)
            elif (
                action.starts_on is not None
                and action.due_on is not None
                and action.starts_on <= last_day
                and action.due_on >= month.first_day
            ):
                month.rows.append(row)
    return months


def updates_for(action: Action, *, personal: bool) -> list[ProgressUpdate]:
    """The updates of an action, newest first, with their evidence. Without `personal`
    (the monitoring group), the author is not loaded, and of an update that is not public
    only the date, branch and status are kept: its note is free text written for colleagues
    and its photos may show people."""
    queryset = ProgressUpdate.objects.filter(action=action).select_related("branch")
    if personal:
        queryset = queryset.select_related("author").prefetch_related("evidence")
        return list(queryset)
    updates = list(queryset.prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.filter(update__is_public=True))
    ))
    for update in updates:
        update.author = None
        if not update.is_public:
            update.note = ""
    return updates


def public_programmes() -> QuerySet[Programme]:
    """The programmes shown on the public site, the current first."""
    return (
        Programme.objects.filter(is_published=True)
        .exclude(status=ProgrammeStatus.DRAFT)
        .select_related("branch")
        .order_by("-starts_on", "pk")
    )


def public_updates(programme: Programme) -> dict[int, list[ProgressUpdate]]:
    """The public updates of the programme's actions, by action, newest first, with their
    evidence."""
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in (
        ProgressUpdate.objects.filter(action__programme=programme, is_public=True)
        .select_related("branch")
        .prefetch_related("evidence")
        .order_by("-on", "-pk")
    ):
        updates[update.action_id].append(update)
    return updates


def indicator_names(programme_codes: Iterable[str]) -> list[tuple[str, str]]:
    """Codes with their names, for a list of indicators."""
    return [(code, codes.name(code)) for code in programme_codes]


@dataclass
class SwotView:
    swot: Swot
    quadrants: list[tuple[Quadrant, list[SwotPoint]]]


def swot_view(swot: Swot) -> SwotView:
    points: dict[str, list[SwotPoint]] = defaultdict(list)
    for point in SwotPoint.objects.filter(swot=swot).order_by("position", "pk"):
        point.swot = swot
        points[point.quadrant].append(point)
    return SwotView(swot, [(q, points.get(q.value, [])) for q in Quadrant])


def swots_of_programme(programme: Programme, swots: QuerySet[Swot]) -> list[Swot]:
    """The SWOT analyses of the programme's scope and years (of those in `swots`)."""
    return list(
        swots.filter(
            network=programme.network_id, branch=programme.branch_id,
            year__gte=programme.starts_on.year - 1, year__lte=programme.ends_on.year,
        ).order_by("-year")
    )
