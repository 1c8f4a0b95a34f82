"""`bibliohub demo`: the demo network, loaded once however often the command runs."""

from __future__ import annotations

import json
from datetime import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bibliohub.accounts.models import Role, User
from bibliohub.catalog.models import Item, ItemType, Record
from bibliohub.demo.services import LOGINS, NETWORK_NAME, load_demo
from bibliohub.history import Actor, ActorKind, Channel
from bibliohub.history.models import Entry
from bibliohub.libraries.hours import weekly_hours
from bibliohub.libraries.models import (
    Branch,
    CalendarException,
    Location,
    Network,
    OpeningPeriod,
)
from bibliohub.libraries.services import set_weekly_hours
from bibliohub.search.service import search
from bibliohub.search.types import SearchQuery
from tests.demo.conftest import AT

LANGUAGE_CODES = {"en", "vi", "zh-hans", "uk", "pl"}


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--records", "40", *args, stdout=out)
    return out.getvalue()


def _state() -> dict[str, object]:
    """Everything the demo creates, in a form two runs can be compared by."""
    return {
        "networks": list(Network.objects.values_list("name", flat=True)),
        "branches": list(Branch.objects.order_by("code").values_list("code", "name", "address")),
        "locations": Location.objects.count(),
        "hours": list(OpeningPeriod.objects.order_by("branch__code", "weekday", "opens").values_list("branch__code", "weekday", "opens", "closes")),
        "exceptions": list(CalendarException.objects.order_by("date").values_list("date", "branch__code", "closed")),
        "item_types": list(ItemType.objects.order_by("code").values_list("code", flat=True)),
        "users": list(User.objects.order_by("username").values_list("username", "role", "password")),
        "records": list(Record.objects.order_by("id").values_list("id", "control_number", "updated_at")),
        "items": list(Item.objects.order_by("id").values_list("id", "barcode", "updated_at")),
    }


@pytest.mark.django_db
def test_the_demo_builds_a_network_of_four_libraries_named_in_five_languages():
    _demo()
    network = Network.objects.get()
    assert network.name == NETWORK_NAME
    assert set(network.names) == LANGUAGE_CODES
    branches = {b.code: b for b in network.branches.all()}
    assert list(branches) == ["central", "north", "riverside", "school"]
    assert [b.code for b in network.branches.filter(is_central=True)] == ["central"]
    for branch in branches.values():
        assert set(branch.names) == LANGUAGE_CODES
        assert branch.address and branch.phone and branch.email
        assert branch.locations.filter(code="children").exists()


@pytest.mark.django_db
def test_the_libraries_keep_different_hours():
    _demo()
    branches = {b.code: b for b in Branch.objects.all()}
    assert weekly_hours(branches["central"]) >= 40
    saturday, sunday = 5, 6
    assert branches["riverside"].opening_periods.filter(weekday=saturday).exists()
    assert not branches["school"].opening_periods.filter(weekday__in=[saturday, sunday]).exists()
    assert len({weekly_hours(b) for b in branches.values()}) > 1


@pytest.mark.django_db
def test_holidays_close_every_library_and_one_evening_opens_late():
    load_demo(records=0, at=AT)
    holidays = CalendarException.objects.filter(branch__isnull=True, closed=True)
    assert {(d.month, d.day) for d in holidays.values_list("date", flat=True)} == {(1, 1), (12, 25)}
    assert all(d > AT.date() for d in holidays.values_list("date", flat=True))
    late = CalendarException.objects.get(branch__code="central")
    assert not late.closed and late.closes == time(23)


@pytest.mark.django_db
def test_there_is_one_login_per_role_and_branch_with_the_printed_password():
    output = _demo()
    assert "http://127.0.0.1:8000/" in output
    for login in LOGINS:
        user = User.objects.get(username=login.username)
        assert user.check_password(login.password)
        assert user.role == login.role
        assert sorted(user.branches.values_list("code", flat=True)) == sorted(login.branches)
        assert login.username in output and login.password in output
    assert {login.role for login in LOGINS} == set(Role.values)
    librarians = User.objects.filter(role=Role.BRANCH_LIBRARIAN)
    assert sorted(b for u in librarians for b in u.branches.values_list("code", flat=True)) == sorted(
        Branch.objects.values_list("code", flat=True)
    )
    assert User.objects.get(username="admin").is_superuser
    # Created through the accounts service: in the history, with no name or password in it.
    created = Entry.objects.filter(domain="accounts", kind="account_created")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(
        User.objects.values_list("pk", flat=True)
    )
    assert set(created.values_list("actor", "source").distinct()) == {("system", "demo")}
    for entry in created:
        assert set(entry.detail) == {"role", "branches", "staff", "superuser", "active", "password"}
    texts = json.dumps(list(created.values_list("detail", flat=True)), ensure_ascii=False)
    assert not any(login.password in texts or login.last_name in texts for login in LOGINS)


@pytest.mark.django_db
def test_the_generated_records_are_imported_with_items_and_can_be_found():
    _demo()
    assert Record.objects.count() == 40
    assert Item.objects.filter(branch__code="school").exists()
    assert set(Item.objects.values_list("item_type__code", flat=True)) <= set(
        ItemType.objects.values_list("code", flat=True)
    )
    hits = search(SearchQuery(text="Łódź")).hits
    assert any("Łódź" in hit.title for hit in hits)
    hits = search(SearchQuery(text="红楼梦")).hits
    assert any(hit.title.startswith("红楼梦") for hit in hits)



@pytest.mark.django_db
def test_the_demo_catalogue_is_in_the_history_as_an_import_and_its_item_types_as_set_up():
    _demo()
    admin = User.objects.get(username="admin")
    added = Entry.objects.filter(domain="catalog", kind="item_added")
    assert added.count() == Item.objects.count()
    assert set(added.values_list("channel", "actor", "staff_id", "source")) == {
        (Channel.IMPORT, ActorKind.IMPORT, admin.pk, "demo")
    }
    assert Entry.objects.filter(domain="catalog", kind="record_created").count() == 40
    types = Entry.objects.filter(domain="catalog", kind="item_type_saved")
    assert types.count() == ItemType.objects.count()
    assert set(types.values_list("channel", "actor")) == {(Channel.ADMIN, ActorKind.SYSTEM)}


@pytest.mark.django_db
def test_running_it_twice_changes_nothing():
    _demo()
    before = _state()
    output = _demo()
    assert _state() == before
    assert "nothing was changed" in output


@pytest.mark.django_db
def test_changes_a_librarian_made_survive_another_run():
    load_demo(records=0, at=AT)
    riverside = Branch.objects.get(code="riverside")
    admin = User.objects.get(username="admin")
    set_weekly_hours(riverside, week={0: [(time(12), time(16))]}, actor=Actor.for_staff(admin), at=AT)
    load_demo(records=0, at=AT)
    assert list(riverside.opening_periods.values_list("weekday", "opens")) == [(0, time(12))]


@pytest.mark.django_db
def test_more_records_later_adds_only_the_missing_ones():
    load_demo(records=10, at=AT)
    first = set(Record.objects.values_list("id", "updated_at"))
    report = load_demo(records=25, at=AT)
    assert report.records_imported == 15
    assert Record.objects.count() == 25
    assert first <= set(Record.objects.values_list("id", "updated_at"))


@pytest.mark.django_db
def test_if_empty_leaves_a_database_that_has_a_network_alone():
    Network.objects.create(name="City Library Network")
    output = _demo("--if-empty")
    assert list(Network.objects.values_list("name", flat=True)) == ["City Library Network"]
    assert not Branch.objects.exists() and not Record.objects.exists()
    assert "not loaded" in output


@pytest.mark.django_db
def test_if_empty_loads_the_demo_into_an_empty_database_and_not_again():
    _demo("--if-empty")
    before = _state()
    assert before["records"]
    output = _demo("--if-empty")
    assert _state() == before
    assert "demo-admin" in output  # the logins are printed every time


@pytest.mark.django_db
def test_json_lists_the_address_branches_and_logins():
    data = json.loads(_demo("--json"))
    assert data["loaded"] is True
    assert data["network"] == NETWORK_NAME
    assert data["address"] == "http://127.0.0.1:8000/"
    assert data["records"] == {"total": 40, "imported": 40}
    assert [b["code"] for b in data["branches"]] == ["central", "north", "riverside", "school"]
    central = data["branches"][0]
    assert central["central"] is True and central["hours_per_week"] >= 40
    assert set(central["names"]) == LANGUAGE_CODES
    assert [(x["username"], x["password"], x["role"]) for x in data["logins"]] == [
        (login.username, login.password, str(login.role)) for login in LOGINS
    ]
    assert data["logins"][2]["branches"] == ["central"]


@pytest.mark.django_db
def test_the_banner_names_the_address_the_site_is_served_at():
    """`make run PORT=8123` serves on 8123, and the demo's banner says so."""
    text = _demo("--address", "http://127.0.0.1:8123")
    assert "Open http://127.0.0.1:8123/ in a browser." in text
    assert "8000" not in text
    assert json.loads(_demo("--if-empty", "--json", "--address", "http://0.0.0.0:9000/"))["address"] == (
        "http://0.0.0.0:9000/"
    )


@pytest.mark.django_db
def test_a_negative_record_count_is_refused():
    with pytest.raises(CommandError):
        call_command("demo", "--records", "-1", stdout=StringIO())
    assert not Network.objects.exists()
