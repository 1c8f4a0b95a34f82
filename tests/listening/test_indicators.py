"""Complaints' indicators over a small world whose numbers are worked out here by hand,
from the roll-ups of the history.

The world (AT is Tuesday 1 December 2026, 10:00 in Kyiv):
- 1 December 2025: one complaint at the central library (about the building);
- 1 November 2026: one complaint at Riverside (service), answered 40 days later, on
  11 December: late (the deadline is 30 days);
- 1 December 2026 at the central library: three complaints, a suggestion and a thanks:
  - complaint A (opening hours), answered after 5 days: in time;
  - complaint B (opening hours), answered after 20 days: in time (30 days);
  - complaint C (building), assessed as needing no extra study (15 days), answered after
    20 days: late;
  the suggestion and the thanks are answered too, and count for nothing here;
- two readers of the central library borrow in December: 2 active users there.

So in 2026: complaints 3 at the central library, 1 at Riverside, 4 in the network;
per 1,000 active users at the central library 3 × 1,000 ÷ 2 = 1,500; answered in time 2 of
3 (66.6667 %) at the central library, 0 of 1 at Riverside, 2 of 4 (50 %) in the network;
median days 20 at the central library (5, 20, 20), 40 at Riverside, 20 in the network
(5, 20, 20, 40: the mean of 20 and 20). In 2025: 1 complaint at the central library, so the
yearly change there is (3 − 1) ÷ 1 = +200 %.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from bibliohub.history import Actor, indicators
from bibliohub.history.indicators import Period, Scope
from bibliohub.history.models import Dimension, Entry
from bibliohub.history.rollup import roll_up
from bibliohub.listening import services
from tests.circulation.conftest import (  # noqa: F401
    _register,
    adult_category,
    default_rule,
    lend,
    librarian,
    make_item,
    make_record,
)
from tests.listening.conftest import AT, KYIV, submit

YEAR = Period.year(2026)
CODES = [
    "complaints",
    "complaints_per_1000_users",
    "complaints_answered_in_time",
    "complaint_answer_days_median",
]


@pytest.fixture
def world(
    central, riverside, central_librarian, riverside_librarian,
    adult_category, default_rule, lend, make_item,  # noqa: F811
):
    desk = Actor.for_staff(central_librarian)
    river = Actor.for_staff(riverside_librarian)
    submit(central, topic="building", at=datetime(2025, 12, 1, 10, tzinfo=KYIV))
    late = submit(riverside, topic="service", at=datetime(2026, 11, 1, 10, tzinfo=KYIV))
    services.answer(late, text="Sorry.", actor=river, at=datetime(2026, 12, 11, 10, tzinfo=KYIV))
    a = submit(central, topic="opening_hours")
    b = submit(central, topic="opening_hours")
    c = submit(central, topic="building")
    services.assess(c, no_extra_study=True, actor=desk, at=AT + timedelta(hours=1))
    services.answer(a, text="Yes.", actor=desk, at=AT + timedelta(days=5))
    services.answer(b, text="Yes.", actor=desk, at=AT + timedelta(days=20))
    services.answer(c, text="Fixed.", actor=desk, at=AT + timedelta(days=20))
    for kind in ("suggestion", "thanks"):
        item = submit(central, kind=kind, topic="collection")
        services.answer(item, text="Thank you.", actor=desk, at=AT + timedelta(days=2))
    for n, card in enumerate(("P0301", "P0302")):
        reader = _register(f"Reader {n}", card, adult_category, central, central_librarian)
        lend(reader, make_item(), at=AT + timedelta(days=3))
    roll_up()
    return central.network_id


def figures(network_id, central, riverside, period=YEAR):
    scopes = [Scope(network_id, central.pk), Scope(network_id, riverside.pk), Scope(network_id)]
    found = indicators.figures(period, scopes, codes=[*CODES, "active_users"])
    return {name: found[scope] for name, scope in zip(("central", "riverside", "network"), scopes, strict=True)}


def test_complaints_count_complaints_only(world, central, riverside):
    found = figures(world, central, riverside)
    assert found["central"]["complaints"].value == 3
    assert found["riverside"]["complaints"].value == 1
    assert found["network"]["complaints"].value == 4


def test_complaints_per_1000_active_users(world, central, riverside):
    found = figures(world, central, riverside)
    assert found["central"]["active_users"].value == 2
    figure = found["central"]["complaints_per_1000_users"]
    assert (figure.value, figure.numerator, figure.denominator) == (Decimal(1500), 3, 2)


def test_share_answered_in_time(world, central, riverside):
    found = figures(world, central, riverside)
    central_share = found["central"]["complaints_answered_in_time"]
    assert (central_share.value, central_share.numerator, central_share.denominator) == (
        Decimal("66.6667"), 2, 3
    )
    assert found["riverside"]["complaints_answered_in_time"].value == 0
    assert found["network"]["complaints_answered_in_time"].value == 50


def test_median_days_to_answer(world, central, riverside):
    found = figures(world, central, riverside)
    assert found["central"]["complaint_answer_days_median"].value == 20
    assert found["riverside"]["complaint_answer_days_median"].value == 40
    assert found["network"]["complaint_answer_days_median"].value == 20
    assert found["network"]["complaint_answer_days_median"].denominator == 4


def test_nothing_answered_has_no_median(world, central, riverside):
    found = figures(world, central, riverside, period=Period.month(2026, 10))
    assert found["central"]["complaint_answer_days_median"].is_missing
    assert found["central"]["complaints_answered_in_time"].is_missing
    assert found["central"]["complaints"].value == 0


def test_the_yearly_change_compares_with_the_year_before(world, central, riverside):
    now = figures(world, central, riverside)["central"]["complaints"]
    before = figures(world, central, riverside, period=Period.year(2025))["central"]["complaints"]
    assert before.value == 1
    assert indicators.change(now, before) == Decimal("200.0")


def test_by_topic(world, central, riverside):
    scope = Scope(world, central.pk)
    received = indicators.breakdown("complaints", Dimension.TOPIC, YEAR, [scope])[scope]
    assert {topic: f.value for topic, f in received.items()} == {
        "building": 1, "opening_hours": 2
    }
    in_time = indicators.breakdown(
        "complaints_answered_in_time", Dimension.TOPIC, YEAR, [scope]
    )[scope]
    assert {topic: f.value for topic, f in in_time.items()} == {
        "building": 0, "opening_hours": 100
    }
    days = indicators.breakdown(
        "complaint_answer_days_median", Dimension.TOPIC, YEAR, [scope]
    )[scope]
    assert {topic: f.value for topic, f in days.items()} == {
        "building": 20, "opening_hours": Decimal("12.5")
    }
    assert indicators.value_labels(Dimension.TOPIC, ["building"]) == {"building": "Building"}


def test_the_answered_entry_carries_the_days_and_whether_in_time(world):
    answered = Entry.objects.filter(domain="listening", kind="answered")
    assert {(e.topic, e.amount) for e in answered} == {
        ("complaint.service.late.40", Decimal(40)),
        ("complaint.opening_hours.in_time.5", Decimal(5)),
        ("complaint.opening_hours.in_time.20", Decimal(20)),
        ("complaint.building.late.20", Decimal(20)),
        ("suggestion.collection.in_time.2", Decimal(2)),
        ("thanks.collection.in_time.2", Decimal(2)),
    }
    assert all(e.quantity == 1 for e in answered)
