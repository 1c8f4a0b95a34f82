"""Renewals, fines and payments, and forgetting who borrowed what."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bibliohub.circulation import selectors, services
from bibliohub.circulation.errors import InvalidOperation, OverrideNotAllowed, RenewalRefused
from bibliohub.circulation.errors import RefusalReason as R
from bibliohub.circulation.models import CirculationEvent, Fine, Loan, PrivacyPolicy
from bibliohub.history import Actor
from bibliohub.patrons import selectors as patron_selectors
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.errors import BlockReason, ErasureRefusal, ErasureRefused
from tests.circulation.conftest import AT, end_of, events, refresh


def renew(loan, *, at, staff=None, **kw):
    return services.renew(loan=loan, branch=loan.branch, staff=staff, desk="kiosk 1", at=at, **kw)


def test_a_renewal_extends_the_loan_from_today_and_is_recorded(lend, reader, book):
    loan = lend(reader, book)
    renewed = renew(loan, at=AT + timedelta(days=20))
    assert renewed.renewals == 1
    assert renewed.due_at == end_of(date(2027, 1, 11))  # 21 days from 21 December
    event = events("renew")[0]
    assert event.loan == loan and event.staff is None and event.desk == "kiosk 1"


def test_a_renewal_never_shortens_a_loan(lend, reader, book, default_rule):
    default_rule.renewal_period = 7
    default_rule.save()
    loan = lend(reader, book)
    assert renew(loan, at=AT + timedelta(days=1)).due_at == loan.due_at


def test_renewals_run_out(lend, reader, book):
    loan = lend(reader, book)
    renew(loan, at=AT + timedelta(days=1))
    renew(loan, at=AT + timedelta(days=2))
    with pytest.raises(RenewalRefused) as e:
        renew(loan, at=AT + timedelta(days=3))
    assert e.value.reasons == [R.NO_RENEWALS_LEFT]
    assert events("refusal")[0].action == "renew"


def test_a_reader_waiting_stops_the_renewal_unless_staff_override(
    lend, reader, second_reader, book, central, central_librarian
):
    loan = lend(reader, book)
    services.place_hold(
        patron=second_reader, record=book.record, pickup_branch=central, staff=None, at=AT
    )
    with pytest.raises(RenewalRefused) as e:
        renew(loan, at=AT + timedelta(days=1))
    assert e.value.reasons == [R.HOLD_WAITING]
    with pytest.raises(OverrideNotAllowed):
        renew(loan, at=AT + timedelta(days=1), override_reason="Please")
    renewed = renew(
        loan, at=AT + timedelta(days=1), staff=central_librarian, override_reason="Thesis"
    )
    assert renewed.renewals == 1
    assert events("renew")[0].reasons == ["hold_waiting"]


def test_an_overdue_loan_can_be_renewed_but_other_overdue_items_block(lend, reader, make_item):
    first = lend(reader, make_item())
    second = lend(reader, make_item())
    late = AT + timedelta(days=25)
    with pytest.raises(RenewalRefused) as e:
        renew(first, at=late)
    assert e.value.reasons == [R.OVERDUE]
    services.checkin(item=second.item, branch=second.branch, staff=None, desk="", at=late)
    assert renew(refresh(first), at=late).renewals == 1


def test_a_returned_loan_does_not_renew(lend, reader, book):
    loan = lend(reader, book)
    services.checkin(item=book, branch=loan.branch, staff=None, desk="", at=AT)
    with pytest.raises(RenewalRefused) as e:
        renew(loan, at=AT + timedelta(days=1))
    assert R.NOT_ON_LOAN in e.value.reasons


def test_renew_all_reports_each_loan(lend, reader, second_reader, make_item, central):
    ok = lend(reader, make_item())
    held = lend(reader, make_item())
    services.place_hold(
        patron=second_reader, record=held.item.record, pickup_branch=central, staff=None, at=AT
    )
    result = services.renew_all(
        patron=reader, branch=central, staff=None, desk="kiosk", at=AT + timedelta(days=1)
    )
    assert [loan.pk for loan in result.renewed] == [ok.pk]
    assert [(loan.pk, reasons) for loan, reasons in result.refused] == [(held.pk, [R.HOLD_WAITING])]


def test_automatic_renewal_renews_loans_that_asked_for_it(lend, reader, make_item):
    auto = lend(reader, make_item())
    manual = lend(reader, make_item())
    Loan.objects.filter(pk=auto.pk).update(auto_renew=True)
    result = services.auto_renew(at=auto.due_at - timedelta(hours=5))
    assert [loan.pk for loan in result.renewed] == [auto.pk]
    assert refresh(auto).renewals == 1 and refresh(manual).renewals == 0


def test_fines_accrue_by_rule_with_grace_and_cap(lend, reader, make_item):
    loan = lend(reader, make_item())
    due = loan.due_at
    assert services.accrue_fines(at=due + timedelta(days=2)) == 0  # grace
    assert services.accrue_fines(at=due + timedelta(days=3)) == 1
    fine = Fine.objects.get()
    assert (fine.kind, fine.amount, fine.loan, fine.patron) == (
        "overdue",
        Decimal("0.60"),
        loan,
        reader,
    )
    services.accrue_fines(at=due + timedelta(days=10))
    # Ten days late, one of them a Sunday, when the central library is closed: nine fined.
    assert refresh(fine).amount == Decimal("1.80")
    services.accrue_fines(at=due + timedelta(days=100))
    assert refresh(fine).amount == Decimal("5.00")
    assert len(events("fine")) == 1


def test_the_return_settles_the_overdue_fine(lend, reader, book, central):
    loan = lend(reader, book)
    result = services.checkin(
        item=book, branch=central, staff=None, desk="", at=loan.due_at + timedelta(days=4)
    )
    assert result.fine.amount == Decimal("0.80")
    assert events("checkin")[0].amount == Decimal("0.80")


def test_a_fine_free_rule_charges_nothing(lend, reader, book, central, default_rule):
    default_rule.fine_per_day = 0
    default_rule.save()
    loan = lend(reader, book)
    services.checkin(
        item=book, branch=central, staff=None, desk="", at=loan.due_at + timedelta(days=30)
    )
    assert services.accrue_fines(at=loan.due_at + timedelta(days=40)) == 0
    assert not Fine.objects.exists()


def charge(patron, amount, at, central, staff):
    return services.charge_fine(
        patron=patron, amount=Decimal(amount), note="Card", branch=central, staff=staff, at=at
    )


def test_a_payment_settles_the_oldest_fines_first_with_a_receipt(
    reader, central, central_librarian
):
    old = charge(reader, "3.00", AT, central, central_librarian)
    new = charge(reader, "2.00", AT + timedelta(days=1), central, central_librarian)
    payment = services.pay(
        patron=reader,
        amount=Decimal("4.00"),
        staff=central_librarian,
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
    assert event.amount == Decimal("4.00") and event.detail == {"receipt": payment.receipt_number}


@pytest.mark.parametrize("amount", ["0", "-1", "5.01"])
def test_a_payment_of_nothing_or_more_than_owed_is_refused(
    reader, central, central_librarian, amount
):
    charge(reader, "5.00", AT, central, central_librarian)
    with pytest.raises(InvalidOperation):
        services.pay(patron=reader, amount=Decimal(amount), staff=None, branch=central, at=AT)


def test_staff_waive_a_fine_with_a_reason(reader, central, central_librarian):
    fine = charge(reader, "5.00", AT, central, central_librarian)
    with pytest.raises(InvalidOperation):
        services.waive(fine=fine, reason=" ", staff=central_librarian, at=AT)
    waived = services.waive(
        fine=fine, reason="Hospital stay", staff=central_librarian, at=AT, branch=central
    )
    assert waived.waived_reason == "Hospital stay" and waived.settled_at == AT
    assert selectors.amount_owed(reader) == 0
    event = events("waive")[0]
    assert event.amount == Decimal("5.00") and event.staff == central_librarian
    with pytest.raises(InvalidOperation):
        services.waive(fine=fine, reason="Again", staff=central_librarian, at=AT)


def test_a_waived_overdue_fine_stays_waived(lend, reader, book, central, central_librarian):
    loan = lend(reader, book)
    services.accrue_fines(at=loan.due_at + timedelta(days=5))
    services.waive(fine=Fine.objects.get(), reason="Flood", staff=central_librarian, at=AT)
    services.accrue_fines(at=loan.due_at + timedelta(days=9))
    assert selectors.amount_owed(reader) == 0


def test_patron_blocks_include_overdue_items_and_fines_over_the_limit(
    lend, reader, book, central, central_librarian
):
    lend(reader, book)
    late = AT + timedelta(days=60)
    assert patron_selectors.blocks_for(reader, at=late) == [BlockReason.OVERDUE_ITEMS]
    charge(reader, "10.00", AT, central, central_librarian)
    assert BlockReason.FINES_OVER_LIMIT not in patron_selectors.blocks_for(reader, at=AT)
    charge(reader, "0.01", AT, central, central_librarian)
    assert patron_selectors.blocks_for(reader, at=AT) == [BlockReason.FINES_OVER_LIMIT]


def test_returned_loans_are_anonymised_after_the_delay_unless_opted_in(
    lend, reader, second_reader, make_item, central
):
    patron_services.set_reading_history(
        second_reader, keep=True, actor=Actor.for_patron(second_reader), at=AT
    )
    forgotten = lend(reader, make_item())
    kept = lend(second_reader, make_item())
    returned = AT + timedelta(days=1)
    for loan in (forgotten, kept):
        services.checkin(item=loan.item, branch=central, staff=None, desk="", at=returned)
    assert services.anonymise_returned_loans(at=returned + timedelta(days=29)) == 0
    assert services.anonymise_returned_loans(at=returned + timedelta(days=30)) == 1
    forgotten, kept = refresh(forgotten), refresh(kept)
    assert forgotten.patron is None and forgotten.anonymised_at is not None
    assert (forgotten.category_id, forgotten.age_band, forgotten.home_branch) == (
        reader.category_id,
        "adult",
        central,
    )
    assert kept.patron == second_reader
    assert not CirculationEvent.objects.filter(loan=forgotten, patron__isnull=False).exists()
    assert CirculationEvent.objects.filter(loan=forgotten).count() == 2  # still counted
    assert list(selectors.reading_history(refresh(second_reader))) == [kept]
    assert list(selectors.reading_history(reader)) == []
    assert events("anonymised")[0].detail["loans"] == 1


def test_with_no_delay_the_return_forgets_the_patron_at_once(lend, reader, book, central, network):
    PrivacyPolicy.objects.create(network=network, anonymise_after_days=0)
    loan = lend(reader, book)
    result = services.checkin(item=book, branch=central, staff=None, desk="", at=AT)
    assert result.loan.patron is None and refresh(loan).patron is None
    assert events("checkin")[0].patron is None and events("checkout")[0].patron is None


def test_with_no_delay_a_reading_history_is_still_kept(lend, reader, book, central, network):
    PrivacyPolicy.objects.create(network=network, anonymise_after_days=0)
    patron_services.set_reading_history(reader, keep=True, actor=Actor.for_patron(reader), at=AT)
    loan = lend(refresh(reader), book)
    services.checkin(item=book, branch=central, staff=None, desk="", at=AT)
    assert refresh(loan).patron == reader


def test_a_patron_with_loans_or_fines_cannot_be_erased(
    lend, reader, book, central, central_librarian
):
    loan = lend(reader, book)
    fine = charge(reader, "1.00", AT, central, central_librarian)
    with pytest.raises(ErasureRefused) as e:
        patron_services.erase_patron(
            reader, branch=central, actor=Actor.for_staff(central_librarian), at=AT
        )
    assert e.value.reasons == [ErasureRefusal.OPEN_LOANS, ErasureRefusal.UNPAID_FINES]
    services.checkin(item=book, branch=central, staff=None, desk="", at=AT)
    services.pay(patron=reader, amount=Decimal("1.00"), staff=None, branch=central, at=AT)
    patron_services.erase_patron(
        reader, branch=central, actor=Actor.for_staff(central_librarian), at=AT
    )
    assert refresh(loan).patron is None and refresh(fine).patron is None
