"""The only writers of the daily record book: counts entered by day, counts reported by gate
counters, yearly figures, and the gate counters themselves. Each change is recorded in the
history; a count that changes records the difference, so the history's entries of a day
always add up to what the book says. Permission checks are the callers' (accounts.access)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.daybook.kinds import (
    COUNTER_SAVED,
    COUNTER_TOKEN,
    FIGURE_SET,
    GATE_VISITS,
    MEASURE_KINDS,
)
from bibliohub.daybook.models import (
    DailyCount,
    Figure,
    GateCounter,
    GateReading,
    Measure,
    YearlyFigure,
)
from bibliohub.history import Actor
from bibliohub.history.models import ClosedPeriod
from bibliohub.history.services import changed_fields, record
from bibliohub.libraries.models import Branch, Network
from bibliohub.refusals import Refused

# No branch counts more in a day; a bigger number is a typing mistake.
MAX_DAILY = 1_000_000
# A gate counter reports periods of at most a day.
MAX_READING = timedelta(days=1)


class DaybookRefused(Refused):
    """Counts or figures that cannot be saved: every problem at once, its wordings keyed by the field
    they belong to ("" for the whole; `errors`), as bibliohub.refusals.Refused gives them."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(fields=errors)


def cell(day: date, measure: str) -> str:
    """The name of the field that holds one day's count of one measure."""
    return f"{day.isoformat()}:{measure}"


def closed_on(network_id: int, day: date) -> bool:
    """Whether `day` is in a period whose figures are closed (then its counts stay)."""
    return ClosedPeriod.objects.filter(network_id=network_id, start__lte=day, end__gte=day).exists()


def _closed_days(network_id: int, first: date, last: date) -> list[tuple[date, date]]:
    return list(
        ClosedPeriod.objects.filter(network_id=network_id, start__lte=last, end__gte=first)
        .values_list("start", "end")
    )


@transaction.atomic
def save_counts(
    branch: Branch,
    *,
    counts: Mapping[tuple[date, str], int | None],
    actor: Actor,
    at: datetime,
) -> int:
    """Set the counts of `branch` for the days and measures of `counts` (None: the day was
    not counted after all) and return how many changed. Each change records the measure's
    kind for that day with the difference as its quantity (the count entered, or a
    correction; a cleared count takes back what was entered).

    Raises DaybookRefused, keyed by cell(), with every problem: a day still to come, a day
    of a closed period, a count that is not a whole number from 0 to 1,000,000, an
    unknown measure. Nothing is saved then."""
    today = timezone.localdate(at)
    errors: dict[str, list[str]] = {}
    if counts:
        days = [day for day, _measure in counts]
        closed = _closed_days(branch.network_id, min(days), max(days))
    else:
        closed = []
    for (day, measure), value in counts.items():
        key = cell(day, measure)
        if measure not in Measure.values:
            errors.setdefault(key, []).append(_("There is no such count."))
        if day > today:
            errors.setdefault(key, []).append(_("This day has not come yet."))
        if any(start <= day <= end for start, end in closed):
            errors.setdefault(key, []).append(
                _("The figures of this day's period are closed; it can no longer be changed.")
            )
        if value is not None and not 0 <= value <= MAX_DAILY:
            errors.setdefault(key, []).append(
                _("Enter a whole number from 0 to %(max)s.") % {"max": f"{MAX_DAILY:,}"}
            )
    if errors:
        raise DaybookRefused(errors)
    rows = {
        (row.day, row.measure): row
        for row in DailyCount.objects.select_for_update().order_by().filter(
            branch=branch,
            day__in={day for day, _measure in counts},
            measure__in={measure for _day, measure in counts},
        )
    }
    changed = 0
    for (day, measure), value in sorted(counts.items()):
        row = rows.get((day, measure))
        before = row.value if row is not None else None
        if value == before:
            continue
        if value is None:
            assert row is not None
            row.delete()
        elif row is None:
            DailyCount.objects.create(
                branch=branch, day=day, measure=measure, value=value, changed_at=at
            )
        else:
            row.value, row.changed_at = value, at
            row.save(update_fields=["value", "changed_at"])
        record(
            MEASURE_KINDS[Measure(measure)],
            at=at,
            day=day,
            actor=actor,
            branch=branch,
            quantity=(value or 0) - (before or 0),
            detail={"count": value, "before": before},
        )
        changed += 1
    return changed


# --- gate counters ------------------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_secret() -> str:
    return "gc_" + secrets.token_urlsafe(32)


@transaction.atomic
def add_counter(branch: Branch, *, name: str, actor: Actor, at: datetime) -> tuple[GateCounter, str]:
    """Add a gate counter at `branch` and return it with the token it reports with, shown
    this once (only its digest is kept). Records COUNTER_SAVED. Raises DaybookRefused for an
    empty name."""
    name = name.strip()
    if not name:
        raise DaybookRefused({"name": [_("Give the counter a name, e.g. the door it stands at.")]})
    secret = _new_secret()
    counter = GateCounter.objects.create(
        branch=branch, name=name[:100], digest=token_digest(secret), hint=secret[-4:],
        created_at=at,
    )
    record(COUNTER_SAVED, at=at, actor=actor, branch=branch, obj=counter, detail={"created": True})
    return counter, secret


@transaction.atomic
def new_counter_token(counter: GateCounter, *, actor: Actor, at: datetime) -> str:
    """Give `counter` a new token (the old one is refused from now on) and return it, shown
    this once. Records COUNTER_TOKEN."""
    secret = _new_secret()
    GateCounter.objects.filter(pk=counter.pk).update(digest=token_digest(secret), hint=secret[-4:])
    record(COUNTER_TOKEN, at=at, actor=actor, branch=counter.branch, obj=counter)
    return secret


@transaction.atomic
def save_counter(counter: GateCounter, *, actor: Actor, at: datetime) -> GateCounter:
    """Save a change to a counter's name, branch or whether it is active (an inactive one
    is refused). Records COUNTER_SAVED with the fields changed."""
    fields = changed_fields(counter)
    counter.save()
    record(COUNTER_SAVED, at=at, actor=actor, branch=counter.branch, obj=counter,
           detail={"created": False, "fields": fields})
    return counter


@dataclass(frozen=True)
class Reading:
    """People counted by a gate counter from `start` to `end` (aware moments)."""

    start: datetime
    end: datetime
    count: int


class ReadingProblem:
    """Why a reading was refused: machine-readable codes."""

    NAIVE = "naive_time"
    ENDS_BEFORE_START = "ends_before_start"
    TOO_LONG = "longer_than_a_day"
    IN_FUTURE = "in_the_future"
    NEGATIVE = "negative_count"
    TOO_MANY = "count_too_big"
    CLOSED = "period_closed"
    OTHER_END = "same_start_other_end"


@dataclass(frozen=True)
class ReadingOutcome:
    reading: Reading
    outcome: str  # "added", "corrected", "unchanged", or "refused"
    problems: tuple[str, ...] = ()


def reading_problems(counter: GateCounter, reading: Reading, *, at: datetime) -> list[str]:
    """What is wrong with `reading` from `counter`, as ReadingProblem codes."""
    problems = []
    if timezone.is_naive(reading.start) or timezone.is_naive(reading.end):
        return [ReadingProblem.NAIVE]
    if reading.end <= reading.start:
        problems.append(ReadingProblem.ENDS_BEFORE_START)
    elif reading.end - reading.start > MAX_READING:
        problems.append(ReadingProblem.TOO_LONG)
    if reading.start > at:
        problems.append(ReadingProblem.IN_FUTURE)
    if reading.count < 0:
        problems.append(ReadingProblem.NEGATIVE)
    elif reading.count > MAX_DAILY:
        problems.append(ReadingProblem.TOO_MANY)
    if not problems and closed_on(counter.branch.network_id, timezone.localdate(reading.start)):
        problems.append(ReadingProblem.CLOSED)
    return problems


@transaction.atomic
def receive_readings(
    counter: GateCounter, *, readings: Sequence[Reading], at: datetime
) -> list[ReadingOutcome]:
    """Take the counts `counter` reports, each for its period, and say what became of each.
    A period sent again is the same reading: with the same count nothing changes, with
    another count the difference is recorded ("corrected"). A reading that is wrong
    (ReadingProblem) is refused and the others taken. Each count is recorded as GATE_VISITS
    at the counter's branch, on the local day its period starts, acting as the device."""
    actor = Actor.for_device(f"gate counter {counter.pk}")
    outcomes = []
    for reading in readings:
        problems = reading_problems(counter, reading, at=at)
        row = (
            GateReading.objects.select_for_update()
            .order_by()
            .filter(counter=counter, start=reading.start)
            .first()
            if not problems
            else None
        )
        if row is not None and row.end != reading.end:
            problems.append(ReadingProblem.OTHER_END)
        if problems:
            outcomes.append(ReadingOutcome(reading, "refused", tuple(problems)))
            continue
        if row is not None and row.count == reading.count:
            outcomes.append(ReadingOutcome(reading, "unchanged"))
            continue
        before = row.count if row is not None else 0
        created = row is None
        if row is None:
            row = GateReading.objects.create(
                counter=counter, start=reading.start, end=reading.end, count=reading.count,
                received_at=at,
            )
        else:
            row.count, row.received_at = reading.count, at
            row.save(update_fields=["count", "received_at"])
        record(
            GATE_VISITS,
            at=at,
            day=timezone.localdate(reading.start),
            actor=actor,
            branch=counter.branch,
            obj=row,
            quantity=reading.count - before,
            detail={"counter": counter.pk, "count": reading.count, "before": before},
        )
        outcomes.append(ReadingOutcome(reading, "added" if created else "corrected"))
    GateCounter.objects.filter(pk=counter.pk).update(last_reading_at=at)
    return outcomes


# --- yearly figures -----------------------------------------------------------------------

_FIGURE_LIMITS = {
    Figure.POPULATION: (Decimal(0), Decimal(100_000_000)),
    Figure.STAFF_FTE: (Decimal(0), Decimal(100_000)),
    Figure.BUDGET: (Decimal(0), Decimal("999999999999.99")),
}


def parse_figure(figure: str, text: str) -> Decimal | None:
    """The value typed for `figure` ("" for none), or raises DaybookRefused."""
    text = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DaybookRefused({figure: [_("Enter a number.")]}) from None
    return value


@transaction.atomic
def set_yearly_figure(
    *,
    network: Network,
    branch: Branch | None,
    year: int,
    figure: str,
    value: Decimal | None,
    currency: str = "",
    actor: Actor,
    at: datetime,
) -> YearlyFigure | None:
    """Set (or, with None, remove) a yearly figure of `branch`, or of the whole network
    without one, and return it. Records FIGURE_SET with the value before and after (the new
    value as its amount). Raises DaybookRefused for an unknown figure, a value out of its
    range, a population that is not a whole number, a year out of range or closed."""
    errors: dict[str, list[str]] = {}
    if figure not in Figure.values:
        raise DaybookRefused({"": [_("There is no such figure.")]})
    if not 1900 <= year <= 2200:
        errors.setdefault("", []).append(_("Choose a year from 1900 to 2200."))
    elif _closed_days(network.pk, date(year, 1, 1), date(year, 12, 31)):
        errors.setdefault("", []).append(
            _("Figures of this year are closed: its yearly figures can no longer be changed.")
        )
    if value is not None:
        low, high = _FIGURE_LIMITS[Figure(figure)]
        if not low <= value <= high:
            errors.setdefault(figure, []).append(
                _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            )
        if figure == Figure.POPULATION and value != value.to_integral_value():
            errors.setdefault(figure, []).append(_("Enter a whole number of people."))
    if errors:
        raise DaybookRefused(errors)
    # Unordered: the default ordering would join the branch, and lock it with the row.
    rows = YearlyFigure.objects.select_for_update().order_by().filter(
        network=network, year=year, figure=figure
    )
    rows = rows.filter(branch=branch) if branch is not None else rows.filter(branch__isnull=True)
    row = rows.first()
    before = row.value if row is not None else None
    if value == before and (row is None or row.currency == currency.upper()):
        return row
    if value is None:
        assert row is not None
        row.delete()
        row = None
    elif row is None:
        row = YearlyFigure.objects.create(
            network=network, branch=branch, year=year, figure=figure, value=value,
            currency=currency.upper()[:3], changed_at=at,
        )
    else:
        row.value, row.currency, row.changed_at = value, currency.upper()[:3], at
        row.save(update_fields=["value", "currency", "changed_at"])
    record(
        FIGURE_SET,
        at=at,
        actor=actor,
        branch=branch,
        network=network.pk,
        amount=value,
        currency=currency.upper()[:3] if figure == Figure.BUDGET else "",
        detail={
            "figure": figure,
            "year": year,
            "before": None if before is None else str(before),
            "after": None if value is None else str(value),
        },
    )
    return row


def yearly_figures(network_id: int, year: int) -> dict[tuple[int, str], YearlyFigure]:
    """The yearly figures of `network` for `year`, keyed by (branch id, 0 for the network's
    own; figure)."""
    return {
        (row.branch_id or 0, row.figure): row
        for row in YearlyFigure.objects.filter(network_id=network_id, year=year)
    }
