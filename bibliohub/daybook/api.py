"""What gate counters post to: `POST /api/v1/daybook/gate-counts` with the device's own
token (`Authorization: Bearer gc_…`, issued by `bibliohub gate-counter`) and the
people counted in one or more periods. Idempotent per device and period: a period sent again
is the same reading (a changed count corrects it)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.security import HttpBearer

from bibliohub.daybook import services
from bibliohub.daybook.models import GateCounter

router = Router(tags=["daily record book"])

MAX_READINGS = 1000


class CounterToken(HttpBearer):
    """A gate counter's token: the device, if it is active."""

    def authenticate(self, request: HttpRequest, token: str) -> GateCounter | None:
        return (
            GateCounter.objects.select_related("branch")
            .filter(digest=services.token_digest(token), is_active=True)
            .first()
        )


class ReadingIn(Schema):
    start: datetime = Field(description="Start of the period counted, ISO 8601 with its offset.")
    end: datetime = Field(description="End of the period (after start, at most a day later).")
    count: int = Field(description="People who came in during the period.")


class GateCountsIn(Schema):
    readings: list[ReadingIn] = Field(max_length=MAX_READINGS)


class ReadingOut(Schema):
    start: datetime
    end: datetime
    count: int
    outcome: str = Field(description='"added", "corrected", "unchanged" or "refused".')
    problems: list[str] = Field(
        description="Why a reading was refused: naive_time, ends_before_start, "
        "longer_than_a_day, in_the_future, negative_count, count_too_big, period_closed, "
        "same_start_other_end."
    )


class Unauthorized(Schema):
    detail: str = Field(description='"Unauthorized": no token, or not a working counter\'s.')


class GateCountsOut(Schema):
    counter: str
    branch: str
    readings: list[ReadingOut]


@router.post(
    "/daybook/gate-counts",
    auth=CounterToken(),
    response={200: GateCountsOut, 401: Unauthorized},
    summary="A gate counter reports the people it counted",
)
def gate_counts(request: HttpRequest, payload: GateCountsIn) -> GateCountsOut:
    """Each reading is the people counted from `start` to `end`. Sending a period again is
    safe: the same count changes nothing, another count corrects it. Readings that are
    wrong are refused with their problems and the others are taken."""
    counter: GateCounter = request.auth  # type: ignore[attr-defined]
    outcomes = services.receive_readings(
        counter,
        readings=[services.Reading(r.start, r.end, r.count) for r in payload.readings],
        at=timezone.now(),
    )
    return GateCountsOut(
        counter=counter.name,
        branch=counter.branch.code,
        readings=[
            ReadingOut(
                start=o.reading.start,
                end=o.reading.end,
                count=o.reading.count,
                outcome=o.outcome,
                problems=list(o.problems),
            )
            for o in outcomes
        ],
    )
