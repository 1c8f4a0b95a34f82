"""Staff accounts are created, changed, given a password and deleted through the accounts
services, from the administration as from code: each change is in the history, naming the
account and the fields changed, never a name, an address or a password."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bibliohub.accounts import services
from bibliohub.accounts.models import Role, User
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from tests.admin_pages import page_data

AT = datetime(2026, 12, 7, 9, 30, tzinfo=ZoneInfo("Europe/Kyiv"))
PASSWORD = "a long and unusual passphrase 42"


def _entries(user: User) -> list[Entry]:
    return list(
        Entry.objects.filter(
            domain="accounts", object_type="accounts.user", object_id=user.pk
        ).order_by("pk")
    )


def _no_personal_data(entries: list[Entry], *texts: str) -> None:
    written = json.dumps([e.detail for e in entries], ensure_ascii=False)
    for text in texts:
        assert text not in written


def test_a_new_account_is_recorded_with_its_role_and_branches(riverside, manager):
    user = User(
        username="iryna", first_name="Iryna", last_name="Bondar", email="iryna@library.example",
        role=Role.BRANCH_LIBRARIAN,
    )  # fmt: skip
    user.set_password(PASSWORD)
    services.save_staff_user(user, branches=[riverside], actor=Actor.for_staff(manager), at=AT)
    assert list(user.branches.all()) == [riverside] and user.check_password(PASSWORD)
    (created,) = _entries(user)
    assert created.kind == "account_created"
    assert (created.staff_id, created.channel, created.network_id, created.at) == (
        manager.pk,
        Channel.DESK,
        riverside.network_id,
        AT,
    )
    assert created.detail == {
        "role": "branch_librarian",
        "branches": [riverside.pk],
        "staff": False,
        "superuser": False,
        "active": True,
        "password": True,
    }
    _no_personal_data([created], "Iryna", "Bondar", "iryna@", user.password)


def test_each_kind_of_change_is_recorded_by_field_name(
    riverside_librarian, central, riverside, manager
):
    user = riverside_librarian
    user.email = "minh@library.example"
    user.language = "vi"
    user.role = Role.CATALOGUER
    user.is_active = False
    services.save_staff_user(
        user, branches=[central, riverside], actor=Actor.for_staff(manager), at=AT
    )
    entries = _entries(user)
    assert [(e.kind, e.detail) for e in entries] == [
        ("details_changed", {"fields": ["email", "language"]}),
        (
            "access_changed",
            {
                "fields": ["role", "branches"],
                "role": ["branch_librarian", "cataloguer"],
                "branches": {"added": [central.pk], "removed": []},
            },
        ),
        ("deactivated", {}),
    ]
    assert {(e.staff_id, e.network_id) for e in entries} == {(manager.pk, central.network_id)}
    _no_personal_data(entries, "minh@library.example")


def test_saving_an_unchanged_account_records_nothing(riverside_librarian, riverside, manager):
    services.save_staff_user(
        riverside_librarian, branches=[riverside], actor=Actor.for_staff(manager), at=AT
    )
    assert _entries(riverside_librarian) == []


def test_a_password_set_or_removed_is_recorded_without_it(central_librarian, manager):
    services.set_staff_password(
        central_librarian, password=PASSWORD, actor=Actor.for_staff(manager), at=AT
    )
    central_librarian.refresh_from_db()
    assert central_librarian.check_password(PASSWORD)
    services.set_staff_password(
        central_librarian, password=None, actor=Actor.for_staff(manager), at=AT
    )
    central_librarian.refresh_from_db()
    assert not central_librarian.has_usable_password()
    entries = _entries(central_librarian)
    assert [(e.kind, e.detail) for e in entries] == [
        ("password_set", {"usable": True}),
        ("password_set", {"usable": False}),
    ]
    _no_personal_data(entries, PASSWORD)


def test_a_deleted_account_leaves_its_deletion_in_the_history(cataloguer, manager):
    pk = cataloguer.pk
    services.delete_staff_user(cataloguer, actor=Actor.for_staff(manager), at=AT)
    assert not User.objects.filter(pk=pk).exists()
    deleted = Entry.objects.get(domain="accounts", object_id=pk)
    assert (deleted.kind, deleted.detail, deleted.staff_id) == (
        "account_deleted",
        {"role": "cataloguer"},
        manager.pk,
    )


# --- the administration ---------------------------------------------------------------------


@pytest.fixture
def administrator(admin_user) -> User:
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return admin_user


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_an_account_added_in_the_administration_is_recorded_there(
    admin_client, administrator, central
):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "petro",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "first_name": "Petro",
            "last_name": "Melnyk",
            "email": "petro@library.example",
            "role": Role.BRANCH_LIBRARIAN,
            "branches": [central.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="petro")
    assert list(user.branches.all()) == [central] and user.check_password(PASSWORD)
    (created,) = _entries(user)
    assert (created.kind, created.channel, created.staff_id) == (
        "account_created",
        Channel.ADMIN,
        administrator.pk,
    )
    assert created.detail["branches"] == [central.pk] and created.detail["password"] is True
    _no_personal_data([created], "Petro", "Melnyk", "petro@")


def test_changing_role_branches_and_activity_in_the_administration_goes_through_the_service(
    admin_client, administrator, riverside_librarian, central, riverside
):
    url = reverse("admin:accounts_user_change", args=[riverside_librarian.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    data = page_data(page)
    data.update(
        {
            "role": Role.CATALOGUER,
            "branches": [str(central.pk), str(riverside.pk)],
            "last_name": "Tran",
            "is_active": "",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    riverside_librarian.refresh_from_db()
    assert riverside_librarian.role == Role.CATALOGUER and not riverside_librarian.is_active
    assert set(riverside_librarian.branches.all()) == {central, riverside}
    entries = _entries(riverside_librarian)
    assert [e.kind for e in entries] == ["details_changed", "access_changed", "deactivated"]
    assert {(e.channel, e.staff_id) for e in entries} == {(Channel.ADMIN, administrator.pk)}
    assert entries[0].detail == {"fields": ["last_name"]}
    assert entries[1].detail["branches"] == {"added": [central.pk], "removed": []}


def test_the_password_form_of_the_administration_sets_and_removes_passwords_through_the_service(
    admin_client, administrator, central_librarian
):
    url = reverse("admin:auth_user_password_change", args=[central_librarian.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url, {"usable_password": "true", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    central_librarian.refresh_from_db()
    assert central_librarian.check_password(PASSWORD)
    response = admin_client.post(url, {"usable_password": "false", "unset-password": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    central_librarian.refresh_from_db()
    assert not central_librarian.has_usable_password()
    entries = _entries(central_librarian)
    assert [(e.kind, e.detail, e.channel, e.staff_id) for e in entries] == [
        ("password_set", {"usable": True}, Channel.ADMIN, administrator.pk),
        ("password_set", {"usable": False}, Channel.ADMIN, administrator.pk),
    ]
    _no_personal_data(entries, PASSWORD)


def test_an_account_deleted_in_the_administration_is_recorded(
    admin_client, administrator, cataloguer
):
    pk = cataloguer.pk
    url = reverse("admin:accounts_user_delete", args=[pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not User.objects.filter(pk=pk).exists()
    deleted = Entry.objects.get(domain="accounts", object_id=pk)
    assert (deleted.kind, deleted.channel, deleted.staff_id) == (
        "account_deleted",
        Channel.ADMIN,
        administrator.pk,
    )
