"""Editing opening hours: the regular week with several periods a day, and dated changes for one
branch or (for managers) every branch."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.libraries import hours, services
from bibliohub.libraries.forms import parse_periods
from bibliohub.libraries.models import CalendarException, OpeningPeriod
from bibliohub.libraries.services import CalendarChangeRefused

AT = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
MONDAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("", []),
        ("9-13", [(time(9), time(13))]),
        ("9:00–13:00, 14:00–18:30", [(time(9), time(13)), (time(14), time(18, 30))]),
        ("10.00 - 14.00; 15.00-19.00", [(time(10), time(14)), (time(15), time(19))]),
    ],
)
def test_hours_are_typed_the_way_they_are_written_on_the_door(text, periods):
    assert parse_periods(text) == periods


@pytest.mark.parametrize("text", ["nine to five", "9:00", "25:00-26:00"])
def test_unreadable_hours_are_refused(text):
    from django import forms

    with pytest.raises(forms.ValidationError):
        parse_periods(text)


def test_setting_the_week_replaces_every_period(riverside, manager):
    services.set_weekly_hours(
        riverside, week={0: [(time(14), time(18)), (time(9), time(13))], 5: [(time(10), time(15))]},
        actor=Actor.for_staff(manager), at=AT,
    )
    assert list(OpeningPeriod.objects.filter(branch=riverside).values_list("weekday", "opens", "closes")) == [
        (0, time(9), time(13)), (0, time(14), time(18)), (5, time(10), time(15)),
    ]
    assert hours.weekly_hours(riverside) == 13


@pytest.mark.parametrize(
    "day",
    [[(time(9), time(13)), (time(12), time(18))], [(time(18), time(9))]],
    ids=["overlapping", "reversed"],
)
def test_overlapping_or_reversed_periods_are_refused_naming_the_day(riverside, manager, day):
    with pytest.raises(CalendarChangeRefused) as refused:
        services.set_weekly_hours(riverside, week={2: day}, actor=Actor.for_staff(manager), at=AT)
    assert list(refused.value.errors) == ["day_2"]
    assert "Wednesday" in refused.value.errors["day_2"][0]
    assert hours.weekly_hours(riverside) == 35  # unchanged


def test_a_closed_day_and_different_hours_change_the_calendar(central, network, manager):
    services.add_calendar_exception(network=network, branch=central, day=MONDAY, closed=True, reason="Stocktaking", actor=Actor.for_staff(manager), at=AT)
    tuesday = date(2026, 12, 8)
    services.add_calendar_exception(
        network=network, branch=central, day=tuesday, closed=False, opens=time(8), closes=time(22),
        reason="Exams", actor=Actor.for_staff(manager), at=AT,
    )
    assert hours.day_hours(central, MONDAY).periods == ()
    assert hours.day_hours(central, tuesday).periods == ((time(8), time(22)),)
    assert hours.weekly_hours(central, MONDAY) == 66 - 11 - 11 + 14


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"day": date(2026, 11, 30), "closed": True}, {"date"}),
        ({"day": MONDAY, "closed": False}, {"opens", "closes"}),
        ({"day": MONDAY, "closed": False, "opens": time(14), "closes": time(10)}, {"closes"}),
    ],
    ids=["past", "no-hours", "reversed"],
)
def test_a_dated_change_must_be_in_the_future_with_sensible_hours(central, network, manager, kwargs, fields):
    with pytest.raises(CalendarChangeRefused) as refused:
        services.add_calendar_exception(network=network, branch=central, actor=Actor.for_staff(manager), at=AT, **kwargs)
    assert set(refused.value.errors) == fields
    assert not CalendarException.objects.exists()


def test_one_change_per_day_and_branch(central, network, manager):
    services.add_calendar_exception(network=network, branch=central, day=MONDAY, closed=True, actor=Actor.for_staff(manager), at=AT)
    with pytest.raises(CalendarChangeRefused):
        services.add_calendar_exception(network=network, branch=central, day=MONDAY, closed=True, actor=Actor.for_staff(manager), at=AT)
    # A network-wide holiday the same day is a different scope.
    services.add_calendar_exception(network=network, branch=None, day=MONDAY, closed=True, actor=Actor.for_staff(manager), at=AT)
    assert CalendarException.objects.count() == 2


# --- Screens --------------------------------------------------------------------------------


def _week_form(**days: str) -> dict[str, str]:
    return {f"day_{n}": days.get(f"day_{n}", "") for n in range(7)}


def test_a_librarian_edits_the_week_of_their_branch(client, riverside_librarian, riverside):
    client.force_login(riverside_librarian)
    response = client.get(reverse("staff:libraries:branch", args=["riverside"]))
    assert response.status_code == 200
    assert response.context["hours_form"].initial["day_1"] == "10:00–13:00, 14:00–18:00"
    assert "35 hours" in response.content.decode()
    response = client.post(
        reverse("staff:libraries:hours", args=["riverside"]),
        _week_form(day_0="9-13, 14-18", day_1="10:00–13:00, 14:00–18:00", day_5="10-16"),
    )
    assert response.status_code == 302
    assert hours.weekly_hours(riverside) == 8 + 7 + 6


def test_bad_hours_are_shown_next_to_the_day(client, riverside_librarian, riverside):
    client.force_login(riverside_librarian)
    response = client.post(reverse("staff:libraries:hours", args=["riverside"]), _week_form(day_0="9-13, 12-18", day_3="noon"))
    assert response.status_code == 400
    errors = response.context["hours_form"].errors
    assert set(errors) == {"day_0", "day_3"}
    html = response.content.decode()
    assert html.index('id="id_day_0_errors"') < html.index('name="day_0"')
    assert hours.weekly_hours(riverside) == 35


def test_a_branch_librarian_cannot_open_another_branchs_hours(client, riverside_librarian, central):
    client.force_login(riverside_librarian)
    assert client.get(reverse("staff:libraries:branch", args=["central"])).status_code == 403
    response = client.post(reverse("staff:libraries:hours", args=["central"]), _week_form())
    assert response.status_code == 403
    assert hours.weekly_hours(central) == 66


def test_a_librarian_closes_their_branch_for_a_day(client, riverside_librarian, riverside):
    client.force_login(riverside_librarian)
    response = client.post(reverse("staff:libraries:exception_add", args=["riverside"]), {
        "date": "2026-12-08", "kind": "closed", "reason": "Staff training",
    })
    assert response.status_code == 302
    exception = CalendarException.objects.get()
    assert (exception.branch, exception.closed, exception.reason) == (riverside, True, "Staff training")
    page = client.get(reverse("staff:libraries:branch", args=["riverside"])).content.decode()
    assert "Staff training" in page


def test_only_managers_may_close_every_branch(client, riverside_librarian, manager, riverside):
    client.force_login(riverside_librarian)
    form = client.get(reverse("staff:libraries:branch", args=["riverside"])).context["exception_form"]
    assert "every_branch" not in form.fields
    client.post(reverse("staff:libraries:exception_add", args=["riverside"]), {
        "date": "2026-12-25", "kind": "closed", "every_branch": "on",
    })
    assert CalendarException.objects.get().branch == riverside  # the box is ignored for them
    client.force_login(manager)
    response = client.post(reverse("staff:libraries:exception_add", args=["riverside"]), {
        "date": "2026-12-31", "kind": "hours", "opens": "10:00", "closes": "15:00",
        "reason": "New Year's Eve", "every_branch": "on",
    })
    assert response.status_code == 302
    network_wide = CalendarException.objects.get(branch__isnull=True)
    assert (network_wide.opens, network_wide.closes) == (time(10), time(15))


def test_a_librarian_cannot_remove_a_network_wide_holiday(client, riverside_librarian, network, riverside, manager):
    holiday = services.add_calendar_exception(network=network, branch=None, day=date(2026, 12, 25), closed=True, actor=Actor.for_staff(manager), at=AT)
    client.force_login(riverside_librarian)
    url = reverse("staff:libraries:exception_remove", args=["riverside", holiday.pk])
    assert client.post(url).status_code == 403
    client.force_login(manager)
    assert client.post(url).status_code == 302
    assert not CalendarException.objects.exists()


def test_different_hours_without_times_are_shown_next_to_the_fields(client, riverside_librarian, riverside):
    client.force_login(riverside_librarian)
    response = client.post(reverse("staff:libraries:exception_add", args=["riverside"]), {"date": "2026-12-08", "kind": "hours"})
    assert response.status_code == 400
    assert set(response.context["exception_form"].errors) == {"opens", "closes"}


def test_the_branch_list_shows_every_branchs_week_in_few_queries(client, riverside_librarian, central, riverside, django_assert_max_num_queries):
    client.force_login(riverside_librarian)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("staff:libraries:branches"))
    html = response.content.decode()
    assert "66 public hours a week" in html and "35 public hours a week" in html
    assert reverse("staff:libraries:branch", args=["riverside"]) in html
    assert reverse("staff:libraries:branch", args=["central"]) not in html


def test_every_calendar_change_leaves_a_history_entry_with_who_and_when(riverside, manager, network):
    services.set_weekly_hours(riverside, week={1: [(time(10), time(18))]}, actor=Actor.for_staff(manager), at=AT)
    exception = services.add_calendar_exception(
        network=network, branch=riverside, day=MONDAY, closed=True, reason="Inventory",
        actor=Actor.for_staff(manager), at=AT,
    )
    services.remove_calendar_exception(exception, actor=Actor.for_staff(manager), at=AT)
    entries = list(
        Entry.objects.order_by("pk").values_list("domain", "kind", "network_id", "branch_id", "staff_id", "channel")
    )
    assert entries == [
        ("libraries", "hours_set", network.pk, riverside.pk, manager.pk, Channel.DESK),
        ("libraries", "exception_added", network.pk, riverside.pk, manager.pk, Channel.DESK),
        ("libraries", "exception_removed", network.pk, riverside.pk, manager.pk, Channel.DESK),
    ]
    assert Entry.objects.get(kind="exception_removed").detail["reason"] == "Inventory"
    assert Entry.objects.get(kind="hours_set").detail["week"] == [[1, "10:00", "18:00"]]


def test_a_closure_of_every_branch_is_an_entry_of_the_network_without_a_branch(network, manager):
    services.add_calendar_exception(
        network=network, branch=None, day=MONDAY, closed=True, reason="Holiday",
        actor=Actor.for_staff(manager), at=AT,
    )
    entry = Entry.objects.get(kind="exception_added")
    assert (entry.network_id, entry.branch_id) == (network.pk, None)
