"""The yearly SWOT analysis of the network or of a branch, and its points with their
evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Max

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.planning import codes
from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.kinds import SWOT_POINT_DELETED, SWOT_POINT_SAVED, SWOT_SAVED
from bibliohub.planning.models import Quadrant, Swot, SwotPoint
from bibliohub.planning.services._record import record


def _clean_texts(texts: dict[str, str]) -> dict[str, str]:
    return {k: v.strip() for k, v in texts.items() if v and v.strip()}


@transaction.atomic
def save_swot(
    swot: Swot | None,
    *,
    network: Network,
    branch: Branch | None,
    year: int,
    language: str,
    summary: str = "",
    summaries: dict[str, str] | None = None,
    actor: Actor,
    at: datetime,
) -> Swot:
    """Start the SWOT analysis of `year` for `network` (or its `branch`), or change the
    year, language and summary of `swot`, and return it. Records SWOT_SAVED.

    Raises PlanningRefused (SWOT_EXISTS when that scope has one for that year already,
    OTHER_NETWORK for a branch of another network)."""
    if branch is not None and branch.network_id != network.pk:
        raise PlanningRefused([Reason.OTHER_NETWORK])
    creating = swot is None
    if swot is not None:
        swot = Swot.objects.select_for_update().get(pk=swot.pk)
        network, branch = swot.network, swot.branch
    clash = Swot.objects.filter(network=network, branch=branch, year=year)
    if swot is not None:
        clash = clash.exclude(pk=swot.pk)
    if clash.exists():
        raise PlanningRefused([Reason.SWOT_EXISTS])
    swot = swot or Swot(network=network, branch=branch, created_at=at)
    swot.year = year
    swot.language = language
    swot.summary = summary.strip()
    swot.summaries = _clean_texts(summaries or {})
    swot.updated_at = at
    swot.full_clean(validate_constraints=False)  # the year's clash is refused above
    swot.save()
    record(
        SWOT_SAVED, about=swot, actor=actor, at=at,
        detail={"swot": swot.pk, "year": swot.year, "created": creating,
                "language": swot.language},
    )
    return swot


@dataclass
class PointDetails:
    quadrant: Quadrant | str
    statement: str
    statements: dict[str, str] = field(default_factory=dict)
    indicator_code: str = ""
    reference: str = ""
    reference_url: str = ""
    note: str = ""
    position: int | None = None


@transaction.atomic
def save_point(
    point: SwotPoint | None,
    *,
    swot: Swot,
    details: PointDetails,
    actor: Actor,
    at: datetime,
) -> SwotPoint:
    """Add a strength, weakness, opportunity or threat to `swot` (or change `point`) with
    its evidence, and return it. Records SWOT_POINT_SAVED with its part and whether it has
    an indicator, a source and a note (their texts stay on the point).

    Raises PlanningRefused (UNKNOWN_INDICATOR, OTHER_PROGRAMME for a point of another
    analysis) and ValidationError for a missing point or a malformed link."""
    swot = Swot.objects.select_for_update().get(pk=swot.pk)
    if point is not None and point.swot_id != swot.pk:
        raise PlanningRefused([Reason.OTHER_PROGRAMME])
    code = details.indicator_code.strip()
    if code and not codes.is_known(code):
        raise PlanningRefused([Reason.UNKNOWN_INDICATOR])
    creating = point is None
    point = point or SwotPoint(swot=swot)
    moved = not creating and point.quadrant != details.quadrant
    point.quadrant = details.quadrant
    point.statement = details.statement.strip()
    point.statements = _clean_texts(details.statements)
    point.indicator_code = code
    point.reference = details.reference.strip()
    point.reference_url = details.reference_url.strip()
    point.note = details.note.strip()
    if details.position is not None:
        point.position = details.position
    elif creating or moved:
        last = swot.points.filter(quadrant=point.quadrant).aggregate(last=Max("position"))["last"]
        point.position = 0 if last is None else last + 1
    point.full_clean()
    point.save()
    Swot.objects.filter(pk=swot.pk).update(updated_at=at)
    record(
        SWOT_POINT_SAVED, about=swot, actor=actor, at=at,
        detail={
            "swot": swot.pk, "point": point.pk, "created": creating, "quadrant": point.quadrant,
            "indicator": point.indicator_code or None,
            "source": bool(point.reference or point.reference_url), "note": bool(point.note),
        },
    )
    return point


@transaction.atomic
def delete_point(point: SwotPoint, *, actor: Actor, at: datetime) -> None:
    """Delete a point of a SWOT analysis. Records SWOT_POINT_DELETED."""
    swot = Swot.objects.select_for_update().get(pk=point.swot_id)
    record(
        SWOT_POINT_DELETED, about=swot, actor=actor, at=at,
        detail={"swot": swot.pk, "point": point.pk, "quadrant": point.quadrant},
    )
    point.delete()
    Swot.objects.filter(pk=swot.pk).update(updated_at=at)
