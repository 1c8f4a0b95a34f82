"""The booking rules as pure functions: no database."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bibliohub.libraries.hours import DayHours
from bibliohub.spaces import rules
from bibliohub.spaces.errors import BookingReason as R
from bibliohub.spaces.models import BookingRule
from tests.spaces.conftest import AT, local

TUESDAY = DayHours(date(2026, 12, 1), ((time(9), time(20)),))
WITH_LUNCH = DayHours(date(2026, 12, 1), ((time(10), time(13)), (time(14), time(18))))
CLOSED = DayHours(date(2026, 12, 1), (), "Staff training")
RULE = BookingRule(slot_minutes=30, max_minutes=120, max_days_ahead=14)


@pytest.mark.parametrize(
    ("start", "end", "hours", "expected"),
    [
        (local(1, 10), local(1, 11), TUESDAY, []),
        (local(1, 9), local(1, 11), TUESDAY, []),
        (local(1, 18), local(1, 20), TUESDAY, []),
        (local(1, 19), local(1, 21), TUESDAY, [R.OUTSIDE_OPENING_HOURS]),
        (local(1, 8, 30), local(1, 9, 30), TUESDAY, [R.OUTSIDE_OPENING_HOURS]),
        (local(1, 12), local(1, 14, 30), WITH_LUNCH, [R.TOO_LONG, R.OUTSIDE_OPENING_HOURS]),
        (local(1, 12), local(1, 13), WITH_LUNCH, []),
        (local(1, 14), local(1, 15), WITH_LUNCH, []),
        (local(1, 10), local(1, 11), CLOSED, [R.BRANCH_CLOSED]),
        (local(1, 10), local(1, 13), TUESDAY, [R.TOO_LONG]),
        (local(1, 10, 10), local(1, 11), TUESDAY, [R.NOT_ON_SLOT]),
        (local(1, 11), local(1, 10), TUESDAY, [R.INVALID_TIMES]),
    ],
)
def test_times_are_checked_against_the_rule_and_the_days_hours(start, end, hours, expected):
    assert rules.time_refusals(RULE, start=start, end=end, at=AT, hours=hours) == expected


def test_a_time_already_past_is_refused():
    reasons = rules.time_refusals(RULE, start=local(1, 10), end=local(1, 11), at=local(1, 10, 5),
                                  hours=TUESDAY)
    assert reasons == [R.IN_THE_PAST]


def test_bookings_open_a_fixed_number_of_days_ahead():
    last_day = DayHours(date(2026, 12, 15), ((time(9), time(20)),))
    too_far = DayHours(date(2026, 12, 16), ((time(9), time(20)),))
    assert rules.time_refusals(RULE, start=local(15, 10), end=local(15, 11), at=AT, hours=last_day) == []
    assert rules.time_refusals(RULE, start=local(16, 10), end=local(16, 11), at=AT,
                               hours=too_far) == [R.TOO_FAR_AHEAD]


def test_slots_count_from_the_opening_of_each_period():
    quarter_past = DayHours(date(2026, 12, 1), ((time(9, 15), time(11)),))
    assert rules.time_refusals(RULE, start=local(1, 9, 15), end=local(1, 10, 15), at=AT,
                               hours=quarter_past) == []
    assert R.NOT_ON_SLOT in rules.time_refusals(RULE, start=local(1, 9, 30), end=local(1, 10, 30),
                                                at=AT, hours=quarter_past)


def test_the_day_is_cut_into_slots_inside_the_opening_periods_only():
    hourly = BookingRule(slot_minutes=60)
    got = rules.slots(hourly, WITH_LUNCH, local(1, 0).tzinfo)
    assert [(s.hour, e.hour) for s, e in got] == [(10, 11), (11, 12), (12, 13), (14, 15), (15, 16),
                                                   (16, 17), (17, 18)]
    assert rules.slots(hourly, CLOSED, local(1, 0).tzinfo) == []


@pytest.mark.parametrize(
    ("asked", "day", "week", "expected"),
    [
        (60, 0, 0, []),
        (60, 120, 120, []),
        (90, 120, 120, [R.DAILY_LIMIT]),
        (60, 0, 250, [R.WEEKLY_LIMIT]),
        (120, 100, 250, [R.DAILY_LIMIT, R.WEEKLY_LIMIT]),
    ],
)
def test_daily_and_weekly_limits_count_the_time_already_booked(asked, day, week, expected):
    rule = BookingRule(max_minutes_per_day=180, max_minutes_per_week=300)
    assert rules.limit_refusals(rule, asked=asked, booked_that_day=day, booked_that_week=week) == expected


def test_no_limits_when_the_rule_sets_none():
    assert rules.limit_refusals(BookingRule(), asked=600, booked_that_day=600, booked_that_week=6000) == []


def test_weeks_run_monday_to_sunday():
    assert rules.week_of(date(2026, 12, 6)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert rules.week_of(date(2026, 12, 7))[0] == date(2026, 12, 7)
    assert rules.week_of(date(2026, 12, 1))[1] - rules.week_of(date(2026, 12, 1))[0] == timedelta(days=6)
