"""A lending world on top of tests/conftest.py: a default rule (21 days, two renewals, fines
of 0.20 a day after two days' grace, capped at 5.00, blocking over 10.00), two adult readers
of the central library, titles with copies, and helpers to lend. Everything happens around
AT, a Tuesday morning when both branches are open."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bibliohub.catalog.models import Item, ItemStatus, ItemType, Record
from bibliohub.circulation import services
from bibliohub.circulation.models import CirculationRule, Loan
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Branch
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory

KYIV = ZoneInfo("Europe/Kyiv")
# Tuesday 1 December 2026, 10:00: the central library and Riverside are both open.
AT = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="adult", name="Adult", age_band=AgeBand.ADULT, card_validity_months=12
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
    )


def _register(family: str, card: str, category, branch, staff, **details) -> Patron:
    return patron_services.register_patron(
        patron_services.PatronDetails(family_name=family, given_names="Test", **details),
        category=category,
        branch=branch,
        actor=Actor.for_staff(staff),
        at=AT,
        card_barcode=card,
    )


@pytest.fixture
def reader(central, adult_category, central_librarian, default_rule) -> Patron:
    return _register("Kovalenko", "P0001", adult_category, central, central_librarian)


@pytest.fixture
def second_reader(central, adult_category, central_librarian, default_rule) -> Patron:
    return _register("Tran", "P0002", adult_category, central, central_librarian)


@pytest.fixture
def third_reader(central, adult_category, central_librarian, default_rule) -> Patron:
    return _register("Wiśniewska", "P0003", adult_category, central, central_librarian)


_numbers = itertools.count(1)


@pytest.fixture
def make_record(db) -> Callable[..., Record]:
    def make(title: str = "Kobzar") -> Record:
        return Record.objects.create(marc=b"", title=title, created_at=AT, updated_at=AT)

    return make


@pytest.fixture
def make_item(make_record, central, book_type) -> Callable[..., Item]:
    def make(
        *,
        branch: Branch | None = None,
        record: Record | None = None,
        status: str = ItemStatus.AVAILABLE,
        item_type: ItemType | None = None,
        price: Decimal | None = None,
    ) -> Item:
        return Item.objects.create(
            record=record or make_record(),
            barcode=f"B{next(_numbers):06d}",
            branch=branch or central,
            item_type=item_type or book_type,
            status=status,
            price=price,
            created_at=AT,
            updated_at=AT,
        )

    return make


@pytest.fixture
def book(make_item) -> Item:
    return make_item()


@pytest.fixture
def librarian(central_librarian) -> Actor:
    """The central library's librarian at the desk."""
    return Actor.for_staff(central_librarian, source="desk 1")


@pytest.fixture
def kiosk(central) -> Actor:
    """A self-check terminal of the central library (no staff member, never an override)."""
    from bibliohub.interop.sip2.models import SelfCheckTerminal

    terminal = SelfCheckTerminal(login="kiosk-1", name="Kiosk", branch=central)
    terminal.set_password("kiosk secret")
    terminal.save()
    return Actor.for_terminal(terminal)


@pytest.fixture
def lend(central, librarian) -> Callable[..., Loan]:
    """Lend at the central desk (or as given), AT unless told."""

    def lend_(patron: Patron, item: Item, *, at: datetime = AT, **kw) -> Loan:
        kw.setdefault("branch", central)
        kw.setdefault("actor", librarian)
        return services.checkout(patron=patron, item=item, at=at, **kw)

    return lend_


def events(kind: str | None = None) -> list[Entry]:
    """The circulation entries of the history, oldest first (of one kind if given)."""
    qs = Entry.objects.filter(domain="circulation").order_by("pk")
    return list(qs.filter(kind=kind) if kind else qs)


def refresh(obj):
    obj.refresh_from_db()
    return obj


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=KYIV)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, tzinfo=KYIV)
