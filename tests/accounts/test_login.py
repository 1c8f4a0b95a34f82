"""Staff login and its rate limit: five failures for one user name from one address lock that
pair out for fifteen minutes, and the locked-out page says so."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

PASSWORD = "correct horse battery"
LOCKED_AT = datetime(2026, 12, 1, 9, 30, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.fixture(autouse=True)
def _axes_fresh(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def _fail(client, username: str, times: int, address: str = "127.0.0.1"):
    response = None
    for _ in range(times):
        response = client.post(reverse("accounts:login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
    return response


def test_staff_log_in_and_land_on_the_staff_home(client, central_librarian):
    response = client.post(reverse("accounts:login"), {"username": "olena", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("staff:home")
    home = client.get(reverse("staff:home"))
    assert home.status_code == 200
    assert "Central Library" in home.content.decode()


def test_a_wrong_password_shows_the_form_again_with_the_message(client, central_librarian):
    response = _fail(client, "olena", 1)
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode().lower()


def test_five_failures_lock_the_account_from_that_address(client, central_librarian):
    assert _fail(client, "olena", 4).status_code == 200
    locked = _fail(client, "olena", 1)
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post(reverse("accounts:login"), {"username": "olena", "password": PASSWORD})
    assert again.status_code == 429
    assert "Please wait" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_user_name_and_address(client, central_librarian, riverside_librarian):
    _fail(client, "olena", 5)
    other_user = client.post(reverse("accounts:login"), {"username": "minh", "password": PASSWORD})
    assert other_user.status_code == 302
    client.logout()
    other_address = client.post(
        reverse("accounts:login"), {"username": "olena", "password": PASSWORD}, REMOTE_ADDR="10.0.0.7"
    )
    assert other_address.status_code == 302


def test_the_lock_ends_after_fifteen_minutes(client, central_librarian):
    with time_machine.travel(LOCKED_AT, tick=False) as clock:
        _fail(client, "olena", 5)
        clock.shift(timedelta(minutes=16))
        response = client.post(reverse("accounts:login"), {"username": "olena", "password": PASSWORD})
    assert response.status_code == 302
