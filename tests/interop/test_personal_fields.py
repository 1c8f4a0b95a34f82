"""What a patron information answer (64) says about a reader beyond the name: only the
details the terminal's account allows (none by default), set in the administration through
the terminal service, with a history entry."""

from __future__ import annotations

import pytest

from bibliohub.accounts.models import User
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.interop.sip2 import services
from bibliohub.interop.sip2.models import PersonalField

from .conftest import TERMINAL_PASSWORD
from .sip_clients import RawClient, strict

pytestmark = pytest.mark.django_db(transaction=True)

EVERY_DETAIL = ("BD", "BE", "BF", "PA", "PB", "PC", "AQ")


@pytest.fixture
def known_reader(reader):
    reader.phone = "+48 22 555 0101"
    reader.address = "ul. Długa 5\n00-001 Warszawa"
    reader.save(update_fields=["phone", "address"])
    return reader


# The fixed part of a 64: command, 14 status flags, language, date and six counts.
_FIXED = 2 + 14 + 3 + 18 + 6 * 4


def _information(port, tmp_path, *, pin=None) -> bytes:
    """The raw patron information answer for P1001."""
    client = RawClient(port)
    try:
        client.send(b"9300CNsc-central-1|CO" + TERMINAL_PASSWORD.encode() + b"|\r")
        assert strict(client.read()).ok == "1"
        request = b"6300120261201    100000          AOcentral|AAP1001|"
        if pin is not None:
            request += b"AD" + pin.encode() + b"|"
        client.send(request + b"\r")
        return client.read()
    finally:
        client.close()


def _fields(frame: bytes) -> dict[str, str]:
    text = frame.decode().rstrip("\r")
    return {part[:2]: part[2:] for part in text[_FIXED:].split("|") if part}


def test_a_terminal_is_told_no_personal_details_by_default(
    sip_server, tmp_path, terminal, known_reader
):
    answer = _information(sip_server.port, tmp_path)
    strict(answer)
    fields = _fields(answer)
    assert fields["AE"] == "Kovalenko, Oksana"
    assert not set(EVERY_DETAIL) & set(fields)


def test_a_terminal_allowed_some_details_gets_those_and_no_others(
    sip_server, tmp_path, terminal, known_reader, central_librarian
):
    terminal.personal_fields = [
        PersonalField.BIRTH_DATE,
        PersonalField.CATEGORY,
        PersonalField.ADDRESS,
    ]
    services.save_terminal(
        terminal, actor=Actor.for_staff(central_librarian), at=known_reader.created_at
    )
    answer = _information(sip_server.port, tmp_path)
    strict(answer)
    fields = _fields(answer)
    assert (fields["PB"], fields["PC"]) == ("19850412", "adult")
    assert fields["BD"] == "ul. Długa 5, 00-001 Warszawa"
    assert not {"BE", "BF", "PA", "AQ"} & set(fields)


def test_every_detail_when_all_are_allowed(sip_server, tmp_path, terminal, known_reader):
    terminal.personal_fields = list(PersonalField.values)
    terminal.save()
    fields = _fields(_information(sip_server.port, tmp_path))
    assert fields["BE"] == "p1001@example.org"
    assert fields["BF"] == "+48 22 555 0101"
    assert fields["PA"] == f"{known_reader.card_expires_on:%Y%m%d}"
    assert fields["AQ"] == "central"


def test_a_wrong_pin_gets_no_details_whatever_is_allowed(
    sip_server, tmp_path, terminal, known_reader
):
    known_reader.hash_pin("4321")
    known_reader.save(update_fields=["pin"])
    terminal.personal_fields = list(PersonalField.values)
    terminal.save()
    fields = _fields(_information(sip_server.port, tmp_path, pin="0000"))
    assert fields["CQ"] == "N" and fields["AE"] == ""
    assert not set(EVERY_DETAIL) & set(fields)


def test_the_details_a_terminal_may_receive_are_set_in_the_administration(client, central, db):
    root = User.objects.create_superuser("root", password="correct horse battery")
    client.force_login(root)
    form = {
        "login": "sc-pc", "name": "PC booking", "language": "en", "is_active": "on",
        "branch": central.pk, "new_password": "kiosk secret",
    }  # fmt: skip
    page = client.get("/admin/interop/selfcheckterminal/add/").content.decode()
    assert "Date of birth (PB)" in page
    response = client.post(
        "/admin/interop/selfcheckterminal/add/",
        {**form, "personal_fields": ["category", "birth_date"]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Entry.objects.get(kind="terminal_saved")
    assert added.detail["personal_fields"] == ["birth_date", "category"]
    terminal_id = added.object_id
    response = client.post(
        f"/admin/interop/selfcheckterminal/{terminal_id}/change/",
        {**form, "new_password": "", "personal_fields": ["birth_date"]},
    )
    assert response.status_code == 302
    changed = Entry.objects.filter(kind="terminal_saved").latest("pk")
    assert changed.detail["fields"] == ["personal_fields"]
    assert changed.detail["personal_fields"] == ["birth_date"]
