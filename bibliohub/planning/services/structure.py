"""What a programme is made of: its strategic directions, their goals, the goals' actions, and
the plan's indicators (measures). A closed programme refuses every change here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Max

from bibliohub.accounts.models import User
from bibliohub.community.models import Partner
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.planning import codes
from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.kinds import (
    ACTION_DELETED,
    ACTION_SAVED,
    DIRECTION_DELETED,
    DIRECTION_SAVED,
    GOAL_DELETED,
    GOAL_SAVED,
    MEASURE_DELETED,
    MEASURE_SAVED,
)
from bibliohub.planning.models import (
    Action,
    Direction,
    Evidence,
    Goal,
    Measure,
    MeasurePeriod,
    Programme,
    Trend,
    month_end,
    month_start,
)
from bibliohub.planning.services._record import iso, record
from bibliohub.planning.services.programmes import _delete_files_on_commit


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    return {k: v.strip() for k, v in texts.items() if v and v.strip()}


def _locked_open(programme: Programme) -> Programme:
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.is_closed:
        raise PlanningRefused([Reason.PROGRAMME_CLOSED])
    return programme


def _next_position(queryset: models.QuerySet[Any]) -> int:
    last = queryset.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _touch(programme: Programme, at: datetime) -> None:
    Programme.objects.filter(pk=programme.pk).update(updated_at=at)


# --- directions and goals ---------------------------------------------------------------------


@dataclass
class Heading:
    """The texts of a direction or a goal, in the programme's language with translations,
    and its place among its siblings (None: after the last)."""

    title: str
    titles: dict[str, str] = field(default_factory=dict)
    description: str = ""
    descriptions: dict[str, str] = field(default_factory=dict)
    position: int | None = None


def _apply_heading(obj: Direction | Goal, heading: Heading) -> None:
    obj.title = heading.title.strip()
    obj.titles = _clean_texts(heading.titles)
    obj.description = heading.description.strip()
    obj.descriptions = _clean_texts(heading.descriptions)


@transaction.atomic
def save_direction(
    direction: Direction | None,
    *,
    programme: Programme,
    heading: Heading,
    actor: Actor,
    at: datetime,
) -> Direction:
    """Add a strategic direction to `programme` (or change `direction`) and return it.
    Records DIRECTION_SAVED. Raises PlanningRefused (PROGRAMME_CLOSED, OTHER_PROGRAMME) and
    ValidationError for a missing title."""
    programme = _locked_open(programme)
    if direction is not None and direction.programme_id != programme.pk:
        raise PlanningRefused([Reason.OTHER_PROGRAMME])
    creating = direction is None
    direction = direction or Direction(programme=programme)
    _apply_heading(direction, heading)
    if heading.position is not None:
        direction.position = heading.position
    elif creating:
        direction.position = _next_position(programme.directions.all())
    direction.full_clean()
    direction.save()
    _touch(programme, at)
    record(
        DIRECTION_SAVED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "direction": direction.pk, "created": creating},
    )
    return direction


@transaction.atomic
def delete_direction(direction: Direction, *, actor: Actor, at: datetime) -> None:
    """Delete a strategic direction with its goals, their actions (with their updates and
    evidence) and measures. Records DIRECTION_DELETED with how many actions went."""
    programme = _locked_open(direction.programme)
    actions = Action.objects.filter(goal__direction=direction)
    files = _evidence_files(actions)
    record(
        DIRECTION_DELETED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "direction": direction.pk,
                "actions": actions.count(), "files": len(files)},
    )
    direction.delete()
    _touch(programme, at)
    _delete_files_on_commit(files)


def _evidence_files(actions: models.QuerySet[Action]) -> list[str]:
    return list(
        Evidence.objects.filter(update__action__in=actions).exclude(file="")
        .values_list("file", flat=True)
    )


@transaction.atomic
def save_goal(
    goal: Goal | None,
    *,
    direction: Direction,
    heading: Heading,
    actor: Actor,
    at: datetime,
) -> Goal:
    """Add a goal under `direction` (or change `goal`, which may move to another direction
    of the same programme) and return it. Records GOAL_SAVED. Raises PlanningRefused
    (PROGRAMME_CLOSED, OTHER_PROGRAMME) and ValidationError for a missing title."""
    programme = _locked_open(direction.programme)
    if goal is not None and goal.direction.programme_id != programme.pk:
        raise PlanningRefused([Reason.OTHER_PROGRAMME])
    creating = goal is None
    goal = goal or Goal()
    moved = not creating and goal.direction_id != direction.pk
    goal.direction = direction
    _apply_heading(goal, heading)
    if heading.position is not None:
        goal.position = heading.position
    elif creating or moved:
        goal.position = _next_position(direction.goals.all())
    goal.full_clean()
    goal.save()
    _touch(programme, at)
    record(
        GOAL_SAVED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "direction": direction.pk, "goal": goal.pk,
                "created": creating},
    )
    return goal


@transaction.atomic
def delete_goal(goal: Goal, *, actor: Actor, at: datetime) -> None:
    """Delete a goal with its actions (their updates and evidence) and measures. Records
    GOAL_DELETED with how many actions went."""
    programme = _locked_open(goal.direction.programme)
    actions = Action.objects.filter(goal=goal)
    files = _evidence_files(actions)
    record(
        GOAL_DELETED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "goal": goal.pk, "actions": actions.count(),
                "files": len(files)},
    )
    goal.delete()
    _touch(programme, at)
    _delete_files_on_commit(files)


# --- actions ----------------------------------------------------------------------------------


@dataclass
class ActionDetails:
    """Everything staff say about an action but its status, which changes with progress
    (`progress.record_progress`). Either `starts_on`/`due_on` or `months` (first days of
    the months of a monthly schedule)."""

    title: str
    titles: dict[str, str] = field(default_factory=dict)
    description: str = ""
    descriptions: dict[str, str] = field(default_factory=dict)
    expected_result: str = ""
    expected_results: dict[str, str] = field(default_factory=dict)
    coordinator: Branch | None = None
    all_branches: bool = False
    branches: Sequence[Branch] = ()
    owner: User | None = None
    partners: Sequence[Partner] = ()
    funding: str = ""
    funding_note: str = ""
    starts_on: date | None = None
    due_on: date | None = None
    months: Sequence[date] = ()
    indicator_codes: Sequence[str] = ()
    position: int | None = None


def action_refusals(programme: Programme, details: ActionDetails) -> list[Reason]:
    """What is wrong with `details` for an action of `programme`, every reason at once."""
    reasons = []
    if details.months and (details.starts_on or details.due_on):
        reasons.append(Reason.DATES_AND_MONTHS)
    if details.starts_on and details.due_on and details.due_on < details.starts_on:
        reasons.append(Reason.DUE_BEFORE_START)
    days = [d for d in (details.starts_on, details.due_on) if d is not None]
    days += [month_end(f"{m:%Y-%m}") for m in details.months]
    days += [month_start(f"{m:%Y-%m}") for m in details.months]
    first_month = programme.starts_on.replace(day=1)
    if any(d > programme.ends_on or d < first_month for d in days) or any(
        d < programme.starts_on for d in (details.starts_on, details.due_on) if d is not None
    ):
        reasons.append(Reason.DATES_OUTSIDE)
    if codes.unknown(details.indicator_codes):
        reasons.append(Reason.UNKNOWN_INDICATOR)
    branches = [*details.branches, *([details.coordinator] if details.coordinator else [])]
    if any(b.network_id != programme.network_id for b in branches) or any(
        p.network_id != programme.network_id for p in details.partners
    ):
        reasons.append(Reason.OTHER_NETWORK)
    return reasons


@transaction.atomic
def save_action(
    action: Action | None,
    *,
    goal: Goal,
    details: ActionDetails,
    actor: Actor,
    at: datetime,
) -> Action:
    """Add an action under `goal` (or change `action`, which may move to another goal of
    the same programme) and return it; a new action is not started. Records ACTION_SAVED
    with its dates or months, place, funding and indicators (its texts stay on the action).

    Raises PlanningRefused with every reason that applies (PROGRAMME_CLOSED,
    OTHER_PROGRAMME, DATES_AND_MONTHS, DUE_BEFORE_START, DATES_OUTSIDE, UNKNOWN_INDICATOR,
    OTHER_NETWORK) and ValidationError for a missing text."""
    programme = _locked_open(goal.direction.programme)
    if action is not None and action.programme_id != programme.pk:
        raise PlanningRefused([Reason.OTHER_PROGRAMME])
    if reasons := action_refusals(programme, details):
        raise PlanningRefused(reasons)
    creating = action is None
    action = action or Action(programme=programme)
    moved = not creating and action.goal_id != goal.pk
    action.goal = goal
    action.title = details.title.strip()
    action.titles = _clean_texts(details.titles)
    action.description = details.description.strip()
    action.descriptions = _clean_texts(details.descriptions)
    action.expected_result = details.expected_result.strip()
    action.expected_results = _clean_texts(details.expected_results)
    action.coordinator = details.coordinator
    action.all_branches = details.all_branches
    action.owner = details.owner
    action.funding = details.funding
    action.funding_note = details.funding_note.strip()
    action.starts_on, action.due_on = details.starts_on, details.due_on
    action.months = sorted({f"{m:%Y-%m}" for m in details.months})
    action.indicator_codes = list(dict.fromkeys(details.indicator_codes))
    if details.position is not None:
        action.position = details.position
    elif creating or moved:
        action.position = _next_position(goal.actions.all())
    action.updated_at = at
    action.full_clean(exclude=["branches", "partners"])
    action.save()
    action.branches.set(details.branches)
    action.partners.set(details.partners)
    _touch(programme, at)
    record(
        ACTION_SAVED, about=programme, actor=actor, at=at,
        detail={
            "programme": programme.pk, "goal": goal.pk, "action": action.pk,
            "created": creating, "starts_on": iso(action.starts_on), "due_on": iso(action.due_on),
            "months": action.months, "coordinator": action.coordinator_id,
            "all_branches": action.all_branches,
            "branches": sorted(b.pk for b in details.branches),
            "partners": sorted(p.pk for p in details.partners), "owner": action.owner_id,
            "funding": action.funding, "indicators": action.indicator_codes,
        },
    )
    return action


@transaction.atomic
def delete_action(action: Action, *, actor: Actor, at: datetime) -> None:
    """Delete an action with its progress updates (their evidence files once the deletion
    is committed). Records ACTION_DELETED with how many updates and files went."""
    programme = _locked_open(action.programme)
    files = _evidence_files(Action.objects.filter(pk=action.pk))
    record(
        ACTION_DELETED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "action": action.pk,
                "updates": action.updates.count(), "files": len(files)},
    )
    action.delete()
    _touch(programme, at)
    _delete_files_on_commit(files)


# --- the plan's indicators --------------------------------------------------------------------


@dataclass
class MeasureDetails:
    label: str
    indicator_codes: Sequence[str]
    trend: Trend | str
    labels: dict[str, str] = field(default_factory=dict)
    target: Decimal | None = None
    period: MeasurePeriod | str = MeasurePeriod.YEAR
    goal: Goal | None = None
    position: int | None = None


@transaction.atomic
def save_measure(
    measure: Measure | None,
    *,
    programme: Programme,
    details: MeasureDetails,
    actor: Actor,
    at: datetime,
) -> Measure:
    """Add one of the plan's indicators to `programme` (of one of its goals, or of the whole
    programme) or change `measure`, and return it. Records MEASURE_SAVED with its codes,
    what is expected and the target.

    Raises PlanningRefused (PROGRAMME_CLOSED, OTHER_PROGRAMME, NO_INDICATOR,
    UNKNOWN_INDICATOR, TARGET_NEEDED for at least / at most without a level) and
    ValidationError for a missing wording."""
    programme = _locked_open(programme)
    reasons = []
    if (measure is not None and measure.programme_id != programme.pk) or (
        details.goal is not None and details.goal.direction.programme_id != programme.pk
    ):
        reasons.append(Reason.OTHER_PROGRAMME)
    indicator_codes = list(dict.fromkeys(c.strip() for c in details.indicator_codes if c.strip()))
    if not indicator_codes:
        reasons.append(Reason.NO_INDICATOR)
    elif codes.unknown(indicator_codes):
        reasons.append(Reason.UNKNOWN_INDICATOR)
    if details.trend in (Trend.AT_LEAST, Trend.AT_MOST) and details.target is None:
        reasons.append(Reason.TARGET_NEEDED)
    if reasons:
        raise PlanningRefused(reasons)
    creating = measure is None
    measure = measure or Measure(programme=programme)
    measure.goal = details.goal
    measure.label = details.label.strip()
    measure.labels = _clean_texts(details.labels)
    measure.indicator_codes = indicator_codes
    measure.trend = details.trend
    measure.target = details.target
    measure.period = details.period
    if details.position is not None:
        measure.position = details.position
    elif creating:
        measure.position = _next_position(programme.measures.filter(goal=details.goal))
    measure.full_clean()
    measure.save()
    _touch(programme, at)
    record(
        MEASURE_SAVED, about=programme, actor=actor, at=at,
        detail={
            "programme": programme.pk, "measure": measure.pk, "created": creating,
            "goal": measure.goal_id, "indicators": indicator_codes, "trend": measure.trend,
            "target": str(measure.target) if measure.target is not None else None,
            "period": measure.period,
        },
    )
    return measure


@transaction.atomic
def delete_measure(measure: Measure, *, actor: Actor, at: datetime) -> None:
    """Delete one of the plan's indicators. Records MEASURE_DELETED with its codes."""
    programme = _locked_open(measure.programme)
    record(
        MEASURE_DELETED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "measure": measure.pk,
                "indicators": measure.indicator_codes},
    )
    measure.delete()
    _touch(programme, at)
