"""Queries built once and run again with new values give what the ORM gives."""

from __future__ import annotations

from datetime import datetime, timedelta

from bibliohub.catalog.models import Item
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.models import CirculationRule, Loan
from bibliohub.circulation.prepared import PreparedQuery
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
    assert selectors.first_hold_for_item(a) is None
    hold = services.place_hold(
        patron=second_reader, record=b.record, pickup_branch=central, staff=None, at=AT
    )
    assert selectors.first_hold_for_item(a) is None
    assert selectors.first_hold_for_item(Item.objects.get(pk=b.pk)) == hold
