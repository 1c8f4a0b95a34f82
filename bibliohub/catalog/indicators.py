"""The catalogue's indicators: the collection held, copies added and withdrawn, and the
renewal of the collection, from the daily count of copies and the history's entries about
copies."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from bibliohub.catalog.kinds import COPIES_HELD, ITEM_ADDED, ITEM_WITHDRAWN
from bibliohub.catalog.models import Audience, Format
from bibliohub.history.indicators import (
    Breakdown,
    Compute,
    Figure,
    Indicator,
    Inputs,
    Missing,
    Scope,
    Unit,
    group,
    label_values,
    parts_by,
    register,
    sum_parts,
    sums,
)
from bibliohub.history.kinds import Kind
from bibliohub.history.models import Dimension

COLLECTION = group("collection", _("Collection"), order=40)
DIMENSIONS = (Dimension.ITEM_TYPE, Dimension.LANGUAGE, Dimension.FORMAT, Dimension.AUDIENCE)


def _format_names(values: Sequence[str]) -> dict[str, str]:
    return {v: str(Format(v).label) for v in values if v in Format.values}


def _audience_names(values: Sequence[str]) -> dict[str, str]:
    return {v: str(Audience(v).label) for v in values if v in Audience.values}


# Programmes name their own formats and audiences too (programs.indicators).
label_values(Dimension.FORMAT, _format_names)
label_values(Dimension.AUDIENCE, _audience_names)


def _held(inputs: Inputs, scope: Scope) -> Figure:
    found = inputs.level([COPIES_HELD], scope)
    return Figure.count(None if found is None else found.quantity)


def _held_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    parts = inputs.level_breakdown([COPIES_HELD], dimension, scope)
    return {value: Figure.count(total.quantity) for value, total in parts.items()}


def _share_of_start(kind: Kind) -> Compute:
    def compute(inputs: Inputs, scope: Scope) -> Figure:
        changed = inputs.total([kind], scope).quantity
        start = inputs.level([COPIES_HELD], scope, at="start")
        if start is None:
            return Figure.lacking(Missing.NOT_RECORDED, numerator=changed)
        return Figure.ratio(changed, start.quantity, scale=100)

    return compute


def _share_of_start_parts(kind: Kind) -> Breakdown:
    def breakdown(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
        changed = parts_by(inputs, [kind], dimension, scope)
        start = inputs.level_breakdown([COPIES_HELD], dimension, scope, at="start")
        return {
            value: Figure.ratio(
                changed[value].quantity if value in changed else 0,
                start[value].quantity if value in start else None,
                scale=100,
            )
            for value in sorted(set(changed) | set(start))
        }

    return breakdown


register(
    Indicator(
        code="copies_held",
        name=_("Copies held"),
        definition=_(
            "Copies in the collection at the end of the period (neither withdrawn nor lost), "
            "as counted on its last day."
        ),
        numerator=_("Copies held"),
        standard="ISO 2789:2022 (collection); 6-НК (fund)",
        compute=_held,
        breakdown=_held_parts,
        dimensions=DIMENSIONS,
        group=COLLECTION,
        order=10,
    )
)

register(
    Indicator(
        code="copies_added",
        name=_("Copies added"),
        definition=_("Copies added to the collection in the period, on screen or by import."),
        numerator=_("Copies added"),
        standard="ISO 2789:2022 (additions); 6-НК (received)",
        compute=sums([ITEM_ADDED]),
        breakdown=sum_parts([ITEM_ADDED]),
        dimensions=DIMENSIONS,
        group=COLLECTION,
        order=20,
    )
)

register(
    Indicator(
        code="copies_withdrawn",
        name=_("Copies withdrawn"),
        definition=_("Copies withdrawn from the collection in the period."),
        numerator=_("Copies withdrawn"),
        higher_is_better=None,
        standard="ISO 2789:2022 (withdrawals); 6-НК (withdrawn)",
        compute=sums([ITEM_WITHDRAWN]),
        breakdown=sum_parts([ITEM_WITHDRAWN]),
        dimensions=DIMENSIONS,
        group=COLLECTION,
        order=30,
    )
)

register(
    Indicator(
        code="collection_renewal",
        name=_("Renewal of the collection"),
        definition=_(
            "Copies added in the period as a percentage of the copies held at its start "
            "(as counted on its first day, or the last day counted in the month before)."
        ),
        numerator=_("Copies added"),
        denominator=_("Copies held at the start of the period"),
        unit=Unit.PERCENT,
        standard="Lutsk CBS plan: % renewal of the book collection",
        compute=_share_of_start(ITEM_ADDED),
        breakdown=_share_of_start_parts(ITEM_ADDED),
        dimensions=DIMENSIONS,
        group=COLLECTION,
        order=40,
    )
)

register(
    Indicator(
        code="collection_withdrawal",
        name=_("Withdrawal from the collection"),
        definition=_(
            "Copies withdrawn in the period as a percentage of the copies held at its start."
        ),
        numerator=_("Copies withdrawn"),
        denominator=_("Copies held at the start of the period"),
        unit=Unit.PERCENT,
        higher_is_better=None,
        standard="Lutsk CBS plan: renewal of the collection (withdrawn)",
        compute=_share_of_start(ITEM_WITHDRAWN),
        breakdown=_share_of_start_parts(ITEM_WITHDRAWN),
        dimensions=DIMENSIONS,
        group=COLLECTION,
        order=50,
    )
)
