"""A hold's "not needed after" day: set when placing it (portal, desk, SIP2) and changed on the
portal; a hold still waiting for a copy after that day expires, is passed over by returned
copies, and its reader is told in their language."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from bibliohub.circulation import notices, selectors, services
from bibliohub.circulation.errors import InvalidOperation
from bibliohub.circulation.models import HoldStatus
from bibliohub.history import Actor
from bibliohub.interop.sip2 import codec
from bibliohub.interop.sip2.handlers import Session, handle
from tests.circulation.conftest import AT, events, refresh

# AT is Tuesday 1 December 2026; the readers do not need the title after Friday the 4th.
FRIDAY = date(2026, 12, 4)
SATURDAY_MORNING = AT + timedelta(days=4)


JOB = Actor.for_job("holds_expired")


def place(patron, record, central, **kw):
    return services.place_hold(
        patron=patron,
        record=record,
        pickup_branch=central,
        actor=Actor.for_patron(patron),
        at=AT,
        **kw,
    )


def test_a_hold_keeps_the_day_it_is_not_needed_after(reader, book, central):
    hold = place(reader, book.record, central, not_needed_after=FRIDAY)
    assert refresh(hold).not_needed_after == FRIDAY


def test_a_day_already_past_is_refused(reader, book, central):
    with pytest.raises(InvalidOperation):
        place(reader, book.record, central, not_needed_after=date(2026, 11, 30))


def test_a_waiting_hold_expires_the_day_after(reader, book, lend, second_reader, central):
    lend(second_reader, book)
    hold = place(reader, book.record, central, not_needed_after=FRIDAY)
    assert services.expire_holds(at=AT + timedelta(days=3, hours=12), actor=JOB) == []  # Friday
    assert services.expire_holds(at=SATURDAY_MORNING, actor=JOB) == [hold]
    hold = refresh(hold)
    assert hold.status == HoldStatus.EXPIRED and hold.expired_unneeded
    (event,) = events("hold_expired")
    assert event.detail == {"reason": "not_needed_after"} and event.patron_id == reader.pk


def test_a_copy_already_waiting_keeps_its_pickup_days(reader, book, central, central_librarian):
    hold = place(reader, book.record, central, not_needed_after=FRIDAY)
    services.checkin(item=book, branch=central, actor=Actor.for_staff(central_librarian), at=AT)
    assert refresh(hold).status == HoldStatus.READY
    assert services.expire_holds(at=SATURDAY_MORNING, actor=JOB) == []
    assert not refresh(hold).expired_unneeded


def test_a_returned_copy_passes_over_a_hold_no_longer_needed(
    reader, second_reader, third_reader, book, lend, central, central_librarian
):
    lend(third_reader, book)
    unneeded = place(reader, book.record, central, not_needed_after=FRIDAY)
    later = services.place_hold(
        patron=second_reader, record=book.record, pickup_branch=central,
        actor=Actor.for_patron(second_reader), at=AT + timedelta(minutes=1),
    )  # fmt: skip
    result = services.checkin(
        item=book, branch=central, actor=Actor.for_staff(central_librarian), at=SATURDAY_MORNING
    )
    assert result.hold == later
    assert refresh(unneeded).status == HoldStatus.WAITING  # until the scheduled run ends it


def test_holds_no_longer_needed_are_not_pulled_and_do_not_stop_renewals(
    reader, second_reader, make_item, lend, central
):
    on_shelf = make_item()
    lent = make_item()
    place(reader, on_shelf.record, central, not_needed_after=FRIDAY)
    assert len(selectors.holds_to_pull(central, at=AT)) == 1
    assert selectors.holds_to_pull(central, at=SATURDAY_MORNING) == []
    loan = lend(second_reader, lent)
    place(reader, lent.record, central, not_needed_after=FRIDAY)
    renewed = services.renew(
        loan=loan, branch=central, actor=Actor.for_patron(second_reader), at=SATURDAY_MORNING
    )
    assert renewed.renewals == 1


def test_the_day_can_be_changed_while_the_hold_waits(reader, book, central, central_librarian):
    hold = place(reader, book.record, central)
    online = Actor.for_patron(reader)
    services.change_not_needed_after(hold=hold, not_needed_after=FRIDAY, actor=online, at=AT)
    assert refresh(hold).not_needed_after == FRIDAY
    (event,) = events("hold_changed")
    assert event.detail == {"not_needed_after": {"from": None, "to": "2026-12-04"}}
    services.checkin(item=book, branch=central, actor=Actor.for_staff(central_librarian), at=AT)
    with pytest.raises(InvalidOperation):
        services.change_not_needed_after(hold=hold, not_needed_after=None, actor=online, at=AT)


def test_the_reader_is_told_in_their_language(reader, book, lend, second_reader, central):
    reader.language, reader.email = "pl", "reader@example.org"
    reader.save()
    lend(second_reader, book)
    place(reader, book.record, central, not_needed_after=FRIDAY)
    services.expire_holds(at=SATURDAY_MORNING, actor=JOB)
    with TestCase.captureOnCommitCallbacks(execute=True):
        report = notices.queue_notices(at=SATURDAY_MORNING, actor=Actor.for_job("notices"))
    assert report.queued["hold_expired"] == 1
    (message,) = mail.outbox
    # In Polish, with the day the reader gave.
    assert message.subject == "Rezerwacja wygasła (ważna do 4 grudnia 2026): Kobzar"
    assert "Aby nadal go wypożyczyć" in message.body  # the closing line


# --- Where it is set and shown ---------------------------------------------------------------


def test_the_desk_sets_it_and_its_hold_lists_show_it(
    client, central_librarian, reader, second_reader, book, lend, central
):
    lend(second_reader, book)
    with time_machine.travel(AT, tick=True):  # the desk places the hold as of now: here, AT
        client.force_login(central_librarian)
        client.post(
            reverse("staff:circulation:place_hold", args=[reader.pk]),
            {"record_id": book.record_id, "not_needed_after": FRIDAY.isoformat()},
        )
        hold = reader.holds.get()
        assert hold.not_needed_after == FRIDAY
        services.checkin(
            item=book, branch=central, actor=Actor.for_staff(central_librarian), at=AT
        )
        shelf = client.get(reverse("staff:circulation:hold_shelf")).content.decode()
    assert "Not needed after" in shelf and FRIDAY.isoformat() in shelf


def test_a_self_check_sets_it_with_the_expiration_date(
    reader, book, lend, second_reader, central, terminal_session
):
    lend(second_reader, book)
    answer = handle(
        terminal_session,
        codec.Hold(
            hold_mode="+",
            institution_id="bibliohub",
            patron_identifier=reader.card_barcode,
            item_identifier=book.barcode,
            expiration_date="20261204    235900",
        ),
        at=AT,
    )
    assert answer.ok, answer.screen_message
    assert answer.expiration_date == "20261204    235900"
    assert reader.holds.get().not_needed_after == FRIDAY
    changed = handle(
        terminal_session,
        codec.Hold(
            hold_mode="*",
            institution_id="bibliohub",
            patron_identifier=reader.card_barcode,
            item_identifier=book.barcode,
            expiration_date="20261210    120000",
        ),
        at=AT,
    )
    assert changed.ok and reader.holds.get().not_needed_after == date(2026, 12, 10)
    bad = handle(
        terminal_session,
        codec.Hold(
            hold_mode="+",
            institution_id="bibliohub",
            patron_identifier=reader.card_barcode,
            item_identifier=book.barcode,
            expiration_date="next friday",
        ),
        at=AT,
    )
    assert not bad.ok


@pytest.fixture
def terminal_session(central) -> Session:
    from bibliohub.interop.sip2.models import SelfCheckTerminal

    terminal = SelfCheckTerminal(login="sc-1", name="Hall", branch=central, language="en")
    terminal.set_password("secret")
    terminal.save()
    return Session(peer="test", terminal=terminal)
