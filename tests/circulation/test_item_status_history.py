"""No copy changes status in circulation without an entry saying so: every call of the one
writer of an item's status (services._common.save_item_status), in every operation that
moves a copy, is matched by an entry of that operation naming the copy and its new status."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation import services
from bibliohub.circulation.services import _common, loans, transfers
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from tests.circulation.conftest import AT, refresh


@pytest.fixture
def changes(monkeypatch) -> list[tuple[int, str]]:
    """The (copy, status) of every status saved, as the services save them."""
    saved: list[tuple[int, str]] = []

    def recording(item, status):
        saved.append((item.pk, status))
        return _common.save_item_status(item, status)

    for module in (loans, transfers):
        monkeypatch.setattr(module, "save_item_status", recording)
    return saved


@pytest.fixture
def recorded(changes):
    """Run an operation and check that every status it saved is in one of its entries."""

    def run(operation):
        since = Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        changes.clear()
        result = operation()
        entries = list(Entry.objects.filter(pk__gt=since, domain="circulation"))
        for item_id, status in changes:
            assert any(
                item_id in (e.item_id, e.detail.get("item")) and e.detail.get("item_status") == status
                for e in entries
            ), f"copy {item_id} became {status} without an entry: {[(e.kind, e.detail) for e in entries]}"
        return result, changes[:]

    return run


def test_every_status_change_is_recorded_by_the_operation_that_made_it(
    recorded, lend, reader, second_reader, third_reader, make_item, central, riverside,
    central_librarian, riverside_librarian,
):  # fmt: skip
    desk = Actor.for_staff(central_librarian)
    far_desk = Actor.for_staff(riverside_librarian)
    job = Actor.for_job("holds_expired")
    book, other, lost_copy, claimed, far = (
        make_item(), make_item(), make_item(price=Decimal("9.00")), make_item(),
        make_item(branch=riverside),
    )  # fmt: skip
    day = lambda n: AT + timedelta(days=n)  # noqa: E731

    # Lent, and returned to the hold shelf for a reader waiting here.
    _, saved = recorded(lambda: lend(reader, book))
    assert saved == [(book.pk, ItemStatus.ON_LOAN)]
    hold = services.place_hold(
        patron=second_reader, record=book.record, pickup_branch=central,
        actor=Actor.for_patron(second_reader), at=day(1),
    )  # fmt: skip
    _, saved = recorded(lambda: services.checkin(item=book, branch=central, actor=desk, at=day(2)))
    assert saved == [(book.pk, ItemStatus.ON_HOLD_SHELF)]
    # The reader cancels: the copy goes back on the shelf.
    _, saved = recorded(
        lambda: services.cancel_hold(hold=hold, actor=Actor.for_patron(second_reader), at=day(3))
    )
    assert saved == [(book.pk, ItemStatus.AVAILABLE)]

    # Returned at another branch: in transit home; received there, back on the shelf.
    lend(reader, far, at=day(3))
    _, saved = recorded(lambda: services.checkin(item=far, branch=central, actor=desk, at=day(4)))
    assert saved == [(far.pk, ItemStatus.IN_TRANSIT)]
    _, saved = recorded(
        lambda: services.receive_transfer(item=far, branch=riverside, actor=far_desk, at=day(5))
    )
    assert saved == [(far.pk, ItemStatus.AVAILABLE)]

    # A hold for another branch: returned here, the copy travels there and waits; not picked
    # up, it expires and goes to the next reader... or home.
    lend(reader, other, at=day(5))
    services.place_hold(
        patron=third_reader, record=other.record, pickup_branch=riverside,
        actor=Actor.for_patron(third_reader), at=day(5),
    )  # fmt: skip
    _, saved = recorded(lambda: services.checkin(item=other, branch=central, actor=desk, at=day(6)))
    assert saved == [(other.pk, ItemStatus.IN_TRANSIT)]
    _, saved = recorded(
        lambda: services.receive_transfer(item=other, branch=riverside, actor=far_desk, at=day(7))
    )
    assert saved == [(other.pk, ItemStatus.ON_HOLD_SHELF)]
    _, saved = recorded(lambda: services.expire_holds(at=day(30), actor=job))
    assert saved == [(other.pk, ItemStatus.IN_TRANSIT)]  # home to the central library

    # Sent by hand; lost; claimed returned; damaged.
    _, saved = recorded(
        lambda: services.send_transfer(item=book, to_branch=riverside, branch=central, actor=desk, at=day(8))
    )
    assert saved == [(book.pk, ItemStatus.IN_TRANSIT)]
    lost_loan = lend(reader, lost_copy, at=day(8))
    _, saved = recorded(
        lambda: services.mark_lost(loan=lost_loan, branch=central, actor=desk, at=day(9))
    )
    assert saved == [(lost_copy.pk, ItemStatus.LOST)]
    claimed_loan = lend(reader, claimed, at=day(8))
    _, saved = recorded(
        lambda: services.claims_returned(loan=claimed_loan, branch=central, actor=desk, at=day(9))
    )
    assert saved == [(claimed.pk, ItemStatus.MISSING)]
    # The lost copy turns up: its return puts it back on the shelf.
    _, saved = recorded(
        lambda: services.checkin(item=lost_copy, branch=central, actor=desk, at=day(10))
    )
    assert saved == [(lost_copy.pk, ItemStatus.AVAILABLE)]
    _, saved = recorded(
        lambda: services.mark_damaged(
            item=lost_copy, branch=central, actor=desk, at=day(11), amount=Decimal("3.00")
        )
    )
    assert saved == [(lost_copy.pk, ItemStatus.DAMAGED)]
    assert refresh(lost_copy).status == ItemStatus.DAMAGED
