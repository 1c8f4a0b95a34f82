"""The patron events move into the history with every row, and with the channel and actor
their data allows to infer."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

KYIV = ZoneInfo("Europe/Kyiv")
BEFORE = ("patrons", "0004_patron_pin_and_notices")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=KYIV)


@pytest.fixture
def latest(transactional_db):
    """The latest migrations, which the database is back at after the test, pass or fail."""
    nodes = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield nodes
    MigrationExecutor(connection).migrate(nodes)


@pytest.mark.django_db(transaction=True)
def test_every_patron_event_becomes_an_entry_with_its_channel_and_actor(latest):
    executor = MigrationExecutor(connection)
    # Every other app stays as it is (the rows are made in the schema of the database), but
    # for the migrations of apps that came later and need the patrons' later schema.
    graph = executor.loader.graph
    later = {n for n in graph.nodes if n[0] == "patrons"} - set(graph.forwards_plan(BEFORE))

    def last_without_later_patrons(leaf: tuple[str, str]) -> tuple[str, str | None]:
        kept: tuple[str, str | None] = (leaf[0], None)
        for node in (n for n in graph.forwards_plan(leaf) if n[0] == leaf[0]):
            if later & set(graph.forwards_plan(node)):
                break
            kept = node
        return kept

    before = [last_without_later_patrons(node) for node in latest if node[0] != "patrons"] + [BEFORE]
    executor.migrate(before)
    old = executor.loader.project_state([n for n in before if n[1] is not None]).apps
    network = old.get_model("libraries", "Network").objects.create(name="City")
    Branch = old.get_model("libraries", "Branch")
    central = Branch.objects.create(network=network, code="central", name="Central")
    school = Branch.objects.create(network=network, code="school", name="School")
    olena = old.get_model("accounts", "User").objects.create(username="olena")
    Category = old.get_model("patrons", "PatronCategory")
    adult = Category.objects.create(code="adult", name="Adult", age_band="adult")
    child = Category.objects.create(code="child", name="Child", age_band="child")
    anyone = Category.objects.create(code="guest", name="Guest", age_band="any")
    Patron = old.get_model("patrons", "Patron")

    def patron(family: str, *, born: date | None = None, guardian=None, category=adult):
        return Patron.objects.create(
            network=network, family_name=family, given_names="T", date_of_birth=born,
            home_branch=central, category=category, guardian=guardian, created_at=at(1),
            card_barcode=family, status="active",
        )  # fmt: skip

    oksana = patron("Kovalenko", born=date(1985, 4, 12))
    li, wang = patron("Li", born=date(2013, 3, 14)), patron("Wang")
    piotr = patron("Nowak")
    online, ward = patron("Online"), patron("Ward", guardian=oksana, category=child)
    Event = old.get_model("patrons", "PatronEvent")

    def event(kind: str, when: datetime, who=None, **values) -> int:
        category = values.pop("category", who.category if who else adult)
        return Event.objects.create(
            kind=kind, at=when, patron=who, category=category,
            age_band=values.pop("age_band", category.age_band), **values,
        ).pk  # fmt: skip

    rows = {
        "desk": event("registered", at(2), oksana, branch=central, staff=olena),
        "import_li": event("registered", at(3), li, branch=school, staff=olena),
        "import_wang": event("registered", at(3), wang, branch=school, staff=olena),
        "command": event("registered", at(4), piotr, branch=central),
        "public": event("self_registered", at(5), online, branch=central),
        "guardian": event("self_registered", at(5, 11), ward, branch=central),
        "pin": event("pin_set", at(6), oksana),
        "blocked": event(
            "blocked",
            at(7),
            oksana,
            branch=central,
            staff=olena,
            detail={"block": 7, "until": None},
        ),
        "erased": event(
            "erased",
            at(8),
            None,
            branch=central,
            staff=olena,
            category=child,
            detail={"home_branch": "central"},
        ),
        "no_band": event("erased", at(8, 11), None, branch=central, category=anyone),
    }

    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    new = executor.loader.project_state(latest).apps
    Entry = new.get_model("history", "Entry")
    assert Entry.objects.filter(domain="patrons").count() == len(rows)
    entries = {
        name: Entry.objects.get(domain="patrons", at=when, kind=kind)
        for name, (when, kind) in {
            "desk": (at(2), "registered"),
            "command": (at(4), "registered"),
            "public": (at(5), "self_registered"),
            "guardian": (at(5, 11), "self_registered"),
            "pin": (at(6), "pin_set"),
            "blocked": (at(7), "blocked"),
            "erased": (at(8), "erased"),
            "no_band": (at(8, 11), "erased"),
        }.items()
    }

    def who(name: str) -> tuple:
        e = entries[name]
        return (e.channel, e.actor, e.staff_id)

    assert who("desk") == ("desk", "staff", olena.pk)
    assert set(
        Entry.objects.filter(at=at(3)).values_list("channel", "actor", "staff_id", "branch_id")
    ) == {("import", "import", olena.pk, school.pk)}
    assert who("command") == ("import", "import", None)
    assert who("public") == ("online", "public", None)
    assert who("guardian") == ("online", "patron", None)
    assert who("pin") == ("online", "patron", None)
    assert who("blocked") == ("desk", "staff", olena.pk)
    assert who("no_band") == ("desk", "staff", None)  # only staff erase: an account deleted since

    desk = entries["desk"]
    assert (desk.patron_id, desk.network_id, desk.branch_id, desk.category_id) == (
        oksana.pk,
        network.pk,
        central.pk,
        adult.pk,
    )
    assert (desk.age, desk.age_band, desk.day) == (40, "", date(2026, 3, 2))
    assert desk.pseudonym and desk.pseudonym == entries["pin"].pseudonym
    # Without a branch, the network is the patron's.
    assert (entries["pin"].network_id, entries["pin"].branch_id) == (network.pk, None)
    assert (entries["blocked"].object_type, entries["blocked"].object_id) == ("patrons.block", 7)
    assert entries["blocked"].detail == {"block": 7, "until": None}
    # An erased patron's age is not known: the age band of the row stays, unless it said "any".
    erased = entries["erased"]
    assert (erased.patron_id, erased.pseudonym, erased.category_id) == (None, "", child.pk)
    assert (erased.age, erased.age_band, erased.detail) == (
        None,
        "child",
        {"home_branch": "central"},
    )
    assert entries["no_band"].age_band == ""
    # Entries whose age is known keep only the age.
    assert (Entry.objects.get(patron_id=li.pk).age, Entry.objects.get(patron_id=wang.pk).age) == (
        12,
        None,
    )
    assert Entry.objects.get(patron_id=wang.pk).age_band == "adult"
    assert not Entry.objects.filter(age__isnull=False).exclude(age_band="").exists()
