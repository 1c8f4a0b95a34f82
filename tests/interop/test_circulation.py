"""Lending, returning, renewing, paying and holds from a self-check: the PyPI Sip2 client
drives a whole session, pysip2 reads every answer strictly, and the database shows that the
same circulation services as the desk did the work, with no member of staff and the
terminal as the desk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation import services
from bibliohub.circulation.models import CirculationRule, Hold, HoldStatus, Loan, RenewalBase
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.interop.sip2 import codec
from bibliohub.interop.sip2.models import SelfCheckTerminal

from .conftest import TERMINAL_PASSWORD
from .sip_clients import RawClient, sip2_client, strict

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def default_rule(db) -> CirculationRule:
    return CirculationRule.objects.create(loan_period=21, renewals_allowed=1, max_loans=3)


@pytest.fixture
def kiosk(sip_server, tmp_path, terminal, default_rule):
    client = sip2_client(sip_server.port, tmp_path)
    assert (
        strict(client.get_response(client.sip_login_request("sc-central-1", TERMINAL_PASSWORD))).ok
        == "1"
    )
    yield client
    client.disconnect()


def ask(client, request):
    return strict(client.get_response(request))


def test_a_reader_borrows_renews_and_returns_at_the_kiosk(kiosk, reader, items):
    status = ask(kiosk, kiosk.sip_sc_status_request())
    assert (status.checkout_ok, status.checkin_ok, status.acs_renewal_policy) == ("Y", "Y", "Y")

    kiosk.patron = "P1001"
    lent = ask(kiosk, kiosk.sip_checkout_request("I0001"))
    assert (lent.ok, lent.renewal_ok, lent.desensitize) == ("1", "N", "Y")
    assert lent.title_identifier == "Кобзар : вибрані твори"
    loan = Loan.objects.get(item=items["kobzar"], returned_at__isnull=True)
    assert lent.due_date == codec.format_date(timezone.localtime(loan.due_at).replace(tzinfo=None))
    assert (loan.patron, loan.staff, loan.desk, loan.branch.code) == (
        reader,
        None,
        "sc-central-1",
        "central",
    )
    event = Entry.objects.get(kind="checkout", object_type="circulation.loan", object_id=loan.pk)
    assert (event.staff_id, event.source, event.channel, event.actor) == (
        None,
        "sc-central-1",
        Channel.SELF_CHECK,
        "terminal",
    )
    assert event.terminal_id == SelfCheckTerminal.objects.get(login="sc-central-1").pk

    info = ask(kiosk, kiosk.sip_patron_information_request("charged"))
    assert info.charged_items_count == "0001"
    assert info.charged_items == ("I0001",)
    item = ask(kiosk, kiosk.sip_item_information_request("I0001"))
    assert item.circulation_status == "04"
    assert item.due_date == lent.due_date

    renewed = ask(kiosk, kiosk.sip_renew_request("I0001"))
    assert (renewed.ok, renewed.renewal_ok) == ("1", "Y")
    again = ask(kiosk, kiosk.sip_renew_request("I0001"))
    assert again.ok == "0"
    assert again.screen_message == ("No renewals are left on this loan.",)

    returned = ask(kiosk, kiosk.sip_checkin_request("I0001"))
    assert (returned.ok, returned.alert) == ("1", "N")
    assert returned.patron_identifier == "P1001"
    items["kobzar"].refresh_from_db()
    assert items["kobzar"].status == ItemStatus.AVAILABLE

    bye = ask(kiosk, kiosk.sip_end_patron_session_request())
    assert bye.end_session == "Y"


def test_a_refusal_carries_every_reason_and_a_terminal_never_overrides(
    kiosk, blocked_reader, items
):
    kiosk.patron = "P1002"
    refused = ask(kiosk, kiosk.sip_checkout_request("I0002"))
    assert refused.ok == "0"
    assert refused.due_date == ""
    assert refused.screen_message == ("The library has blocked this card.",)
    assert not Loan.objects.exists()
    refusal = Entry.objects.get(kind="checkout_refused")
    assert (refusal.staff_id, refusal.source, refusal.reasons) == (
        None,
        "sc-central-1",
        ["patron_blocked_manual"],
    )


def test_a_copy_lent_to_someone_else_is_refused(
    kiosk, reader, blocked_reader, items, central_librarian, central
):
    services.checkout(
        patron=reader, item=items["dune"], branch=central,
        actor=Actor.for_staff(central_librarian), at=timezone.now(),
    )  # fmt: skip
    kiosk.patron = "P1002"
    refused = ask(kiosk, kiosk.sip_checkout_request("I0002"))
    assert refused.ok == "0"
    assert "This item is already on loan." in refused.screen_message


def test_a_renewal_too_soon_is_refused_with_the_reason_on_screen(
    kiosk, reader, items, default_rule
):
    default_rule.renewal_base = RenewalBase.RENEWAL_DAY
    default_rule.save()
    kiosk.patron = "P1001"
    assert ask(kiosk, kiosk.sip_checkout_request("I0001")).ok == "1"
    refused = ask(kiosk, kiosk.sip_renew_request("I0001"))
    assert (refused.ok, refused.renewal_ok) == ("0", "N")
    assert refused.screen_message == (
        "It is too soon to renew this item: renewing it now would not move its due date.",
    )
    assert Loan.objects.get().renewals == 0
    assert Entry.objects.get(kind="renewal_refused").reasons == ["too_soon"]


def test_checking_out_what_you_already_have_renews_it_when_the_kiosk_allows(kiosk, reader, items):
    kiosk.patron = "P1001"
    assert ask(kiosk, kiosk.sip_checkout_request("I0001")).ok == "1"
    no_policy = ask(kiosk, kiosk.sip_checkout_request("I0001"))
    assert (no_policy.ok, no_policy.screen_message) == ("0", ("You already have this item.",))
    renewed = ask(kiosk, kiosk.sip_checkout_request("I0001", scRenewalPolicy="Y"))
    assert (renewed.ok, renewed.renewal_ok) == ("1", "Y")
    assert Loan.objects.get().renewals == 1
    # A renewal, and no refusal: the reader was not refused a copy they have.
    kinds = list(Entry.objects.filter(domain="circulation").order_by("pk").values_list("kind", flat=True))
    assert kinds == ["checkout", "renew"]


def test_renew_all_says_which_were_renewed(kiosk, reader, items):
    kiosk.patron = "P1001"
    ask(kiosk, kiosk.sip_checkout_request("I0001"))
    ask(kiosk, kiosk.sip_checkout_request("I0002"))
    ask(kiosk, kiosk.sip_renew_request("I0002"))  # its one renewal used up
    result = ask(kiosk, kiosk.sip_renew_all_request())
    assert (result.ok, result.renewed_count, result.unrenewed_count) == ("1", "0001", "0001")
    assert (result.renewed_items, result.unrenewed_items) == (("I0001",), ("I0002",))
    assert "I0002: No renewals are left on this loan." in result.screen_message


def test_a_return_for_another_branch_is_set_aside(kiosk, reader, items, riverside):
    kiosk.patron = "P1001"
    returned = ask(kiosk, kiosk.sip_checkin_request("I0003"))  # a Riverside copy
    assert (returned.ok, returned.alert, returned.sort_bin) == ("1", "Y", "transit")
    assert returned.screen_message == (
        "Please leave this item at the desk: it goes to Riverside Branch.",
    )


def test_a_fine_is_paid_at_the_kiosk(kiosk, reader, central, central_librarian):
    services.charge_fine(
        patron=reader, amount=Decimal("3.50"), note="Lost card", branch=central,
        actor=Actor.for_staff(central_librarian), at=timezone.now(),
    )  # fmt: skip
    kiosk.patron = "P1001"
    info = ask(kiosk, kiosk.sip_patron_information_request("fine"))
    assert (info.fee_amount, info.fine_items_count) == ("3.50", "0001")
    assert info.fine_items[0].startswith("3.50 ")
    paid = ask(kiosk, kiosk.sip_fee_paid_request(1, 0, "2.00"))
    assert paid.payment_accepted == "Y"
    assert paid.transaction_id
    too_much = ask(kiosk, kiosk.sip_fee_paid_request(1, 0, "9.00"))
    assert too_much.payment_accepted == "N"
    assert ask(kiosk, kiosk.sip_patron_status_request()).fee_amount == "1.50"
    payment = Entry.objects.get(kind="payment")
    assert (payment.amount, payment.currency, payment.channel) == (
        Decimal("2.00"),
        "UAH",
        Channel.SELF_CHECK,
    )


def test_a_hold_is_placed_and_cancelled_from_the_kiosk(
    kiosk, reader, blocked_reader, items, central, central_librarian
):
    services.checkout(
        patron=blocked_reader, item=items["dune"], branch=central,
        actor=Actor.for_staff(central_librarian), at=timezone.now(),
        override_reason="Agreed with the manager",
    )  # fmt: skip
    items["dune_riverside"].status = ItemStatus.ON_LOAN
    items["dune_riverside"].save()
    kiosk.patron = "P1001"
    placed = ask(
        kiosk, kiosk.sip_hold_request("+", itemIdentifier="I0002", pickupLocation="central")
    )
    assert (placed.ok, placed.queue_position, placed.pickup_location) == ("1", "1", "central")
    hold = Hold.objects.get(patron=reader)
    assert (hold.status, hold.record_id, hold.item) == (
        HoldStatus.WAITING,
        items["dune"].record_id,
        None,
    )
    info = ask(kiosk, kiosk.sip_patron_information_request("unavail"))
    assert info.unavailable_holds_count == "0001"
    assert info.unavailable_hold_items == ("Dune",)
    cancelled = ask(kiosk, kiosk.sip_hold_request("-", itemIdentifier="I0002"))
    assert cancelled.ok == "1"
    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED


def test_a_retransmitted_checkout_is_answered_again_not_done_twice(
    sip_server, terminal, default_rule, reader, items
):
    raw = RawClient(sip_server.port)
    try:
        raw.send(
            codec.encode(
                codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD),
                sequence=0,
            )
        )
        assert strict(raw.read()).ok == "1"
        frame = codec.encode(
            codec.Checkout(
                institution_id="central", patron_identifier="P1001", item_identifier="I0001"
            ),
            sequence=1,
        )
        raw.send(frame)
        first = raw.read()
        raw.send(frame)
        assert raw.read() == first
        assert strict(first).ok == "1"
        assert Entry.objects.filter(kind__in=["checkout", "checkout_refused"]).count() == 1
    finally:
        raw.close()


def test_screen_messages_follow_the_terminals_language(
    sip_server, tmp_path, ukrainian_terminal, default_rule, reader, items
):
    client = sip2_client(sip_server.port, tmp_path)
    try:
        assert ask(client, client.sip_login_request("sc-central-uk", TERMINAL_PASSWORD)).ok == "1"
        client.patron = "P1001"
        lent = ask(client, client.sip_checkout_request("I0001"))
        due = timezone.localtime(Loan.objects.get().due_at)
        # Dates as Ukrainian readers write them; the wording itself is translated with the
        # rest of the interface.
        assert f"{due:%d.%m.%Y}" in lent.screen_message[0]
    finally:
        client.disconnect()


def test_patron_information_sends_the_range_of_items_asked_for(
    sip_server, terminal, default_rule, reader, items
):
    for barcode in ("I0001", "I0002", "I0003"):
        services.checkout(
            patron=reader, item=items[{"I0001": "kobzar", "I0002": "dune", "I0003": "dune_riverside"}[barcode]],
            branch=items["kobzar"].branch, actor=Actor.for_patron(reader), at=timezone.now(),
        )  # fmt: skip
    raw = RawClient(sip_server.port)
    try:
        raw.send(
            codec.encode(
                codec.Login(login_user_id="sc-central-1", login_password=TERMINAL_PASSWORD),
                sequence=0,
            )
        )
        assert strict(raw.read()).ok == "1"
        raw.send(
            codec.encode(
                codec.PatronInformation(
                    summary="  Y       ", institution_id="central", patron_identifier="P1001",
                    start_item="2", end_item="3",
                ),
                sequence=1,
            )
        )  # fmt: skip
        info = strict(raw.read())
        assert info.charged_items_count == "0003"
        assert len(info.charged_items) == 2
        assert info.hold_items == info.overdue_items == ()
    finally:
        raw.close()
