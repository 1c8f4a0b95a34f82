"""The REST API under /api/v1/, its OpenAPI document at /api/v1/openapi.json. Each domain app
contributes a router from its own api.py. The catalogue and the branches are public and
read-only; the indicators are for staff (their session in the browser, an API token in a
script: accounts.api_auth); gate counters post their counts with a token of their own."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.http import HttpRequest, HttpResponse
from django.urls import register_converter
from django.urls.converters import PathConverter
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.errors import ValidationError

from bibliohub.api_errors import API, invalid_request
from bibliohub.catalog.api import router as catalog_router
from bibliohub.daybook.api import router as daybook_router
from bibliohub.libraries.hours import calendars_for
from bibliohub.libraries.models import Branch
from bibliohub.measures.api import router as measures_router

api = API(
    title="Bibliohub API",
    version="1",
    description=(
        "Catalogue search, records and items of a library network, and its branches (public); "
        "its indicators (staff: the session cookie in a browser, or `Authorization: Bearer` "
        "with a token from `bibliohub api-token`); the counts of gate counters (the "
        "device's own token)."
    ),
    urls_namespace="api",
)
api.add_router("/", catalog_router)
api.add_router("/", measures_router)
api.add_router("/", daybook_router)
# Every 422 in one shape, described in the OpenAPI document (api_errors.InvalidRequest).
api.add_exception_handler(ValidationError, partial(invalid_request, api=api))


class Period(Schema):
    opens: str = Field(description="Local time, HH:MM.")
    closes: str


class Day(Schema):
    date: str = Field(description="ISO date.")
    weekday: int = Field(description="0 is Monday.")
    open: bool
    periods: list[Period]
    note: str = Field(
        description="Why the day differs from the regular week (a holiday), if it does."
    )


class BranchOut(Schema):
    code: str
    name: str = Field(description="In the language the request asks for, when the branch has it.")
    is_central: bool
    address: str
    phone: str
    email: str
    website: str
    hours_this_week: float
    week: list[Day] = Field(description="Monday to Sunday of the current week, closures applied.")


@api.get(
    "/branches",
    response=list[BranchOut],
    tags=["libraries"],
    summary="Branches and this week's hours",
)
def branches(request: HttpRequest) -> list[BranchOut]:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    active = list(Branch.objects.filter(is_active=True))
    calendars = calendars_for(active, monday, monday + timedelta(days=6))
    result = []
    for branch in active:
        week = [calendars[branch.pk].day(monday + timedelta(days=i)) for i in range(7)]
        result.append(
            BranchOut(
                code=branch.code,
                name=branch.display_name(),
                is_central=branch.is_central,
                address=branch.address,
                phone=branch.phone,
                email=branch.email,
                website=branch.website,
                hours_this_week=sum(d.hours for d in week),
                week=[
                    Day(
                        date=d.day.isoformat(),
                        weekday=d.day.weekday(),
                        open=d.is_open,
                        note=d.reason,
                        periods=[
                            Period(opens=f"{o:%H:%M}", closes=f"{c:%H:%M}") for o, c in d.periods
                        ],
                    )
                    for d in week
                ],
            )
        )
    return result


class _AnyPath(PathConverter):
    """Any rest of a path, a line break (%0A) in it too: Django's `path` stops there."""

    regex = r"[\s\S]+"


register_converter(_AnyPath, "api_rest")

# Added last, so that it only answers paths no router knows: clients of a JSON API get JSON
# back for a mistyped path, not the OPAC's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], "/{api_rest:rest}", include_in_schema=False
)
def not_found(request: HttpRequest, rest: str) -> HttpResponse:
    return api.create_response(request, {"detail": f"No such endpoint: /api/v1/{rest}"}, status=404)


api.add_router("/", fallback)
