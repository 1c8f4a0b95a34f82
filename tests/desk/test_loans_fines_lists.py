"""Renewals, lost and claimed-returned loans, fines and receipts, the hold and transit lists,
and the query budget of the desk for a patron with a thousand loans."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.circulation import services
from bibliohub.circulation.models import (
    Fine,
    Loan,
    Payment,
    Transfer,
)
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.history.privacy import pseudonym
from tests.desk.conftest import AT, scan


def test_renew_one_loan_the_ticked_ones_or_all(desk, reader, lend, make_item):
    loans = [lend(reader, make_item()) for _ in range(3)]
    url = reverse("staff:circulation:renew", args=[reader.pk])
    response = desk.post(url, {"loan": loans[0].pk})
    assert response.status_code == 302
    assert Loan.objects.get(pk=loans[0].pk).renewals == 1
    desk.post(url, {"loans": [loans[1].pk, loans[2].pk], "selected": ""})
    assert [Loan.objects.get(pk=loan.pk).renewals for loan in loans] == [1, 1, 1]
    page = desk.post(url, {"all": ""}, follow=True).content.decode()
    assert [Loan.objects.get(pk=loan.pk).renewals for loan in loans] == [2, 2, 2]
    assert "Renewed:" in page


def test_a_refused_renewal_says_why(desk, reader, second_reader, lend, book):
    loan = lend(reader, book)
    services.place_hold(
        patron=second_reader,
        record=book.record,
        pickup_branch=book.branch,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    page = desk.post(
        reverse("staff:circulation:renew", args=[reader.pk]), {"loan": loan.pk}, follow=True
    )
    html = page.content.decode()
    assert "Not renewed: Kobzar. Another reader is waiting for this item." in html
    assert Loan.objects.get(pk=loan.pk).renewals == 0


def test_ticking_nothing_is_said_so(desk, reader):
    page = desk.post(
        reverse("staff:circulation:renew", args=[reader.pk]), {"selected": ""}, follow=True
    )
    assert "Tick the loans to renew first." in page.content.decode()


@pytest.mark.parametrize(
    "outcome,status", [("lost", ItemStatus.LOST), ("claims_returned", ItemStatus.MISSING)]
)
def test_a_loan_ends_as_lost_or_claimed_returned_after_confirming(
    desk, reader, lend, make_item, outcome, status
):
    item = make_item(price=Decimal("15.00"))
    loan = lend(reader, item)
    url = reverse("staff:circulation:loan_outcome", args=[loan.pk])
    assert desk.get(url).status_code == 200
    assert desk.post(url, {"outcome": "stolen"}).status_code == 400
    assert desk.post(url, {"outcome": outcome}).status_code == 302
    loan.refresh_from_db()
    item.refresh_from_db()
    assert loan.outcome == outcome and item.status == status
    assert Fine.objects.filter(patron=reader, kind="lost").exists() == (outcome == "lost")


def test_a_payment_settles_the_oldest_fines_and_prints_a_receipt(
    desk, reader, lend, make_item, central, central_librarian
):
    for amount in ("2.00", "3.00"):
        services.charge_fine(
            patron=reader,
            amount=Decimal(amount),
            note="Replacement card",
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
        )
    url = reverse("staff:circulation:fines", args=[reader.pk])
    page = desk.get(url).content.decode()
    assert "Owed in all: 5.00" in page
    assert desk.post(url, {"amount": "9.00"}).status_code == 400  # more than is owed
    response = desk.post(url, {"amount": "3.00"})
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert response["Location"] == reverse("staff:circulation:receipt", args=[payment.pk])
    receipt = desk.get(response["Location"]).content.decode()
    assert payment.receipt_number in receipt and "data-print" in receipt
    first, second = Fine.objects.order_by("pk")
    assert first.settled_at is not None and second.paid == Decimal("1.00")


def test_a_fine_is_waived_only_with_a_reason(desk, reader, central, central_librarian):
    fine = services.charge_fine(
        patron=reader,
        amount=Decimal("2.00"),
        note="Torn page",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    url = reverse("staff:circulation:waive", args=[fine.pk])
    page = desk.post(url, {"reason": ""}, follow=True).content.decode()
    assert "Say why the fine is waived." in page
    desk.post(url, {"reason": "First time, goodwill"})
    fine.refresh_from_db()
    assert fine.waived_reason == "First time, goodwill"
    assert Entry.objects.get(domain="circulation", kind="waive").staff_id == central_librarian.pk


def test_holds_to_pull_and_the_hold_shelf_list_what_readers_wait_for(
    desk, reader, second_reader, make_item, make_record, lend, central
):
    record = make_record("Tiger Catchers")
    copy = make_item(record=record)
    services.place_hold(
        patron=reader, record=record, pickup_branch=central, actor=Actor.for_patron(reader), at=AT
    )
    page = desk.get(reverse("staff:circulation:holds_to_pull")).content.decode()
    assert "Tiger Catchers" in page and copy.barcode in page and "Kovalenko, Test" in page
    desk.post(
        reverse("staff:circulation:checkin"), {"barcode": copy.barcode}
    )  # pulled and checked in
    shelf = desk.get(reverse("staff:circulation:hold_shelf")).content.decode()
    assert "Kovalenko, Test (P0001)" in shelf and copy.barcode in shelf
    assert "2026-12-08" in shelf  # seven days to pick up
    assert (
        "Nothing to pull now."
        in desk.get(reverse("staff:circulation:holds_to_pull")).content.decode()
    )


def test_send_an_item_to_another_branch_and_receive_it_there(
    desk, client, book, riverside, riverside_librarian
):
    response = desk.post(
        reverse("staff:circulation:transit"), {"barcode": book.barcode, "to_branch": riverside.pk}
    )
    assert response.status_code == 302
    page = desk.get(reverse("staff:circulation:transit")).content.decode()
    assert "Sent from here" in page and book.barcode in page
    client.force_login(riverside_librarian)
    incoming = client.get(reverse("staff:circulation:transit")).content.decode()
    assert book.barcode in incoming and "Central Library" in incoming
    page = client.post(
        reverse("staff:circulation:receive"), {"barcode": book.barcode}, follow=True
    ).content.decode()
    assert Transfer.objects.get(to_branch=riverside).received_branch == riverside
    assert f"{book.barcode} received:" in page
    assert "Nothing is on the way here." in page


def test_sending_a_copy_that_is_out_is_refused_next_to_the_field(
    desk, reader, book, lend, riverside
):
    lend(reader, book)
    response = desk.post(
        reverse("staff:circulation:transit"), {"barcode": book.barcode, "to_branch": riverside.pk}
    )
    assert response.status_code == 400
    assert "cannot be sent" in response.content.decode()


@pytest.fixture
def thousand_loans(reader, central, book_type) -> int:
    """A thousand current loans for the reader, written in bulk (the setup, not the subject)."""
    records = Record.objects.bulk_create(
        Record(marc=b"", title=f"Volume {n}", created_at=AT, updated_at=AT) for n in range(1000)
    )
    items = Item.objects.bulk_create(
        Item(
            record=r,
            barcode=f"T{n:05d}",
            branch=central,
            item_type=book_type,
            status=ItemStatus.ON_LOAN,
            created_at=AT,
            updated_at=AT,
        )
        for n, r in enumerate(records)
    )
    Loan.objects.bulk_create(
        Loan(
            item=item,
            patron=reader,
            branch=central,
            item_type=book_type,
            checked_out_at=AT - timedelta(days=1),
            due_at=AT + timedelta(days=20 + n % 7),
            category_id=reader.category_id,
            age_band="adult",
            home_branch=central,
        )
        for n, item in enumerate(items)
    )
    return 1000


# Measured: 7 queries for the page (session, user, desk branch, patron, blocks, one page of
# loans and its count) and 25 for a scan with its savepoints (the checkout service, then the
# loan list again), whatever the number of loans; a little room above that. The scan reads
# the year's pseudonym key too: once per process in production, but every time here, where
# the test's transaction never commits.
PAGE_BUDGET = 9
SCAN_BUDGET = 28  # one more on PostgreSQL: the lock on the title's row


def test_the_checkout_page_of_a_patron_with_1000_loans_stays_within_its_query_budget(
    desk, reader, thousand_loans, django_assert_max_num_queries
):
    url = reverse("staff:circulation:checkout", args=[reader.pk])
    desk.get(url)  # the session and the desk branch settle
    with django_assert_max_num_queries(PAGE_BUDGET):
        response = desk.get(url)
    html = response.content.decode()
    assert "1000 items on loan" in html
    assert html.count('name="loans"') == 50  # one page, never a thousand rows
    assert "Page 1 of 20" in html
    second = desk.get(
        reverse("staff:circulation:loans", args=[reader.pk]), {"page": 2}, HTTP_HX_REQUEST="true"
    )
    assert second.content.decode().count('name="loans"') == 50


def test_a_scan_for_a_patron_with_1000_loans_stays_within_its_query_budget(
    desk, reader, thousand_loans, make_item, django_assert_max_num_queries
):
    item = make_item()
    desk.get(reverse("staff:circulation:checkout", args=[reader.pk]))
    # The network's key of the year exists (made by its first entry about a patron).
    pseudonym(network_id=reader.network_id, patron_id=reader.pk, day=AT.date(), at=AT)
    with django_assert_max_num_queries(SCAN_BUDGET):
        response = scan(desk, reader, item.barcode)
    assert "Lent" in response.content.decode()
    assert "1001 items on loan" in response.content.decode()
