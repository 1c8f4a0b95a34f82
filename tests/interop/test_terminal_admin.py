"""Self-check terminal accounts are set up in the administration, which saves and deletes them
through the terminal services: each change is in the history (domain "interop", channel
"administration"), with the fields changed and never the password."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bibliohub.accounts.models import User
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.interop.sip2 import services
from bibliohub.interop.sip2.models import SelfCheckTerminal

AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def root(db) -> User:
    return User.objects.create_superuser("root", password="correct horse battery")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


FORM = {"login": "sc-hall", "name": "Hall", "language": "en", "is_active": "on"}


def test_a_terminal_added_changed_and_deleted_in_the_administration_is_in_the_history(
    admin_client, root, central
):
    response = admin_client.post(
        "/admin/interop/selfcheckterminal/add/",
        {**FORM, "branch": central.pk, "new_password": "kiosk secret"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    terminal = SelfCheckTerminal.objects.get()
    assert terminal.check_password("kiosk secret")
    added = Entry.objects.get(domain="interop", kind="terminal_saved")
    assert (added.channel, added.staff_id, added.branch_id) == (Channel.ADMIN, root.pk, central.pk)
    assert (added.object_type, added.object_id) == ("interop.selfcheckterminal", terminal.pk)
    assert added.detail["created"] is True and added.detail["login"] == "sc-hall"
    assert terminal.password not in str(added.detail)

    response = admin_client.post(
        f"/admin/interop/selfcheckterminal/{terminal.pk}/change/",
        {**FORM, "branch": central.pk, "name": "Entrance hall", "new_password": "another"},
    )
    assert response.status_code == 302
    changed = Entry.objects.filter(kind="terminal_saved").order_by("pk").last()
    assert changed.detail == {"created": False, "login": "sc-hall", "fields": ["password", "name"]}

    response = admin_client.post(
        f"/admin/interop/selfcheckterminal/{terminal.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302 and not SelfCheckTerminal.objects.exists()
    deleted = Entry.objects.get(domain="interop", kind="terminal_deleted")
    assert (deleted.channel, deleted.object_id, deleted.detail) == (
        Channel.ADMIN,
        terminal.pk,
        {"login": "sc-hall"},
    )


def test_the_service_sets_the_password_hashed(central, central_librarian):
    terminal = services.save_terminal(
        SelfCheckTerminal(login="sc-2", name="Reading room", branch=central),
        password="s3cret",
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    assert terminal.check_password("s3cret") and terminal.password != "s3cret"
    assert Entry.objects.get(kind="terminal_saved").channel == Channel.DESK
