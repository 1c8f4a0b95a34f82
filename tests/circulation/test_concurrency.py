"""Two desks lending the same copy at the same moment, with real concurrency: two threads,
each with its own database connection, released together by a barrier. On SQLite this runs
on a database file (WAL, as in production), not the shared in-memory test database."""

from __future__ import annotations

import pytest

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation import services
from bibliohub.circulation.errors import CheckoutRefused, RefusalReason
from bibliohub.circulation.models import Loan
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from tests.circulation.conftest import AT, refresh
from tests.concurrency import race


@pytest.mark.parametrize("attempt", range(3))
def test_two_desks_lending_the_same_copy_at_once_only_one_wins(
    on_a_database_file,
    attempt,
    reader,
    second_reader,
    book,
    central,
    riverside,
    central_librarian,
    riverside_librarian,
):
    def at_desk(patron, branch, staff, desk):
        return lambda: services.checkout(
            patron=patron, item=book, branch=branch, actor=Actor.for_staff(staff, source=desk), at=AT
        )

    outcomes = race(
        at_desk(reader, central, central_librarian, "desk 1"),
        at_desk(second_reader, riverside, riverside_librarian, "desk 2"),
    )
    won = [o for o in outcomes if isinstance(o, Loan)]
    lost = [o for o in outcomes if isinstance(o, CheckoutRefused)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].reasons == [RefusalReason.ITEM_ALREADY_ON_LOAN]
    assert Loan.objects.filter(item=book, returned_at__isnull=True).count() == 1
    assert refresh(book).status == ItemStatus.ON_LOAN
    kinds = sorted(Entry.objects.filter(domain="circulation").values_list("kind", flat=True))
    assert kinds == ["checkout", "checkout_refused"]


def test_two_desks_cannot_take_one_patron_past_the_loan_limit_together(
    on_a_database_file,
    reader,
    make_item,
    default_rule,
    central,
    riverside,
    central_librarian,
    riverside_librarian,
):
    default_rule.max_loans = 1
    default_rule.save()
    first, second = make_item(), make_item()
    outcomes = race(
        lambda: services.checkout(
            patron=reader, item=first, branch=central, actor=Actor.for_staff(central_librarian), at=AT
        ),
        lambda: services.checkout(
            patron=reader,
            item=second,
            branch=riverside,
            actor=Actor.for_staff(riverside_librarian),
            at=AT,
        ),
    )
    lost = [o for o in outcomes if isinstance(o, CheckoutRefused)]
    assert sum(isinstance(o, Loan) for o in outcomes) == 1, outcomes
    assert len(lost) == 1 and lost[0].reasons == [RefusalReason.LOAN_LIMIT]
    assert Loan.objects.filter(patron=reader, returned_at__isnull=True).count() == 1
