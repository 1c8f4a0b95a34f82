"""Renewals, fines and payments, and forgetting who borrowed what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bibliohub.circulation import selectors, services
from bibliohub.circulation.errors import InvalidOperation, OverrideNotAllowed, RenewalRefused
from bibliohub.circulation.errors import RefusalReason as R
from bibliohub.circulation.models import Fine, Loan, PrivacyPolicy
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.errors import BlockReason, ErasureRefusal, ErasureRefused
from tests.circulation.conftest import AT, end_of, events, refresh

JOB = Actor.for_job("fines")


def renew(loan, *, at, actor=None, **kw):
    """A renewal by the patron online, unless another actor is given."""
    actor = actor or Actor.for_patron(loan.patron)
    return services.renew(loan=loan, branch=loan.branch, actor=actor, at=at, **kw)


def test_a_renewal_extends_the_loan_from_its_due_date_and_is_recorded(lend, reader, book):
    loan = lend(reader, book)
    renewed = renew(loan, at=AT + timedelta(days=20))
    assert renewed.renewals == 1
    assert renewed.due_at == end_of(date(2027, 1, 12))  # 21 days from 22 December
    event = events("renew")[0]
    assert (event.object_type, event.object_id) == ("circulation.loan", loan.pk)
    assert event.staff_id is None and event.channel == Channel.ONLINE
    assert event.patron_id == reader.pk and event.item_type_id == book.item_type_id


def test_renewals_run_out(lend, reader, book):
    loan = lend(reader, book)
    renew(loan, at=AT + timedelta(days=1))
    renew(loan, at=AT + timedelta(days=2))
    with pytest.raises(RenewalRefused) as e:
        renew(loan, at=AT + timedelta(days=3))
    assert e.value.reasons == [R.NO_RENEWALS_LEFT]
    (refusal,) = events("renewal_refused")
    assert refusal.reasons == ["no_renewals_left"] and refusal.object_id == loan.pk
    assert not events("checkout_refused")


def test_a_reader_waiting_stops_the_renewal_unless_staff_override(
    lend, reader, second_reader, book, central, central_librarian
):
    loan = lend(reader, book)
    services.place_hold(
        patron=second_reader,
        record=book.record,
        pickup_branch=central,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    with pytest.raises(RenewalRefused) as e:
        renew(loan, at=AT + timedelta(days=1))
    assert e.value.reasons == [R.HOLD_WAITING]
    with pytest.raises(OverrideNotAllowed):
        renew(loan, at=AT + timedelta(days=1), override_reason="Please")
    renewed = renew(
        loan,
        at=AT + timedelta(days=1),
        actor=Actor.for_staff(central_librarian),
        override_reason="Thesis",
    )
    assert renewed.renewals == 1 and refresh(renewed).override_reason == "Thesis"
    assert events("renew")[0].reasons == ["hold_waiting"]
    assert events("renew")[0].detail == {"override": True}


def test_an_overdue_loan_can_be_renewed_but_other_overdue_items_block(
    lend, reader, make_item, librarian
):
    first = lend(reader, make_item())
    second = lend(reader, make_item())
    late = AT + timedelta(days=25)
    with pytest.raises(RenewalRefused) as e:
        renew(first, at=late)
    assert e.value.reasons == [R.OVERDUE]
    services.checkin(item=second.item, branch=second.branch, actor=librarian, at=late)
    assert renew(refresh(first), at=late).renewals == 1


def test_a_returned_loan_does_not_renew(lend, reader, book, librarian):
    loan = lend(reader, book)
    services.checkin(item=book, branch=loan.branch, actor=librarian, at=AT)
    with pytest.raises(RenewalRefused) as e:
        renew(loan, at=AT + timedelta(days=1))
    assert R.NOT_ON_LOAN in e.value.reasons


def test_renew_all_reports_each_loan(lend, reader, second_reader, make_item, central, kiosk):
    ok = lend(reader, make_item())
    held = lend(reader, make_item())
    services.place_hold(
        patron=second_reader,
        record=held.item.record,
        pickup_branch=central,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    result = services.renew_all(patron=reader, branch=central, actor=kiosk, at=AT + timedelta(days=1))
    assert [loan.pk for loan in result.renewed] == [ok.pk]
    assert [(loan.pk, reasons) for loan, reasons in result.refused] == [(held.pk, [R.HOLD_WAITING])]


def test_automatic_renewal_renews_loans_that_asked_for_it(lend, reader, make_item):
    auto = lend(reader, make_item())
    manual = lend(reader, make_item())
    Loan.objects.filter(pk=auto.pk).update(auto_renew=True)
    result = services.auto_renew(
        at=auto.due_at - timedelta(hours=5), actor=Actor.for_job("auto_renewals")
    )
    assert [loan.pk for loan in result.renewed] == [auto.pk]
    assert refresh(auto).renewals == 1 and refresh(manual).renewals == 0
    (event,) = events("renew")
    assert (event.channel, event.actor, event.source) == (Channel.JOB, "job", "auto_renewals")
    assert refresh(auto).desk == "desk 1"  # the loan keeps where it was lent


def test_fines_accrue_by_rule_with_grace_and_cap(lend, reader, make_item):
    loan = lend(reader, make_item())
    due = loan.due_at
    assert services.accrue_fines(at=due + timedelta(days=2), actor=JOB) == 0  # grace
    assert services.accrue_fines(at=due + timedelta(days=3), actor=JOB) == 1
    fine = Fine.objects.get()
    assert (fine.kind, fine.amount, fine.loan, fine.patron) == (
        "overdue",
        Decimal("0.60"),
        loan,
        reader,
    )
    services.accrue_fines(at=due + timedelta(days=10), actor=JOB)
    # Ten days late, one of them a Sunday, when the central library is closed: nine fined.
    assert refresh(fine).amount == Decimal("1.80")
    services.accrue_fines(at=due + timedelta(days=100), actor=JOB)
    assert refresh(fine).amount == Decimal("5.00")
    (event,) = events("fine")
    # A fine for a loan names the loan (anonymising it forgets the patron here too).
    assert (event.object_type, event.object_id, event.detail) == (
        "circulation.loan",
        loan.pk,
        {"fine": fine.pk, "kind": "overdue"},
    )
    assert (event.amount, event.currency, event.channel) == (Decimal("0.60"), "UAH", Channel.JOB)


def test_the_return_settles_the_overdue_fine(lend, reader, book, central, kiosk, network):
    network.currency = "PLN"
    network.save()
    loan = lend(reader, book)
    result = services.checkin(
        item=book, branch=central, actor=kiosk, at=loan.due_at + timedelta(days=4)
    )
    assert result.fine.amount == Decimal("0.80")
    checkin = events("checkin")[0]
    assert (checkin.amount, checkin.currency) == (Decimal("0.80"), "PLN")
    assert checkin.detail == {"item_status": "available", "fine": result.fine.pk}
    assert events("fine")[0].channel == Channel.SELF_CHECK


def test_a_fine_free_rule_charges_nothing(lend, reader, book, central, default_rule, librarian):
    default_rule.fine_per_day = 0
    default_rule.save()
    loan = lend(reader, book)
    services.checkin(item=book, branch=central, actor=librarian, at=loan.due_at + timedelta(days=30))
    assert services.accrue_fines(at=loan.due_at + timedelta(days=40), actor=JOB) == 0
    assert not Fine.objects.exists()


def charge(patron, amount, at, central, staff):
    return services.charge_fine(
        patron=patron,
        amount=Decimal(amount),
        note="Card",
        branch=central,
        actor=Actor.for_staff(staff),
        at=at,
    )


def test_a_payment_settles_the_oldest_fines_first_with_a_receipt(
    reader, central, central_librarian
):
    old = charge(reader, "3.00", AT, central, central_librarian)
    new = charge(reader, "2.00", AT + timedelta(days=1), central, central_librarian)
    payment = services.pay(
        patron=reader,
        amount=Decimal("4.00"),
        actor=Actor.for_staff(central_librarian),
        branch=central,
        at=AT + timedelta(days=2),
    )
    assert payment.receipt_number == f"CENTRAL-20261203-{payment.pk:06d}"
    assert [(line.fine_id, line.amount) for line in payment.lines.all()] == [
        (old.pk, Decimal("3.00")),
        (new.pk, Decimal("1.00")),
    ]
    assert refresh(old).settled_at is not None and refresh(new).settled_at is None
    assert selectors.amount_owed(reader) == Decimal("1.00")
    assert list(selectors.fines_for(reader)) == [new]
    event = events("payment")[0]
    assert (event.amount, event.currency) == (Decimal("4.00"), "UAH")
    assert (event.object_type, event.object_id) == ("circulation.payment", payment.pk)
    assert event.detail == {"receipt": payment.receipt_number, "fines": [old.pk, new.pk]}
    # A fee not for a loan names the fine itself.
    charged = events("fine")[0]
    assert (charged.object_type, charged.object_id) == ("circulation.fine", old.pk)


@pytest.mark.parametrize("amount", ["0", "-1", "5.01"])
def test_a_payment_of_nothing_or_more_than_owed_is_refused(
    reader, central, central_librarian, amount, kiosk
):
    charge(reader, "5.00", AT, central, central_librarian)
    with pytest.raises(InvalidOperation):
        services.pay(patron=reader, amount=Decimal(amount), actor=kiosk, branch=central, at=AT)


def test_staff_waive_a_fine_with_a_reason(reader, central, central_librarian, kiosk):
    fine = charge(reader, "5.00", AT, central, central_librarian)
    librarian = Actor.for_staff(central_librarian)
    with pytest.raises(InvalidOperation):
        services.waive(fine=fine, reason=" ", actor=librarian, at=AT)
    with pytest.raises(InvalidOperation):
        services.waive(fine=fine, reason="Machine", actor=kiosk, at=AT)
    waived = services.waive(fine=fine, reason="Hospital stay", actor=librarian, at=AT, branch=central)
    assert waived.waived_reason == "Hospital stay" and waived.settled_at == AT
    assert waived.waived_by == central_librarian
    assert selectors.amount_owed(reader) == 0
    event = events("waive")[0]
    assert event.amount == Decimal("5.00") and event.staff_id == central_librarian.pk
    # Why it was waived is the librarian's words about a person: on the fine only.
    assert event.detail == {"fine": fine.pk}
    with pytest.raises(InvalidOperation):
        services.waive(fine=fine, reason="Again", actor=librarian, at=AT)


def test_a_waived_overdue_fine_stays_waived(lend, reader, book, central, central_librarian):
    loan = lend(reader, book)
    services.accrue_fines(at=loan.due_at + timedelta(days=5), actor=JOB)
    services.waive(
        fine=Fine.objects.get(), reason="Flood", actor=Actor.for_staff(central_librarian), at=AT
    )
    services.accrue_fines(at=loan.due_at + timedelta(days=9), actor=JOB)
    assert selectors.amount_owed(reader) == 0
    assert events("waive")[0].object_id == loan.pk


def test_patron_blocks_include_overdue_items_and_fines_over_the_limit(
    lend, reader, book, central, central_librarian
):
    lend(reader, book)
    late = AT + timedelta(days=60)
    assert selectors.blocks_for(reader, at=late) == [BlockReason.OVERDUE_ITEMS]
    charge(reader, "10.00", AT, central, central_librarian)
    assert BlockReason.FINES_OVER_LIMIT not in selectors.blocks_for(reader, at=AT)
    charge(reader, "0.01", AT, central, central_librarian)
    assert selectors.blocks_for(reader, at=AT) == [BlockReason.FINES_OVER_LIMIT]


ANONYMISER = Actor.for_job("anonymised")


def test_returned_loans_are_anonymised_after_the_delay_unless_opted_in(
    lend, reader, second_reader, make_item, central, librarian
):
    patron_services.set_reading_history(
        second_reader, keep=True, actor=Actor.for_patron(second_reader), at=AT
    )
    forgotten = lend(reader, make_item())
    kept = lend(second_reader, make_item())
    returned = AT + timedelta(days=1)
    for loan in (forgotten, kept):
        services.checkin(item=loan.item, branch=central, actor=librarian, at=returned)
    assert services.anonymise_returned_loans(at=returned + timedelta(days=29), actor=ANONYMISER) == 0
    assert services.anonymise_returned_loans(at=returned + timedelta(days=30), actor=ANONYMISER) == 1
    forgotten, kept = refresh(forgotten), refresh(kept)
    assert forgotten.patron is None and forgotten.anonymised_at is not None
    assert (forgotten.category_id, forgotten.age_band, forgotten.home_branch) == (
        reader.category_id,
        "adult",
        central,
    )
    assert kept.patron == second_reader
    about = Entry.objects.filter(object_type="circulation.loan", object_id=forgotten.pk)
    assert not about.filter(patron_id__isnull=False).exists()
    assert about.count() == 2  # still counted, with who in figures: category, age, pseudonym
    assert all(e.category_id == reader.category_id and e.pseudonym for e in about)
    assert Entry.objects.filter(object_id=kept.pk, patron_id=second_reader.pk).count() == 2
    assert list(selectors.reading_history(refresh(second_reader))) == [kept]
    assert list(selectors.reading_history(reader)) == []
    assert events("anonymised")[0].detail["loans"] == 1


def test_with_no_delay_the_return_forgets_the_patron_at_once(
    lend, reader, book, central, network, librarian
):
    PrivacyPolicy.objects.create(network=network, anonymise_after_days=0)
    loan = lend(reader, book)
    result = services.checkin(item=book, branch=central, actor=librarian, at=AT)
    assert result.loan.patron is None and refresh(loan).patron is None
    assert events("checkin")[0].patron_id is None and events("checkout")[0].patron_id is None
    # The return was recorded with the patron first: it keeps what the figures need.
    checkin, checkout = events("checkin")[0], events("checkout")[0]
    assert checkin.category_id == reader.category_id
    assert checkin.pseudonym and checkin.pseudonym == checkout.pseudonym


def test_with_no_delay_a_reading_history_is_still_kept(
    lend, reader, book, central, network, librarian
):
    PrivacyPolicy.objects.create(network=network, anonymise_after_days=0)
    patron_services.set_reading_history(reader, keep=True, actor=Actor.for_patron(reader), at=AT)
    loan = lend(refresh(reader), book)
    services.checkin(item=book, branch=central, actor=librarian, at=AT)
    assert refresh(loan).patron == reader


def test_a_patron_with_loans_or_fines_cannot_be_erased(
    lend, reader, book, central, central_librarian, librarian, kiosk
):
    loan = lend(reader, book)
    fine = charge(reader, "1.00", AT, central, central_librarian)
    with pytest.raises(ErasureRefused) as e:
        patron_services.erase_patron(
            reader, branch=central, actor=Actor.for_staff(central_librarian), at=AT
        )
    assert e.value.reasons == [ErasureRefusal.OPEN_LOANS, ErasureRefusal.UNPAID_FINES]
    services.checkin(item=book, branch=central, actor=librarian, at=AT)
    services.pay(patron=reader, amount=Decimal("1.00"), actor=kiosk, branch=central, at=AT)
    patron_services.erase_patron(
        reader, branch=central, actor=Actor.for_staff(central_librarian), at=AT
    )
    assert refresh(loan).patron is None and refresh(fine).patron is None
