"""Patron categories and a few patrons: an adult, a child with that adult as guardian, and a
patron under a manual block. Everything is registered through the services, at AT."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bibliohub.history import Actor
from bibliohub.patrons import services
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory

KYIV = ZoneInfo("Europe/Kyiv")
# A Tuesday morning at the central library.
AT = datetime(2026, 9, 1, 10, 0, tzinfo=KYIV)


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="adult",
        name="Adult",
        names={"uk": "Дорослий"},
        age_band=AgeBand.ADULT,
        card_validity_months=12,
    )


@pytest.fixture
def child_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="child", name="Child", age_band=AgeBand.CHILD, card_validity_months=24
    )


@pytest.fixture
def student_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="student", name="Student", age_band=AgeBand.TEEN, card_validity_months=10
    )


@pytest.fixture
def teacher_category(db) -> PatronCategory:
    return PatronCategory.objects.create(
        code="teacher", name="Teacher", age_band=AgeBand.ADULT, card_validity_months=36
    )


@pytest.fixture
def adult(central, adult_category, central_librarian) -> Patron:
    return services.register_patron(
        services.PatronDetails(
            family_name="Kovalenko",
            given_names="Oksana",
            date_of_birth=date(1985, 4, 12),
            email="oksana@example.org",
            phone="+380 44 123 4567",
            address="Khreshchatyk 1, Kyiv",
            language="uk",
        ),
        category=adult_category,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
        card_barcode="P0001",
    )


@pytest.fixture
def child(central, child_category, central_librarian, adult) -> Patron:
    return services.register_patron(
        services.PatronDetails(
            family_name="Kovalenko",
            given_names="Taras",
            date_of_birth=date(2017, 2, 3),
            language="uk",
            school_class="3A",
        ),
        category=child_category,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
        card_barcode="P0002",
        guardian=adult,
    )


@pytest.fixture
def blocked_patron(riverside, adult_category, riverside_librarian) -> Patron:
    patron = services.register_patron(
        services.PatronDetails(family_name="Nguyen", given_names="Van An", language="vi"),
        category=adult_category,
        branch=riverside,
        actor=Actor.for_staff(riverside_librarian),
        at=AT,
        card_barcode="P0003",
    )
    services.add_block(
        patron,
        reason="Returned a damaged laptop",
        branch=riverside,
        actor=Actor.for_staff(riverside_librarian),
        at=AT,
    )
    return patron
