"""Records built directly as rows (the MARC importer is not needed to test search), and a small
multilingual shelf shared by the search tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.search.indexing import index_records

_barcodes = itertools.count(1)
START = datetime(2024, 1, 1, tzinfo=UTC)


def make_record(title: str, *, created: int = 0, **fields) -> Record:
    """A Record row with sensible defaults; `created` is days after 1 January 2024."""
    at = START + timedelta(days=created)
    return Record.objects.create(marc=b"", title=title, created_at=at, updated_at=at, **fields)


def add_item(record: Record, branch, item_type, status: str = ItemStatus.AVAILABLE) -> Item:
    return Item.objects.create(
        record=record, barcode=f"B{next(_barcodes):07d}", branch=branch, item_type=item_type,
        status=status, created_at=START, updated_at=START,
    )


@pytest.fixture
def shelf(central, riverside, book_type) -> dict[str, Record]:
    """Records in the five languages of the network, with copies in both branches, indexed."""
    records = {
        "duong": make_record(
            "Đường Kách Mệnh", authors=["Hồ Chí Minh"], subjects=["Cách mạng"], languages=["vie"],
            year=1927, audience="adult", created=1,
        ),
        "lodz": make_record(
            "Łódź i okolice", subtitle="przewodnik", authors=["Kowalski, Jan"], subjects=["Łódź (Polska)"],
            languages=["pol"], year=2015, format="map", audience="general", created=2,
        ),
        "solom": make_record(
            "Солом’янська бібліотека", authors=["Петренко, Олена"], subjects=["Бібліотеки"],
            languages=["ukr"], year=2019, created=3,
        ),
        "honglou": make_record(
            "红楼梦", authors=["曹雪芹"], subjects=["小说"], languages=["chi"], year=1982,
            isbns=["9787020002207"], audience="young_adult", created=4,
        ),
        "war": make_record(
            "War and peace", authors=["Tolstoy, Leo"], subjects=["Napoleonic Wars, 1800-1815 -- Fiction"],
            languages=["eng"], year=2006, isbns=["978-0-14-044793-4"], publisher="Penguin",
            audience="adult", created=5,
        ),
        "peace": make_record(
            "Peace in our time", authors=["Smith, Anna"], subjects=["War -- Prevention"],
            languages=["eng"], year=1999, audience="children", created=6,
        ),
    }
    add_item(records["duong"], central, book_type)
    add_item(records["lodz"], riverside, book_type, ItemStatus.ON_LOAN)
    add_item(records["solom"], central, book_type)
    add_item(records["solom"], riverside, book_type, ItemStatus.ON_LOAN)
    add_item(records["honglou"], riverside, book_type)
    add_item(records["war"], central, book_type, ItemStatus.ON_LOAN)
    add_item(records["war"], riverside, book_type)
    add_item(records["peace"], central, book_type, ItemStatus.WITHDRAWN)
    index_records(r.id for r in records.values())
    return records


@pytest.fixture
def record_factory(db):
    """make_record for tests that build their own records."""
    return make_record


@pytest.fixture
def item_factory(db):
    return add_item
