"""Programmes as a whole: start one (blank, from a built-in template, or as a copy of another,
typically last year's), change its details, adopt, close or reopen it, publish it on the
public site, delete a draft."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.planning import blueprints
from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.kinds import (
    PROGRAMME_CREATED,
    PROGRAMME_DELETED,
    PROGRAMME_PUBLISHED,
    PROGRAMME_SAVED,
    PROGRAMME_STATUS,
    PROGRAMME_UNPUBLISHED,
)
from bibliohub.planning.models import (
    Action,
    ActionStatus,
    Direction,
    Evidence,
    Goal,
    Measure,
    Programme,
    ProgrammeStatus,
    month_key,
    month_start,
)
from bibliohub.planning.services._record import iso, record


@dataclass
class ProgrammeDetails:
    """What staff write about a programme: its texts in its language (`language`) with
    their translations, and its dates."""

    title: str
    language: str
    starts_on: date
    ends_on: date
    titles: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    summaries: dict[str, str] = field(default_factory=dict)


_DETAIL_FIELDS = ("title", "titles", "language", "summary", "summaries", "starts_on", "ends_on")


def _apply(programme: Programme, details: ProgrammeDetails) -> list[str]:
    """Copy `details` onto `programme` and return the names of the fields that changed."""
    changed = []
    for name in _DETAIL_FIELDS:
        value = getattr(details, name)
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, dict):
            value = {k: v.strip() for k, v in value.items() if v and v.strip()}
        if getattr(programme, name) != value:
            changed.append(name)
            setattr(programme, name, value)
    return changed


def _check_scope(network: Network, branch: Branch | None) -> None:
    if branch is not None and branch.network_id != network.pk:
        raise PlanningRefused([Reason.OTHER_NETWORK])


@transaction.atomic
def create_programme(
    *,
    network: Network,
    branch: Branch | None,
    details: ProgrammeDetails,
    actor: Actor,
    at: datetime,
) -> Programme:
    """Start an empty draft programme of `network` (or of its `branch`) and return it.
    Records PROGRAMME_CREATED with its scope, dates and language.

    Raises PlanningRefused (OTHER_NETWORK) for a branch of another network and
    ValidationError for a missing title or an end before the start."""
    return _new_programme(network=network, branch=branch, details=details, actor=actor, at=at)


def _new_programme(
    *,
    network: Network,
    branch: Branch | None,
    details: ProgrammeDetails,
    actor: Actor,
    at: datetime,
    blueprint: str = "",
    copied_from: Programme | None = None,
    counts: dict[str, int] | None = None,
    build: blueprints.Blueprint | Programme | None = None,
) -> Programme:
    _check_scope(network, branch)
    programme = Programme(
        network=network, branch=branch, blueprint=blueprint, copied_from=copied_from,
        created_at=at, updated_at=at,
    )
    _apply(programme, details)
    programme.full_clean()
    programme.save()
    if isinstance(build, blueprints.Blueprint):
        counts = _build_from_blueprint(programme, build, at=at)
    elif isinstance(build, Programme):
        counts = _copy_contents(build, programme, at=at)
    record(
        PROGRAMME_CREATED, about=programme, actor=actor, at=at,
        detail={
            "programme": programme.pk, "starts_on": iso(programme.starts_on),
            "ends_on": iso(programme.ends_on), "language": programme.language,
            "blueprint": blueprint or None,
            "copied_from": copied_from.pk if copied_from is not None else None,
            **(counts or {}),
        },
    )
    return programme


@transaction.atomic
def save_programme(
    programme: Programme, *, details: ProgrammeDetails, actor: Actor, at: datetime
) -> Programme:
    """Change the texts and dates of `programme` and return it. Records PROGRAMME_SAVED
    naming the fields that changed (nothing changed, nothing recorded).

    Raises PlanningRefused (PROGRAMME_CLOSED) for a closed programme and ValidationError for
    a missing title or an end before the start."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _require_open(programme)
    changed = _apply(programme, details)
    if not changed:
        return programme
    programme.updated_at = at
    programme.full_clean()
    programme.save()
    record(
        PROGRAMME_SAVED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "fields": changed,
                "starts_on": iso(programme.starts_on), "ends_on": iso(programme.ends_on)},
    )
    return programme


def _require_open(programme: Programme) -> None:
    if programme.is_closed:
        raise PlanningRefused([Reason.PROGRAMME_CLOSED])


@transaction.atomic
def set_programme_status(
    programme: Programme, *, status: ProgrammeStatus | str, actor: Actor, at: datetime
) -> Programme:
    """Adopt (put in force), close or reopen `programme`, or take it back to a draft, and
    return it. A programme taken back to a draft leaves the public site. Records
    PROGRAMME_STATUS with the statuses before and after (the same status records nothing)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    status = ProgrammeStatus(status)
    previous = programme.status
    if previous == status:
        return programme
    programme.status = status
    programme.updated_at = at
    fields = ["status", "updated_at"]
    if status == ProgrammeStatus.DRAFT and programme.is_published:
        programme.is_published = False
        fields.append("is_published")
    programme.save(update_fields=fields)
    record(
        PROGRAMME_STATUS, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "from": previous, "to": programme.status,
                "published": programme.is_published},
    )
    return programme


@transaction.atomic
def set_published(
    programme: Programme, *, published: bool, actor: Actor, at: datetime
) -> Programme:
    """Show `programme` and its progress on the public site, or take it off, and return it.
    Records PROGRAMME_PUBLISHED or PROGRAMME_UNPUBLISHED (no change, nothing recorded).

    Raises PlanningRefused (NOT_ADOPTED) for a draft: only a programme in force (or closed)
    is shown to the public."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.is_published == published:
        return programme
    if published and programme.is_draft:
        raise PlanningRefused([Reason.NOT_ADOPTED])
    programme.is_published = published
    if published:
        programme.published_at = at
    programme.updated_at = at
    programme.save(update_fields=["is_published", "published_at", "updated_at"])
    record(
        PROGRAMME_PUBLISHED if published else PROGRAMME_UNPUBLISHED, about=programme,
        actor=actor, at=at, detail={"programme": programme.pk},
    )
    return programme


@transaction.atomic
def delete_programme(programme: Programme, *, actor: Actor, at: datetime) -> None:
    """Delete a draft programme with everything in it (its evidence files once the deletion
    is committed). Records PROGRAMME_DELETED with what it held.

    Raises PlanningRefused (NOT_A_DRAFT) for a programme that was ever put in force: that
    one is closed, not deleted, so its record stays."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not programme.is_draft:
        raise PlanningRefused([Reason.NOT_A_DRAFT])
    files = list(
        Evidence.objects.filter(update__action__programme=programme)
        .exclude(file="")
        .values_list("file", flat=True)
    )
    record(
        PROGRAMME_DELETED, about=programme, actor=actor, at=at,
        detail={"programme": programme.pk, "actions": programme.actions.count(),
                "files": len(files)},
    )
    programme.delete()
    _delete_files_on_commit(files)


def _delete_files_on_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(delete)


# --- from a template or from last year's ------------------------------------------------------


@transaction.atomic
def start_from_blueprint(
    code: str,
    *,
    network: Network,
    branch: Branch | None,
    starts_on: date,
    actor: Actor,
    at: datetime,
    details: ProgrammeDetails | None = None,
) -> Programme:
    """Start a draft programme from the built-in template `code` (planning.blueprints): its
    directions, goals, actions (dated from `starts_on`, or scheduled by month) and
    indicators, in the template's language with its translations. `details` replaces the
    template's title and summary. Returns the programme; records PROGRAMME_CREATED naming
    the template and what it holds.

    Raises KeyError for an unknown template and PlanningRefused (OTHER_NETWORK) for a branch
    of another network."""
    blueprint = blueprints.get(code)
    if details is None:
        title, summary = blueprint.titled(starts_on)
        details = ProgrammeDetails(
            title=title.text, titles=dict(title.translations), summary=summary.text,
            summaries=dict(summary.translations), language=blueprint.language,
            starts_on=starts_on, ends_on=blueprint.ends_on(starts_on),
        )
    return _new_programme(
        network=network, branch=branch, details=details, actor=actor, at=at,
        blueprint=blueprint.code, build=blueprint,
    )


def _build_from_blueprint(
    programme: Programme, blueprint: blueprints.Blueprint, *, at: datetime
) -> dict[str, int]:
    branches = list(Branch.objects.filter(network=programme.network_id, is_active=True))
    central = next((b for b in branches if b.is_central), None)
    counts = {"directions": 0, "goals": 0, "actions": 0, "measures": 0}

    def month_on(offset: int) -> date:
        return month_start(month_key(programme.starts_on)) + relativedelta(months=offset)

    for position, measure in enumerate(blueprint.measures):
        _blueprint_measure(programme, None, measure, position)
        counts["measures"] += 1
    for d_position, direction_plan in enumerate(blueprint.directions):
        direction = Direction.objects.create(
            programme=programme, position=d_position, title=direction_plan.title.text,
            titles=dict(direction_plan.title.translations),
            description=direction_plan.description.text,
            descriptions=dict(direction_plan.description.translations),
        )
        counts["directions"] += 1
        for g_position, goal_plan in enumerate(direction_plan.goals):
            goal = Goal.objects.create(
                direction=direction, position=g_position, title=goal_plan.title.text,
                titles=dict(goal_plan.title.translations),
            )
            counts["goals"] += 1
            for position, measure in enumerate(goal_plan.measures):
                _blueprint_measure(programme, goal, measure, position)
                counts["measures"] += 1
            for a_position, plan in enumerate(goal_plan.actions):
                starts_on = due_on = None
                months: list[str] = []
                if plan.months:
                    months = [month_key(month_on(m)) for m in plan.months]
                elif plan.span is not None:
                    starts_on = month_on(plan.span[0])
                    due_on = month_on(plan.span[1] + 1) - relativedelta(days=1)
                action = Action.objects.create(
                    programme=programme, goal=goal, position=a_position,
                    title=plan.title.text, titles=dict(plan.title.translations),
                    expected_result=plan.expected_result.text,
                    expected_results=dict(plan.expected_result.translations),
                    funding=plan.funding, indicator_codes=list(plan.indicators),
                    starts_on=starts_on, due_on=due_on, months=months,
                    coordinator=central if plan.place in blueprints.COORDINATED else None,
                    all_branches=plan.place in blueprints.EVERY_BRANCH,
                    updated_at=at,
                )
                if plan.place == blueprints.Place.CENTRAL and central is not None:
                    action.branches.set([central])
                elif plan.place == blueprints.Place.THIS_BRANCH and programme.branch_id:
                    action.branches.set([programme.branch_id])
                counts["actions"] += 1
    return counts


def _blueprint_measure(
    programme: Programme, goal: Goal | None, plan: blueprints.MeasurePlan, position: int
) -> Measure:
    return Measure.objects.create(
        programme=programme, goal=goal, position=position, label=plan.label.text,
        labels=dict(plan.label.translations), indicator_codes=list(plan.indicators),
        trend=plan.trend, target=plan.target, period=plan.period,
    )


def proposed_copy(source: Programme) -> ProgrammeDetails:
    """What a copy of `source` for the period after it would be called and when it would
    run: the same length, starting the day after it ends (the same day a year on for a
    programme of whole years), with the years in its title moved on as much."""
    length = relativedelta(source.ends_on + relativedelta(days=1), source.starts_on)
    starts_on = source.starts_on + length
    shift = relativedelta(starts_on, source.starts_on)
    years = shift.years if not (shift.months or shift.days) else 0
    return ProgrammeDetails(
        title=_move_years(source.title, years),
        titles={k: _move_years(v, years) for k, v in source.titles.items()},
        summary=source.summary, summaries=dict(source.summaries), language=source.language,
        starts_on=starts_on, ends_on=source.ends_on + shift,
    )


def _move_years(text: str, years: int) -> str:
    if not years:
        return text
    return re.sub(
        r"(?<!\d)(19|20)(\d\d)(?!\d)", lambda m: str(int(m.group(0)) + years), text
    )


@transaction.atomic
def copy_programme(
    source: Programme,
    *,
    details: ProgrammeDetails,
    branch: Branch | None = None,
    actor: Actor,
    at: datetime,
) -> Programme:
    """Start a draft programme as a copy of `source` (typically last year's) with the texts
    and dates of `details`, for the same scope unless `branch` says another branch of the
    network: its directions, goals, actions and indicators, every date moved by as much as
    the start moved (monthly schedules by whole months), every action not started, without
    its progress updates and evidence. Returns the copy; records PROGRAMME_CREATED naming
    the source and what was copied.

    Raises PlanningRefused (OTHER_NETWORK) for a branch of another network and
    ValidationError for a missing title or an end before the start."""
    target_branch = branch if branch is not None else source.branch
    return _new_programme(
        network=source.network, branch=target_branch, details=details, actor=actor, at=at,
        blueprint=source.blueprint, copied_from=source, build=source,
    )


def _copy_contents(source: Programme, target: Programme, *, at: datetime) -> dict[str, int]:
    shift = relativedelta(target.starts_on, source.starts_on)
    month_shift = shift.years * 12 + shift.months

    def moved(day: date | None) -> date | None:
        return day + shift if day is not None else None

    def moved_month(key: str) -> str:
        return month_key(month_start(key) + relativedelta(months=month_shift))

    counts = {"directions": 0, "goals": 0, "actions": 0, "measures": 0}
    goals: dict[int, Goal] = {}
    for direction in source.directions.prefetch_related("goals"):
        copy = Direction.objects.create(
            programme=target, position=direction.position, title=direction.title,
            titles=direction.titles, description=direction.description,
            descriptions=direction.descriptions,
        )
        counts["directions"] += 1
        for goal in direction.goals.all():
            goals[goal.pk] = Goal.objects.create(
                direction=copy, position=goal.position, title=goal.title, titles=goal.titles,
                description=goal.description, descriptions=goal.descriptions,
            )
            counts["goals"] += 1
    for measure in source.measures.all():
        Measure.objects.create(
            programme=target, goal=goals.get(measure.goal_id) if measure.goal_id else None,
            position=measure.position, label=measure.label, labels=measure.labels,
            indicator_codes=measure.indicator_codes, trend=measure.trend, target=measure.target,
            period=measure.period,
        )
        counts["measures"] += 1
    for action in source.actions.prefetch_related("branches", "partners"):
        copy_action = Action.objects.create(
            programme=target, goal=goals[action.goal_id], position=action.position,
            title=action.title, titles=action.titles, description=action.description,
            descriptions=action.descriptions, expected_result=action.expected_result,
            expected_results=action.expected_results, coordinator_id=action.coordinator_id,
            all_branches=action.all_branches, owner_id=action.owner_id, funding=action.funding,
            funding_note=action.funding_note, starts_on=moved(action.starts_on),
            due_on=moved(action.due_on), months=[moved_month(m) for m in action.months],
            status=ActionStatus.NOT_STARTED, indicator_codes=action.indicator_codes,
            updated_at=at,
        )
        copy_action.branches.set(action.branches.all())
        copy_action.partners.set(action.partners.all())
        counts["actions"] += 1
    return counts
