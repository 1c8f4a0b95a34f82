"""Returns at any branch, holds and their queue, the hold shelf, transfers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation import selectors, services
from bibliohub.circulation.errors import HoldRefused, InvalidOperation, RefusalReason
from bibliohub.circulation.models import CirculationRule, HoldStatus, Transfer, TransferReason
from bibliohub.history import Actor, Channel
from tests.circulation.conftest import AT, end_of, events, refresh

R = RefusalReason
# Copies in transit arrive at a desk; expiry is the scheduled job's.
JOB = Actor.for_job("holds_expired")


@pytest.fixture
def checkin(central, central_librarian):
    def checkin_(item, *, at=AT + timedelta(days=1), branch=None, staff=None):
        return services.checkin(
            item=item,
            branch=branch or central,
            actor=Actor.for_staff(staff or central_librarian, source="returns"),
            at=at,
        )

    return checkin_


def hold_for(patron, record, branch, at=AT, item=None):
    """A hold placed by the patron online."""
    if item is not None:
        return services.place_hold(
            patron=patron, item=item, pickup_branch=branch, actor=Actor.for_patron(patron), at=at
        )
    return services.place_hold(
        patron=patron, record=record, pickup_branch=branch, actor=Actor.for_patron(patron), at=at
    )


def test_a_return_closes_the_loan_and_puts_the_item_back(lend, checkin, reader, book, central):
    loan = lend(reader, book)
    result = checkin(book)
    loan = refresh(loan)
    assert result.loan == loan and loan.returned_at == AT + timedelta(days=1)
    assert loan.outcome == "returned" and loan.returned_branch == central
    assert refresh(book).status == ItemStatus.AVAILABLE
    assert result.hold is None and result.transfer is None and result.fine is None
    (event,) = events("checkin")
    assert (event.object_type, event.object_id) == ("circulation.loan", loan.pk)
    assert event.patron_id == reader.pk and event.source == "returns"
    # Nothing changed of the copy's status (back on the shelf, as before it was lent)...
    # only the loan: the entry says the copy is available again.
    assert event.detail == {"item_status": "available"}


def test_a_return_at_another_branch_sends_the_item_home(
    lend, checkin, reader, book, central, riverside, riverside_librarian, central_librarian
):
    lend(reader, book)
    result = checkin(book, branch=riverside, staff=riverside_librarian)
    assert result.transfer is not None
    transfer = result.transfer
    assert (transfer.from_branch, transfer.to_branch) == (riverside, central)
    assert transfer.reason == TransferReason.RETURN_HOME
    assert refresh(book).status == ItemStatus.IN_TRANSIT
    assert list(selectors.in_transit(central)) == [transfer]
    assert list(selectors.in_transit(riverside, outgoing=True)) == [transfer]
    (sent,) = events("transfer_sent")
    assert sent.branch_id == riverside.pk and sent.detail["item_status"] == "in_transit"
    assert (sent.object_type, sent.object_id) == ("circulation.transfer", transfer.pk)
    assert events("checkin")[0].detail == {"item_status": "in_transit"}
    # Arriving home, it is back on the shelf.
    arrival = services.receive_transfer(
        item=book, branch=central, actor=Actor.for_staff(central_librarian), at=AT + timedelta(days=2)
    )
    assert arrival.transfer.received_at == AT + timedelta(days=2)
    assert refresh(book).status == ItemStatus.AVAILABLE
    assert not selectors.in_transit(central).exists()
    (received,) = events("transfer_received")
    assert received.detail == {"from": riverside.pk, "item_status": "available"}


def test_a_waiting_hold_captures_the_returned_copy_at_its_pickup_branch(
    lend, checkin, reader, second_reader, book, central
):
    lend(reader, book)
    hold = hold_for(second_reader, book.record, central)
    result = checkin(book)
    hold = refresh(hold)
    assert result.hold == hold and hold.status == HoldStatus.READY
    assert hold.assigned_item == book and hold.ready_at == AT + timedelta(days=1)
    assert hold.expires_at == end_of(date(2026, 12, 9))  # seven days to pick it up
    assert refresh(book).status == ItemStatus.ON_HOLD_SHELF
    assert list(selectors.hold_shelf(central)) == [hold]
    (ready,) = events("hold_ready")
    assert ready.patron_id == second_reader.pk and ready.detail == {"item_status": "on_hold_shelf"}
    assert events("checkin")[0].detail == {"item_status": "on_hold_shelf"}


def test_a_hold_for_another_branch_sends_the_copy_there_and_it_waits_on_arrival(
    lend, checkin, reader, second_reader, book, central, riverside, riverside_librarian
):
    lend(reader, book)
    hold = hold_for(second_reader, book.record, riverside)
    result = checkin(book)
    assert refresh(hold).status == HoldStatus.IN_TRANSIT
    assert result.transfer.to_branch == riverside and result.transfer.reason == "hold"
    arrival = services.receive_transfer(
        item=book, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=AT + timedelta(days=2)
    )
    assert arrival.routing.hold == refresh(hold) and refresh(hold).status == HoldStatus.READY
    assert refresh(book).status == ItemStatus.ON_HOLD_SHELF


def test_checking_in_a_copy_in_transit_receives_it_too(
    lend, checkin, reader, book, riverside, riverside_librarian
):
    lend(reader, book)
    checkin(book, branch=riverside, staff=riverside_librarian)
    result = checkin(book, at=AT + timedelta(days=3))
    assert result.loan is None and result.received is not None
    assert refresh(book).status == ItemStatus.AVAILABLE


def test_the_queue_is_first_come_first_served(
    lend, checkin, reader, second_reader, third_reader, book, central
):
    lend(reader, book)
    later = hold_for(third_reader, book.record, central, at=AT + timedelta(minutes=5))
    first = hold_for(second_reader, book.record, central, at=AT + timedelta(minutes=1))
    assert [h.pk for h in selectors.queue(book.record_id)] == [first.pk, later.pk]
    assert selectors.queue_position(first) == 1 and selectors.queue_position(later) == 2
    checkin(book)
    assert refresh(first).status == HoldStatus.READY
    assert refresh(later).status == HoldStatus.WAITING
    assert selectors.queue_position(refresh(later)) == 1


def test_a_hold_on_one_copy_waits_for_that_copy(
    lend, checkin, reader, second_reader, third_reader, make_item, make_record, central
):
    record = make_record()
    copy1, copy2 = make_item(record=record), make_item(record=record)
    lend(reader, copy1)
    lend(third_reader, copy2)
    hold = hold_for(second_reader, None, central, item=copy2)
    assert checkin(copy1).hold is None
    assert checkin(copy2).hold == hold


def test_unclaimed_holds_expire_and_the_copy_goes_to_the_next_reader(
    lend, checkin, reader, second_reader, third_reader, book, central
):
    lend(reader, book)
    first = hold_for(second_reader, book.record, central)
    second = hold_for(third_reader, book.record, central, at=AT + timedelta(minutes=1))
    checkin(book)
    assert services.expire_holds(at=AT + timedelta(days=8), actor=JOB) == []  # within the week
    expired = services.expire_holds(at=AT + timedelta(days=9), actor=JOB)
    assert expired == [refresh(first)] and refresh(first).status == HoldStatus.EXPIRED
    assert refresh(second).status == HoldStatus.READY
    assert refresh(second).assigned_item == book
    assert refresh(book).status == ItemStatus.ON_HOLD_SHELF
    (event,) = events("hold_expired")
    assert (event.channel, event.source) == (Channel.JOB, "holds_expired")
    assert event.detail == {"item": book.pk, "item_status": "on_hold_shelf"}


def test_an_expired_hold_with_nobody_waiting_puts_the_copy_back(
    lend, checkin, reader, second_reader, book, central
):
    lend(reader, book)
    hold_for(second_reader, book.record, central)
    checkin(book)
    services.expire_holds(at=AT + timedelta(days=30), actor=JOB)
    assert refresh(book).status == ItemStatus.AVAILABLE
    assert events("hold_expired")[0].detail == {"item": book.pk, "item_status": "available"}


def test_cancelling_a_ready_hold_frees_the_copy(
    lend, checkin, reader, second_reader, book, central
):
    lend(reader, book)
    hold = hold_for(second_reader, book.record, central)
    checkin(book)
    online = Actor.for_patron(second_reader)
    services.cancel_hold(hold=hold, actor=online, at=AT + timedelta(days=2), reason="Bought it")
    assert refresh(hold).status == HoldStatus.CANCELLED and refresh(hold).cancel_reason == "Bought it"
    assert refresh(book).status == ItemStatus.AVAILABLE
    (event,) = events("hold_cancelled")
    assert event.staff_id is None and event.channel == Channel.ONLINE
    # The copy went back on the shelf; the patron's words stay on the hold.
    assert event.detail == {"item": book.pk, "item_status": "available"}
    with pytest.raises(InvalidOperation):
        services.cancel_hold(hold=hold, actor=online, at=AT + timedelta(days=2))


def test_the_pickup_branch_can_change_while_the_hold_waits(
    lend, checkin, reader, second_reader, book, central, riverside
):
    lend(reader, book)
    hold = hold_for(second_reader, book.record, central)
    online = Actor.for_patron(second_reader)
    services.change_pickup(hold=hold, pickup_branch=riverside, actor=online, at=AT)
    assert refresh(hold).pickup_branch == riverside
    assert events("hold_changed")[0].detail == {"from": "central", "to": "riverside"}
    checkin(book)
    with pytest.raises(InvalidOperation):
        services.change_pickup(hold=hold, pickup_branch=central, actor=online, at=AT)


def test_a_hold_is_picked_up_only_at_an_active_branch_of_the_patrons_network(
    reader, book, central, riverside
):
    from bibliohub.libraries.models import Branch, Network

    elsewhere = Branch.objects.create(
        network=Network.objects.create(name="Another network"), code="away", name="Away"
    )
    riverside.is_active = False
    riverside.save()
    for branch in (elsewhere, riverside):
        with pytest.raises(InvalidOperation):
            hold_for(reader, book.record, branch)
    hold = hold_for(reader, book.record, central)
    with pytest.raises(InvalidOperation):
        services.change_pickup(
            hold=hold, pickup_branch=elsewhere, actor=Actor.for_patron(reader), at=AT
        )
    assert refresh(hold).pickup_branch == central
    # Nothing was refused for want of a title: no refusal is recorded.
    assert not events("hold_refused")


def test_hold_refusals_are_recorded(lend, reader, second_reader, book, central, default_rule):
    hold_for(second_reader, book.record, central)
    with pytest.raises(HoldRefused) as e:
        hold_for(second_reader, book.record, central)
    assert e.value.reasons == [R.ALREADY_HELD]
    lend(reader, book, override_reason="Hold for someone else, but urgent")
    with pytest.raises(HoldRefused) as e:
        hold_for(reader, book.record, central)
    assert e.value.reasons == [R.ALREADY_ON_LOAN_TO_PATRON]
    default_rule.holds_allowed = False
    default_rule.save()
    with pytest.raises(HoldRefused) as e:
        services.place_hold(
            patron=refresh(reader),
            record=book.record,
            pickup_branch=central,
            actor=Actor.for_patron(reader),
            at=AT,
        )
    assert R.HOLDS_NOT_ALLOWED in e.value.reasons
    refusals = events("hold_refused")
    assert [ev.reasons[-1] for ev in refusals] == [
        "already_held",
        "already_on_loan_to_patron",
        "already_on_loan_to_patron",
    ]
    assert all(ev.record_id == book.record_id and ev.channel == Channel.ONLINE for ev in refusals)


def test_a_title_without_a_copy_to_wait_for_cannot_be_held(reader, make_item, central, make_record):
    record = make_record()
    make_item(record=record, status=ItemStatus.WITHDRAWN)
    with pytest.raises(HoldRefused) as e:
        hold_for(reader, record, central)
    assert e.value.reasons == [R.NO_HOLDABLE_COPY]


def test_staff_can_place_a_hold_past_a_block_with_a_reason(
    reader, book, central, central_librarian
):
    from bibliohub.patrons import services as patron_services

    patron_services.add_block(
        reader, reason="Unpaid", branch=central, actor=Actor.for_staff(central_librarian), at=AT
    )
    with pytest.raises(HoldRefused):
        hold_for(reader, book.record, central)
    hold = services.place_hold(
        patron=reader,
        record=book.record,
        pickup_branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
        override_reason="Settles on Friday",
    )
    event = events("hold_placed")[0]
    assert (event.object_type, event.object_id) == ("circulation.hold", hold.pk)
    assert event.reasons == ["patron_blocked_manual"] and event.detail == {"override": True}
    assert hold.override_reason == "Settles on Friday"


def test_holds_to_pull_lists_copies_on_the_shelf_for_waiting_holds(
    reader, second_reader, make_item, make_record, central, riverside
):
    record = make_record()
    here = make_item(record=record, branch=riverside)
    make_item(record=record, branch=central, status=ItemStatus.ON_LOAN)
    first = hold_for(reader, record, central)
    hold_for(second_reader, record, central, at=AT + timedelta(minutes=1))
    (pull,) = selectors.holds_to_pull(riverside, at=AT)
    assert pull.hold == first and pull.items == [here]
    assert selectors.holds_to_pull(central, at=AT) == []


def test_sending_an_item_by_hand_and_what_cannot_be_sent(
    lend, reader, book, make_item, central, riverside, central_librarian
):
    librarian = Actor.for_staff(central_librarian)
    transfer = services.send_transfer(
        item=book, to_branch=riverside, branch=central, actor=librarian, at=AT
    )
    assert transfer.reason == TransferReason.MANUAL
    assert refresh(book).status == ItemStatus.IN_TRANSIT
    with pytest.raises(InvalidOperation):
        services.send_transfer(item=book, to_branch=central, branch=riverside, actor=librarian, at=AT)
    other = make_item()
    lend(reader, other)
    with pytest.raises(InvalidOperation):
        services.send_transfer(
            item=other, to_branch=riverside, branch=central, actor=librarian, at=AT
        )
    with pytest.raises(InvalidOperation):
        services.receive_transfer(item=other, branch=riverside, actor=librarian, at=AT)
    assert Transfer.objects.count() == 1


def test_an_item_sent_by_hand_stays_at_the_branch_it_was_sent_to(
    book, central, riverside, central_librarian, riverside_librarian
):
    services.send_transfer(
        item=book, to_branch=riverside, branch=central, actor=Actor.for_staff(central_librarian), at=AT
    )
    arrival = services.receive_transfer(
        item=book, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=AT
    )
    book = refresh(book)
    assert arrival.routing.transfer is None
    assert (book.branch, book.status, book.location) == (riverside, ItemStatus.AVAILABLE, None)
    assert events("transfer_received")[0].detail == {
        "from": central.pk,
        "item_status": "available",
        "item_branch": riverside.pk,
    }


def test_lost_and_claims_returned_end_the_loan(lend, reader, make_item, central, central_librarian):
    lost_copy = make_item(price=Decimal("12.50"))
    claimed = make_item()
    lost_loan = lend(reader, lost_copy)
    claimed_loan = lend(reader, claimed)
    later = AT + timedelta(days=40)
    librarian = Actor.for_staff(central_librarian)
    services.mark_lost(loan=lost_loan, branch=central, actor=librarian, at=later)
    services.claims_returned(loan=claimed_loan, branch=central, actor=librarian, at=later)
    assert refresh(lost_loan).outcome == "lost" and refresh(lost_copy).status == "lost"
    assert refresh(claimed_loan).outcome == "claims_returned"
    assert refresh(claimed).status == ItemStatus.MISSING
    kinds = sorted((f.kind, f.amount) for f in reader.fines.all())
    # Nineteen started days late, three of them Sundays (closed): sixteen fined.
    assert kinds == [
        ("lost", Decimal("12.50")),
        ("overdue", Decimal("3.20")),
        ("overdue", Decimal("3.20")),
    ]
    (lost,) = events("lost")
    (claimed_entry,) = events("claims_returned")
    assert lost.detail["item_status"] == "lost" and claimed_entry.detail == {"item_status": "missing"}
    lost_fine = reader.fines.get(kind="lost")
    assert lost.detail["fine"] == lost_fine.pk and lost.object_id == lost_loan.pk
    # The lost charge names the loan it is for, in the network's currency.
    charged = next(e for e in events("fine") if e.detail["fine"] == lost_fine.pk)
    assert (charged.object_type, charged.object_id) == ("circulation.loan", lost_loan.pk)
    assert (charged.amount, charged.currency) == (Decimal("12.50"), "UAH")
    with pytest.raises(InvalidOperation):
        services.mark_lost(loan=lost_loan, branch=central, actor=librarian, at=later)


def test_a_damaged_item_leaves_circulation_and_can_be_charged(
    lend, checkin, reader, book, central, central_librarian
):
    loan = lend(reader, book)
    librarian = Actor.for_staff(central_librarian)
    with pytest.raises(InvalidOperation):
        services.mark_damaged(item=book, branch=central, actor=librarian, at=AT)
    checkin(book)
    # Who pays is the service's to decide: the last borrower.
    services.mark_damaged(
        item=book,
        branch=central,
        actor=librarian,
        at=AT + timedelta(days=1),
        amount=Decimal("4.00"),
        note="Water damage",
    )
    assert refresh(book).status == ItemStatus.DAMAGED
    fine = reader.fines.get()
    assert (fine.kind, fine.loan, fine.note) == ("damaged", loan, "Water damage")
    (event,) = events("damaged")
    assert event.patron_id == reader.pk and event.object_id == loan.pk
    assert event.detail == {"item_status": "damaged", "fine": fine.pk}


def test_a_damaged_copy_nobody_is_known_to_have_borrowed_cannot_be_charged(
    book, central, central_librarian
):
    with pytest.raises(InvalidOperation):
        services.mark_damaged(
            item=book,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
            amount=Decimal("4.00"),
        )
    assert refresh(book).status == ItemStatus.AVAILABLE and not events("damaged")
    services.mark_damaged(item=book, branch=central, actor=Actor.for_staff(central_librarian), at=AT)
    assert refresh(book).status == ItemStatus.DAMAGED
    assert events("damaged")[0].patron_id is None


def test_the_hold_pickup_days_follow_the_rule(lend, checkin, reader, second_reader, book, central):
    CirculationRule.objects.create(branch=central, loan_period=21, hold_pickup_days=3)
    lend(reader, book)
    hold = hold_for(second_reader, book.record, central)
    checkin(book)
    assert refresh(hold).expires_at == end_of(date(2026, 12, 5))


def test_current_and_overdue_loans_are_listed_soonest_due_first(
    lend, reader, second_reader, make_item, riverside, riverside_librarian
):
    later = lend(reader, make_item(), at=AT + timedelta(days=2))
    sooner = lend(reader, make_item())
    elsewhere = lend(
        second_reader, make_item(), branch=riverside, actor=Actor.for_staff(riverside_librarian)
    )
    assert list(selectors.loans_for(reader)) == [sooner, later]
    late = AT + timedelta(days=22)
    assert list(selectors.overdue_loans(None, late)) == [sooner, elsewhere]
    assert list(selectors.overdue_loans(riverside, late)) == [elsewhere]
    assert list(selectors.overdue_loans(None, AT + timedelta(days=1))) == []


def test_lending_a_copy_from_the_hold_shelf_by_override_puts_its_reader_back_in_the_queue(
    lend, checkin, reader, second_reader, third_reader, book, central
):
    lend(reader, book)
    hold = hold_for(second_reader, book.record, central)
    checkin(book)
    lend(third_reader, book, override_reason="Reading-room event")
    hold = refresh(hold)
    assert hold.status == HoldStatus.WAITING and hold.assigned_item is None
    assert hold.expires_at is None and selectors.queue_position(hold) == 1
    assert checkin(book, at=AT + timedelta(days=3)).hold == hold


def test_a_librarian_cannot_mark_another_branchs_copy_damaged_nor_charge_its_borrower(
    lend, checkin, reader, make_item, riverside, central, librarian, riverside_librarian, manager
):
    """The copy belongs to Riverside; the central librarian who lent and took it back may
    not take it out of circulation and fine its borrower: Riverside's staff (or the
    network's) decide what happens to Riverside's copies."""
    copy = make_item(branch=riverside)
    lend(reader, copy)
    checkin(copy)
    with pytest.raises(PermissionDenied) as refused:
        services.mark_damaged(
            item=copy, branch=central, actor=librarian, at=AT, amount=Decimal("9")
        )
    assert refused.value.codes == ["other_branch"]  # type: ignore[attr-defined]
    assert refresh(copy).status != ItemStatus.DAMAGED
    assert not reader.fines.exists() and not events("damaged")
    # Riverside's librarian and a network manager may.
    services.mark_damaged(
        item=copy, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=AT
    )
    assert refresh(copy).status == ItemStatus.DAMAGED
    copy.status = ItemStatus.AVAILABLE
    copy.save(update_fields=["status"])
    services.mark_damaged(item=copy, branch=central, actor=Actor.for_staff(manager), at=AT)
    assert len(events("damaged")) == 2

