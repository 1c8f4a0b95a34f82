"""My fines, when a copy the reader lost turns up: the price she paid is a refund to collect,
and a price she had not paid yet is shown as cancelled."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from bibliohub.circulation import services
from bibliohub.history import Actor


def _lose_and_find(item, reader, lend, central, central_librarian, *, paid: str | None):
    item.price = Decimal("20.00")
    item.save()
    loan = lend(reader, item, days_ago=2)
    librarian = Actor.for_staff(central_librarian)
    services.mark_lost(loan=loan, branch=central, actor=librarian, at=timezone.now())
    if paid:
        services.pay(
            patron=reader, amount=Decimal(paid), actor=librarian, branch=central,
            at=timezone.now(),
        )  # fmt: skip
    services.checkin(item=item, branch=central, actor=librarian, at=timezone.now())


def test_a_paid_lost_copy_found_shows_a_refund_to_collect(
    signed_in, reader, make_item, lend, central, central_librarian
):
    _lose_and_find(make_item("Lalka"), reader, lend, central, central_librarian, paid="20.00")
    page = signed_in.get(reverse("portal:fines")).content.decode()
    assert "Refunds due to you" in page and "Lalka" in page
    assert "20.00" in page or "20,00" in page


def test_an_unpaid_lost_copy_found_shows_the_charge_cancelled(
    signed_in, reader, make_item, lend, central, central_librarian
):
    _lose_and_find(make_item("Lalka"), reader, lend, central, central_librarian, paid=None)
    page = signed_in.get(reverse("portal:fines")).content.decode()
    assert "Lost charges cancelled" in page and "you no longer owe its price" in page
    assert "You owe nothing." in page
