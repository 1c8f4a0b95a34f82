"""Closing a period: its figures are frozen as they were computed then, with the definition
version and settings used, so that what was published never changes by itself.

`close_period` freezes a period's figures (and those of its quarters and months, for a year)
for the network and each branch; `recheck` compares the frozen figures with a recomputation
and keeps the ones that differ beside them, to review; `accept_recomputed` replaces frozen
figures by their recomputation when staff decide so. Reading (`indicators.read`) shows the
frozen figure and the difference, never a silently changed one. Closing a year is also what
lets the history destroy that year's pseudonym key (history.jobs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bibliohub.history import indicators, rollup
from bibliohub.history.actors import Actor
from bibliohub.history.indicators import Figure, Period, Scope
from bibliohub.history.kinds import FIGURES_ACCEPTED, PERIOD_CLOSED
from bibliohub.history.models import ClosedPeriod, FrozenFigure, PeriodKind
from bibliohub.history.services import record
from bibliohub.refusals import Reasons, Refused


class CloseReason(Reasons):
    NOT_ENDED = "period_not_ended", _("This period has not ended yet.")
    CLOSED_ALREADY = "period_closed_already", _("This period is closed already.")


class CloseRefused(Refused):
    """A period that cannot be closed (bibliohub.refusals.Refused)."""

    reasons: list[CloseReason]


def close_period(
    period: Period,
    *,
    network_id: int,
    branch_ids: Sequence[int],
    actor: Actor,
    at: datetime,
) -> list[ClosedPeriod]:
    """Freeze the figures of `period` for the network and each of `branch_ids`, with those of
    its quarters and months when it is a year (its months when a quarter) that are not
    closed yet, and return the periods closed. Counts what is waiting to be rolled up
    first, so the frozen figures include everything recorded until now.

    Raises CloseRefused for a period that has not ended yet or is closed already. Records
    PERIOD_CLOSED for each period closed."""
    if period.end >= timezone.localdate(at):
        raise CloseRefused([CloseReason.NOT_ENDED])
    if indicators.closed_period(period, network_id) is not None:
        raise CloseRefused([CloseReason.CLOSED_ALREADY])
    rollup.roll_up()
    closed = []
    with transaction.atomic():
        for part in [period, *period.parts()]:
            if indicators.closed_period(part, network_id) is None:
                closed.append(
                    _freeze(part, network_id=network_id, branch_ids=branch_ids, actor=actor, at=at)
                )
    return closed


def _freeze(
    period: Period, *, network_id: int, branch_ids: Sequence[int], actor: Actor, at: datetime
) -> ClosedPeriod:
    closed = ClosedPeriod.objects.create(
        network_id=network_id,
        kind=period.kind,
        start=period.start,
        end=period.end,
        label=period.label,
        closed_at=at,
        staff_id=actor.staff_id,
        checked_at=at,
    )
    scopes = [Scope(network_id), *(Scope(network_id, b) for b in branch_ids)]
    inputs = indicators.Inputs(period, network_id)
    rows = []
    for scope in scopes:
        for indicator in indicators.registry():
            figure = inputs.figure(indicator.code, scope)
            rows.append(
                FrozenFigure(
                    period=closed,
                    code=indicator.code,
                    branch_id=scope.branch_id or 0,
                    value=figure.value,
                    numerator=figure.numerator,
                    denominator=figure.denominator,
                    missing=figure.missing,
                    version=indicator.version,
                    settings={k: str(v) for k, v in inputs.settings_of(indicator).items()},
                )
            )
    FrozenFigure.objects.bulk_create(rows, batch_size=500)
    record(
        PERIOD_CLOSED,
        at=at,
        actor=actor,
        network=network_id,
        obj=closed,
        detail={
            "period": period.kind,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "figures": len(rows),
        },
    )
    return closed


def period_of(closed: ClosedPeriod) -> Period:
    return Period(PeriodKind(closed.kind), closed.start, closed.end, closed.label)


@transaction.atomic
def recheck(closed: ClosedPeriod, *, at: datetime) -> int:
    """Recompute the figures frozen for `closed` and keep, beside each that differs now, what
    the recomputation found (with the definition version it used); clear it where they agree
    again. Returns how many differ. Frozen figures themselves never change here: the
    roll-up's kind of bookkeeping, recorded by no entry."""
    period = period_of(closed)
    inputs = indicators.Inputs(period, closed.network_id)
    differing = 0
    for row in FrozenFigure.objects.select_for_update().filter(period=closed):
        indicator = indicators.get(row.code)
        if indicator is None:
            continue
        scope = Scope(closed.network_id, row.branch_id or None)
        now = inputs.figure(row.code, scope)
        if indicators.same(now, indicators.frozen_figure(row)) and indicator.version == row.version:
            if row.recomputed is not None:
                row.recomputed = None
                row.save(update_fields=["recomputed"])
            continue
        differing += 1
        found = {**now.as_dict(), "version": indicator.version, "at": at.isoformat()}
        if row.recomputed is None or {**row.recomputed, "at": ""} != {**found, "at": ""}:
            row.recomputed = found
            row.save(update_fields=["recomputed"])
    closed.checked_at = at
    closed.save(update_fields=["checked_at"])
    return differing


@transaction.atomic
def accept_recomputed(
    closed: ClosedPeriod, *, codes: Sequence[str] | None, actor: Actor, at: datetime
) -> int:
    """Replace the frozen figures of `closed` that a recheck found different (those of
    `codes`, or all) by their recomputation, with its definition version and today's
    settings, and return how many. Records FIGURES_ACCEPTED with each figure before and
    after (numbers only)."""
    rows = FrozenFigure.objects.select_for_update().filter(period=closed, recomputed__isnull=False)
    if codes is not None:
        rows = rows.filter(code__in=list(codes))
    changed = []
    inputs = indicators.Inputs(period_of(closed), closed.network_id)
    for row in rows:
        after = Figure.from_dict(row.recomputed or {})
        changed.append(
            {
                "code": row.code,
                "branch": row.branch_id,
                "before": indicators.frozen_figure(row).as_dict()["value"],
                "after": after.as_dict()["value"],
            }
        )
        indicator = indicators.get(row.code)
        row.value, row.numerator, row.denominator = after.value, after.numerator, after.denominator
        row.missing = after.missing
        row.version = (row.recomputed or {}).get("version", row.version)
        if indicator is not None:
            row.settings = {k: str(v) for k, v in inputs.settings_of(indicator).items()}
        row.recomputed = None
        row.save()
    if changed:
        record(
            FIGURES_ACCEPTED,
            at=at,
            actor=actor,
            network=closed.network_id,
            obj=closed,
            detail={"period": closed.label, "figures": changed},
        )
    return len(changed)


def differences(closed: ClosedPeriod) -> list[FrozenFigure]:
    """The frozen figures of `closed` that the last recheck found different."""
    return list(
        FrozenFigure.objects.filter(period=closed, recomputed__isnull=False).order_by(
            "code", "branch_id"
        )
    )


def closed_years(network_id: int) -> list[int]:
    return sorted(
        ClosedPeriod.objects.filter(network_id=network_id, kind=PeriodKind.YEAR).values_list(
            "start__year", flat=True
        )
    )
