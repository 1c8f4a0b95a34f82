"""Readers with PINs and e-mail addresses on top of tests/conftest.py, a default lending rule,
titles with copies, and a helper to lend. Shared by the portal and notice tests; their
conftest.py files import these fixtures. Everything happens around NOW: the clock starts there
for every test that imports the `_portal_clock` fixture, whatever today's date is."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.circulation import services
from bibliohub.circulation.models import CirculationRule, Loan
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory
from bibliohub.patrons.pins import set_pin

PIN = "2468"
OTHER_PIN = "1357"
# Wednesday 20 January 2027, 10:00 in Kyiv: the central library and Riverside are open, and the
# months either side of it (loans lent weeks ago, fines a month later) keep winter time.
NOW = datetime(2027, 1, 20, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.fixture(autouse=True)
def _portal_clock():
    """The pages, the services and the helpers below read the clock; it starts at NOW and runs
    on, so that loans lent "days ago" fall on the same days of the calendar in every run."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="adult", name="Adult", names={"pl": "Dorosły"}, age_band=AgeBand.ADULT
    )


@pytest.fixture
def child_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="child", name="Child", age_band=AgeBand.CHILD, card_validity_months=24
    )


@pytest.fixture
def default_rule(db) -> CirculationRule:
    return CirculationRule.objects.create(
        loan_period=21,
        renewals_allowed=2,
        fine_per_day=Decimal("0.20"),
        grace_days=2,
        fine_cap=Decimal("5.00"),
        max_fines_before_block=Decimal("10.00"),
        hold_pickup_days=7,
        calendar_mode="ignore",
    )


def register(
    family: str,
    given: str,
    card: str,
    *,
    category: PatronCategory,
    branch: Branch,
    staff,
    pin: str | None,
    at: datetime | None = None,
    **details,
) -> Patron:
    at = at or timezone.now() - timedelta(days=60)
    patron = patron_services.register_patron(
        patron_services.PatronDetails(family_name=family, given_names=given, **details),
        category=category,
        branch=branch,
        actor=Actor.for_staff(staff),
        at=at,
        card_barcode=card,
    )
    if pin is not None:
        patron = set_pin(patron, pin=pin, actor=Actor.for_staff(staff), at=at)
    return patron


@pytest.fixture
def reader(central, adult_category, central_librarian, default_rule) -> Patron:
    """A Polish-speaking reader of the central library, who signs in with card P1001."""
    return register(
        "Wiśniewska",
        "Anna",
        "P1001",
        category=adult_category,
        branch=central,
        staff=central_librarian,
        pin=PIN,
        email="anna@example.org",
        language="pl",
    )


@pytest.fixture
def other_reader(central, adult_category, central_librarian, default_rule) -> Patron:
    return register(
        "Tran",
        "Minh",
        "P1002",
        category=adult_category,
        branch=central,
        staff=central_librarian,
        pin=OTHER_PIN,
        email="minh@example.org",
        language="vi",
    )


_numbers = itertools.count(1)


@pytest.fixture
def make_item(central, book_type) -> Callable[..., Item]:
    def make(
        title: str = "Lalka", *, branch: Branch | None = None, record: Record | None = None
    ) -> Item:
        now = timezone.now() - timedelta(days=90)
        if record is None:
            record = Record.objects.create(marc=b"", title=title, created_at=now, updated_at=now)
        return Item.objects.create(
            record=record,
            barcode=f"B{next(_numbers):06d}",
            branch=branch or central,
            item_type=book_type,
            status=ItemStatus.AVAILABLE,
            created_at=now,
            updated_at=now,
        )

    return make


@pytest.fixture
def lend(central, central_librarian) -> Callable[..., Loan]:
    """Lend at the central desk, `days_ago` days ago (the loan is for 21 days)."""

    def lend_(patron: Patron, item: Item, *, days_ago: int = 1) -> Loan:
        return services.checkout(
            patron=patron,
            item=item,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=timezone.now() - timedelta(days=days_ago),
        )

    return lend_
