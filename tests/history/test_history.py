"""The history itself: what an entry keeps, pseudonyms, forgetting, and roll-ups that always
equal a recount of the raw entries."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from bibliohub.history import Actor, ActorKind, Channel, Domain, privacy, rollup, selectors
from bibliohub.history import kinds as registry
from bibliohub.history.models import (
    NETWORK_WIDE,
    DayCount,
    Dimension,
    DistinctPattern,
    DistinctYear,
    Entry,
)
from bibliohub.history.services import (
    COLUMNS,
    draft,
    forget_objects,
    forget_patron,
    record,
    record_many,
)

KYIV = ZoneInfo("Europe/Kyiv")

testing = Domain("testing", "Testing")
LENT = testing.kind("lent", "Lent", use=True)
PAID = testing.kind("paid", "Paid")
VISITED = testing.kind("visited", "Visited", use=True)
KINDS = (LENT, PAID, VISITED)


@dataclass
class FakePatron:
    pk: int
    network_id: int
    category_id: int
    date_of_birth: date | None
    school_class: str = ""


@dataclass
class FakeBranch:
    pk: int
    network_id: int


class FakeLoan:
    """Stands for any model instance an entry names."""

    class _meta:
        label_lower = "testing.loan"

    def __init__(self, pk: int) -> None:
        self.pk = pk


@pytest.fixture(autouse=True)
def _fresh_keys():
    privacy.forget_cached_keys()
    yield
    privacy.forget_cached_keys()


def at(y, m, d, hh=12, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=KYIV)


LIBRARIAN = Actor(ActorKind.STAFF, Channel.DESK, staff_id=7, source="desk 1")


def test_an_entry_keeps_the_patrons_age_category_and_pseudonym_not_their_name(db):
    patron = FakePatron(pk=41, network_id=3, category_id=2, date_of_birth=date(2015, 6, 15))
    entry = record(
        LENT, at=at(2026, 6, 14), actor=LIBRARIAN, branch=FakeBranch(5, 3), patron=patron
    )
    entry.refresh_from_db()
    assert (entry.network_id, entry.branch_id, entry.patron_id) == (3, 5, 41)
    assert entry.age == 10  # the day before the eleventh birthday
    assert entry.category_id == 2
    assert len(entry.pseudonym) == 16
    assert (entry.channel, entry.actor, entry.staff_id, entry.source) == (
        "desk",
        "staff",
        7,
        "desk 1",
    )
    assert record(LENT, at=at(2026, 6, 15), actor=LIBRARIAN, patron=patron).age == 11


def test_the_day_is_the_networks_local_day_not_the_utc_day(db):
    # 23:30 in Kyiv on 31 January is still January there, and February... never in UTC.
    entry = record(PAID, at=datetime(2026, 1, 31, 22, 30, tzinfo=UTC), actor=LIBRARIAN, network=1)
    assert entry.day == date(2026, 2, 1)
    entry = record(PAID, at=datetime(2026, 1, 31, 21, 30, tzinfo=UTC), actor=LIBRARIAN, network=1)
    assert entry.day == date(2026, 1, 31)


def test_a_naive_moment_is_refused(db):
    with pytest.raises(ValueError):
        record(PAID, at=datetime(2026, 1, 1, 12), actor=LIBRARIAN, network=1)  # noqa: DTZ001


def test_the_same_patron_has_one_pseudonym_a_year_and_another_the_next_year(db):
    patron = FakePatron(pk=9, network_id=1, category_id=1, date_of_birth=None)
    other = FakePatron(pk=10, network_id=1, category_id=1, date_of_birth=None)
    first = record(LENT, at=at(2026, 1, 2), actor=LIBRARIAN, patron=patron).pseudonym
    assert record(LENT, at=at(2026, 12, 30), actor=LIBRARIAN, patron=patron).pseudonym == first
    assert record(LENT, at=at(2026, 5, 1), actor=LIBRARIAN, patron=other).pseudonym != first
    assert record(LENT, at=at(2027, 1, 2), actor=LIBRARIAN, patron=patron).pseudonym != first


def test_after_its_key_is_destroyed_a_year_gives_no_pseudonym_and_the_old_ones_stay(db):
    patron = FakePatron(pk=9, network_id=1, category_id=1, date_of_birth=None)
    kept = record(LENT, at=at(2025, 3, 1), actor=LIBRARIAN, patron=patron)
    from bibliohub.history.services import destroy_pseudonym_keys

    years = destroy_pseudonym_keys(
        network_id=1, through_year=2025, actor=Actor.system("test"), at=at(2026, 4, 1)
    )
    assert years == [2025]
    late = record(LENT, at=at(2025, 12, 31), actor=LIBRARIAN, patron=patron)
    assert late.pseudonym == ""
    kept.refresh_from_db()
    assert len(kept.pseudonym) == 16
    assert Entry.objects.filter(domain="history", kind="keys_destroyed").count() == 1


def test_a_patron_acting_online_is_the_patron_of_the_entry(db):
    online = Actor.for_patron(FakePatron(pk=12, network_id=1, category_id=1, date_of_birth=None))
    entry = record(VISITED, at=at(2026, 3, 3), actor=online, network=1)
    assert (entry.patron_id, entry.channel, entry.actor) == (12, "online", "patron")
    assert entry.pseudonym


def test_kinds_are_declared_once(db):
    with pytest.raises(ImproperlyConfigured):
        testing.kind("lent", "Lent again")
    with pytest.raises(ImproperlyConfigured):
        Domain("testing", "Testing again")
    assert registry.find("testing", "lent") is LENT
    assert registry.label("testing", "gone") == "testing.gone"


def test_forgetting_a_patron_or_a_loan_keeps_every_figure(db):
    patron = FakePatron(pk=5, network_id=1, category_id=3, date_of_birth=date(1990, 1, 1))
    branch = FakeBranch(2, 1)
    loan = FakeLoan(77)
    record(LENT, at=at(2026, 2, 1), actor=LIBRARIAN, branch=branch, patron=patron, obj=loan)
    record(LENT, at=at(2026, 2, 3), actor=LIBRARIAN, branch=branch, patron=patron)
    rollup.roll_up()
    before = _figures()
    assert forget_objects(FakeLoan, [77]) == 1  # type: ignore[arg-type]
    assert Entry.objects.filter(patron_id=5).count() == 1
    assert forget_patron(5) == 1
    assert not Entry.objects.filter(patron_id__isnull=False).exists()
    rollup.roll_up()
    assert _figures() == before
    assert _recount() == before


def _figures():
    year = (date(2026, 1, 1), date(2026, 12, 31))
    return (
        selectors.counts(start=year[0], end=year[1]),
        selectors.breakdown(KINDS, Dimension.AGE, start=year[0], end=year[1], by=("branch",)),
        selectors.distinct_users(start=year[0], end=year[1], network_id=1),
    )


def _recount():
    rows = Entry.objects.filter(day__year=2026)
    counts: dict = defaultdict(lambda: [0, Decimal(0)])
    ages: dict = defaultdict(lambda: [0, Decimal(0)])
    users = set()
    for e in rows:
        key = (e.branch_id or 0, e.day.replace(day=1), f"{e.domain}.{e.kind}")
        counts[key][0] += e.quantity
        counts[key][1] += e.amount or 0
        if e.age is not None:
            ages[(e.branch_id or 0, str(e.age))][0] += e.quantity
            ages[(e.branch_id or 0, str(e.age))][1] += e.amount or 0
        if e.pseudonym and (e.domain, e.kind) in {("testing", "lent"), ("testing", "visited")}:
            users.add(e.pseudonym)
    return (
        {k: selectors.Total(q, a) for k, (q, a) in counts.items()},
        {k: selectors.Total(q, a) for k, (q, a) in ages.items()},
        len(users),
    )


class World:
    """Random entries over two years, four branches of one network and a few hundred
    patrons, written in several waves with roll-ups in between."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.patrons = [
            FakePatron(
                pk=i,
                network_id=1,
                category_id=self.rng.choice([1, 2, 3]),
                date_of_birth=None
                if self.rng.random() < 0.1
                else date(self.rng.randint(1940, 2020), self.rng.randint(1, 12), 1),
            )
            for i in range(1, 300)
        ]
        self.branches = [FakeBranch(b, 1) for b in (1, 2, 3, 4)]
        self.actors = [
            LIBRARIAN,
            Actor(ActorKind.TERMINAL, Channel.SELF_CHECK, terminal_id=1, source="kiosk"),
            Actor(ActorKind.JOB, Channel.JOB, source="nightly"),
        ]

    def write(self, n: int) -> None:
        start = datetime(2025, 1, 1, tzinfo=KYIV)
        for _ in range(n):
            moment = start + timedelta(minutes=self.rng.randint(0, 2 * 365 * 24 * 60))
            kind = self.rng.choice(KINDS)
            patron = self.rng.choice(self.patrons) if self.rng.random() < 0.9 else None
            actor = self.rng.choice(self.actors)
            if patron is not None and self.rng.random() < 0.3:
                actor = Actor.for_patron(patron)
            record(
                kind,
                at=moment,
                actor=actor,
                branch=self.rng.choice(self.branches) if self.rng.random() < 0.95 else None,
                network=1,
                patron=patron,
                item_type_id=self.rng.choice([None, 1, 2]),
                language=self.rng.choice(["", "ukr", "vie", "chi"]),
                quantity=self.rng.choice([1, 1, 1, 12]),
                amount=Decimal(self.rng.randint(0, 500)) / 100 if kind is PAID else None,
            )


def _raw(start: date, end: date, by_month: bool):
    """The same figures as the roll-ups give, counted from the raw entries."""
    counts: dict = defaultdict(lambda: [0, Decimal(0)])
    languages: dict = defaultdict(lambda: [0, Decimal(0)])
    users: dict = defaultdict(set)
    online: set = set()
    for e in Entry.objects.filter(day__gte=start, day__lte=end, domain="testing"):
        period = e.day.replace(day=1) if by_month else e.day
        key = (e.branch_id or 0, period, f"{e.domain}.{e.kind}")
        counts[key][0] += e.quantity
        counts[key][1] += e.amount or 0
        if e.language:
            languages[(e.branch_id or 0, e.language)][0] += e.quantity
            languages[(e.branch_id or 0, e.language)][1] += e.amount or 0
        if e.pseudonym and e.kind in ("lent", "visited"):
            users[e.branch_id or 0].add(e.pseudonym)
            if e.channel == "online":
                online.add(e.pseudonym)
    return (
        {k: selectors.Total(q, a) for k, (q, a) in counts.items()},
        {k: selectors.Total(q, a) for k, (q, a) in languages.items()},
        {b: len(p) for b, p in users.items()},
        len(online),
    )


def test_roll_ups_equal_a_recount_of_the_raw_history_over_random_periods(db):
    world = World(seed=20261207)
    rng = random.Random(7)
    for _wave in range(4):
        world.write(600)
        # Some waves are only partly rolled up before the next arrives.
        rollup.roll_up(batch=rng.choice([50, 333, 5000]), limit=rng.choice([None, 400]))
    rollup.roll_up(batch=97)
    assert rollup.pending() == 0
    # The patterns of months summarise DistinctYear exactly, however the batches fell.
    columns = ("counter", "network_id", "year", "branch_id", "months", "online_months")
    patterns = {
        row[:-1]: row[-1]
        for row in DistinctPattern.objects.filter(number__gt=0).values_list(*columns, "number")
    }
    assert patterns == Counter(DistinctYear.objects.values_list(*columns))
    assert not DistinctPattern.objects.filter(number__lt=0).exists()
    assert sum(DayCount.objects.values_list("quantity", flat=True)) == sum(
        Entry.objects.values_list("quantity", flat=True)
    )
    for _ in range(25):
        year = rng.choice([2025, 2026])
        first_month = rng.randint(1, 12)
        last_month = rng.randint(first_month, 12)
        start = date(year, first_month, 1)
        end = (date(year, last_month, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        by_month = rng.random() < 0.5
        raw_counts, raw_languages, raw_users, raw_online = _raw(start, end, by_month)
        by = ("branch", "month" if by_month else "day", "kind")
        assert selectors.counts(start=start, end=end, kinds=KINDS, by=by) == raw_counts
        assert (
            selectors.breakdown(KINDS, Dimension.LANGUAGE, start=start, end=end, by=("branch",))
            == raw_languages
        )
        assert (
            selectors.distinct_users(start=start, end=end, network_id=1, by_branch=True)
            == raw_users
        )
        assert (
            selectors.distinct_users(
                start=start, end=end, network_id=1, channels=selectors.E_SERVICE_BITS
            )
            == raw_online
        )
        # Arbitrary days too, not only whole months.
        a = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        b = a + timedelta(days=rng.randint(0, 40))
        assert (
            selectors.counts(start=a, end=b, kinds=KINDS, by=("branch", "day", "kind"))
            == (_raw(a, b, by_month=False)[0])
        )


def test_regular_users_are_counted_by_their_months(db):
    regular = FakePatron(pk=1, network_id=1, category_id=1, date_of_birth=None)
    once = FakePatron(pk=2, network_id=1, category_id=1, date_of_birth=None)
    for month in (1, 3, 5, 8):
        record(
            LENT, at=at(2026, month, 10), actor=LIBRARIAN, branch=FakeBranch(1, 1), patron=regular
        )
    record(LENT, at=at(2026, 2, 10), actor=LIBRARIAN, branch=FakeBranch(1, 1), patron=once)
    record(PAID, at=at(2026, 4, 10), actor=LIBRARIAN, branch=FakeBranch(1, 1), patron=once)
    rollup.roll_up()
    assert selectors.regular_users(year=2026, network_id=1, min_months=4) == 1
    assert selectors.regular_users(year=2026, network_id=1, min_months=1) == 2
    # Paying a fine is not using a service: the second patron was active in one month only.
    assert (
        DistinctYear.objects.filter(counter="user", branch_id=NETWORK_WIDE, month_count=1).count()
        == 1
    )


def test_a_roll_up_counts_each_entry_once_however_often_it_runs(db):
    patron = FakePatron(pk=1, network_id=1, category_id=1, date_of_birth=date(2000, 1, 1))
    for i in range(10):
        record(LENT, at=at(2026, 5, 1 + i), actor=LIBRARIAN, branch=FakeBranch(1, 1), patron=patron)
    assert rollup.roll_up(batch=3) == 10
    assert rollup.roll_up() == 0
    assert selectors.total([LENT], start=date(2026, 5, 1), end=date(2026, 5, 31)).quantity == 10
    assert Counter(Entry.objects.values_list("rolled_up", flat=True)) == {True: 10}


@dataclass
class FakeItem:
    pk: int
    record_id: int
    item_type_id: int


def test_entries_written_many_at_once_are_the_entries_record_writes(db, django_assert_num_queries):
    patron = FakePatron(pk=8, network_id=1, category_id=2, date_of_birth=date(2012, 3, 1))
    importer = Actor.for_import(source="new-books.mrc")
    arguments = [
        dict(
            kind=LENT,
            at=at(2026, 4, 1),
            actor=LIBRARIAN,
            branch=FakeBranch(2, 1),
            patron=patron,
            item=FakeItem(31, 7, 3),
            obj=FakeLoan(90),
            reasons=["overridden"],
        ),
        dict(
            kind=PAID,
            at=at(2026, 4, 1),
            actor=LIBRARIAN,
            network=1,
            patron=patron,
            amount=Decimal("1.50"),
            currency="UAH",
            detail={"fines": [4, 5]},
        ),
        dict(
            kind=VISITED,
            at=at(2026, 4, 2),
            actor=importer,
            branch=FakeBranch(3, 1),
            record_id=7,
            item_id=32,
            item_type_id=4,
            language="ukr",
            format="book",
            audience="children",
        ),
        dict(
            kind=VISITED,
            at=at(2026, 4, 2),
            actor=Actor.system("test"),
            network=1,
            age_band="6-11",
            quantity=12,
        ),
    ]
    one_by_one = [record(**a).pk for a in arguments]
    drafts = [draft(**a) for a in arguments]
    with django_assert_num_queries(1):
        assert record_many(drafts) == 4
    columns = [f.attname for f in Entry._meta.concrete_fields if f.attname not in {"id"}]
    written = list(Entry.objects.order_by("pk").values_list(*columns))
    assert written[4:] == written[:4]
    assert len(one_by_one) == 4 and written[0][columns.index("pseudonym")]
    assert written[2][columns.index("record_id") : columns.index("format") + 1] == (
        7,
        32,
        4,
        "ukr",
        "children",
        "book",
    )
    rollup.roll_up()
    assert selectors.total(KINDS, start=date(2026, 4, 1), end=date(2026, 4, 2)).quantity == 30


def test_a_draft_holds_every_field_an_entry_has():
    fields = {f.attname for f in Entry._meta.concrete_fields} - {"id", "rolled_up"}
    assert set(COLUMNS) == fields and len(COLUMNS) == len(fields)


def test_a_batch_with_nothing_in_it_writes_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert record_many([]) == 0


def test_the_copies_withdrawn_before_the_roll_up_counted_them_are_filled_in(db):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    from bibliohub.catalog.kinds import ITEM_WITHDRAWN
    from bibliohub.history.models import DistinctPattern

    branch = FakeBranch(2, 1)
    for item_id, moment in ((10, at(2026, 3, 31, 23, 30)), (11, at(2026, 4, 2)), (12, at(2025, 5, 1))):
        record(ITEM_WITHDRAWN, at=moment, actor=LIBRARIAN, branch=branch, network=1, item_id=item_id)
    rollup.roll_up()
    counted = sorted(
        DistinctYear.objects.filter(counter="copy_withdrawn").values_list(
            "year", "branch_id", "value", "months"
        )
    )
    # Counted by the local day: item 10 in March (bit 2), 11 in April (bit 3), at the branch
    # and in the whole network.
    assert counted == [
        (2025, NETWORK_WIDE, "12", 1 << 4),
        (2025, 2, "12", 1 << 4),
        (2026, NETWORK_WIDE, "10", 1 << 2),
        (2026, NETWORK_WIDE, "11", 1 << 3),
        (2026, 2, "10", 1 << 2),
        (2026, 2, "11", 1 << 3),
    ]
    # Entries counted before the roll-up knew withdrawals are filled in by the migration, as
    # the roll-up counts them.
    patterns = sorted(
        DistinctPattern.objects.filter(counter="copy_withdrawn").values_list(
            "year", "branch_id", "months", "number"
        )
    )
    assert (2026, NETWORK_WIDE, 1 << 2, 1) in patterns
    DistinctYear.objects.filter(counter="copy_withdrawn").delete()
    DistinctPattern.objects.filter(counter="copy_withdrawn").delete()
    migration = import_module("bibliohub.history.migrations.0006_copies_withdrawn")
    migration.fill_copies_withdrawn(apps, connection.schema_editor())
    assert (
        sorted(
            DistinctYear.objects.filter(counter="copy_withdrawn").values_list(
                "year", "branch_id", "value", "months"
            )
        )
        == counted
    )
    assert (
        sorted(
            DistinctPattern.objects.filter(counter="copy_withdrawn").values_list(
                "year", "branch_id", "months", "number"
            )
        )
        == patterns
    )
