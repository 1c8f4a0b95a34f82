"""Unmet demand: what counts (refusals, titles asked for and not held, suggestions, holds
waiting too long or outnumbering the copies), counted once per person and title in the
report; and the searches that found nothing, kept without anyone's identity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bibliohub.circulation import services as circulation
from bibliohub.circulation.errors import CheckoutRefused
from bibliohub.circulation.models import Hold, HoldStatus
from bibliohub.demand import selectors, services
from bibliohub.demand.errors import DemandRefused
from bibliohub.demand.models import UnmetDemand, ZeroResultSearch
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from tests.demand.conftest import AT

DECEMBER = {"start": date(2026, 12, 1), "end": date(2026, 12, 31)}


@pytest.fixture
def desk(central_librarian) -> Actor:
    return Actor.for_staff(central_librarian)


def report(central, **given):
    return selectors.unmet_demand(network_id=central.network_id, **(DECEMBER | given))


def test_a_person_asking_three_ways_for_one_title_counts_once(
    central, lan, oksana, desk, make_item, lend
):
    copy = make_item()
    copy.record.title, copy.record.authors = "Kobzar", ["Taras Shevchenko"]
    copy.record.subjects = ["Ukrainian poetry"]
    copy.record.save()
    lend(oksana, copy)
    # Lan is refused the copy twice, then suggests buying more copies of the title.
    for minutes in (5, 10):
        with pytest.raises(CheckoutRefused):
            lend(lan, copy, at=AT + timedelta(minutes=minutes))
    services.suggest(
        branch=central, patron=lan, title="", record=copy.record,
        actor=Actor.for_patron(lan), at=AT + timedelta(hours=1),
    )
    # Oksana asks at the desk for another title, by ISBN, twice; someone unknown once.
    for hours in (2, 3):
        services.request_title(
            branch=central, isbn="978-0-306-40615-7", title="Kamena", patron=oksana,
            actor=desk, at=AT + timedelta(hours=hours),
        )
    services.request_title(
        branch=central, isbn="9780306406157", actor=desk, at=AT + timedelta(hours=4)
    )
    assert services.collect_unmet_demand(actor=Actor.for_job("test"), at=AT + timedelta(days=1)) == {
        "refusals": 2, "holds": 0,
    }

    found = report(central)
    assert [(t.label, t.people, t.times) for t in found.titles] == [
        ("Kamena", 2, 3),  # Oksana twice and someone unknown: two people
        ("Kobzar", 1, 3),  # Lan: two refusals and a suggestion, one person
    ]
    assert [(a.label, a.people) for a in found.authors] == [("Taras Shevchenko", 1)]
    assert [(s.label, s.people) for s in found.subjects] == [("Ukrainian poetry", 1)]
    assert found.by_source["refusal"] == 2 and found.by_source["title_request"] == 3
    assert found.total_people == 3


def test_gathering_again_adds_nothing_twice(central, lan, oksana, make_item, lend):
    copy = make_item()
    lend(oksana, copy)
    with pytest.raises(CheckoutRefused):
        lend(lan, copy, at=AT + timedelta(minutes=5))
    job = Actor.for_job("unmet_demand")
    assert services.collect_unmet_demand(actor=job, at=AT)["refusals"] == 1
    assert services.collect_unmet_demand(actor=job, at=AT) == {"refusals": 0, "holds": 0}
    assert UnmetDemand.objects.count() == 1
    assert Entry.objects.filter(domain="demand", kind="collected").count() == 1


def test_the_demand_of_a_refusal_keeps_no_patron(central, lan, oksana, make_item, lend):
    copy = make_item()
    lend(oksana, copy)
    with pytest.raises(CheckoutRefused):
        lend(lan, copy, at=AT + timedelta(minutes=5))
    services.collect_unmet_demand(actor=Actor.for_job("test"), at=AT)
    row = UnmetDemand.objects.get()
    refused = Entry.objects.get(domain="circulation", kind="checkout_refused")
    assert row.person == refused.pseudonym and len(row.person) == 16
    assert "patron_id" not in {f.name for f in UnmetDemand._meta.fields}
    assert row.day == AT.date() and row.branch_id == central.pk


def test_holds_waiting_too_long_or_more_than_the_copies_count(
    central, lan, oksana, make_item, lend, librarian
):
    copy = make_item()
    other = make_item()
    lend(oksana, copy)
    lend(oksana, other)
    # Two holds on a title with one copy: more holds than copies.
    for patron in (lan, oksana):
        Hold.objects.create(record=copy.record, patron=patron, pickup_branch=central,
                            status=HoldStatus.WAITING, placed_at=AT)
    # One hold on the other title, waiting for 40 days.
    circulation.place_hold(patron=lan, record=other.record, pickup_branch=central,
                           actor=Actor.for_patron(lan), at=AT - timedelta(days=40))
    found = services.collect_unmet_demand(actor=Actor.for_job("test"), at=AT)
    assert found["holds"] == 3
    sources = sorted(UnmetDemand.objects.values_list("source", flat=True))
    assert sources == ["hold_queue", "hold_queue", "hold_wait"]


def test_the_report_is_per_branch_and_period(central, riverside, lan, desk, riverside_librarian):
    services.request_title(branch=central, title="Kamena", actor=desk, at=AT)
    services.request_title(
        branch=riverside, title="Haidamaky", actor=Actor.for_staff(riverside_librarian), at=AT
    )
    services.request_title(
        branch=central, title="Too early", actor=desk, at=AT - timedelta(days=40)
    )
    assert [t.label for t in report(central, branch_ids=[central.pk]).titles] == ["Kamena"]
    assert [t.label for t in report(central, branch_ids=[riverside.pk]).titles] == ["Haidamaky"]
    assert len(report(central).titles) == 2


def test_a_title_request_needs_an_isbn_or_a_title(central, desk):
    with pytest.raises(DemandRefused) as refused:
        services.request_title(branch=central, actor=desk, at=AT)
    assert refused.value.codes == ["nothing_asked"]
    with pytest.raises(DemandRefused) as refused:
        services.request_title(branch=central, isbn="978-0-306-40615-8", actor=desk, at=AT)
    assert refused.value.codes == ["isbn_checksum"]


def test_a_title_request_is_for_staff_of_the_branch(central, riverside_librarian):
    from bibliohub.accounts.access import NotPermitted

    with pytest.raises(NotPermitted):
        services.request_title(
            branch=central, title="Kamena", actor=Actor.for_staff(riverside_librarian), at=AT
        )


def test_a_zero_result_search_keeps_its_normalised_text_per_month_and_nobody(central, lan):
    network = central.network_id
    as_patron = Actor.for_patron(lan)
    services.record_zero_result_search(text="Đường  Kách Mệnh!", network_id=network,
                                       actor=as_patron, at=AT)
    services.record_zero_result_search(text="duong kach menh", network_id=network,
                                       actor=Actor.for_public(), at=AT + timedelta(days=3))
    services.record_zero_result_search(text="duong kach menh", network_id=network,
                                       actor=Actor.for_public(), at=AT + timedelta(days=40))
    assert not services.record_zero_result_search(text=" !? ", network_id=network,
                                                  actor=Actor.for_public(), at=AT)

    assert list(ZeroResultSearch.objects.order_by("month").values_list("month", "text", "count")) == [
        (date(2026, 12, 1), "duong kach menh", 2),
        (date(2027, 1, 1), "duong kach menh", 1),
    ]
    entries = Entry.objects.filter(domain="demand", kind="zero_result_search")
    assert entries.count() == 3
    for entry in entries:
        assert entry.actor == "public" and entry.patron_id is None and entry.pseudonym == ""
        assert entry.staff_id is None and entry.branch_id is None
        assert set(entry.detail) == {"query"} and "duong" not in entry.detail["query"]
    assert selectors.zero_result_searches(network_id=network, **DECEMBER) == [
        ("duong kach menh", 2)
    ]
