"""A copy marked lost turns up: its unpaid lost charge is cancelled, what the reader paid for
it is owed back (staff pay it out with a receipt), and the overdue fine up to the loss stays."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation import kinds as Kind
from bibliohub.circulation import selectors, services
from bibliohub.circulation.errors import InvalidOperation
from bibliohub.circulation.models import Fine, FineKind, Refund, WaivedBecause
from bibliohub.history import Actor
from tests.circulation.conftest import AT, events, refresh

LOST_AT = AT + timedelta(days=40)
FOUND_AT = AT + timedelta(days=50)


@pytest.fixture
def lost(lend, reader, make_item, central, central_librarian):
    """A copy priced 12.50, lent at AT and marked lost 40 days later (and fined till then)."""
    item = make_item(price=Decimal("12.50"))
    loan = lend(reader, item)
    services.mark_lost(
        loan=loan, branch=central, actor=Actor.for_staff(central_librarian), at=LOST_AT
    )
    return refresh(item)


def lost_charge(item) -> Fine:
    return Fine.objects.get(item=item, kind=FineKind.LOST)


def pay(reader, amount, central, central_librarian, at=LOST_AT + timedelta(hours=1)):
    return services.pay(
        patron=reader,
        amount=Decimal(amount),
        actor=Actor.for_staff(central_librarian),
        branch=central,
        at=at,
    )


def found(item, branch, staff):
    return services.checkin(
        item=item, branch=branch, actor=Actor.for_staff(staff, source="desk 1"), at=FOUND_AT
    )


def test_an_unpaid_lost_charge_is_cancelled_and_the_overdue_fine_stays(
    lost, reader, riverside, riverside_librarian
):
    overdue = Fine.objects.get(item=lost, kind=FineKind.OVERDUE)
    result = found(lost, riverside, riverside_librarian)
    charge = lost_charge(lost)
    assert charge.waived_because == WaivedBecause.FOUND and charge.settled_at == FOUND_AT
    assert charge.outstanding == 0 and result.found.cancelled == Decimal("12.50")
    assert result.found.refunds == [] and not Refund.objects.exists()
    assert refresh(overdue).waived_at is None and refresh(overdue).amount == Decimal("3.20")
    assert selectors.amount_owed(reader) == Decimal("3.20")
    (event,) = events(Kind.LOST_CHARGE_CANCELLED.code)
    assert (event.amount, event.staff_id, event.branch_id, event.patron_id, event.item_id) == (
        Decimal("12.50"),
        riverside_librarian.pk,
        riverside.pk,
        reader.pk,
        lost.pk,
    )
    assert (event.object_type, event.detail) == ("circulation.loan", {"fine": charge.pk})
    assert refresh(lost).status != ItemStatus.LOST


def test_a_paid_lost_charge_is_owed_back(
    lost, reader, central, central_librarian, riverside, riverside_librarian
):
    pay(reader, "15.70", central, central_librarian)  # the overdue fine and the price
    assert lost_charge(lost).settled_at is not None
    result = found(lost, riverside, riverside_librarian)
    (refund,) = result.found.refunds
    assert (refund.amount, refund.patron, refund.fine, refund.staff, refund.branch) == (
        Decimal("12.50"),
        reader,
        lost_charge(lost),
        riverside_librarian,
        riverside,
    )
    assert result.found.cancelled == 0
    assert list(selectors.refunds_due(reader)) == [refund]
    (event,) = events(Kind.REFUND.code)
    assert (event.amount, event.staff_id, event.branch_id) == (
        Decimal("12.50"),
        riverside_librarian.pk,
        riverside.pk,
    )


def test_a_part_paid_lost_charge_is_cancelled_for_the_rest_and_refunded_for_the_part(
    lost, reader, central, central_librarian, riverside_librarian
):
    pay(reader, "8.20", central, central_librarian)  # 3.20 overdue first, then 5.00 of the price
    result = found(lost, central, riverside_librarian)
    assert result.found.cancelled == Decimal("7.50")
    assert [r.amount for r in result.found.refunds] == [Decimal("5.00")]
    assert selectors.amount_owed(reader) == 0


def test_the_refund_is_paid_out_once_with_a_receipt(
    lost, reader, central, central_librarian, riverside, riverside_librarian
):
    pay(reader, "15.70", central, central_librarian)
    (refund,) = found(lost, riverside, riverside_librarian).found.refunds
    with pytest.raises(InvalidOperation):
        services.pay_out_refund(
            refund=refund, actor=Actor.for_patron(reader), branch=central, at=FOUND_AT
        )
    librarian = Actor.for_staff(central_librarian)
    paid = services.pay_out_refund(refund=refund, actor=librarian, branch=central, at=FOUND_AT)
    assert paid.receipt_number == f"{central.code.upper()}-{FOUND_AT:%Y%m%d}-R{refund.pk:06d}"
    assert paid.paid_out_by == central_librarian and list(selectors.refunds_due(reader)) == []
    (event,) = events(Kind.REFUND_PAID.code)
    assert (event.amount, event.staff_id, event.branch_id, event.patron_id) == (
        Decimal("12.50"),
        central_librarian.pk,
        central.pk,
        reader.pk,
    )
    assert event.item_id == lost.pk and event.object_type == "circulation.loan"
    with pytest.raises(InvalidOperation):
        services.pay_out_refund(refund=refund, actor=librarian, branch=central, at=FOUND_AT)


def test_a_second_return_changes_nothing_more(lost, central, central_librarian):
    found(lost, central, central_librarian)
    again = services.checkin(
        item=lost, branch=central, actor=Actor.for_staff(central_librarian), at=FOUND_AT
    )
    assert again.found is None
    assert len(events(Kind.LOST_CHARGE_CANCELLED.code)) == 1


def test_the_desk_shows_it_at_the_return_on_the_fines_page_and_on_receipts(
    client, lost, reader, central, central_librarian
):
    payment = pay(reader, "15.70", central, central_librarian)
    # The desk returns the copy now: the clock is at FOUND_AT, ten days after it was lost.
    with time_machine.travel(FOUND_AT, tick=True):
        client.force_login(central_librarian)
        returned = client.post(
            reverse("staff:circulation:checkin"), {"barcode": lost.barcode}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert "refund 12.50 to the reader" in returned
        fines_page = client.get(reverse("staff:circulation:fines", args=[reader.pk])).content.decode()
        assert "Refunds due to the reader" in fines_page and "Pay out 12.50" in fines_page
        receipt = client.get(reverse("staff:circulation:receipt", args=[payment.pk])).content.decode()
        assert "The copy was found: 12.50 refunded" in receipt
        refund = Refund.objects.get()
        response = client.post(reverse("staff:circulation:pay_out_refund", args=[refund.pk]))
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
    assert refresh(refund).receipt_number in page and "12.50" in page
