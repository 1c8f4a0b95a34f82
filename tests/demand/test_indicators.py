"""Unmet demand's indicators over a small world worked out by hand, from the roll-ups.

In December 2026 (AT is 1 December, 10:00 in Kyiv):
- at the central library: one loan, two refused checkouts of the same copy, a purchase
  suggestion from the portal, two titles asked for at the desk;
- at Riverside: one suggestion taken at the desk;
- in the catalogue: three searches that found nothing (at no branch);
in December 2025: one title asked for at the central library.

So for 2026: unmet_requests 3 at the central library (1 suggestion + 2 requests), 1 at
Riverside, 4 in the network, and +200 % on 2025's 1 at the central library; refusals 2 and
refusal_rate 2 × 100 ÷ 1 = 200 at the central library; zero_result_searches 3 for the
network and not a branch's figure.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from bibliohub.circulation.errors import CheckoutRefused
from bibliohub.demand import services
from bibliohub.history import Actor, indicators
from bibliohub.history.indicators import KIND, Period, Scope
from bibliohub.history.rollup import roll_up
from tests.demand.conftest import AT, KYIV

YEAR = Period.year(2026)
CODES = ["unmet_requests", "zero_result_searches", "refusals", "refusal_rate"]


@pytest.fixture
def world(central, riverside, lan, oksana, central_librarian, riverside_librarian, lend, make_item):
    desk = Actor.for_staff(central_librarian)
    copy = make_item()
    lend(oksana, copy)
    for minutes in (5, 10):
        with pytest.raises(CheckoutRefused):
            lend(lan, copy, at=AT + timedelta(minutes=minutes))
    services.suggest(branch=central, patron=lan, title="Kamena", actor=Actor.for_patron(lan), at=AT)
    for title in ("Haidamaky", "Kateryna"):
        services.request_title(branch=central, title=title, actor=desk, at=AT)
    services.request_title(
        branch=central, title="Older", actor=desk, at=datetime(2025, 12, 1, 10, tzinfo=KYIV)
    )
    services.suggest(
        branch=riverside, title="Intermezzo", actor=Actor.for_staff(riverside_librarian), at=AT
    )
    for text in ("intermezzo", "kamena", "Kamena"):
        services.record_zero_result_search(
            text=text, network_id=central.network_id, actor=Actor.for_public(), at=AT
        )
    roll_up()
    return central.network_id


def figures(network_id, central, riverside, period=YEAR):
    scopes = [Scope(network_id, central.pk), Scope(network_id, riverside.pk), Scope(network_id)]
    found = indicators.figures(period, scopes, codes=CODES)
    return {name: found[scope] for name, scope in zip(("central", "riverside", "network"), scopes, strict=True)}


def test_unmet_requests_are_titles_asked_for_and_suggestions(world, central, riverside):
    found = figures(world, central, riverside)
    assert found["central"]["unmet_requests"].value == 3
    assert found["riverside"]["unmet_requests"].value == 1
    assert found["network"]["unmet_requests"].value == 4
    before = figures(world, central, riverside, period=Period.year(2025))
    assert indicators.change(
        found["central"]["unmet_requests"], before["central"]["unmet_requests"]
    ) == Decimal("200.0")


def test_unmet_requests_by_kind(world, central):
    scope = Scope(world, central.pk)
    parts = indicators.breakdown("unmet_requests", KIND, YEAR, [scope])[scope]
    assert {key: f.value for key, f in parts.items()} == {
        "demand.suggested": 1, "demand.title_requested": 2
    }


def test_refusals_per_100_loans(world, central, riverside):
    found = figures(world, central, riverside)
    assert found["central"]["refusals"].value == 2
    rate = found["central"]["refusal_rate"]
    assert (rate.value, rate.numerator, rate.denominator) == (Decimal(200), 2, 1)


def test_zero_result_searches_are_the_networks(world, central, riverside):
    found = figures(world, central, riverside)
    assert found["network"]["zero_result_searches"].value == 3
    assert found["central"]["zero_result_searches"].is_missing
