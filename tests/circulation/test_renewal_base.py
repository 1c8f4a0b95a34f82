"""What a renewal counts from: the due date (the default) or the day of the renewal, and a
renewal that would not move the due date refused as too soon instead of using up a renewal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bibliohub.circulation import services
from bibliohub.circulation.errors import RefusalReason as R
from bibliohub.circulation.errors import RenewalRefused
from bibliohub.circulation.models import CirculationRule, RenewalBase
from bibliohub.history import Actor
from tests.circulation.conftest import AT, end_of, events, refresh

# The default rule of conftest lends for 21 days: lent on Tuesday 1 December, due on
# Tuesday 22 December.
DUE = end_of(date(2026, 12, 22))


def renew(loan, *, at, actor=None, **kw):
    """A renewal by the patron online, unless another actor is given."""
    actor = actor or Actor.for_patron(loan.patron)
    return services.renew(loan=loan, branch=loan.branch, actor=actor, at=at, **kw)


@pytest.fixture
def renew_from_the_renewal_day(default_rule) -> CirculationRule:
    default_rule.renewal_base = RenewalBase.RENEWAL_DAY
    default_rule.save()
    return default_rule


def test_a_new_rule_renews_from_the_due_date():
    assert CirculationRule().renewal_base == RenewalBase.DUE_DATE


def test_renewing_on_the_day_of_the_loan_adds_the_renewal_period_to_the_due_date(
    lend, reader, book
):
    loan = lend(reader, book)
    assert loan.due_at == DUE
    renewed = renew(loan, at=AT + timedelta(hours=1))
    assert renewed.renewals == 1
    assert refresh(renewed).due_at == end_of(date(2027, 1, 12))  # 21 days after 22 December
    assert [e.reasons for e in events("renew")] == [[]]


def test_renewing_early_from_the_due_date_gives_as_much_as_renewing_on_the_due_day(
    lend, reader, make_item
):
    early = renew(lend(reader, make_item()), at=AT + timedelta(days=2))
    late = renew(lend(reader, make_item()), at=DUE - timedelta(hours=1))
    assert early.due_at == late.due_at == end_of(date(2027, 1, 12))


def test_a_shorter_renewal_period_is_added_to_the_due_date(lend, reader, book, default_rule):
    default_rule.renewal_period = 7
    default_rule.save()
    renewed = renew(lend(reader, book), at=AT + timedelta(days=1))
    assert renewed.due_at == end_of(date(2026, 12, 29))


def test_an_overdue_loan_renewed_from_the_due_date_counts_from_today(lend, reader, book):
    loan = lend(reader, book)
    renewed = renew(loan, at=AT + timedelta(days=25))  # Saturday 26 December
    assert renewed.due_at == end_of(date(2027, 1, 16))
    assert renewed.due_at > AT + timedelta(days=25)


def test_renewing_from_the_renewal_day_on_the_day_of_the_loan_is_refused_as_too_soon(
    lend, reader, book, renew_from_the_renewal_day
):
    loan = lend(reader, book)
    with pytest.raises(RenewalRefused) as refused:
        renew(loan, at=AT + timedelta(hours=1))
    assert refused.value.reasons == [R.TOO_SOON]
    loan = refresh(loan)
    assert (loan.renewals, loan.due_at) == (0, DUE)
    (entry,) = events("renewal_refused")
    assert entry.reasons == ["too_soon"] and entry.object_id == loan.pk
    assert not events("renew")


def test_a_renewal_from_the_renewal_day_counts_from_that_day(
    lend, reader, book, renew_from_the_renewal_day
):
    renewed = renew(lend(reader, book), at=AT + timedelta(days=20))
    assert renewed.renewals == 1
    assert renewed.due_at == end_of(date(2027, 1, 11))  # 21 days from 21 December


def test_a_renewal_from_the_renewal_day_that_would_shorten_the_loan_is_too_soon(
    lend, reader, book, renew_from_the_renewal_day
):
    renew_from_the_renewal_day.renewal_period = 7
    renew_from_the_renewal_day.save()
    loan = lend(reader, book)
    with pytest.raises(RenewalRefused) as refused:
        renew(loan, at=AT + timedelta(days=1))
    assert refused.value.reasons == [R.TOO_SOON]
    assert refresh(loan).due_at == DUE


def test_staff_cannot_override_a_renewal_that_would_not_move_the_due_date(
    lend, reader, book, librarian, renew_from_the_renewal_day
):
    loan = lend(reader, book)
    with pytest.raises(RenewalRefused) as refused:
        renew(loan, at=AT + timedelta(hours=1), actor=librarian, override_reason="Holidays")
    assert refused.value.reasons == [R.TOO_SOON] and not refused.value.overridable
    assert refresh(loan).renewals == 0


def test_too_soon_comes_with_the_other_reasons(
    lend, reader, second_reader, book, central, renew_from_the_renewal_day
):
    loan = lend(reader, book)
    services.place_hold(
        patron=second_reader,
        record=book.record,
        pickup_branch=central,
        actor=Actor.for_patron(second_reader),
        at=AT,
    )
    with pytest.raises(RenewalRefused) as refused:
        renew(loan, at=AT + timedelta(hours=1))
    assert refused.value.reasons == [R.TOO_SOON, R.HOLD_WAITING]


def test_a_rule_that_no_longer_lends_refuses_the_renewal(lend, reader, book, default_rule):
    loan = lend(reader, book)
    default_rule.loan_period = 0
    default_rule.save()
    with pytest.raises(RenewalRefused) as refused:
        renew(loan, at=AT + timedelta(days=1))
    assert refused.value.reasons == [R.NOT_LOANABLE]
