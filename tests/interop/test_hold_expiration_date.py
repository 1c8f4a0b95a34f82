"""The hold message's expiration date (BW) from a self-check: the day after which the reader
no longer needs the title, kept with the hold and sent back in the hold response."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation.models import CirculationRule, Hold

from .conftest import AT, TERMINAL_PASSWORD
from .sip_clients import sip2_client, strict

pytestmark = pytest.mark.django_db(transaction=True)


def noon(day: date) -> int:
    """The client takes a Unix time and writes it in the machine's local time; noon keeps the
    day whatever that time zone."""
    return int(datetime.combine(day, time(12), tzinfo=UTC).timestamp())


@pytest.fixture
def kiosk(sip_server, tmp_path, terminal):
    CirculationRule.objects.create(loan_period=21)
    client = sip2_client(sip_server.port, tmp_path)
    login = client.sip_login_request("sc-central-1", TERMINAL_PASSWORD)
    assert strict(client.get_response(login)).ok == "1"
    client.patron = "P1001"
    yield client
    client.disconnect()


def test_a_self_check_places_and_moves_a_hold_with_its_expiration_date(kiosk, reader, items):
    for copy in ("dune", "dune_riverside"):
        items[copy].status = ItemStatus.ON_LOAN
        items[copy].save()
    day = AT.date() + timedelta(days=14)
    placed = strict(
        kiosk.get_response(
            kiosk.sip_hold_request("+", expirationDate=noon(day), itemIdentifier="I0002")
        )
    )
    assert placed.ok == "1"
    assert placed.expiration_date[:8] == f"{day:%Y%m%d}"
    assert Hold.objects.get(patron=reader).not_needed_after == day
    later = day + timedelta(days=7)
    changed = strict(
        kiosk.get_response(
            kiosk.sip_hold_request("*", expirationDate=noon(later), itemIdentifier="I0002")
        )
    )
    assert changed.ok == "1"
    assert Hold.objects.get(patron=reader).not_needed_after == later


def test_an_expiration_date_already_past_is_refused(kiosk, reader, items):
    past = AT.date() - timedelta(days=1)
    answer = strict(
        kiosk.get_response(
            kiosk.sip_hold_request("+", expirationDate=noon(past), itemIdentifier="I0002")
        )
    )
    assert answer.ok == "0" and not Hold.objects.exists()
