"""Opening hours: answers "is branch B open at time T", "next open day after D" and "how many
public hours a week", from the regular week and dated exceptions. Circulation (due dates on
open days) and room booking (only while open) ask these questions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from bibliohub.libraries.models import Branch, CalendarException, OpeningPeriod

Period = tuple[time, time]


@dataclass(frozen=True)
class DayHours:
    day: date
    periods: tuple[Period, ...]
    reason: str = ""  # why the day differs from the regular week, if it does

    @property
    def is_open(self) -> bool:
        return bool(self.periods)

    @property
    def hours(self) -> float:
        return sum(_minutes(closes) - _minutes(opens) for opens, closes in self.periods) / 60


class BranchCalendar:
    """One branch's calendar loaded for a range of dates in two queries, answered in memory.
    `calendars_for` loads many branches with the same two queries."""

    def __init__(
        self,
        branch: Branch,
        start: date,
        end: date,
        *,
        periods: list[OpeningPeriod] | None = None,
        exceptions: list[CalendarException] | None = None,
    ) -> None:
        self.branch = branch
        self.start, self.end = start, end
        if periods is None:
            periods = list(OpeningPeriod.objects.filter(branch=branch).order_by("weekday", "opens"))
        if exceptions is None:
            exceptions = list(_exceptions([branch], start, end))
        self.week: dict[int, list[Period]] = defaultdict(list)
        for p in sorted(periods, key=lambda p: (p.weekday, p.opens)):
            self.week[p.weekday].append((p.opens, p.closes))
        # A branch's own exception wins over a network-wide one on the same date.
        self.exceptions: dict[date, CalendarException] = {}
        for row in exceptions:
            current = self.exceptions.get(row.date)
            if current is None or current.branch_id is None:
                self.exceptions[row.date] = row

    def day(self, day: date) -> DayHours:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the loaded range {self.start}..{self.end}")
        if (exc := self.exceptions.get(day)) is not None:
            if exc.closed or exc.opens is None or exc.closes is None:
                return DayHours(day, (), exc.reason)
            return DayHours(day, ((exc.opens, exc.closes),), exc.reason)
        return DayHours(day, tuple(self.week.get(day.weekday(), ())))


def _exceptions(branches: list[Branch], start: date, end: date) -> QuerySet[CalendarException]:
    networks = {b.network_id for b in branches}
    return CalendarException.objects.filter(
        Q(branch__in=branches) | Q(branch__isnull=True, network_id__in=networks),
        date__gte=start,
        date__lte=end,
    )


def calendars_for(branches: Iterable[Branch], start: date, end: date) -> dict[int, BranchCalendar]:
    """Calendars of every branch in `branches` for start..end, keyed by branch id, in two
    queries whatever the number of branches (a page listing every branch's hours)."""
    branches = list(branches)
    periods: dict[int, list[OpeningPeriod]] = defaultdict(list)
    for p in OpeningPeriod.objects.filter(branch__in=branches):
        periods[p.branch_id].append(p)
    exceptions = list(_exceptions(branches, start, end))
    return {
        b.pk: BranchCalendar(
            b, start, end, periods=periods[b.pk],
            exceptions=[
                e for e in exceptions
                if e.branch_id == b.pk or (e.branch_id is None and e.network_id == b.network_id)
            ],
        )
        for b in branches
    }


def day_hours(branch: Branch, day: date) -> DayHours:
    return BranchCalendar(branch, day, day).day(day)


def is_open(branch: Branch, at: datetime) -> bool:
    """Whether `branch` is open to the public at the aware datetime `at` (local time)."""
    local = timezone.localtime(at)
    hours = day_hours(branch, local.date())
    now = local.time().replace(tzinfo=None)
    return any(opens <= now < closes for opens, closes in hours.periods)


def next_open_day(branch: Branch, after: date, *, horizon_days: int = 366) -> date | None:
    """The first day strictly after `after` on which `branch` opens, or None if it stays
    closed for `horizon_days` (a branch closed for renovation)."""
    cal = BranchCalendar(branch, after + timedelta(days=1), after + timedelta(days=horizon_days))
    for offset in range(1, horizon_days + 1):
        day = after + timedelta(days=offset)
        if cal.day(day).is_open:
            return day
    return None


def open_on_or_after(branch: Branch, day: date, *, horizon_days: int = 366) -> date | None:
    """`day` itself if the branch opens that day, else the next open day."""
    if day_hours(branch, day).is_open:
        return day
    return next_open_day(branch, day, horizon_days=horizon_days)


def week_schedule(branch: Branch, week_start: date) -> list[DayHours]:
    """The seven days from `week_start` with their real hours, exceptions applied."""
    cal = BranchCalendar(branch, week_start, week_start + timedelta(days=6))
    return [cal.day(week_start + timedelta(days=i)) for i in range(7)]


def weekly_hours(branch: Branch, week_start: date | None = None) -> float:
    """Public hours in a week: the regular week when `week_start` is None, else the dated
    week from `week_start` with its holidays and extended hours."""
    if week_start is None:
        periods = OpeningPeriod.objects.filter(branch=branch).values_list("opens", "closes")
        return sum(_minutes(c) - _minutes(o) for o, c in periods) / 60
    return sum(d.hours for d in week_schedule(branch, week_start))


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute
