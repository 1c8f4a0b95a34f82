from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from bibliohub.catalog.models import Item
from bibliohub.circulation import services
from bibliohub.circulation.models import Hold
from bibliohub.history import Actor
from bibliohub.patrons.models import Patron
from tests.portal.world import (  # noqa: F401
    _portal_clock,
    adult_category,
    child_category,
    default_rule,
    lend,
    make_item,
    other_reader,
    reader,
)


@pytest.fixture
def now() -> datetime:
    return timezone.now()


@pytest.fixture
def ready_hold(central, central_librarian) -> Callable[..., Hold]:
    """A hold of `patron` on `item`'s title, filled by checking the item in at `branch`."""

    def make(patron: Patron, item: Item, *, pickup=None, days_ago: int = 0) -> Hold:
        at = timezone.now() - timedelta(days=days_ago)
        pickup = pickup or central
        hold = services.place_hold(
            patron=patron,
            record=item.record,
            pickup_branch=pickup,
            actor=Actor.for_patron(patron),
            at=at - timedelta(minutes=5),
        )
        services.checkin(item=item, branch=pickup, actor=Actor.for_staff(central_librarian), at=at)
        hold.refresh_from_db()
        return hold

    return make
