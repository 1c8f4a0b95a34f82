"""Unmet demand's indicators: requests for titles the library does not have (asked for at
the desk, and purchase suggestions) and the catalogue searches that found nothing, from
the history's roll-ups. Refusals and refusals per 100 loans are circulation's (`refusals`,
`refusal_rate`); the yearly change of each is the registry's comparison with the same
period a year earlier."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bibliohub.demand.kinds import REQUESTS, ZERO_RESULT_SEARCH
from bibliohub.history.indicators import (
    KIND,
    Figure,
    Indicator,
    Inputs,
    Missing,
    Scope,
    group,
    register,
    sum_parts,
    sums,
)
from bibliohub.history.models import Dimension

DEMAND = group("demand", _("Unmet demand"), order=35)


def _request_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    if dimension == KIND:
        return {kind.key: Figure.count(inputs.total([kind], scope).quantity) for kind in REQUESTS}
    return sum_parts(REQUESTS)(inputs, scope, dimension)


def _zero_results(inputs: Inputs, scope: Scope) -> Figure:
    # The catalogue is searched at no branch: the figure is the network's only.
    if not scope.is_network:
        return Figure.lacking(Missing.NOT_RECORDED)
    return sums([ZERO_RESULT_SEARCH])(inputs, scope)


register(
    Indicator(
        code="unmet_requests",
        name=_("Requests for titles not held"),
        definition=_(
            "Requests in the period for titles the library does not have: those asked for "
            "at the desk and the purchase suggestions of patrons and staff, each request "
            "counted."
        ),
        numerator=_("Titles asked for at the desk and purchase suggestions"),
        higher_is_better=False,
        standard="Lutsk CBS plan: yearly % decrease of unmet demand",
        compute=sums(REQUESTS),
        breakdown=_request_parts,
        dimensions=(KIND, Dimension.CHANNEL, Dimension.FORMAT, Dimension.CATEGORY),
        group=DEMAND,
        order=10,
    )
)

register(
    Indicator(
        code="zero_result_searches",
        name=_("Searches that found nothing"),
        definition=_(
            "Catalogue searches in the period that found nothing, counted for the whole "
            "network (the searches are nobody's and at no branch)."
        ),
        numerator=_("Searches with no results"),
        higher_is_better=False,
        compute=_zero_results,
        group=DEMAND,
        order=20,
    )
)

