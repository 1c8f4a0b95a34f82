"""The indicators in the REST API, for staff: `GET /api/v1/indicators?year=Y&branch=CODE`
(every indicator of a year, a quarter, a month or a school term, for a branch or the whole
network), `GET /api/v1/indicators/{code}/breakdown?…&by=DIMENSION` (one indicator by age
group, category, item type, language…, per branch), and `GET /api/v1/indicators/definitions`
(the registry). Staff authenticate with their session in the browser or an API token in
scripts (accounts.api_auth); a branch librarian reads only her branches."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from bibliohub.accounts import access
from bibliohub.accounts.api_auth import STAFF
from bibliohub.accounts.models import User
from bibliohub.history import indicators
from bibliohub.history.indicators import Inputs, Period, Scope
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures import selectors

router = Router(tags=["indicators"], auth=STAFF)


class Error(Schema):
    detail: str


class PeriodOut(Schema):
    kind: str = Field(description="year, quarter, month or term.")
    label: str
    start: str = Field(description="First day, ISO date.")
    end: str = Field(description="Last day, ISO date.")


class TargetOut(Schema):
    value: float | None = Field(description="The value aimed at.")
    baseline: float | None = Field(description="What the target is measured from.")
    change_percent: float | None = Field(description="The target as a change in % of the baseline.")
    met: bool | None


class RecomputedOut(Schema):
    value: float | None
    numerator: float | None
    denominator: float | None
    missing: str | None
    version: int | None


class IndicatorOut(Schema):
    code: str = Field(description="Stable code (INDICATORS.md §6 where one applies).")
    name: str
    value: float | None = Field(description="None when missing (never 0 for data not there).")
    numerator: float | None
    denominator: float | None
    unit: str = Field(description="count, percent, ratio, hours, money or fte.")
    definition: str
    numerator_counts: str = Field(description="What the numerator counts.")
    denominator_counts: str = Field(description="What the denominator counts, if any.")
    higher_is_better: bool | None
    standard: str = Field(description="The standard the definition follows, and its version.")
    version: int = Field(description="Version of the definition the figure was computed with.")
    missing: str | None = Field(
        description="Why there is no value: not_recorded, not_for_period, no_denominator, "
        "across_years."
    )
    missing_reason: str | None
    branch: str | None = Field(description="Branch code; None for the whole network.")
    frozen: bool = Field(description="The period is closed: the figure is the one frozen then.")
    recomputed: RecomputedOut | None = Field(
        description="A later recomputation that differs from the frozen figure (to review)."
    )
    last_year: float | None = Field(description="The same period a year earlier.")
    change_percent: float | None = Field(description="Change on last year, in %.")
    target: TargetOut | None


class IndicatorsOut(Schema):
    period: PeriodOut
    network: str
    branch: str | None
    indicators: list[IndicatorOut]


class DefinitionOut(Schema):
    code: str
    name: str
    group: str
    definition: str
    numerator_counts: str
    denominator_counts: str
    unit: str
    higher_is_better: bool | None
    standard: str
    version: int
    periods: list[str]
    dimensions: list[str]
    settings: dict[str, float | int | None]


class PartOut(Schema):
    value_of: str = Field(description="The value of the dimension (an id, a code; '' unknown).")
    label: str
    value: float | None
    numerator: float | None
    denominator: float | None
    missing: str | None


class BranchPartsOut(Schema):
    branch: str | None
    parts: list[PartOut]


class BreakdownOut(Schema):
    code: str
    name: str
    by: str
    by_label: str
    period: PeriodOut
    scopes: list[BranchPartsOut]


class PeriodQuery(Schema):
    year: int = Field(ge=1900, le=2200, description="Calendar year.")
    branch: str | None = Field(
        None,
        pattern=r"^[-a-zA-Z0-9_]{1,20}$",
        description="Branch code; the whole network if left out.",
    )
    quarter: int | None = Field(None, ge=1, le=4, description="1 to 4, for a quarter of the year.")
    month: int | None = Field(None, ge=1, le=12, description="1 to 12, for a month of the year.")
    term: int | None = Field(
        None, description="A school term's id, for that term (404 when there is no such term)."
    )


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined, no-any-return]


def _scope(request: HttpRequest, query: PeriodQuery) -> tuple[Network, Branch | None, Period]:
    branch = None
    if query.branch:
        branch = Branch.objects.select_related("network").filter(code=query.branch).first()
        if branch is None:
            raise HttpError(404, f"unknown branch: {query.branch}")
        network = branch.network
    else:
        found = selectors.default_network()
        if found is None:
            raise HttpError(404, "no network is set up")
        network = found
    try:
        access.require_figures(_user(request), branch)
    except PermissionDenied as denied:
        raise HttpError(403, str(denied)) from None
    try:
        period = selectors.period_for(
            year=query.year, quarter=query.quarter, month=query.month, term=query.term,
            network=network,
        )
    except selectors.TermUnknown as unknown:
        raise HttpError(404, str(unknown)) from None
    except selectors.PeriodUnknown as unknown:
        raise HttpError(400, str(unknown)) from None
    if not indicators.has_data(period, network.pk):
        raise HttpError(404, f"no data for {period.label}")
    return network, branch, period


@router.get(
    "/indicators",
    response={200: IndicatorsOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="Every indicator of a period, for a branch or the whole network",
)
def indicator_list(request: HttpRequest, query: Query[PeriodQuery]) -> Any:
    network, branch, period = _scope(request, query)
    scope = Scope(network.pk, branch.pk if branch is not None else None)
    lines = selectors.overview(period, [scope])[scope]
    return {
        "period": selectors.period_json(period),
        "network": network.display_name(),
        "branch": branch.code if branch is not None else None,
        "indicators": [
            selectors.as_json(line, branch_code=branch.code if branch else None) for line in lines
        ],
    }


@router.get(
    "/indicators/definitions",
    response={200: list[DefinitionOut], 401: Error},
    summary="What every indicator is: definition, numerator, denominator, unit, standard",
)
def definitions(request: HttpRequest) -> Any:
    network = selectors.default_network()
    inputs = Inputs(Period.year(2000), network.pk if network is not None else 0)
    return [
        selectors.definition_json(i, inputs.settings_of(i)) for i in indicators.registry()
    ]


class BreakdownQuery(PeriodQuery):
    by: str = Field(description="A dimension the indicator is broken down by.")
    every_branch: bool = Field(
        False, description="Each branch the caller may see, besides the scope asked for."
    )


@router.get(
    "/indicators/{code}/breakdown",
    response={200: BreakdownOut, 400: Error, 401: Error, 403: Error, 404: Error},
    summary="One indicator broken down by a dimension (language of the material, age group…)",
)
def indicator_breakdown(request: HttpRequest, code: str, query: Query[BreakdownQuery]) -> Any:
    indicator = indicators.get(code)
    if indicator is None:
        raise HttpError(404, f"unknown indicator: {code}")
    if query.by not in indicator.dimensions:
        raise HttpError(
            400, f"{code} is broken down by {', '.join(indicator.dimensions) or 'nothing'}"
        )
    network, branch, period = _scope(request, query)
    scopes = [Scope(network.pk, branch.pk if branch is not None else None)]
    codes: dict[int | None, str | None] = (
        {None: None} if branch is None else {branch.pk: branch.code}
    )
    if query.every_branch:
        for other in access.figure_branches(_user(request)).filter(network=network):
            if other.pk not in codes:
                scopes.append(Scope(network.pk, other.pk))
                codes[other.pk] = other.code
    found = indicators.breakdown(code, query.by, period, scopes)
    values = sorted({value for parts in found.values() for value in parts})
    labels = indicators.value_labels(query.by, values)
    return {
        "code": code,
        "name": str(indicator.name),
        "by": query.by,
        "by_label": indicators.dimension_label(query.by),
        "period": selectors.period_json(period),
        "scopes": [
            {
                "branch": codes[scope.branch_id],
                "parts": [
                    {
                        "value_of": value,
                        "label": labels[value],
                        "value": selectors.number(figure.value),
                        "numerator": selectors.number(figure.numerator),
                        "denominator": selectors.number(figure.denominator),
                        "missing": figure.missing or None,
                    }
                    for value, figure in sorted(found[scope].items())
                ],
            }
            for scope in scopes
        ],
    }
