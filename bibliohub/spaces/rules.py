"""Booking rules as pure functions of the rule, the times and the day's opening hours: no
database here, so the many cases are tested without one. `rule_for` is the one query."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import Q
from django.utils import timezone

from bibliohub.libraries.hours import DayHours
from bibliohub.spaces.errors import BookingReason
from bibliohub.spaces.models import BookingRule, Resource


def rule_for(resource: Resource) -> BookingRule:
    """The most specific rule for `resource`: its own, its type's, the default for its kind,
    or, when librarians have set none, the built-in defaults of BookingRule (unsaved)."""
    candidates = BookingRule.objects.filter(
        Q(resource=resource)
        | Q(resource_type_id=resource.resource_type_id, resource_type__isnull=False)
        | Q(resource__isnull=True, resource_type__isnull=True, kind=resource.kind)
    )
    return pick_rule(list(candidates), resource)


def rules_for(resources: list[Resource]) -> dict[int, BookingRule]:
    """The rule of each resource, keyed by its id, in one query (rule tables are small)."""
    every = list(BookingRule.objects.all())
    return {r.pk: pick_rule(every, r) for r in resources}


def pick_rule(candidates: list[BookingRule], resource: Resource) -> BookingRule:
    for rule in candidates:
        if rule.resource_id == resource.pk:
            return rule
    for rule in candidates:
        if rule.resource_type_id is not None and rule.resource_type_id == resource.resource_type_id:
            return rule
    for rule in candidates:
        if rule.resource_id is None and rule.resource_type_id is None and rule.kind == resource.kind:
            return rule
    return BookingRule(kind=resource.kind)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _local_time(moment: datetime) -> time:
    return timezone.localtime(moment).time().replace(tzinfo=None)


def minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def time_refusals(
    rule: BookingRule, *, start: datetime, end: datetime, at: datetime, hours: DayHours
) -> list[BookingReason]:
    """Why [start, end) cannot be booked under `rule`, given the opening hours of the day it
    falls on (`hours`, closures applied). Empty when it can."""
    if end <= start:
        return [BookingReason.INVALID_TIMES]
    reasons: list[BookingReason] = []
    if start < at:
        reasons.append(BookingReason.IN_THE_PAST)
    if local_day(start) > local_day(at) + timedelta(days=rule.max_days_ahead):
        reasons.append(BookingReason.TOO_FAR_AHEAD)
    if minutes(start, end) > rule.max_minutes:
        reasons.append(BookingReason.TOO_LONG)
    if not _on_slot(rule, start, hours) or not _on_slot(rule, end, hours):
        reasons.append(BookingReason.NOT_ON_SLOT)
    reasons.extend(opening_refusals(start=start, end=end, hours=hours))
    return reasons


def opening_refusals(*, start: datetime, end: datetime, hours: DayHours) -> list[BookingReason]:
    """BRANCH_CLOSED on a closed day; OUTSIDE_OPENING_HOURS unless [start, end) lies inside one
    opening period of that day (a booking cannot run through a lunch break or past midnight)."""
    if not hours.is_open:
        return [BookingReason.BRANCH_CLOSED]
    if local_day(start) != hours.day or local_day(end - timedelta(microseconds=1)) != hours.day:
        return [BookingReason.OUTSIDE_OPENING_HOURS]
    first, last = _local_time(start), _local_time(end)
    if last == time(0):  # ends at midnight
        last = time.max
    if any(opens <= first and last <= closes for opens, closes in hours.periods):
        return []
    return [BookingReason.OUTSIDE_OPENING_HOURS]


def _on_slot(rule: BookingRule, moment: datetime, hours: DayHours) -> bool:
    """Slots are counted from the opening of the period the moment falls in (a branch opening
    at 9:15 has 9:15, 9:45… with 30-minute slots), or from midnight on a closed day."""
    t = _local_time(moment)
    t_minutes = t.hour * 60 + t.minute
    if t.second or t.microsecond:
        return False
    origin = 0
    for opens, closes in hours.periods:
        if opens <= t <= closes:
            origin = opens.hour * 60 + opens.minute
            break
    return (t_minutes - origin) % rule.slot_minutes == 0


def limit_refusals(
    rule: BookingRule, *, asked: int, booked_that_day: int, booked_that_week: int
) -> list[BookingReason]:
    """DAILY_LIMIT / WEEKLY_LIMIT when `asked` more minutes go over the rule's limits."""
    reasons = []
    if rule.max_minutes_per_day is not None and booked_that_day + asked > rule.max_minutes_per_day:
        reasons.append(BookingReason.DAILY_LIMIT)
    if rule.max_minutes_per_week is not None and booked_that_week + asked > rule.max_minutes_per_week:
        reasons.append(BookingReason.WEEKLY_LIMIT)
    return reasons


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the week of `day`: weekly limits count calendar weeks."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def slots(rule: BookingRule, hours: DayHours, tz: tzinfo | None = None) -> list[tuple[datetime, datetime]]:
    """Every slot of the day as aware (start, end) pairs, in the opening periods only."""
    tz = tz or timezone.get_current_timezone()
    step = timedelta(minutes=rule.slot_minutes)
    out = []
    for opens, closes in hours.periods:
        moment = datetime.combine(hours.day, opens, tzinfo=tz)
        stop = datetime.combine(hours.day, closes, tzinfo=tz)
        while moment + step <= stop:
            out.append((moment, moment + step))
            moment += step
    return out
