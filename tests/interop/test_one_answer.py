"""One answer to "may this patron borrow, and why not": for each kind of block, a self-check's
patron status (through the SIP2 server, read by a real client), the desk's patron and
checkout pages, the portal and the checkout itself agree. A terminal never says "charge
denied" and then lends, nor the other way round."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from bibliohub.circulation import services
from bibliohub.circulation.errors import CheckoutRefused
from bibliohub.circulation.errors import RefusalReason as R
from bibliohub.circulation.models import CirculationRule, Fine, Loan
from bibliohub.history import Actor
from bibliohub.interop.sip2.handlers import CHARGE_DENIED, HOLD_DENIED, RENEWAL_DENIED
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import Patron, PatronStatus
from bibliohub.patrons.pins import set_pin
from bibliohub.portal.views import _TO_THE_PATRON

from .conftest import TERMINAL_PASSWORD, make_item, make_record
from .sip_clients import sip2_client, strict

pytestmark = pytest.mark.django_db(transaction=True)

PIN = "8642"
TOO_MANY_CHARGED, TOO_MANY_OVERDUE, EXCESSIVE_FINES = 5, 6, 10


def _manual(patron, librarian, central):
    patron_services.add_block(
        patron, reason="Talk to us", branch=central, actor=Actor.for_staff(librarian),
        at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip


def _expired(patron, librarian, central):
    Patron.objects.filter(pk=patron.pk).update(
        card_expires_on=timezone.localdate() - timedelta(days=1)
    )


def _fines(patron, librarian, central):
    now = timezone.now()
    Fine.objects.create(
        patron=patron, kind="manual", amount=Decimal("10.50"), created_at=now, updated_at=now
    )


def _overdue(patron, librarian, central):
    item = make_item(make_record("Late"), "L0001", central, _book_type())
    services.checkout(
        patron=patron, item=item, branch=central, actor=Actor.for_staff(librarian),
        at=timezone.now() - timedelta(days=40),
    )  # fmt: skip


def _loan_limit(patron, librarian, central):
    for n in (1, 2):
        item = make_item(make_record(f"Out {n}"), f"O000{n}", central, _book_type())
        services.checkout(
            patron=patron, item=item, branch=central, actor=Actor.for_staff(librarian),
            at=timezone.now(),
        )  # fmt: skip


def _pending(patron, librarian, central):
    Patron.objects.filter(pk=patron.pk).update(status=PatronStatus.PENDING)


def _book_type():
    from bibliohub.catalog.models import ItemType

    return ItemType.objects.get(code="book")


BLOCKS = {
    "manual block": (_manual, R.PATRON_BLOCKED_MANUAL, None),
    "expired card": (_expired, R.CARD_EXPIRED, None),
    "fines over the limit": (_fines, R.FINES_OVER_LIMIT, EXCESSIVE_FINES),
    "overdue": (_overdue, R.OVERDUE, TOO_MANY_OVERDUE),
    "loan limit": (_loan_limit, R.LOAN_LIMIT, TOO_MANY_CHARGED),
    "pending registration": (_pending, R.PATRON_BLOCKED_PENDING, None),
}


@pytest.fixture
def world(sip_server, tmp_path, terminal, reader, items, central, central_librarian):
    CirculationRule.objects.create(loan_period=21, max_loans=2, max_fines_before_block=10)
    set_pin(reader, pin=PIN, actor=Actor.for_staff(central_librarian), at=timezone.now())
    kiosk = sip2_client(sip_server.port, tmp_path)
    assert strict(kiosk.get_response(kiosk.sip_login_request("sc-central-1", TERMINAL_PASSWORD))).ok == "1"
    kiosk.patron = reader.card_barcode
    desk = Client()
    desk.force_login(central_librarian)
    portal = Client()
    response = portal.post(reverse("portal:sign-in"), {"card_number": "P1001", "pin": PIN})
    assert response.status_code == 302
    portal.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English texts
    translation.activate("en")  # signing in switched to the reader's language (Polish)
    yield kiosk, desk, portal
    kiosk.disconnect()


def _english(text) -> str:
    # Requests to the portal switch this thread to the reader's language; the terminal
    # speaks English.
    with translation.override("en"):
        return str(text)


def _patron_status(kiosk) -> tuple[str, tuple[str, ...]]:
    answer = strict(kiosk.get_response(kiosk.sip_patron_status_request()))
    return answer.patron_status, answer.screen_message


@pytest.mark.parametrize("kind", list(BLOCKS))
def test_every_interface_and_checkout_give_the_same_answer(
    world, kind, reader, items, central, central_librarian
):
    kiosk, desk, portal = world
    make_block, reason, flag = BLOCKS[kind]
    make_block(reader, central_librarian, central)
    reader = Patron.objects.get(pk=reader.pk)

    # The self-check: charging denied, saying why (and which, where SIP2 has a flag for it).
    status, screen = _patron_status(kiosk)
    assert status[CHARGE_DENIED] == "Y"
    assert _english(reason.label) in screen
    if flag is not None:
        assert status[flag] == "Y"
    # Renewals and holds are denied for the patron's blocks, not for the loan limit.
    renewing_too = reason != R.LOAN_LIMIT
    assert (status[RENEWAL_DENIED] == "Y") is renewing_too
    assert (status[HOLD_DENIED] == "Y") is renewing_too

    # The desk: the patron's page and the checkout page say the same.
    for page in (
        reverse("staff:patrons:detail", args=[reader.pk]),
        reverse("staff:circulation:checkout", args=[reader.pk]),
    ):
        html = desk.get(page).content.decode()
        assert "This patron cannot borrow now:" in html and _english(reason.label) in html

    # The portal: the reader is told, in their own words; a registration not yet confirmed
    # is not let in at all.
    loans_page = portal.get(reverse("portal:loans"))
    if reason == R.PATRON_BLOCKED_PENDING:
        assert loans_page.status_code == 302 and "sign-in" in loans_page["Location"]
    else:
        html = loans_page.content.decode()
        assert _english(_TO_THE_PATRON.get(reason, reason.label)) in html

    # Checkout refuses for that very reason: at the self-check and at the desk.
    lent = strict(kiosk.get_response(kiosk.sip_checkout_request(items["kobzar"].barcode)))
    assert lent.ok == "0" and _english(reason.label) in lent.screen_message
    with pytest.raises(CheckoutRefused) as refused:
        services.checkout(
            patron=reader, item=items["dune"], branch=central,
            actor=Actor.for_staff(central_librarian), at=timezone.now(),
        )  # fmt: skip
    assert refused.value.reasons[0] == reason
    assert not Loan.objects.filter(item__in=[items["kobzar"], items["dune"]]).exists()


def test_a_patron_in_good_standing_is_told_so_everywhere_and_borrows(
    world, reader, items, central
):
    kiosk, desk, portal = world
    status, screen = _patron_status(kiosk)
    assert status[CHARGE_DENIED] == " " and status.strip() == "" and screen == ()
    html = desk.get(reverse("staff:patrons:detail", args=[reader.pk])).content.decode()
    assert "This patron cannot borrow now:" not in html
    assert "You cannot borrow or renew" not in portal.get(reverse("portal:loans")).content.decode()
    lent = strict(kiosk.get_response(kiosk.sip_checkout_request(items["kobzar"].barcode)))
    assert lent.ok == "1"
