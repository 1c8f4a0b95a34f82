"""Queries built once and run again with new values give what the ORM gives."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from bibliohub.catalog.models import Item
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.models import CirculationRule, Loan
from bibliohub.circulation.prepared import PreparedQuery
from bibliohub.db import insert
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.patrons.models import Patron
from tests.circulation.conftest import AT


def _due_before(*, at: datetime, patron_id: int | None):
    qs = Loan.objects.filter(due_at__lt=at).order_by("pk").values_list("pk")
    return qs.filter(patron_id=patron_id) if patron_id else qs.filter(patron__isnull=True)


def test_each_call_runs_with_its_own_values(lend, reader, second_reader, make_item):
    first = lend(reader, make_item())
    second = lend(second_reader, make_item(), at=AT + timedelta(days=3))
    prepared = PreparedQuery(_due_before, at=datetime, patron_id=int)
    for at in (AT, first.due_at + timedelta(minutes=1), second.due_at + timedelta(days=1)):
        for patron in (reader, second_reader):
            expected = list(_due_before(at=at, patron_id=patron.pk))
            assert prepared.rows(at=at, patron_id=patron.pk) == expected
    assert prepared.rows(at=AT + timedelta(days=99), patron_id=None) == []


def test_the_loaded_rules_are_the_candidates_of_each_shape(
    reader, central, riverside, book_type, default_rule
):
    CirculationRule.objects.create(branch=riverside, loan_period=7)
    CirculationRule.objects.create(item_type=book_type, loan_period=14)
    ids = lambda rules_: sorted(r.pk for r in rules_)  # noqa: E731
    assert ids(rules.load_rules(branch=central, category=None, item_type=None)) == [default_rule.pk]
    assert len(rules.load_rules(branch=riverside, category=None, item_type=book_type)) == 3
    assert rules.load_policy(branch=riverside, category=None, item_type=book_type).loan_period == 7


def test_the_first_hold_is_found_for_each_copy(reader, second_reader, make_item, central):
    from bibliohub.circulation import services

    a, b = make_item(), make_item()
    assert selectors.first_hold_for_item(a, at=AT) is None
    hold = services.place_hold(
        patron=second_reader,
        record=b.record,
        pickup_branch=central,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    assert selectors.first_hold_for_item(a, at=AT) is None
    assert selectors.first_hold_for_item(Item.objects.get(pk=b.pk), at=AT) == hold


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_a_prepared_patron_is_the_orm_patron_with_its_category_attached(
    reader, django_assert_num_queries
):
    expected = Patron.objects.select_related("category").get(pk=reader.pk)
    for lock in (False, True):
        with transaction.atomic():
            patron = selectors.fresh_patron(reader, lock=lock)
        assert _values(patron) == _values(expected)
        assert patron.created_at.tzinfo is not None
        with django_assert_num_queries(0):
            assert _values(patron.category) == _values(expected.category)


def test_a_missing_patron_is_said_to_be_missing(db):
    with pytest.raises(Patron.DoesNotExist):
        selectors.fresh_patron(987_654)


def test_a_prepared_copy_is_the_orm_copy_with_its_titles_facts(make_item):
    from bibliohub.circulation.services.loans import _locked_item

    item = make_item(price=Decimal("12.50"))
    item.record.languages, item.record.audience = ["pol", "ukr"], "juvenile"
    item.record.save()
    with transaction.atomic():
        found = _locked_item(item.pk)
        assert _values(found) == _values(Item.objects.get(pk=item.pk))
        assert (found.material_language, found.material_format, found.material_audience) == (
            "pol",
            item.record.format,
            "juvenile",
        )
        with pytest.raises(Item.DoesNotExist):
            _locked_item(987_654)


def test_an_inserted_row_reads_back_as_it_was_written(reader, make_item, central):
    from datetime import date

    item = make_item()
    entry = Entry(
        at=AT,
        day=date(2026, 12, 1),
        network_id=central.network_id,
        branch_id=central.pk,
        domain="circulation",
        kind="checkout_refused",
        channel="desk",
        actor="staff",
        item_id=item.pk,
        record_id=item.record_id,
        patron_id=reader.pk,
        reasons=["card_expired"],
        amount=Decimal("1.20"),
        currency="UAH",
        detail={"note": "ß and ё"},
    )
    insert(entry)
    assert entry.pk is not None and not entry._state.adding
    assert _values(Entry.objects.get(pk=entry.pk)) == _values(entry)


def _item_by_barcode(*, barcode: str):
    return (
        Item.objects.select_related("record", "branch")
        .defer("record__marc")
        .filter(barcode=barcode)
        .order_by()
    )


def test_instances_come_with_their_related_objects_and_deferred_fields_as_the_orm_gives_them(
    make_item, django_assert_num_queries
):
    items = [make_item(), make_item()]
    prepared = PreparedQuery(_item_by_barcode, barcode=str)
    for item in items:
        expected = _item_by_barcode(barcode=item.barcode).get()
        with django_assert_num_queries(1):
            (found,) = prepared.instances(barcode=item.barcode)
            assert _values(found) == _values(expected)
            assert found.record.title == expected.record.title
            assert found.branch.code == expected.branch.code
        assert "marc" in found.record.get_deferred_fields()
    assert prepared.instances(barcode="no such barcode") == []
    # A value that looks like the stand-in or SQL is just a value.
    assert prepared.instances(barcode="' OR 1=1 --") == []


def test_insert_sends_each_value_as_save_would(reader, make_item, central):
    """The short cut for text, boolean and integer fields gives what Django's own
    conversion gives, for values of every type, on either database."""
    from datetime import date

    from django.db import connection
    from django.utils.translation import gettext_lazy

    from bibliohub.db import _preparer

    item = make_item()
    entry = Entry(
        at=AT,
        day=date(2026, 12, 1),
        network_id=central.network_id,
        branch_id="7",  # a string where an integer belongs: converted the usual way
        domain="circulation",
        kind=gettext_lazy("checkout"),  # a lazy string: converted the usual way
        channel="desk",
        actor="staff",
        item_id=item.pk,
        quantity=True,  # a boolean is not an integer here
        age=None,
        amount=Decimal("1.20"),
        reasons=["x"],
        detail={"a": 1},
    )
    for obj in (entry, Loan(item=item, patron=reader, branch=central, item_type=item.item_type,
                            checked_out_at=AT, due_at=AT, desk="d")):  # fmt: skip
        fields = [f for f in type(obj)._meta.concrete_fields if not f.primary_key]
        usual = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
        quick = [_preparer(f)(obj, connection) for f in fields]
        # Same types (psycopg's sized integers on PostgreSQL) and values; JSON is wrapped
        # anew each time on PostgreSQL, so what the wrappers hold is compared.
        assert [type(v) for v in quick] == [type(v) for v in usual]
        assert [getattr(v, "obj", v) for v in quick] == [getattr(v, "obj", v) for v in usual]
