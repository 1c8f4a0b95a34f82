"""Managers manage staff accounts from the staff screens: create one with a role, branches and
a password, change it, deactivate and reactivate it, set a new password. Each change goes
through the accounts services and is in the history; a manager cannot make or touch an
administrator, and a librarian cannot open the screens at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub.accounts.models import Role, User
from bibliohub.history.models import Entry

PASSWORD = "a long and unusual passphrase 42"


def _kinds(account: User) -> list[str]:
    return list(
        Entry.objects.filter(domain="accounts", object_type="accounts.user", object_id=account.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    )


def _new_account(**values):
    data = {
        "username": "bao", "first_name": "Ngọc", "last_name": "Hoàng Bảo",
        "email": "bao@library.example", "language": "vi", "role": Role.BRANCH_LIBRARIAN,
        "password1": PASSWORD, "password2": PASSWORD,
    }  # fmt: skip
    data.update(values)
    return data


def test_the_home_page_offers_managers_the_staff_accounts_and_not_the_administration(
    client, manager, central_librarian
):
    client.force_login(manager)
    home = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:accounts:list") in home and reverse("admin:index") not in home
    client.force_login(central_librarian)
    assert reverse("staff:accounts:list") not in client.get(reverse("staff:home")).content.decode()


def test_a_manager_creates_an_account_with_a_role_branches_and_a_password(
    client, manager, riverside
):
    client.force_login(manager)
    response = client.post(reverse("staff:accounts:create"), _new_account(branches=[riverside.pk]))
    assert response.status_code == 302
    bao = User.objects.get(username="bao")
    assert (bao.role, list(bao.branches.all()), bao.is_active) == (
        Role.BRANCH_LIBRARIAN,
        [riverside],
        True,
    )
    assert bao.check_password(PASSWORD)
    created = Entry.objects.get(kind="account_created", object_id=bao.pk)
    assert created.staff_id == manager.pk and created.detail["branches"] == [riverside.pk]
    assert "bao@library.example" not in str(created.detail)
    listing = client.get(reverse("staff:accounts:list")).content.decode()
    assert "bao" in listing and "Riverside" in listing


def test_a_weak_or_mistyped_password_is_refused_and_no_account_is_made(client, manager):
    client.force_login(manager)
    weak = client.post(
        reverse("staff:accounts:create"), _new_account(password1="12345678", password2="12345678")
    )
    mistyped = client.post(reverse("staff:accounts:create"), _new_account(password2=PASSWORD + "!"))
    assert weak.status_code == mistyped.status_code == 400
    assert "The two passwords are not the same." in mistyped.content.decode()
    assert not User.objects.filter(username="bao").exists()


def test_a_manager_changes_a_role_and_branches_deactivates_and_resets_a_password(
    client, manager, central_librarian, central, riverside
):
    client.force_login(manager)
    edit = reverse("staff:accounts:edit", args=[central_librarian.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {
        "username": "olena", "email": "olena@library.example", "role": Role.CATALOGUER,
        "branches": [central.pk, riverside.pk], "language": "uk",
    })  # fmt: skip
    assert response.status_code == 302
    central_librarian.refresh_from_db()
    assert central_librarian.role == Role.CATALOGUER
    assert set(central_librarian.branches.all()) == {central, riverside}

    client.post(reverse("staff:accounts:set_active", args=[central_librarian.pk]), {"active": "0"})
    central_librarian.refresh_from_db()
    assert not central_librarian.is_active
    client.post(reverse("staff:accounts:set_active", args=[central_librarian.pk]), {"active": "1"})
    response = client.post(
        reverse("staff:accounts:password", args=[central_librarian.pk]),
        {"password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=central_librarian.pk).check_password(PASSWORD)
    assert _kinds(central_librarian) == [
        "details_changed", "access_changed", "deactivated", "reactivated", "password_set",
    ]  # fmt: skip


def test_a_manager_can_neither_make_nor_touch_an_administrator(
    client, manager, admin_user, central_librarian
):
    client.force_login(manager)
    made = client.post(reverse("staff:accounts:create"), _new_account(role=Role.ADMINISTRATOR))
    assert made.status_code == 400 and not User.objects.filter(username="bao").exists()
    for name in ("edit", "password"):
        assert (
            client.get(reverse(f"staff:accounts:{name}", args=[admin_user.pk])).status_code == 403
        )
    assert (
        client.post(
            reverse("staff:accounts:set_active", args=[admin_user.pk]), {"active": "0"}
        ).status_code
        == 403
    )
    promoted = client.post(reverse("staff:accounts:edit", args=[central_librarian.pk]), {
        "username": "olena", "email": "olena@library.example", "role": Role.ADMINISTRATOR,
    })  # fmt: skip
    assert promoted.status_code == 400
    admin_user.refresh_from_db()
    central_librarian.refresh_from_db()
    assert admin_user.is_active and central_librarian.role == Role.BRANCH_LIBRARIAN


def test_an_administrator_may_make_an_administrator(client, admin_user):
    client.force_login(admin_user)
    assert (
        client.post(
            reverse("staff:accounts:create"), _new_account(role=Role.ADMINISTRATOR)
        ).status_code
        == 302
    )
    assert User.objects.get(username="bao").role == Role.ADMINISTRATOR


def test_nobody_deactivates_their_own_account(client, manager):
    client.force_login(manager)
    response = client.post(reverse("staff:accounts:set_active", args=[manager.pk]), {"active": "0"})
    assert response.status_code == 403
    manager.refresh_from_db()
    assert manager.is_active


@pytest.mark.parametrize("name", ["list", "create"])
def test_librarians_and_cataloguers_cannot_open_the_staff_account_screens(
    client, central_librarian, cataloguer, name
):
    for user in (central_librarian, cataloguer):
        client.force_login(user)
        assert client.get(reverse(f"staff:accounts:{name}")).status_code == 403
    client.force_login(central_librarian)
    assert client.get(reverse("staff:accounts:edit", args=[cataloguer.pk])).status_code == 403
