"""The circulation events move into the one history when the database is migrated: every row
kept, refusals split by what they refused, channels inferred from staff and desk, loans and
payments named, free text left on the rows it belongs to."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item, ItemType, Record
from bibliohub.circulation.models import Fine, Hold, Loan, Payment
from bibliohub.history.models import Entry
from bibliohub.interop.sip2.models import SelfCheckTerminal
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory, PatronStatus

BEFORE = [("circulation", "0009_override_reason")]
AT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_circulation_event_into_the_history():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    Event = executor.loader.project_state(BEFORE).apps.get_model("circulation", "CirculationEvent")

    network = Network.objects.create(name="Net", currency="PLN")
    branch = Branch.objects.create(network=network, code="main", name="Main")
    adults = PatronCategory.objects.create(code="adult", name="Adult", age_band=AgeBand.ADULT)
    patron = Patron.objects.create(
        network=network, card_barcode="C1", family_name="Reader", given_names="A",
        date_of_birth=date(1990, 6, 1), home_branch=branch, category=adults,
        status=PatronStatus.ACTIVE, created_at=AT,
    )  # fmt: skip
    staff = User.objects.create_user(username="olena", password="x")
    terminal = SelfCheckTerminal(login="kiosk-1", name="Hall", branch=branch)
    terminal.set_password("x")
    terminal.save()
    record = Record.objects.create(
        marc=b"", title="Kobzar", languages=["ukr"], format="book", audience="adult",
        created_at=AT, updated_at=AT,
    )  # fmt: skip
    book_type = ItemType.objects.create(code="book", name="Book")
    item = Item.objects.create(
        record=record, barcode="I1", branch=branch, item_type=book_type, created_at=AT,
        updated_at=AT,
    )  # fmt: skip
    loan = Loan.objects.create(
        item=item, patron=patron, branch=branch, item_type=book_type, checked_out_at=AT,
        due_at=AT + timedelta(days=21), category=adults, age_band=AgeBand.ADULT,
    )  # fmt: skip
    gone = Loan.objects.create(
        item=item, patron=None, branch=branch, item_type=book_type, checked_out_at=AT,
        due_at=AT, returned_at=AT, outcome="returned", category=adults, age_band=AgeBand.ADULT,
    )  # fmt: skip
    hold = Hold.objects.create(record=record, patron=patron, pickup_branch=branch, placed_at=AT)
    fine = Fine.objects.create(
        patron=patron, loan=loan, item=item, branch=branch, kind="overdue",
        amount=Decimal("0.60"), created_at=AT, updated_at=AT,
    )  # fmt: skip
    payment = Payment.objects.create(
        receipt_number="MAIN-20260302-000001", patron=patron, amount=Decimal("0.60"),
        branch=branch, at=AT,
    )  # fmt: skip

    def event(kind, **kw):
        kw.setdefault("branch_id", branch.pk)
        return Event.objects.create(kind=kind, at=kw.pop("at", AT), **kw)

    common = {"item_id": item.pk, "record_id": record.pk, "category_id": adults.pk, "age_band": "adult"}
    rows = [
        event("checkout", staff_id=staff.pk, desk="staff desk", patron_id=patron.pk,
              loan_id=loan.pk, reasons=["loan_limit"], override_reason="Exam next week",
              **common),
        event("refusal", desk="kiosk-1", patron_id=patron.pk, action="checkout",
              reasons=["overdue"], **common),
        event("refusal", desk="portal", patron_id=patron.pk, loan_id=loan.pk, action="renew",
              reasons=["hold_waiting"], **common),
        event("refusal", desk="portal", patron_id=patron.pk, action="hold",
              reasons=["already_held"], record_id=record.pk, category_id=adults.pk),
        event("renew", desk="auto-renewal", patron_id=patron.pk, loan_id=loan.pk, **common),
        event("fine", patron_id=patron.pk, loan_id=loan.pk, amount=Decimal("0.60"),
              detail={"kind": "overdue", "fine": fine.pk}, at=AT + timedelta(days=30), **common),
        event("checkin", desk="kiosk-1", patron_id=patron.pk, loan_id=loan.pk,
              amount=Decimal("0.60"), at=AT + timedelta(days=30), **common),
        event("fine", patron_id=patron.pk, loan_id=loan.pk, amount=Decimal("0.20"),
              detail={"kind": "overdue", "fine": fine.pk}, at=AT + timedelta(days=31), **common),
        event("payment", staff_id=staff.pk, desk="staff desk", patron_id=patron.pk,
              amount=Decimal("0.60"), detail={"receipt": payment.receipt_number},
              category_id=adults.pk, age_band="adult"),
        event("hold_cancelled", patron_id=patron.pk, hold_id=hold.pk, branch_id=None,
              detail={"reason": "Bought it myself"}, record_id=record.pk),
        event("damaged", staff_id=staff.pk, item_id=item.pk, detail={"note": "Torn cover"}),
        event("checkin", staff_id=staff.pk, loan_id=gone.pk, category_id=adults.pk,
              age_band="adult", item_id=item.pk),
        event("anonymised", branch_id=None, detail={"network": network.pk, "loans": 1,
                                                     "delay_days": 30}),
    ]  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    entries = list(Entry.objects.filter(domain="circulation").order_by("pk"))
    assert len(entries) == len(rows)
    (checkout, refused_checkout, refused_renewal, refused_hold, renewal, fine_at_return, checkin,
     fine_by_job, paid, cancelled, damaged, anonymous_checkin, anonymised) = entries  # fmt: skip
    assert [e.kind for e in (refused_checkout, refused_renewal, refused_hold)] == [
        "checkout_refused",
        "renewal_refused",
        "hold_refused",
    ]
    # Who and how: staff at the desk, a terminal, the portal, the scheduled jobs.
    assert (checkout.channel, checkout.actor, checkout.staff_id, checkout.source) == (
        "desk", "staff", staff.pk, "staff desk",
    )  # fmt: skip
    assert (refused_checkout.channel, refused_checkout.terminal_id) == ("selfcheck", terminal.pk)
    assert (refused_renewal.channel, refused_renewal.actor) == ("online", "patron")
    assert (renewal.channel, renewal.source) == ("job", "auto_renewals")
    assert (fine_at_return.channel, fine_at_return.terminal_id) == ("selfcheck", terminal.pk)
    assert (fine_by_job.channel, fine_by_job.source) == ("job", "fines")
    assert (cancelled.channel, cancelled.actor) == ("online", "patron")
    assert anonymised.channel == "job" and anonymised.network_id == network.pk
    # Patron facts: the age from the date of birth, the category, a pseudonym.
    assert (checkout.patron_id, checkout.age, checkout.category_id) == (patron.pk, 35, adults.pk)
    assert checkout.pseudonym and checkout.age_band == ""
    assert (anonymous_checkin.patron_id, anonymous_checkin.age, anonymous_checkin.age_band) == (
        None, None, "adult",
    )  # fmt: skip
    # What was touched, and the material's dimensions for loans.
    assert (checkout.object_type, checkout.object_id) == ("circulation.loan", loan.pk)
    assert (checkout.item_id, checkout.record_id, checkout.item_type_id) == (
        item.pk, record.pk, book_type.pk,
    )  # fmt: skip
    assert (checkout.language, checkout.format, checkout.audience) == ("ukr", "book", "adult")
    assert (fine_at_return.object_type, fine_at_return.object_id) == ("circulation.loan", loan.pk)
    assert fine_at_return.detail == {"kind": "overdue", "fine": fine.pk}
    assert (paid.object_type, paid.object_id) == ("circulation.payment", payment.pk)
    assert (cancelled.object_type, cancelled.object_id) == ("circulation.hold", hold.pk)
    # Amounts in the network's currency; reasons kept.
    assert (checkin.amount, checkin.currency) == (Decimal("0.60"), "PLN")
    assert (paid.amount, paid.currency) == (Decimal("0.60"), "PLN")
    assert checkout.reasons == ["loan_limit"] and refused_hold.reasons == ["already_held"]
    # Free text stays out of the history; the override reason goes to the loan.
    assert checkout.detail == {"override": True}
    assert Loan.objects.get(pk=loan.pk).override_reason == "Exam next week"
    assert cancelled.detail == {} and damaged.detail == {}
    assert all(e.day == date(2026, 3, 2) for e in entries[:5])

    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
