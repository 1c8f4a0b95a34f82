"""Checkout through the service: the loan, the due date by the desk's rule, every refusal
(recorded even when it raises), overrides by staff and never by a terminal."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from bibliohub.catalog.models import ItemStatus, ItemType
from bibliohub.circulation import selectors, services
from bibliohub.circulation.errors import CheckoutRefused, OverrideNotAllowed, RefusalReason
from bibliohub.circulation.models import CirculationRule, Fine, Loan, Term
from bibliohub.history import Actor, Channel
from bibliohub.libraries.models import CalendarException
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import Patron, PatronStatus
from tests.circulation.conftest import AT, end_of, events, refresh

R = RefusalReason


def refused(lend, patron, item, **kw) -> CheckoutRefused:
    with pytest.raises(CheckoutRefused) as e:
        lend(patron, item, **kw)
    return e.value


def test_a_checkout_lends_the_item_and_records_who_where_and_when(
    lend, reader, book, central, central_librarian, network
):
    book.record.languages, book.record.format, book.record.audience = ["ukr", "eng"], "book", "adult"
    book.record.save()
    loan = lend(reader, book)
    assert loan.patron == reader and loan.item == book and loan.returned_at is None
    assert loan.branch == central and loan.staff == central_librarian and loan.desk == "desk 1"
    assert loan.due_at == end_of(date(2026, 12, 22))  # 21 days, a Tuesday
    assert loan.category_id == reader.category_id and loan.age_band == "adult"
    assert loan.home_branch_id == reader.home_branch_id
    assert refresh(book).status == ItemStatus.ON_LOAN
    (event,) = events("checkout")
    assert (event.patron_id, event.item_id, event.branch_id, event.network_id) == (
        reader.pk,
        book.pk,
        central.pk,
        network.pk,
    )
    assert (event.object_type, event.object_id) == ("circulation.loan", loan.pk)
    assert (event.staff_id, event.source, event.channel, event.actor, event.at) == (
        central_librarian.pk,
        "desk 1",
        Channel.DESK,
        "staff",
        AT,
    )
    assert event.category_id == reader.category_id and event.pseudonym
    assert event.record_id == book.record_id and event.reasons == []
    # What the figures group loans by, read with the copy.
    assert (event.item_type_id, event.language, event.format, event.audience) == (
        book.item_type_id,
        "ukr",
        "book",
        "adult",
    )
    assert event.detail == {"item_status": "on_loan"}


def test_the_rule_of_the_lending_desk_applies_not_the_item_branch(
    lend, reader, make_item, central, riverside, riverside_librarian
):
    CirculationRule.objects.create(branch=riverside, loan_period=7)
    central_copy = make_item(branch=central)
    loan = lend(reader, central_copy, branch=riverside, actor=Actor.for_staff(riverside_librarian))
    assert loan.due_at == end_of(date(2026, 12, 8))


def test_the_due_date_moves_past_a_holiday(lend, reader, book, network):
    CalendarException.objects.create(network=network, date=date(2026, 12, 22), reason="Holiday")
    assert lend(reader, book).due_at == end_of(date(2026, 12, 23))


def test_an_hour_loan_is_due_by_closing_time(lend, reader, make_item, central):
    laptop = ItemType.objects.create(code="laptop", name="Laptop")
    CirculationRule.objects.create(
        item_type=laptop, loan_period=4, loan_unit="hours", calendar_mode="open_days"
    )
    loan = lend(reader, make_item(item_type=laptop), at=AT.replace(hour=18))
    assert loan.due_at == AT.replace(hour=20)


def test_a_school_loan_is_due_at_the_end_of_term(lend, reader, book, network):
    CirculationRule.objects.filter(branch=None).update(due_at_end_of_term=True)
    Term.objects.create(
        network=network, name="Autumn", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 24)
    )
    assert lend(reader, book).due_at == end_of(date(2026, 12, 24))


def test_outside_the_borrowing_window_of_the_term_school_loans_are_refused(
    lend, reader, book, network
):
    CirculationRule.objects.filter(branch=None).update(due_at_end_of_term=True)
    Term.objects.create(
        network=network,
        name="Autumn",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 24),
        borrowing_ends_on=date(2026, 11, 30),
    )
    assert refused(lend, reader, book).reasons == [R.OUTSIDE_BORROWING_WINDOW]


def test_a_refusal_is_recorded_even_though_the_checkout_raises(lend, reader, book, central):
    book.status = ItemStatus.REFERENCE
    book.save()
    refusal = refused(lend, reader, book)
    assert refusal.reasons == [R.NOT_LOANABLE]
    assert not Loan.objects.exists()
    (event,) = events("checkout_refused")
    assert event.reasons == ["not_loanable"]
    assert (event.patron_id, event.item_id, event.record_id, event.branch_id, event.source) == (
        reader.pk,
        book.pk,
        book.record_id,
        central.pk,
        "desk 1",
    )
    assert event.item_type_id == book.item_type_id and not events("checkout")


def test_an_item_out_is_refused_with_its_title_so_a_hold_can_be_placed(
    lend, reader, second_reader, book, central
):
    lend(reader, book)
    refusal = refused(lend, second_reader, book)
    assert refusal.reasons == [R.ITEM_ALREADY_ON_LOAN]
    assert refusal.hold_possible and refusal.record_id == book.record_id
    hold = services.place_hold(
        patron=second_reader,
        record=book.record,
        pickup_branch=central,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    assert hold.record_id == refusal.record_id
    assert [e.reasons for e in events("checkout_refused")] == [["item_already_on_loan"]]


def test_a_blocked_patron_is_refused(lend, reader, book, central, central_librarian):
    patron_services.add_block(
        reader,
        reason="Lost a laptop",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    assert refused(lend, reader, book).reasons == [R.PATRON_BLOCKED_MANUAL]


def test_a_pending_registration_is_refused(lend, reader, book):
    Patron.objects.filter(pk=reader.pk).update(status=PatronStatus.PENDING)
    assert refused(lend, reader, book).reasons == [R.PATRON_BLOCKED_PENDING]


def test_an_expired_card_is_refused(lend, reader, book):
    Patron.objects.filter(pk=reader.pk).update(card_expires_on=date(2026, 11, 30))
    assert refused(lend, reader, book).reasons == [R.CARD_EXPIRED]


def test_the_loan_limit_and_the_type_limit(lend, reader, make_item, default_rule, book_type):
    default_rule.max_loans = 3
    default_rule.save()
    CirculationRule.objects.create(item_type=book_type, loan_period=21, max_loans_of_type=2)
    dvd = ItemType.objects.create(code="dvd", name="DVD")
    lend(reader, make_item())
    lend(reader, make_item())
    assert refused(lend, reader, make_item()).reasons == [R.TYPE_LIMIT]
    lend(reader, make_item(item_type=dvd))
    assert refused(lend, reader, make_item(item_type=dvd)).reasons == [R.LOAN_LIMIT]


def test_overdue_items_block_new_loans(lend, reader, make_item):
    lend(reader, make_item())
    later = AT + timedelta(days=22)
    assert refused(lend, reader, make_item(), at=later).reasons == [R.OVERDUE]


def test_fines_over_the_limit_block_new_loans(lend, reader, book, central):
    Fine.objects.create(
        patron=reader, kind="manual", amount=Decimal("10.50"), created_at=AT, updated_at=AT
    )
    assert refused(lend, reader, book).reasons == [R.FINES_OVER_LIMIT]


def test_a_copy_set_aside_for_another_reader_is_refused(
    lend, reader, second_reader, book, central, central_librarian
):
    services.place_hold(
        patron=second_reader,
        record=book.record,
        pickup_branch=central,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    assert refused(lend, reader, book).reasons == [R.ITEM_ON_HOLD_FOR_ANOTHER]
    # The reader it waits for takes it, and the hold is fulfilled.
    loan = lend(second_reader, book)
    hold = second_reader.holds.get()
    assert hold.status == "fulfilled" and hold.assigned_item == book and loan.is_open


def test_an_item_not_for_loan_under_the_rule_is_refused(lend, reader, make_item):
    ref = ItemType.objects.create(code="ref", name="Reference")
    CirculationRule.objects.create(item_type=ref, loan_period=0)
    assert refused(lend, reader, make_item(item_type=ref)).reasons == [R.NOT_LOANABLE]


@pytest.mark.parametrize("status", [ItemStatus.LOST, ItemStatus.IN_TRANSIT, ItemStatus.MISSING])
def test_an_item_lost_missing_or_travelling_is_refused(lend, reader, make_item, status):
    assert refused(lend, reader, make_item(status=status)).reasons == [R.ITEM_NOT_AVAILABLE]


def test_without_any_rule_nothing_is_lent(lend, reader, book):
    CirculationRule.objects.all().delete()
    assert refused(lend, reader, book).reasons == [R.NO_RULE]


def test_staff_override_a_limit_with_a_reason_and_it_is_recorded(
    lend, reader, make_item, default_rule, central_librarian
):
    default_rule.max_loans = 1
    default_rule.save()
    lend(reader, make_item())
    loan = lend(reader, make_item(), override_reason="Exam next week")
    assert loan.is_open and refresh(loan).override_reason == "Exam next week"
    event = events("checkout")[-1]
    assert event.reasons == ["loan_limit"] and event.detail["override"] is True
    assert event.staff_id == central_librarian.pk
    # The reason typed is free text: it stays on the loan, never in the history.
    assert "Exam" not in str(event.detail)


@pytest.mark.parametrize("who", ["kiosk", "patron"])
def test_only_staff_can_ever_override(lend, reader, book, kiosk, who):
    actor = kiosk if who == "kiosk" else Actor.for_patron(reader)
    with pytest.raises(OverrideNotAllowed):
        lend(reader, book, actor=actor, override_reason="Please")
    assert not Loan.objects.exists()


def test_an_override_needs_a_reason(lend, reader, book):
    with pytest.raises(OverrideNotAllowed):
        lend(reader, book, override_reason="  ")


def test_a_terminal_is_refused_what_staff_could_override(
    lend, reader, book, default_rule, kiosk
):
    default_rule.max_loans = 0
    default_rule.save()
    assert refused(lend, reader, book, actor=kiosk).reasons == [R.LOAN_LIMIT]
    (event,) = events("checkout_refused")
    assert event.staff_id is None and event.source == "kiosk-1"
    assert (event.channel, event.terminal_id) == (Channel.SELF_CHECK, kiosk.terminal_id)


def test_a_copy_already_out_cannot_be_overridden(lend, reader, second_reader, book):
    lend(reader, book)
    refusal = refused(lend, second_reader, book, override_reason="Urgent")
    assert refusal.reasons == [R.ITEM_ALREADY_ON_LOAN]
    assert events("checkout_refused")[-1].detail == {"override_asked": True}


def test_the_database_refuses_a_second_open_loan_of_one_copy(lend, reader, second_reader, book):
    first = lend(reader, book)
    with pytest.raises(IntegrityError), transaction.atomic():
        Loan.objects.create(
            item=book,
            patron=second_reader,
            branch=first.branch,
            item_type=first.item_type,
            checked_out_at=AT,
            due_at=AT,
        )


def test_an_open_loan_the_item_status_does_not_show_still_refuses_the_checkout(
    lend, reader, second_reader, book
):
    # The unique index is the last word: a copy marked available by mistake while its loan
    # is open is refused, the refusal is recorded and the first loan stays the only one.
    first = lend(reader, book)
    book.__class__.objects.filter(pk=book.pk).update(status=ItemStatus.AVAILABLE)
    assert refused(lend, second_reader, book).reasons == [R.ITEM_ALREADY_ON_LOAN]
    assert list(Loan.objects.filter(item=book, returned_at__isnull=True)) == [first]
    assert events("checkout_refused")[-1].patron_id == second_reader.pk
    assert refresh(book).status == ItemStatus.AVAILABLE  # nothing of the refused loan written


def test_checkout_cost_does_not_grow_with_the_patron_loans(
    lend, reader, make_item, django_assert_max_num_queries
):
    lend(reader, make_item())
    template = Loan.objects.get()
    items = [make_item() for _ in range(1000)]
    Loan.objects.bulk_create(
        Loan(
            item=i,
            patron=reader,
            branch=template.branch,
            item_type=template.item_type,
            checked_out_at=AT,
            due_at=template.due_at,
        )
        for i in items
    )
    assert selectors.patron_state(reader, at=AT)[1].open_loans == 1001
    item = make_item()
    # Item (with its title's facts), patron, the patron's counts, rules, holds, calendar (2),
    # loan, item, the record's holdings in the search index (2), the history entry, the
    # year's pseudonym key (read once per process, but the test's transaction never
    # commits, so it is read every time here), the savepoint around the whole and, on
    # PostgreSQL, the one around the insert and the lock on the title's row.
    with django_assert_max_num_queries(18):
        lend(reader, item)
