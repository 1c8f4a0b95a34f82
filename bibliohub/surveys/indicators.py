"""The surveys' indicator: satisfaction, the mean score given to the question each survey
marks as its satisfaction measure, put on a scale of 1 to 5 (ISO 11620's user satisfaction
is a mean on a five-point scale). Each completed response that rated it left one history
entry whose amount is the score (`kinds.RATED`), so the mean of a period is the roll-ups'
amount ÷ quantity, per branch (the branch the respondent named, else the survey's)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from bibliohub.history.indicators import (
    AGE_GROUP,
    Figure,
    Indicator,
    Inputs,
    Missing,
    Scope,
    Unit,
    group,
    parts_by,
    register,
)
from bibliohub.history.models import Dimension
from bibliohub.surveys.kinds import RATED

LISTENING = group("listening", _("Listening to the community"), order=65)


def _mean(inputs: Inputs, scope: Scope) -> Figure:
    found = inputs.recorded([RATED], scope)
    if found is None or not found.quantity:
        return Figure.lacking(Missing.NOT_RECORDED)
    return Figure.ratio(Decimal(found.amount), found.quantity)


def _parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    return {
        value: Figure.ratio(total.amount, total.quantity)
        for value, total in parts_by(inputs, [RATED], dimension, scope).items()
        if total.quantity
    }


register(
    Indicator(
        code="satisfaction",
        name=_("Satisfaction"),
        definition=_(
            "The mean score given in the period to the question each survey marks as its "
            "satisfaction measure, on a scale of 1 (not at all satisfied) to 5 (very): a "
            "score on another scale (a recommendation from 0 to 10) is put on this one at "
            "the same point of the scale. By the branch the respondent named, else the "
            "survey's branch."
        ),
        numerator=_("Sum of the scores"),
        denominator=_("Answers to the satisfaction question"),
        unit=Unit.RATIO,
        standard="ISO 11620: user satisfaction (mean score on a 5-point scale, to confirm)",
        compute=_mean,
        breakdown=_parts,
        dimensions=(AGE_GROUP, Dimension.LANGUAGE),
        group=LISTENING,
        order=10,
    )
)
