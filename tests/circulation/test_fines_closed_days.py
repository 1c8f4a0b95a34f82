"""Overdue fines and closed days: a rule fines only the days the lending branch is open (the
default) or every day. The central library is open Monday to Saturday, 9:00–20:00."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bibliohub.circulation import rules, services
from bibliohub.circulation.models import CirculationRule, Fine, FineDays
from bibliohub.history import Actor
from bibliohub.libraries.hours import DayHours
from bibliohub.libraries.models import CalendarException
from tests.circulation.conftest import AT, KYIV
from tests.circulation.test_refusal_rules import POLICY

OPEN_DAYS = replace(POLICY, fine_days=FineDays.OPEN_DAYS, grace_days=0, fine_cap=None)
ALL_DAYS = replace(OPEN_DAYS, fine_days=FineDays.ALL_DAYS)


class Week:
    """Monday to Saturday 9:00–20:00, closed on Sundays and on the dates in `closed`."""

    def __init__(self, *closed: date) -> None:
        self.closed = set(closed)

    def day(self, day: date) -> DayHours:
        if day.weekday() == 6 or day in self.closed:
            return DayHours(day, ())
        return DayHours(day, ((time(9), time(20)),))


def kyiv(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KYIV)


# Due on Saturday 5 December 2026 at 23:59; Sunday the 6th the library is closed.
DUE = kyiv(5, 23, 59)


def test_a_sunday_in_the_overdue_days_is_not_fined():
    returned = kyiv(8, 10)  # Tuesday: three started days late, Sunday among them
    assert rules.fined_days(ALL_DAYS, due_at=DUE, at=returned) == 3
    assert rules.fined_days(OPEN_DAYS, due_at=DUE, at=returned, calendar=Week()) == 2
    assert rules.fine_for(OPEN_DAYS, due_at=DUE, at=returned, calendar=Week()) == Decimal("0.40")
    assert rules.fine_for(ALL_DAYS, due_at=DUE, at=returned) == Decimal("0.60")


def test_a_dated_closure_is_not_fined_either():
    holiday = date(2026, 12, 7)
    assert rules.fined_days(OPEN_DAYS, due_at=DUE, at=kyiv(8, 10), calendar=Week(holiday)) == 1


def test_grace_days_are_counted_in_fined_days():
    policy = replace(OPEN_DAYS, grace_days=2)
    # Monday and Tuesday are fined days, the grace; the Sunday does not use any of it.
    assert rules.fine_for(policy, due_at=DUE, at=kyiv(8, 10), calendar=Week()) == 0
    assert rules.fine_for(policy, due_at=DUE, at=kyiv(9, 10), calendar=Week()) == Decimal("0.60")


def test_a_return_before_opening_time_costs_nothing_for_that_day():
    # Dropped in the return box on Monday at 7:00, before the library opens.
    assert rules.fined_days(OPEN_DAYS, due_at=DUE, at=kyiv(7, 7), calendar=Week()) == 0


def test_an_hour_loan_is_not_fined_for_the_hours_the_branch_is_closed():
    due = kyiv(5, 20)  # Saturday at closing time
    returned = kyiv(7, 9, 30)  # Monday, half an hour after opening
    # Every day: two started days. Open time only: Monday 9:00–9:30.
    assert rules.fined_days(ALL_DAYS, due_at=due, at=returned) == 2
    assert rules.fined_days(OPEN_DAYS, due_at=due, at=returned, calendar=Week()) == 1
    # Back the moment the library opens: nothing was overdue while it was open.
    assert rules.fined_days(OPEN_DAYS, due_at=due, at=kyiv(7, 9), calendar=Week()) == 0


def test_open_days_never_fine_more_than_every_day():
    # 17 hours late, over two open days: one started day, so one fined day at most.
    due, returned = kyiv(8, 19), kyiv(9, 12)
    assert rules.fined_days(ALL_DAYS, due_at=due, at=returned) == 1
    assert rules.fined_days(OPEN_DAYS, due_at=due, at=returned, calendar=Week()) == 1


def test_counting_open_days_needs_the_calendar():
    with pytest.raises(ValueError):
        rules.fine_for(OPEN_DAYS, due_at=DUE, at=kyiv(8, 10))


def test_new_rules_fine_only_open_days(default_rule):
    assert CirculationRule().fine_days == FineDays.OPEN_DAYS
    assert default_rule.fine_days == FineDays.OPEN_DAYS


# --- Through the services, on the central library's calendar ------------------------------


def test_a_return_is_not_fined_for_the_branch_s_holiday(
    lend, reader, book, central, network, central_librarian
):
    loan = lend(reader, book)  # due Tuesday 22 December at 23:59
    CalendarException.objects.create(network=network, date=date(2026, 12, 25), reason="Christmas")
    returned = loan.due_at + timedelta(days=5)  # Sunday 27th at 23:59: five started days
    result = services.checkin(
        item=book, branch=central, actor=Actor.for_staff(central_librarian), at=returned
    )
    # 23rd, 24th and 26th: three fined days, the last two past the two days' grace.
    assert result.fine.amount == Decimal("0.60")


def test_a_rule_fining_every_day_fines_closed_days(
    lend, reader, book, central, network, default_rule, librarian
):
    default_rule.fine_days = FineDays.ALL_DAYS
    default_rule.save()
    loan = lend(reader, book)
    CalendarException.objects.create(network=network, date=date(2026, 12, 25), reason="Christmas")
    result = services.checkin(
        item=book, branch=central, actor=librarian, at=loan.due_at + timedelta(days=5)
    )
    assert result.fine.amount == Decimal("1.00")


def test_scheduled_fines_read_each_branch_calendar_once(
    lend, reader, second_reader, make_item, central, riverside
):
    loans = [lend(reader, make_item()) for _ in range(3)]
    loans.append(lend(second_reader, make_item(branch=riverside), branch=riverside))
    at = AT + timedelta(days=300)
    with CaptureQueriesContext(connection) as queries:
        assert services.accrue_fines(at=at, actor=Actor.for_job("fines")) == 4
    calendar_reads = [
        q["sql"]
        for q in queries
        if "libraries_openingperiod" in q["sql"] or "libraries_calendarexception" in q["sql"]
    ]
    assert len(calendar_reads) == 2  # every branch, every day: two queries
    assert Fine.objects.count() == 4 and all(
        f.amount == Decimal("5.00") for f in Fine.objects.all()
    )


def test_the_rule_screens_show_and_edit_the_days_fined(
    client, manager, central_librarian, default_rule, reader, book
):
    with time_machine.travel(AT, tick=True):  # the explanation counts from now
        client.force_login(manager)
        page = client.get(reverse("staff:circulation:rule_edit", args=[default_rule.pk]))
        assert 'name="fine_days"' in page.content.decode()
        client.force_login(central_librarian)
        page = client.get(
            reverse("staff:circulation:explain"), {"card": reader.card_barcode, "barcode": book.barcode}
        ).content.decode()
        assert "Days fined" in page and "Only days the branch is open" in page
        assert (
            "Only days the branch is open"
            in client.get(reverse("staff:circulation:rules")).content.decode()
        )
