"""A few real-looking records in several scripts, held by the two branches of the named world;
fixtures shared by the OPAC, API and browser tests (their conftest.py files import them). The
pages read the clock (what is new, today's hours), so `_catalogue_clock` starts it at NOW."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from bibliohub.catalog.models import ItemStatus, Record
from bibliohub.search.indexing import index_records
from tests.web.builders import add_items, make_record

# Wednesday 25 November 2026, noon in Kyiv, when both branches are open.
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.fixture(autouse=True)
def _catalogue_clock():
    """The clock starts at NOW and runs on, for every test whose conftest.py imports this."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def duong_kach_menh(central, riverside, book_type) -> Record:
    record = make_record(
        title="Đường Kách Mệnh",
        responsibility="Nguyễn Ái Quốc",
        authors=["Hồ Chí Minh"],
        subjects=["Cách mạng", "Lịch sử Việt Nam"],
        year=1927,
        languages=["vie"],
        isbns=["9786045712345"],
        publisher="Nhà xuất bản Chính trị Quốc gia",
        place="Hà Nội",
        summary="Tập bài giảng cho lớp huấn luyện cán bộ.",
        edition="Tái bản lần 3",
        created_at=timezone.now() - timedelta(days=2),
    )
    add_items(
        record,
        central,
        book_type,
        [ItemStatus.AVAILABLE, ItemStatus.AVAILABLE, ItemStatus.ON_LOAN],
        call_number="959.7 HCM",
    )
    add_items(
        record,
        riverside,
        book_type,
        [ItemStatus.ON_LOAN, ItemStatus.WITHDRAWN],
        call_number="959.7 HCM",
    )
    return record


@pytest.fixture
def hong_lou_meng(central, book_type) -> Record:
    record = make_record(
        title="红楼梦",
        authors=["曹雪芹"],
        subjects=["小说"],
        year=2008,
        languages=["chi"],
        publisher="人民文学出版社",
        place="北京",
        created_at=timezone.now() - timedelta(days=1),
    )
    add_items(record, central, book_type, [ItemStatus.AVAILABLE], call_number="I242.4 C12")
    return record


@pytest.fixture
def all_on_loan(riverside, book_type) -> Record:
    record = make_record(
        title="Kobzar",
        authors=["Taras Shevchenko"],
        year=2014,
        languages=["ukr"],
        created_at=timezone.now(),
    )
    add_items(record, riverside, book_type, [ItemStatus.ON_LOAN])
    return record


@pytest.fixture
def indexed(duong_kach_menh, hong_lou_meng, all_on_loan) -> tuple[Record, Record, Record]:
    """The three records, in the search index."""
    index_records([duong_kach_menh.pk, hong_lou_meng.pk, all_on_loan.pk])
    return duong_kach_menh, hong_lou_meng, all_on_loan
