"""When a loan is due: pure functions over an in-memory calendar, no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bibliohub.circulation import rules
from bibliohub.circulation.models import CalendarMode, LoanUnit, RenewalBase, Term
from bibliohub.libraries.hours import DayHours

KYIV = ZoneInfo("Europe/Kyiv")
OPEN_DAYS, NEXT_OPEN_DAY, IGNORE = (
    CalendarMode.OPEN_DAYS,
    CalendarMode.NEXT_OPEN_DAY,
    CalendarMode.IGNORE,
)


class WeekCalendar:
    """A regular week plus closed dates, answered like libraries.hours.BranchCalendar."""

    def __init__(self, week: dict[int, list[tuple[time, time]]], closed: set[date] = frozenset()):
        self.week, self.closed = week, closed

    def day(self, day: date) -> DayHours:
        if day in self.closed:
            return DayHours(day, ())
        return DayHours(day, tuple(self.week.get(day.weekday(), ())))


# The two branches of tests/conftest.py: the central library opens Monday to Saturday 9–20;
# Riverside Tuesday to Saturday 10–13 and 14–18.
CENTRAL = WeekCalendar({d: [(time(9), time(20))] for d in range(6)})
RIVERSIDE = WeekCalendar({d: [(time(10), time(13)), (time(14), time(18))] for d in range(1, 6)})
NEVER_OPEN = WeekCalendar({})

# 2026-12-01 is a Tuesday.
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)


def policy(
    period: int, mode: str = NEXT_OPEN_DAY, unit: str = LoanUnit.DAYS, **values
) -> rules.Policy:
    base = rules.Policy(
        rule_id=1,
        loan_period=period,
        loan_unit=unit,
        renewals_allowed=2,
        renewal_period=None,
        max_loans=None,
        max_loans_of_type=None,
        holds_allowed=True,
        hold_pickup_days=7,
        fine_per_day=Decimal("0"),
        grace_days=0,
        fine_cap=None,
        max_fines_before_block=None,
        calendar_mode=mode,
        due_at_end_of_term=False,
        fine_days="all_days",
        renew_if_other_copies=True,
    )
    return replace(base, **values)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KYIV)


def end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=KYIV)


@pytest.mark.parametrize(
    ("calendar", "mode", "days", "start", "expected"),
    [
        # 21 days from Tuesday is a Tuesday: every mode agrees at the central library...
        (CENTRAL, IGNORE, 21, TUESDAY, date(2026, 12, 22)),
        (CENTRAL, NEXT_OPEN_DAY, 21, TUESDAY, date(2026, 12, 22)),
        # ...except counting open days, which skips three Sundays.
        (CENTRAL, OPEN_DAYS, 21, TUESDAY, date(2026, 12, 25)),
        # Five days from Tuesday is Sunday.
        (CENTRAL, IGNORE, 5, TUESDAY, date(2026, 12, 6)),
        (CENTRAL, NEXT_OPEN_DAY, 5, TUESDAY, date(2026, 12, 7)),
        (RIVERSIDE, NEXT_OPEN_DAY, 5, TUESDAY, date(2026, 12, 8)),
        (CENTRAL, OPEN_DAYS, 5, TUESDAY, date(2026, 12, 7)),
        # Three open days from a Saturday at Riverside: Tuesday, Wednesday, Thursday.
        (RIVERSIDE, OPEN_DAYS, 3, at(5, 11), date(2026, 12, 10)),
        (RIVERSIDE, NEXT_OPEN_DAY, 3, at(5, 11), date(2026, 12, 8)),
        (RIVERSIDE, IGNORE, 3, at(5, 11), date(2026, 12, 8)),
        # One day from Saturday at Riverside is Sunday; Monday is closed too.
        (RIVERSIDE, NEXT_OPEN_DAY, 1, at(5, 11), date(2026, 12, 8)),
        (RIVERSIDE, IGNORE, 1, at(5, 11), date(2026, 12, 6)),
    ],
)
def test_day_loans_are_due_at_the_end_of_the_due_day(calendar, mode, days, start, expected):
    due = rules.due_date(policy(days, mode), branch_calendar=calendar, start=start)
    assert due == end_of(expected)


def test_a_holiday_on_the_due_day_moves_it_to_the_next_open_day():
    holidays = WeekCalendar(CENTRAL.week, closed={date(2026, 12, 22), date(2026, 12, 23)})
    due = rules.due_date(policy(21), branch_calendar=holidays, start=TUESDAY)
    assert due == end_of(date(2026, 12, 24))


def test_counting_open_days_skips_holidays_too():
    holidays = WeekCalendar(CENTRAL.week, closed={date(2026, 12, 2)})
    due = rules.due_date(policy(2, OPEN_DAYS), branch_calendar=holidays, start=TUESDAY)
    assert due == end_of(date(2026, 12, 4))


def test_ignoring_the_calendar_does_not_care_about_holidays():
    holidays = WeekCalendar(CENTRAL.week, closed={date(2026, 12, 22)})
    due = rules.due_date(policy(21, IGNORE), branch_calendar=holidays, start=TUESDAY)
    assert due == end_of(date(2026, 12, 22))


@pytest.mark.parametrize("mode", [OPEN_DAYS, NEXT_OPEN_DAY])
def test_a_branch_closed_for_over_a_year_lends_as_if_there_were_no_calendar(mode):
    due = rules.due_date(policy(14, mode), branch_calendar=NEVER_OPEN, start=TUESDAY)
    assert due == end_of(date(2026, 12, 15))


def test_the_due_day_is_counted_from_the_local_date():
    # 23:30 UTC on 1 December is already 2 December in Kyiv.
    start = datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    due = rules.due_date(policy(7, IGNORE), branch_calendar=CENTRAL, start=start)
    assert due == end_of(date(2026, 12, 9))


def test_a_loan_across_the_clock_change_is_still_due_at_local_end_of_day():
    start = datetime(2026, 3, 25, 10, 0, tzinfo=KYIV)  # summer time starts on 29 March
    due = rules.due_date(policy(7, IGNORE), branch_calendar=CENTRAL, start=start)
    assert due == end_of(date(2026, 4, 1))
    assert due.utcoffset() == timedelta(hours=3)


def test_a_renewal_uses_the_renewal_period_when_there_is_one():
    p = policy(21, IGNORE, renewal_period=7)
    assert rules.due_date(p, branch_calendar=CENTRAL, start=TUESDAY, renewal=True) == end_of(
        date(2026, 12, 8)
    )
    assert rules.due_date(
        replace(p, renewal_period=None), branch_calendar=CENTRAL, start=TUESDAY, renewal=True
    ) == end_of(date(2026, 12, 22))


def test_a_renewal_counts_from_the_due_date_by_default():
    p = policy(21, IGNORE)
    due = end_of(date(2026, 12, 22))
    start = rules.renewal_start(p, due_at=due, at=TUESDAY)
    assert start == due
    assert rules.due_date(p, branch_calendar=CENTRAL, start=start, renewal=True) == end_of(
        date(2027, 1, 12)
    )


def test_an_overdue_renewal_from_the_due_date_counts_from_the_renewal():
    p = policy(21, IGNORE)
    due = end_of(date(2026, 11, 20))
    assert rules.renewal_start(p, due_at=due, at=TUESDAY) == TUESDAY


def test_a_rule_can_count_renewals_from_the_day_of_the_renewal():
    p = policy(21, IGNORE, renewal_base=RenewalBase.RENEWAL_DAY)
    due = end_of(date(2026, 12, 22))
    start = rules.renewal_start(p, due_at=due, at=TUESDAY)
    assert start == TUESDAY
    # Renewed on the day it was lent, the loan would be due when it already is.
    assert rules.due_date(p, branch_calendar=CENTRAL, start=start, renewal=True) == due


def test_a_policy_that_does_not_lend_has_no_due_date():
    with pytest.raises(ValueError, match="does not lend"):
        rules.due_date(policy(0), branch_calendar=CENTRAL, start=TUESDAY)


@pytest.mark.parametrize(
    ("calendar", "mode", "hours", "start", "expected"),
    [
        # Inside opening hours every mode gives the plain answer.
        (RIVERSIDE, OPEN_DAYS, 2, at(1, 10), at(1, 12)),
        (RIVERSIDE, NEXT_OPEN_DAY, 2, at(1, 10), at(1, 12)),
        # A loan ending exactly at closing time stays as it is.
        (RIVERSIDE, OPEN_DAYS, 3, at(1, 15), at(1, 18)),
        (RIVERSIDE, NEXT_OPEN_DAY, 3, at(1, 15), at(1, 18)),
        # Three hours from 17:00 would end at 20:00, after closing.
        (RIVERSIDE, IGNORE, 3, at(1, 17), at(1, 20)),
        (RIVERSIDE, OPEN_DAYS, 3, at(1, 17), at(1, 18)),
        (RIVERSIDE, NEXT_OPEN_DAY, 3, at(1, 17), at(2, 10)),
        # Ending in the lunch break: due when the branch closes for lunch, or when it reopens.
        (RIVERSIDE, OPEN_DAYS, 1, at(1, 12, 30), at(1, 13)),
        (RIVERSIDE, NEXT_OPEN_DAY, 1, at(1, 12, 30), at(1, 14)),
        # A loan spanning the lunch break but ending while open is left alone.
        (RIVERSIDE, OPEN_DAYS, 3, at(1, 12, 30), at(1, 15, 30)),
        # Saturday afternoon at Riverside: the next opening is Tuesday morning.
        (RIVERSIDE, NEXT_OPEN_DAY, 2, at(5, 17), at(8, 10)),
        (RIVERSIDE, OPEN_DAYS, 2, at(5, 17), at(5, 18)),
        # An overnight loan of 24 hours at the central library ends while open.
        (CENTRAL, NEXT_OPEN_DAY, 24, at(1, 10), at(2, 10)),
        # A 24-hour loan from Saturday ends on Sunday, when the central library is closed.
        (CENTRAL, OPEN_DAYS, 24, at(5, 10), at(5, 20)),
        (CENTRAL, NEXT_OPEN_DAY, 24, at(5, 10), at(7, 9)),
        # Lent after hours (a self-check at 21:00) for one hour: no closing in between, so
        # the loan is due when the branch opens.
        (CENTRAL, OPEN_DAYS, 1, at(1, 21), at(2, 9)),
    ],
)
def test_hour_loans_follow_the_opening_hours(calendar, mode, hours, start, expected):
    due = rules.due_date(policy(hours, mode, LoanUnit.HOURS), branch_calendar=calendar, start=start)
    assert due == expected


def test_an_hour_loan_that_can_never_be_returned_keeps_its_plain_due_time():
    due = rules.due_date(
        policy(3, NEXT_OPEN_DAY, LoanUnit.HOURS), branch_calendar=NEVER_OPEN, start=TUESDAY
    )
    assert due == TUESDAY + timedelta(hours=3)


AUTUMN = Term(
    pk=1,
    network_id=1,
    branch_id=None,
    name="Autumn term",
    starts_on=date(2026, 9, 1),
    ends_on=date(2026, 12, 25),
)
AUTUMN_AT_SCHOOL = Term(
    pk=2,
    network_id=1,
    branch_id=7,
    name="Autumn term (school)",
    starts_on=date(2026, 9, 1),
    ends_on=date(2026, 12, 30),
    due_on=date(2026, 12, 18),
)
TERM_POLICY = policy(14, due_at_end_of_term=True)


def test_in_term_a_school_loan_is_due_on_the_last_day_of_term():
    due = rules.due_date(
        TERM_POLICY, branch_calendar=CENTRAL, start=at(1, 10, month=10), terms=[AUTUMN]
    )
    assert due == end_of(date(2026, 12, 25))


def test_the_branch_term_and_its_own_due_date_win_over_the_network_term():
    due = rules.due_date(
        TERM_POLICY,
        branch_calendar=CENTRAL,
        start=at(1, 10, month=10),
        terms=[AUTUMN, AUTUMN_AT_SCHOOL],
        branch=7,
    )
    assert due == end_of(date(2026, 12, 18))
    other = rules.due_date(
        TERM_POLICY,
        branch_calendar=CENTRAL,
        start=at(1, 10, month=10),
        terms=[AUTUMN, AUTUMN_AT_SCHOOL],
        branch=8,
    )
    assert other == end_of(date(2026, 12, 25))


def test_a_loan_after_the_term_due_date_is_due_the_same_day():
    due = rules.due_date(
        TERM_POLICY, branch_calendar=CENTRAL, start=at(21, 11), terms=[AUTUMN_AT_SCHOOL], branch=7
    )
    assert due == end_of(date(2026, 12, 21))


def test_outside_every_term_the_loan_period_applies():
    due = rules.due_date(TERM_POLICY, branch_calendar=CENTRAL, start=at(28, 10), terms=[AUTUMN])
    assert due == end_of(date(2027, 1, 11))


def test_a_renewal_in_term_is_due_at_the_end_of_term_too():
    due = rules.due_date(
        TERM_POLICY,
        branch_calendar=CENTRAL,
        start=at(20, 10, month=11),
        terms=[AUTUMN],
        renewal=True,
    )
    assert due == end_of(date(2026, 12, 25))


def test_terms_are_ignored_by_a_rule_that_does_not_ask_for_them():
    due = rules.due_date(policy(14, IGNORE), branch_calendar=CENTRAL, start=TUESDAY, terms=[AUTUMN])
    assert due == end_of(date(2026, 12, 15))


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (date(2026, 9, 1), False),
        (date(2026, 9, 8), True),
        (date(2026, 12, 10), True),
        (date(2026, 12, 11), False),
    ],
)
def test_the_borrowing_window_of_a_term(day, open_):
    term = Term(
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 25),
        borrowing_starts_on=date(2026, 9, 8),
        borrowing_ends_on=date(2026, 12, 10),
    )
    assert term.borrowing_open_on(day) is open_
    assert rules.term_for([term], day) is term
