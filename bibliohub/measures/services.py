"""The only writers of targets, and closing a period for a whole network. Permission checks
are the callers' (accounts.access.require_figure_manager)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from bibliohub.history import Actor, indicators, snapshots
from bibliohub.history.indicators import Period
from bibliohub.history.models import ClosedPeriod
from bibliohub.history.services import record
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures.kinds import TARGET_REMOVED, TARGET_SET
from bibliohub.measures.models import Target
from bibliohub.refusals import Refused


class TargetRefused(Refused):
    """A target that cannot be saved: every problem at once, its wordings keyed by the field
    they belong to ("" for the whole; `errors`), as bibliohub.refusals.Refused gives them."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(fields=errors)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


@transaction.atomic
def save_target(
    *,
    network: Network,
    branch: Branch | None,
    code: str,
    year: int,
    baseline: Decimal | None,
    target: Decimal | None,
    change: Decimal | None,
    actor: Actor,
    at: datetime,
) -> Target | None:
    """Set the baseline and target of indicator `code` for `year` at `branch` (None: the
    whole network) and return them; with all three empty, remove them (and return None).
    Records TARGET_SET (or TARGET_REMOVED) with the values before and after.

    Raises TargetRefused for an unknown indicator, a year out of range, both a target value
    and a target change, or a change below -100 %."""
    errors: dict[str, list[str]] = {}
    if indicators.get(code) is None:
        errors.setdefault("", []).append(_("There is no such indicator."))
    if not 1900 <= year <= 2200:
        errors.setdefault("", []).append(_("Choose a year from 1900 to 2200."))
    if target is not None and change is not None:
        errors.setdefault("change", []).append(
            _("Give either a target value or a change in %, not both.")
        )
    if change is not None and change < -100:
        errors.setdefault("change", []).append(_("A decrease cannot be more than 100 %."))
    if errors:
        raise TargetRefused(errors)
    # Unordered: the default ordering would join the branch, and lock it with the row.
    rows = Target.objects.select_for_update().order_by().filter(
        network=network, code=code, year=year
    )
    rows = rows.filter(branch=branch) if branch is not None else rows.filter(branch__isnull=True)
    row = rows.first()
    before = (
        {"baseline": _text(row.baseline), "target": _text(row.target), "change": _text(row.change)}
        if row is not None
        else None
    )
    after = {"baseline": _text(baseline), "target": _text(target), "change": _text(change)}
    detail = {"indicator": code, "year": year, "before": before, "after": after}
    if baseline is None and target is None and change is None:
        if row is not None:
            row.delete()
            record(TARGET_REMOVED, at=at, actor=actor, branch=branch, network=network.pk,
                   detail=detail)
        return None
    if before == after:
        return row
    if row is None:
        row = Target(network=network, branch=branch, code=code, year=year)
    row.baseline, row.target, row.change, row.changed_at = baseline, target, change, at
    row.save()
    record(TARGET_SET, at=at, actor=actor, branch=branch, network=network.pk, obj=row,
           detail=detail)
    return row


def close(period: Period, *, network: Network, actor: Actor, at: datetime) -> list[ClosedPeriod]:
    """Close `period` for `network`: freeze its figures (and its quarters' and months', for
    a year) for the network and every branch it has (snapshots.close_period, which raises
    CloseRefused)."""
    branch_ids = list(Branch.objects.filter(network=network).values_list("pk", flat=True))
    return snapshots.close_period(
        period, network_id=network.pk, branch_ids=branch_ids, actor=actor, at=at
    )
