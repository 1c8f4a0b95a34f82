"""The "new in the library" read: newest first, ties in created_at (a bulk import stamps every
record alike) broken by id so that pages never skip or repeat a title."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from bibliohub.catalog.models import ItemStatus
from bibliohub.catalog.selectors import new_arrivals
from tests.web.builders import add_items, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(central, riverside, book_type):
    now = timezone.now()
    expected = []
    for n in range(17):
        # Pairs share a timestamp, so the walk has to order ties by id as well.
        record = make_record(
            title=f"T{n:02d}",
            created_at=now - timedelta(minutes=n // 2),
            languages=["pol" if n % 4 else "vie"],
        )
        on_shelf = n % 3 != 0
        add_items(
            record,
            central if n % 2 else riverside,
            book_type,
            [ItemStatus.AVAILABLE if on_shelf else ItemStatus.ON_LOAN],
        )
        if on_shelf:
            expected.append(record)
    expected.sort(key=lambda r: (r.created_at, r.pk), reverse=True)
    return now - timedelta(days=1), expected


def test_pages_of_new_arrivals_join_up_without_gaps_or_repeats(shelf):
    since, expected = shelf
    pages = [new_arrivals(since=since)[offset : offset + 4] for offset in range(0, 16, 4)]
    assert [r.pk for page in pages for r in page] == [r.pk for r in expected]


def test_new_arrivals_filter_by_branch_and_language(shelf, central):
    since, expected = shelf
    at_central = new_arrivals(since=since, branch_code="central")
    assert [r.pk for r in at_central] == [
        r.pk for r in expected if r.items.filter(branch=central).exists()
    ]
    polish = new_arrivals(since=since, language="pol")
    assert [r.pk for r in polish] == [r.pk for r in expected if r.languages == ["pol"]]


def test_new_arrivals_stop_at_the_window(shelf):
    _since, expected = shelf
    since = expected[0].created_at - timedelta(minutes=2)
    recent = list(new_arrivals(since=since))
    assert recent and [r.pk for r in recent] == [r.pk for r in expected if r.created_at >= since]
    assert len(recent) < len(expected)
