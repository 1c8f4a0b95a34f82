"""A self-check world: a terminal at the central library speaking English and one at
Riverside speaking Ukrainian, an adult patron, a blocked patron and a few items. The server
and the services read the clock, so it starts at AT, a Tuesday morning when the libraries are
open, and runs on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
import time_machine
from django.utils import timezone
from pymarc import Field, Indicators, Subfield
from pymarc import Record as MarcRecord

from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.history import Actor
from bibliohub.interop.sip2.models import SelfCheckTerminal
from bibliohub.interop.sip2.server import SipServer, start_in_thread
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory
from tests.circulation.conftest import AT

TERMINAL_PASSWORD = "kiosk secret 1"


@pytest.fixture(autouse=True)
def _clock_from_at():
    with time_machine.travel(AT, tick=True):
        yield


@pytest.fixture
def terminal(central) -> SelfCheckTerminal:
    t = SelfCheckTerminal(login="sc-central-1", name="Entrance hall", branch=central, language="en")
    t.set_password(TERMINAL_PASSWORD)
    t.save()
    return t


@pytest.fixture
def ukrainian_terminal(central) -> SelfCheckTerminal:
    t = SelfCheckTerminal(login="sc-central-uk", name="Reading room", branch=central, language="uk")
    t.set_password(TERMINAL_PASSWORD)
    t.save()
    return t


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="adult", name="Adult", age_band=AgeBand.ADULT, card_validity_months=12
    )


def _register(central, category, card: str, family: str, given: str, language: str) -> Patron:
    return patron_services.register_patron(
        patron_services.PatronDetails(
            family_name=family,
            given_names=given,
            date_of_birth=date(1985, 4, 12),
            email=f"{card.lower()}@example.org",
            language=language,
        ),
        category=category,
        branch=central,
        actor=Actor.for_import(source="readers.csv"),
        at=timezone.now(),
        card_barcode=card,
    )


@pytest.fixture
def reader(central, adult_category) -> Patron:
    return _register(central, adult_category, "P1001", "Kovalenko", "Oksana", "pl")


@pytest.fixture
def blocked_reader(central, adult_category, central_librarian) -> Patron:
    patron = _register(central, adult_category, "P1002", "Nguyen", "Minh", "vi")
    patron_services.add_block(
        patron,
        reason="Damaged two books",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=timezone.now() - timezone.timedelta(hours=1),
    )
    return patron


def make_record(title: str, subtitle: str = "") -> Record:
    marc = MarcRecord(force_utf8=True)
    subfields = [Subfield("a", title)] + ([Subfield("b", subtitle)] if subtitle else [])
    marc.add_field(Field(tag="245", indicators=Indicators("0", "0"), subfields=subfields))
    now = timezone.now()
    return Record.objects.create(
        marc=marc.as_marc(), title=title, subtitle=subtitle, created_at=now, updated_at=now
    )


def make_item(record: Record, barcode: str, branch, item_type, **fields) -> Item:
    now = timezone.now()
    return Item.objects.create(
        record=record,
        barcode=barcode,
        branch=branch,
        item_type=item_type,
        created_at=now,
        updated_at=now,
        **fields,
    )


@pytest.fixture
def items(central, riverside, book_type) -> dict[str, Item]:
    kobzar = make_record("Кобзар", "вибрані твори")
    dune = make_record("Dune")
    return {
        "kobzar": make_item(kobzar, "I0001", central, book_type),
        "dune": make_item(dune, "I0002", central, book_type),
        "dune_riverside": make_item(dune, "I0003", riverside, book_type),
        "missing": make_item(dune, "I0004", central, book_type, status=ItemStatus.MISSING),
    }


@pytest.fixture
def sip_server(transactional_db) -> Iterator[SipServer]:
    server, thread = start_in_thread()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


@contextmanager
def serving(server: SipServer) -> Iterator[SipServer]:
    """`server` answering from a background thread for the block, stopped after it."""
    thread = threading.Thread(target=server.serve_forever, name="sip2", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(autouse=True)
def _no_login_pause(monkeypatch):
    """Wrong terminal passwords are answered at once, except where a test says otherwise."""
    from bibliohub.interop.sip2 import handlers

    monkeypatch.setattr(handlers, "LOGIN_FAILURE_DELAY", 0)
