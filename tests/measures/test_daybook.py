"""The daily record book refuses bad input with a clear error per field, and nothing of it is
saved then; the gate-counter endpoint takes counts only with a counter's own token, refuses
wrong readings one by one and takes the others, and a period sent again is the same reading."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine

from bibliohub.daybook import services as daybook
from bibliohub.daybook.models import (
    DailyCount,
    Figure,
    GateCounter,
    GateReading,
    Measure,
    YearlyFigure,
)
from bibliohub.daybook.services import DaybookRefused, cell
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.refusals import Refused
from tests.circulation.conftest import KYIV

AT = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)
TODAY = date(2026, 12, 1)


def test_counts_are_saved_and_each_change_is_in_the_history(central, central_librarian):
    desk = Actor.for_staff(central_librarian)
    day = date(2026, 11, 30)
    assert daybook.save_counts(central, counts={(day, Measure.VISITS): 40}, actor=desk, at=AT) == 1
    assert daybook.save_counts(central, counts={(day, Measure.VISITS): 42}, actor=desk, at=AT) == 1
    assert daybook.save_counts(central, counts={(day, Measure.VISITS): 42}, actor=desk, at=AT) == 0
    assert DailyCount.objects.get(branch=central, day=day).value == 42
    entries = Entry.objects.filter(domain="daybook", kind="visits").order_by("pk")
    # The first count, then the correction: they add up to what the book says.
    assert [e.quantity for e in entries] == [40, 2]
    assert all(e.branch_id == central.pk and e.day == day for e in entries)


def test_bad_counts_are_refused_field_by_field_and_nothing_is_saved(central, central_librarian):
    tomorrow, yesterday = TODAY + timedelta(days=1), TODAY - timedelta(days=1)
    with pytest.raises(DaybookRefused) as refused:
        daybook.save_counts(
            central,
            counts={
                (yesterday, Measure.VISITS): 12,  # fine, but not saved with the others
                (tomorrow, Measure.VISITS): 5,
                (yesterday, Measure.REFERENCE_QUESTIONS): -1,
                (yesterday, Measure.WIFI_SESSIONS): 2_000_000,
                (yesterday, "sunshine"): 1,
            },
            actor=Actor.for_staff(central_librarian),
            at=AT,
        )
    assert isinstance(refused.value, Refused)
    errors = refused.value.errors
    assert set(errors) == {
        cell(tomorrow, Measure.VISITS),
        cell(yesterday, Measure.REFERENCE_QUESTIONS),
        cell(yesterday, Measure.WIFI_SESSIONS),
        cell(yesterday, "sunshine"),
    }
    assert errors[cell(tomorrow, Measure.VISITS)] == ["This day has not come yet."]
    assert errors[cell(yesterday, Measure.REFERENCE_QUESTIONS)] == [
        "Enter a whole number from 0 to 1,000,000."
    ]
    assert errors[cell(yesterday, "sunshine")] == ["There is no such count."]
    assert not DailyCount.objects.exists()
    assert not Entry.objects.filter(domain="daybook").exists()


def test_yearly_figures_are_checked_per_field(network, central, manager):
    actor = Actor.for_staff(manager)
    with pytest.raises(DaybookRefused) as refused:
        daybook.set_yearly_figure(
            network=network,
            branch=central,
            year=2026,
            figure=Figure.POPULATION,
            value=Decimal("-3.5"),
            actor=actor,
            at=AT,
        )
    assert refused.value.errors == {
        Figure.POPULATION: [
            "Enter a number from 0 to 100000000.",
            "Enter a whole number of people.",
        ]
    }
    with pytest.raises(DaybookRefused) as refused:
        daybook.set_yearly_figure(
            network=network,
            branch=central,
            year=1066,
            figure=Figure.STAFF_FTE,
            value=Decimal(3),
            actor=actor,
            at=AT,
        )
    assert refused.value.errors == {"": ["Choose a year from 1900 to 2200."]}
    with pytest.raises(DaybookRefused) as refused:
        daybook.parse_figure(Figure.BUDGET, "twelve")
    assert refused.value.errors == {Figure.BUDGET: ["Enter a number."]}
    assert daybook.parse_figure(Figure.STAFF_FTE, " 2,5 ") == Decimal("2.5")
    assert not YearlyFigure.objects.exists()

    daybook.set_yearly_figure(
        network=network,
        branch=None,
        year=2026,
        figure=Figure.BUDGET,
        value=Decimal(50000),
        currency="uah",
        actor=actor,
        at=AT,
    )
    row = YearlyFigure.objects.get()
    assert (row.branch, row.value, row.currency) == (None, Decimal(50000), "UAH")
    entry = Entry.objects.get(domain="daybook", kind="figure_set")
    assert entry.detail == {"figure": "budget", "year": 2026, "before": None, "after": "50000"}


# --- the gate-counter endpoint --------------------------------------------------------------

URL = "/api/v1/daybook/gate-counts"


@pytest.fixture
def counter(riverside, manager):
    return daybook.add_counter(riverside, name="Main door", actor=Actor.for_staff(manager), at=AT)


def _post(client, secret: str | None, readings: list[dict]):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    with time_machine.travel(AT, tick=False):
        return client.post(
            URL, {"readings": readings}, content_type="application/json", headers=headers
        )


def _reading(hour: int, count: int, *, hours: int = 1) -> dict:
    start = datetime(2026, 11, 30, hour, 0, tzinfo=KYIV)
    return {
        "start": start.isoformat(),
        "end": (start + timedelta(hours=hours)).isoformat(),
        "count": count,
    }


def test_the_endpoint_needs_an_active_counters_token(client, counter, manager):
    gate, secret = counter
    assert _post(client, None, [_reading(9, 3)]).status_code == 401
    assert _post(client, "gc_not-a-token", [_reading(9, 3)]).status_code == 401
    # A staff member's API token is not a counter's.
    from bibliohub.accounts.services import issue_api_token

    _token, staff_secret = issue_api_token(manager, name="reports", actor=Actor.system("t"), at=AT)
    assert _post(client, staff_secret, [_reading(9, 3)]).status_code == 401
    gate.is_active = False
    daybook.save_counter(gate, actor=Actor.for_staff(manager), at=AT)
    assert _post(client, secret, [_reading(9, 3)]).status_code == 401
    assert not GateReading.objects.exists()


def test_a_new_token_replaces_the_old_one(client, counter, manager):
    gate, old = counter
    new = daybook.new_counter_token(gate, actor=Actor.for_staff(manager), at=AT)
    assert _post(client, old, [_reading(9, 3)]).status_code == 401
    assert _post(client, new, [_reading(9, 3)]).status_code == 200


def test_readings_are_validated_one_by_one(client, counter, riverside):
    gate, secret = counter
    response = _post(
        client,
        secret,
        [
            _reading(9, 12),
            _reading(10, -1),
            _reading(11, 5, hours=30),
            {"start": "2026-11-30T12:00:00+02:00", "end": "2026-11-30T11:00:00+02:00", "count": 1},
            {"start": "2026-12-02T09:00:00+02:00", "end": "2026-12-02T10:00:00+02:00", "count": 1},
            {"start": "2026-11-30T13:00:00", "end": "2026-11-30T14:00:00", "count": 1},
        ],
    )
    assert response.status_code == 200
    body = response.json()
    assert body["counter"] == "Main door" and body["branch"] == riverside.code
    assert [(r["outcome"], r["problems"]) for r in body["readings"]] == [
        ("added", []),
        ("refused", ["negative_count"]),
        ("refused", ["longer_than_a_day"]),
        ("refused", ["ends_before_start"]),
        ("refused", ["in_the_future"]),
        ("refused", ["naive_time"]),
    ]
    (entry,) = Entry.objects.filter(domain="daybook", kind="gate_visits")
    assert (entry.quantity, entry.branch_id, entry.day) == (12, riverside.pk, date(2026, 11, 30))
    assert (entry.actor, entry.channel, entry.source) == (
        "device",
        "api",
        f"gate counter {gate.pk}",
    )


def test_a_period_sent_again_is_the_same_reading(client, counter):
    _gate, secret = counter
    assert _post(client, secret, [_reading(9, 12)]).json()["readings"][0]["outcome"] == "added"
    assert _post(client, secret, [_reading(9, 12)]).json()["readings"][0]["outcome"] == "unchanged"
    assert _post(client, secret, [_reading(9, 14)]).json()["readings"][0]["outcome"] == "corrected"
    other_end = _post(client, secret, [_reading(9, 14, hours=2)]).json()["readings"][0]
    assert other_end["problems"] == ["same_start_other_end"]
    assert GateReading.objects.get().count == 14
    entries = Entry.objects.filter(domain="daybook", kind="gate_visits").order_by("pk")
    assert [e.quantity for e in entries] == [12, 2]


def test_a_body_that_is_not_readings_is_a_422(client, counter):
    _gate, secret = counter
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post(
        URL,
        {"readings": [{"start": "soon", "count": "many"}]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422


def test_an_administrator_adds_and_deactivates_a_counter_on_the_server(client, riverside):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("gate_counter", "--branch", riverside.code, "--name", "Side door", stdout=out)
    secret = out.getvalue().strip()
    gate = GateCounter.objects.get(name="Side door")
    assert secret.startswith("gc_") and gate.hint == secret[-4:]
    assert _post(client, secret, [_reading(9, 3)]).status_code == 200
    call_command("gate_counter", "--deactivate", str(gate.pk), stdout=StringIO())
    assert _post(client, secret, [_reading(10, 3)]).status_code == 401
    saved = Entry.objects.filter(domain="daybook", kind="counter_saved").order_by("pk")
    assert [e.detail.get("fields") for e in saved] == [None, ["is_active"]]
    with pytest.raises(CommandError, match=r"^unknown branch: NOWHERE$"):
        call_command("gate_counter", "--branch", "NOWHERE", "--name", "x")
