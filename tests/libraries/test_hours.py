from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bibliohub.libraries import hours
from bibliohub.libraries.models import CalendarException

KYIV = ZoneInfo("Europe/Kyiv")
# 2026-12-07 is a Monday.
MONDAY = date(2026, 12, 7)


def test_central_library_is_open_on_a_weekday_morning(central):
    assert hours.is_open(central, datetime(2026, 12, 7, 10, 0, tzinfo=KYIV))


def test_branch_is_closed_over_lunch_and_after_closing(riverside):
    assert hours.is_open(riverside, datetime(2026, 12, 8, 12, 59, tzinfo=KYIV))
    assert not hours.is_open(riverside, datetime(2026, 12, 8, 13, 30, tzinfo=KYIV))
    assert not hours.is_open(riverside, datetime(2026, 12, 8, 18, 0, tzinfo=KYIV))


def test_opening_is_judged_in_local_time(central):
    # 07:30 UTC is 09:30 in Kyiv in winter.
    assert hours.is_open(central, datetime(2026, 12, 7, 7, 30, tzinfo=ZoneInfo("UTC")))


def test_next_open_day_skips_sunday_and_monday(riverside):
    assert hours.next_open_day(riverside, date(2026, 12, 12)) == date(2026, 12, 15)


def test_a_network_wide_holiday_closes_every_branch(central, network):
    CalendarException.objects.create(network=network, date=MONDAY, reason="Holiday")
    assert not hours.is_open(central, datetime(2026, 12, 7, 10, 0, tzinfo=KYIV))
    assert hours.next_open_day(central, date(2026, 12, 6)) == date(2026, 12, 8)


def test_a_branch_exception_wins_over_the_network_holiday(central, network):
    CalendarException.objects.create(network=network, date=MONDAY, reason="Holiday")
    CalendarException.objects.create(
        network=network, branch=central, date=MONDAY, closed=False,
        opens=time(10), closes=time(14), reason="Holiday opening",
    )
    day = hours.day_hours(central, MONDAY)
    assert day.periods == ((time(10), time(14)),)
    assert day.reason == "Holiday opening"


def test_extended_hours_on_one_day(central, network):
    CalendarException.objects.create(
        network=network, branch=central, date=MONDAY, closed=False, opens=time(8), closes=time(22)
    )
    assert hours.is_open(central, datetime(2026, 12, 7, 21, 0, tzinfo=KYIV))
    assert not hours.is_open(central, datetime(2026, 12, 8, 21, 0, tzinfo=KYIV))


def test_weekly_public_hours_meet_the_forty_hour_goal(central, riverside):
    assert hours.weekly_hours(central) == 66
    assert hours.weekly_hours(riverside) == 35


def test_a_dated_week_counts_its_closures(riverside, network):
    CalendarException.objects.create(network=network, branch=riverside, date=date(2026, 12, 8))
    assert hours.weekly_hours(riverside, MONDAY) == 28


@pytest.mark.parametrize("horizon", [3, 10])
def test_a_branch_closed_for_renovation_has_no_next_open_day_within_the_horizon(riverside, network, horizon):
    for offset in range(1, 15):
        CalendarException.objects.create(network=network, branch=riverside, date=date(2026, 12, offset))
    assert hours.next_open_day(riverside, date(2026, 11, 30), horizon_days=horizon) is None


def test_calendars_for_many_branches_agree_with_one_branch_at_a_time(
    central, riverside, network, django_assert_num_queries
):
    CalendarException.objects.create(network=network, date=MONDAY, reason="Holiday")
    CalendarException.objects.create(network=network, branch=riverside, date=date(2026, 12, 8))
    week = [date(2026, 12, 7 + i) for i in range(7)]
    with django_assert_num_queries(2):
        calendars = hours.calendars_for([central, riverside], week[0], week[-1])
    for branch in (central, riverside):
        assert [calendars[branch.pk].day(d) for d in week] == hours.week_schedule(branch, week[0])
