"""Finding a patron the way the desk types: whole names in any order, with or without spaces,
accents or capitals, in any script, and classes however they are written. The keys are kept
by the services as names and classes change, and a search is a range of one index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliohub.history import Actor
from bibliohub.patrons import selectors, services
from bibliohub.patrons.lookup import class_key, patron_query, search_terms
from bibliohub.patrons.models import Patron, PatronSearchTerm
from tests.patrons.conftest import AT


@pytest.mark.parametrize(
    ("written", "key"),
    [("8A", "8a"), ("8 a", "8a"), ("8-А", "8a"), ("8а", "8a"), ("8 В", "8b"), ("10-Б", "10б")],
)
def test_a_class_has_one_key_however_it_is_written(written, key):
    assert class_key(written) == key


def test_a_chinese_name_is_found_whole_and_in_parts():
    terms = search_terms(family_name="周", given_names="子涵", school_class="")
    assert {"周", "子涵", "周子涵", "子涵周", "涵"} <= terms


def test_a_vietnamese_name_is_folded_and_kept_together_in_both_orders():
    terms = search_terms(family_name="Nguyễn", given_names="Thị Lan", school_class="7B")
    assert {"nguyen", "thi", "lan", "thilan", "nguyenthilan", "thilannguyen", "7b"} <= terms


def test_a_query_word_with_a_digit_is_also_tried_as_a_latin_class():
    query = patron_query("8а")
    assert query.words == ((("8a", "8а")),)


@pytest.fixture
def people(central, adult_category, central_librarian) -> dict[str, Patron]:
    def register(family: str, given: str, school_class: str = "") -> Patron:
        return services.register_patron(
            services.PatronDetails(
                family_name=family, given_names=given, school_class=school_class
            ),
            category=adult_category,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
        )

    return {
        "zihan": register("周", "子涵", "7B"),
        "mingxuan": register("李", "明轩", "8A"),
        "lan": register("Nguyễn", "Thị Lan"),
        "olena": register("Kovalenko", "Olena", "8-А"),
        "lukasz": register("Wiśniewski", "Łukasz", "8B"),
        "li_na": register("李", "娜"),
    }


def _found(text: str, network) -> set[str]:
    return {
        f"{p.family_name} {p.given_names}" for p in selectors.find_patrons(text, network=network)
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("周子涵", {"周 子涵"}),
        ("李明轩", {"李 明轩"}),
        ("李 明轩", {"李 明轩"}),
        ("明轩李", {"李 明轩"}),
        ("子涵", {"周 子涵"}),
        ("李", {"李 明轩", "李 娜"}),
        ("Nguyễn Thị Lan", {"Nguyễn Thị Lan"}),
        ("nguyen thi lan", {"Nguyễn Thị Lan"}),
        ("NGUYEN", {"Nguyễn Thị Lan"}),
        ("Lan Nguyen", {"Nguyễn Thị Lan"}),
        ("nguyenthilan", {"Nguyễn Thị Lan"}),
        ("thi lan", {"Nguyễn Thị Lan"}),
        ("lukasz wisn", {"Wiśniewski Łukasz"}),
        ("Olena Kovalenko", {"Kovalenko Olena"}),
        ("8A", {"李 明轩", "Kovalenko Olena"}),
        ("8 a", {"李 明轩", "Kovalenko Olena"}),
        ("8а", {"李 明轩", "Kovalenko Olena"}),
        ("8-А", {"李 明轩", "Kovalenko Olena"}),
        ("8", {"李 明轩", "Kovalenko Olena", "Wiśniewski Łukasz"}),
        ("8a olena", {"Kovalenko Olena"}),
        ("7b", {"周 子涵"}),
        ("lana", set()),
        ("nobody", set()),
    ],
)
def test_staff_find_a_patron_however_the_name_or_class_is_typed(people, network, typed, expected):
    assert _found(typed, network) == expected


def test_the_keys_follow_a_change_of_name_and_class(people, central, central_librarian):
    olena = people["olena"]
    services.update_details(
        olena,
        services.PatronDetails(family_name="Коваленко", given_names="Олена", school_class="9C"),
        category=olena.category,
        home_branch=central,
        guardian=None,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    assert _found("Коваленко", central.network) == {"Коваленко Олена"}
    assert _found("kovalenko", central.network) == set()
    assert _found("9c", central.network) == {"Коваленко Олена"}
    assert "Коваленко Олена" not in _found("8a", central.network)


def test_the_keys_go_with_an_erased_patron(people, central, central_librarian):
    services.erase_patron(
        people["lan"], branch=central, actor=Actor.for_staff(central_librarian), at=AT
    )
    assert not PatronSearchTerm.objects.filter(term="nguyen").exists()


def test_only_the_patrons_of_the_network_are_found(people, central):
    from bibliohub.libraries.models import Network

    other = Network.objects.create(name="Another network")
    assert _found("周子涵", other) == set()


def test_a_search_reads_ranges_of_the_key_index_then_the_patrons_by_id(people, network):
    with CaptureQueriesContext(connection) as queries:
        assert len(selectors.find_patrons("nguyen lan", network=network)) == 1
    assert len(queries) == 2
    keys_sql = queries[0]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test tables are tiny, so the planner would rather scan them: it is asked
            # whether it can use the index at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + keys_sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + keys_sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "patron_search_term" in plan
    assert "SCAN patrons_patronsearchterm" not in plan  # SQLite: no full scan of the keys
    assert '"patrons_patron"' not in keys_sql  # the keys alone answer the first query


def test_a_search_finds_at_most_max_found_patrons(people, network, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_FOUND", 2)
    assert len(selectors.find_patrons("李", network=network)) == 2
    assert len(selectors.find_patrons("8", network=network)) == 2


@pytest.mark.django_db(transaction=True)
def test_patrons_registered_before_the_keys_existed_get_theirs():
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    # Every other app as it is now: the rows are made in the schema of the database.
    state = [n for n in latest if n[0] != "patrons"] + [("patrons", "0005_move_events_to_history")]
    executor.migrate(state)
    old = executor.loader.project_state(state).apps
    try:
        network = old.get_model("libraries", "Network").objects.create(name="City")
        branch = old.get_model("libraries", "Branch").objects.create(
            network=network, code="school", name="School"
        )
        category = old.get_model("patrons", "PatronCategory").objects.create(
            code="student", name="Student"
        )
        old.get_model("patrons", "Patron").objects.create(
            network=network, family_name="周", given_names="子涵", school_class="8-А",
            home_branch=branch, category=category, card_barcode="S1", status="active",
            email="Zihan@example.org", created_at=AT,
        )  # fmt: skip
    finally:
        MigrationExecutor(connection).migrate(latest)
    zihan = Patron.objects.get(card_barcode="S1")
    assert set(zihan.search_terms.values_list("term", flat=True)) >= {
        "周子涵", "子涵", "8a", "s1", "zihan@example.org",
    }  # fmt: skip
    assert list(selectors.find_patrons("周子涵", network=zihan.network_id)) == [zihan]
