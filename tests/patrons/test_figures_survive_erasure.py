"""A published figure never changes because of privacy: patrons of known ages and categories
register and borrow at two branches in the first half of 2026; in July one of them is erased
and returned loans are anonymised; the half-year's figures, rolled up again and counted again
from the entries, are the same, and no entry keeps the erased patron's id."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.circulation import services as circulation
from bibliohub.circulation.models import CirculationRule, Loan
from bibliohub.history import Actor, privacy, rollup, selectors
from bibliohub.history import kinds as registry
from bibliohub.history.models import (
    DayBreakdown,
    DayCount,
    Dimension,
    DistinctPattern,
    DistinctYear,
    Entry,
)
from bibliohub.history.selectors import E_SERVICE_BITS, Total
from bibliohub.patrons import services
from bibliohub.patrons.models import Patron

KYIV = ZoneInfo("Europe/Kyiv")
START, END = date(2026, 1, 1), date(2026, 6, 30)
JANUARY, FEBRUARY = date(2026, 1, 1), date(2026, 2, 1)
_barcodes = itertools.count(1)


def at(month: int, day: int, hour: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def _fresh_pseudonym_keys():
    privacy.forget_cached_keys()
    yield
    privacy.forget_cached_keys()


@pytest.fixture
def world(
    network,
    central,
    riverside,
    book_type,
    adult_category,
    child_category,
    student_category,
    central_librarian,
    riverside_librarian,
):
    """Four patrons: Oksana (40) and her son Taras (8, then 9 on 3 February) at the central
    library; Minh (69) and Anna (15, registered online) at Riverside. They borrow, renew and
    return through the circulation services; no fines (returns may be late)."""
    CirculationRule.objects.create(loan_period=28, renewals_allowed=2, fine_per_day=Decimal(0))
    at_central = Actor.for_staff(central_librarian)
    at_riverside = Actor.for_staff(riverside_librarian)

    def register(family, given, born, category, branch, actor, when, **extra) -> Patron:
        return services.register_patron(
            services.PatronDetails(family_name=family, given_names=given, date_of_birth=born),
            category=category,
            branch=branch,
            actor=actor,
            at=when,
            **extra,
        )

    oksana = register(
        "Kovalenko", "Oksana", date(1985, 4, 12), adult_category, central, at_central, at(1, 10)
    )
    taras = register(
        "Kovalenko",
        "Taras",
        date(2017, 2, 3),
        child_category,
        central,
        at_central,
        at(1, 10),
        guardian=oksana,
    )
    minh = register(
        "Tran", "Minh", date(1956, 6, 1), adult_category, riverside, at_riverside, at(1, 13)
    )
    anna = services.self_register(
        services.PatronDetails(
            family_name="Nowak", given_names="Anna", date_of_birth=date(2010, 9, 1)
        ),
        category=student_category,
        home_branch=riverside,
        actor=Actor.for_public(),
        at=at(1, 12),
    )
    anna = services.confirm_patron(anna, branch=riverside, actor=at_riverside, at=at(2, 3))

    def item(branch) -> Item:
        record = Record.objects.create(
            marc=b"", title="Kobzar", created_at=at(1, 1), updated_at=at(1, 1)
        )
        return Item.objects.create(
            record=record,
            barcode=f"B{next(_barcodes):05d}",
            branch=branch,
            item_type=book_type,
            status=ItemStatus.AVAILABLE,
            created_at=at(1, 1),
            updated_at=at(1, 1),
        )

    desks = {central.pk: central_librarian, riverside.pk: riverside_librarian}

    def lend(patron, branch, when) -> Loan:
        return circulation.checkout(
            patron=patron,
            item=item(branch),
            branch=branch,
            actor=Actor.for_staff(desks[branch.pk], source="1"),
            at=when,
        )

    def give_back(loan, when) -> None:
        circulation.checkin(
            item=loan.item,
            branch=loan.branch,
            actor=Actor.for_staff(desks[loan.branch_id], source="1"),
            at=when,
        )

    def renew(loan, when) -> None:
        circulation.renew(
            loan=loan,
            branch=loan.branch,
            actor=Actor.for_staff(desks[loan.branch_id], source="1"),
            at=when,
        )

    # In the order it happened: a loan is returned before the next is lent, none is overdue.
    first = lend(oksana, central, at(2, 3))
    for_taras = lend(taras, central, at(2, 3))
    for_minh = lend(minh, riverside, at(2, 4))
    give_back(for_taras, at(2, 20))
    renew(first, at(3, 2))
    give_back(for_minh, at(3, 3))
    again = lend(minh, riverside, at(3, 5))
    for_anna = lend(anna, riverside, at(3, 10))
    give_back(first, at(3, 20))
    renew(again, at(3, 28))
    give_back(for_anna, at(4, 2))
    second = lend(oksana, central, at(4, 7))
    give_back(again, at(4, 15))
    give_back(second, at(5, 5))
    return {"oksana": oksana, "taras": taras, "minh": minh, "anna": anna}


def figures(network_id: int) -> dict[str, object]:
    """Every figure of the first half of 2026 the history gives, from its roll-ups."""
    every_kind = registry.all_kinds()
    period = {"start": START, "end": END, "network_id": network_id}
    months = [date(2026, m, 1) for m in range(1, 7)]
    return {
        "counts": selectors.counts(**period, by=("branch", "month", "kind")),
        **{
            f"by {dimension}": selectors.breakdown(
                every_kind, dimension, **period, by=("branch", "kind")
            )
            for dimension in (Dimension.AGE, Dimension.CATEGORY, Dimension.CHANNEL)
        },
        "users": selectors.distinct_users(**period),
        "users by branch": selectors.distinct_users(**period, by_branch=True),
        "users by month": [
            selectors.distinct_users(start=m, end=m, network_id=network_id) for m in months
        ],
        "e-service users": selectors.distinct_users(**period, channels=E_SERVICE_BITS),
        "regular users": selectors.regular_users(year=2026, network_id=network_id, min_months=2),
    }


def count_again_from_the_entries() -> None:
    """Drop the roll-ups and count every entry again, as a new report would."""
    for model in (DayCount, DayBreakdown, DistinctYear, DistinctPattern):
        model.objects.all().delete()
    Entry.objects.update(rolled_up=False)
    rollup.roll_up()


def test_erasure_and_anonymised_loans_change_no_figure(
    world,
    network,
    central,
    riverside,
    adult_category,
    child_category,
    student_category,
    riverside_librarian,
):
    rollup.roll_up()
    before = figures(network.pk)

    # What the registrations alone say, by branch, month, age and category.
    counts = before["counts"]
    assert counts[(central.pk, JANUARY, "patrons.registered")] == Total(2, Decimal(0))
    assert counts[(riverside.pk, JANUARY, "patrons.registered")] == Total(1, Decimal(0))
    assert counts[(riverside.pk, JANUARY, "patrons.self_registered")] == Total(1, Decimal(0))
    assert counts[(riverside.pk, FEBRUARY, "patrons.confirmed")] == Total(1, Decimal(0))
    ages = {
        k: t.quantity
        for k, t in before[f"by {Dimension.AGE}"].items()
        if k[1].startswith("patrons.")
    }
    assert ages == {
        (central.pk, "patrons.registered", "40"): 1,
        (central.pk, "patrons.registered", "8"): 1,
        (riverside.pk, "patrons.registered", "69"): 1,
        (riverside.pk, "patrons.self_registered", "15"): 1,
        (riverside.pk, "patrons.confirmed", "15"): 1,
    }
    categories = {
        k: t.quantity
        for k, t in before[f"by {Dimension.CATEGORY}"].items()
        if k[1] == "patrons.registered"
    }
    assert categories == {
        (central.pk, "patrons.registered", str(adult_category.pk)): 1,
        (central.pk, "patrons.registered", str(child_category.pk)): 1,
        (riverside.pk, "patrons.registered", str(adult_category.pk)): 1,
    }
    assert before[f"by {Dimension.CHANNEL}"][(riverside.pk, "patrons.self_registered", "online")]

    # July: Minh asks to be erased; in August, returned loans are anonymised.
    minh = world["minh"]
    minh_id = minh.pk
    assert Entry.objects.filter(patron_id=minh_id).exists()
    services.erase_patron(
        minh, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=at(7, 15)
    )
    circulation.anonymise_returned_loans(
        at=at(8, 1), actor=Actor.for_job("anonymised"), delay_days=30
    )
    assert not Loan.objects.filter(patron__isnull=False).exists()

    rollup.roll_up()
    assert figures(network.pk) == before
    count_again_from_the_entries()
    assert figures(network.pk) == before

    assert not Entry.objects.filter(patron_id=minh_id).exists()
    erased = Entry.objects.get(kind="erased")
    assert (erased.patron_id, erased.category_id, erased.age) == (None, adult_category.pk, 70)
    assert not Entry.objects.filter(object_type="patrons.patron").exists()
