"""The indicators are computed over a small world of loans, patrons and copies: the
circulation tests' fixtures build it, and `world` (the figures worked out by hand in
test_indicators.py's docstring) on top of them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from bibliohub.catalog import census as copies_census
from bibliohub.circulation import services
from bibliohub.circulation.errors import CheckoutRefused
from bibliohub.daybook import services as daybook
from bibliohub.daybook.models import Figure as YearFigure
from bibliohub.daybook.models import Measure
from bibliohub.history import Actor
from bibliohub.history.rollup import roll_up
from bibliohub.patrons import census as patrons_census
from tests.circulation.conftest import (  # noqa: F401
    AT,
    KYIV,
    _register,
    adult_category,
    default_rule,
    kiosk,
    lend,
    librarian,
    make_item,
    make_record,
)

DECEMBER_31 = datetime(2026, 12, 31, 23, 0, tzinfo=KYIV)


@pytest.fixture
def world(
    lend,  # noqa: F811
    make_item,  # noqa: F811
    adult_category,  # noqa: F811
    central,
    riverside,
    central_librarian,
    manager,
    network,
    default_rule,  # noqa: F811
):
    desk = Actor.for_staff(central_librarian)
    people = [
        _register(
            name,
            card,
            adult_category,
            central,
            central_librarian,
            date_of_birth=date(1980 + n, 1, 1),
        )
        for n, (name, card) in enumerate(
            (("Koval", "P0101"), ("Melnyk", "P0102"), ("Bondar", "P0103"))
        )
    ]
    copies = [make_item() for _ in people]
    for copy, language in zip(copies, ("ukr", "pol", "ukr"), strict=True):
        copy.record.languages = [language]
        copy.record.save()
    loans = [
        lend(p, c, at=AT + timedelta(hours=n))
        for n, (p, c) in enumerate(zip(people, copies, strict=True))
    ]
    services.renew(
        loan=loans[0], branch=central, actor=Actor.for_patron(people[0]), at=AT + timedelta(days=1)
    )
    services.renew(loan=loans[1], branch=central, actor=desk, at=AT + timedelta(days=1))
    with pytest.raises(CheckoutRefused):
        lend(people[1], copies[0], at=AT + timedelta(days=2))
    for copy in copies:
        services.checkin(item=copy, branch=central, actor=desk, at=AT + timedelta(days=14))
    daybook.save_counts(
        central,
        counts={(date(2026, 12, 2), Measure.VISITS): 10, (date(2026, 12, 3), Measure.VISITS): 15},
        actor=desk,
        at=AT + timedelta(days=3),
    )
    counter, _secret = daybook.add_counter(
        riverside, name="Main door", actor=Actor.for_staff(manager), at=AT
    )
    start = datetime(2026, 12, 2, 9, 0, tzinfo=KYIV)
    daybook.receive_readings(
        counter,
        readings=[daybook.Reading(start, start + timedelta(hours=9), 7)],
        at=AT + timedelta(days=3),
    )
    daybook.set_yearly_figure(
        network=network,
        branch=central,
        year=2026,
        figure=YearFigure.POPULATION,
        value=Decimal(1000),
        actor=Actor.for_staff(manager),
        at=AT,
    )
    census = Actor.for_job("census")
    copies_census.count_copies(network, day=date(2026, 12, 31), actor=census, at=DECEMBER_31)
    patrons_census.count_patrons(network, day=date(2026, 12, 31), actor=census, at=DECEMBER_31)
    roll_up()
    return people, loans
