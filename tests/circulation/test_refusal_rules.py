"""Refusals and fines as pure functions: no database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation import rules
from bibliohub.circulation.errors import CheckoutRefused, RefusalReason
from bibliohub.circulation.models import Term
from bibliohub.patrons.errors import BlockReason

R = RefusalReason
KYIV = ZoneInfo("Europe/Kyiv")
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=KYIV)

POLICY = rules.Policy(
    rule_id=1,
    loan_period=21,
    loan_unit="days",
    renewals_allowed=2,
    renewal_period=None,
    max_loans=10,
    max_loans_of_type=3,
    holds_allowed=True,
    hold_pickup_days=7,
    fine_per_day=Decimal("0.20"),
    grace_days=2,
    fine_cap=Decimal("5.00"),
    max_fines_before_block=Decimal("10.00"),
    calendar_mode="next_open_day",
    due_at_end_of_term=False,
    fine_days="all_days",
    renew_if_other_copies=True,
)
CLEAN = rules.PatronState()


def checkout(policy=POLICY, state=CLEAN, status=ItemStatus.AVAILABLE, **kw):
    """The refusals of a checkout whose patron's and item's policy are both `policy`."""
    kw.setdefault("held_for_another", False)
    borrowing = rules.borrowing_refusals(
        policy, state, borrowing_open=kw.get("borrowing_open", True)
    )
    return rules.checkout_refusals(
        policy, patron=state, borrowing=borrowing, item_status=status, **kw
    )


def test_a_patron_in_good_standing_borrows_an_available_item():
    assert checkout() == []


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        (BlockReason.PENDING, R.PATRON_BLOCKED_PENDING),
        (BlockReason.CARD_EXPIRED, R.CARD_EXPIRED),
        (BlockReason.MANUAL_BLOCK, R.PATRON_BLOCKED_MANUAL),
    ],
)
def test_each_patron_block_refuses_with_its_own_reason(block, reason):
    assert checkout(state=rules.PatronState(blocks=(block,))) == [reason]


def test_an_overdue_item_refuses_checkout():
    assert checkout(state=rules.PatronState(overdue_loans=1)) == [R.OVERDUE]


@pytest.mark.parametrize(("owed", "refused"), [("9.99", False), ("10.00", False), ("10.01", True)])
def test_fines_block_only_above_the_limit(owed, refused):
    reasons = checkout(state=rules.PatronState(fines_owed=Decimal(owed)))
    assert (R.FINES_OVER_LIMIT in reasons) is refused


def test_without_a_limit_fines_never_block():
    policy = replace(POLICY, max_fines_before_block=None)
    assert checkout(policy, rules.PatronState(fines_owed=Decimal("1000"))) == []


@pytest.mark.parametrize(("open_", "refused"), [(9, False), (10, True), (11, True)])
def test_the_loan_limit_counts_open_loans(open_, refused):
    assert (R.LOAN_LIMIT in checkout(state=rules.PatronState(open_loans=open_))) is refused


@pytest.mark.parametrize(("of_type", "refused"), [(2, False), (3, True)])
def test_the_type_limit_counts_open_loans_of_the_type(of_type, refused):
    state = rules.PatronState(open_loans=of_type, open_loans_of_type=of_type)
    assert (R.TYPE_LIMIT in checkout(state=state)) is refused


def test_no_limits_when_the_rule_sets_none():
    policy = replace(POLICY, max_loans=None, max_loans_of_type=None)
    assert checkout(policy, rules.PatronState(open_loans=5000, open_loans_of_type=5000)) == []


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (ItemStatus.ON_LOAN, R.ITEM_ALREADY_ON_LOAN),
        (ItemStatus.REFERENCE, R.NOT_LOANABLE),
        (ItemStatus.LOST, R.ITEM_NOT_AVAILABLE),
        (ItemStatus.MISSING, R.ITEM_NOT_AVAILABLE),
        (ItemStatus.IN_TRANSIT, R.ITEM_NOT_AVAILABLE),
        (ItemStatus.WITHDRAWN, R.ITEM_NOT_AVAILABLE),
        (ItemStatus.DAMAGED, R.ITEM_NOT_AVAILABLE),
        (ItemStatus.IN_PROCESSING, R.ITEM_NOT_AVAILABLE),
    ],
)
def test_the_item_status_can_refuse(status, reason):
    assert checkout(status=status) == [reason]


def test_a_rule_with_no_loan_period_does_not_lend():
    assert checkout(replace(POLICY, loan_period=0)) == [R.NOT_LOANABLE]


def test_without_a_rule_nothing_is_lent():
    assert checkout(None) == [R.NO_RULE]


def test_a_copy_set_aside_for_another_reader_is_refused():
    assert checkout(status=ItemStatus.ON_HOLD_SHELF, held_for_another=True) == [
        R.ITEM_ON_HOLD_FOR_ANOTHER
    ]


def test_outside_the_borrowing_window_school_loans_are_refused():
    assert checkout(borrowing_open=False) == [R.OUTSIDE_BORROWING_WINDOW]


def test_every_reason_is_given_at_once_patron_first():
    state = rules.PatronState(
        blocks=(BlockReason.CARD_EXPIRED, BlockReason.MANUAL_BLOCK),
        open_loans=10,
        open_loans_of_type=3,
        overdue_loans=2,
        fines_owed=Decimal("12"),
    )
    assert checkout(state=state, status=ItemStatus.ON_LOAN, held_for_another=True) == [
        R.CARD_EXPIRED,
        R.PATRON_BLOCKED_MANUAL,
        R.OVERDUE,
        R.FINES_OVER_LIMIT,
        R.LOAN_LIMIT,
        R.TYPE_LIMIT,
        R.ITEM_ALREADY_ON_LOAN,
        R.ITEM_ON_HOLD_FOR_ANOTHER,
    ]


@pytest.mark.parametrize(
    ("state", "open_", "expected"),
    [
        (rules.PatronState(blocks=(BlockReason.MANUAL_BLOCK,)), True, [R.PATRON_BLOCKED_MANUAL]),
        (rules.PatronState(overdue_loans=1), True, [R.OVERDUE]),
        (rules.PatronState(fines_owed=Decimal("10.01")), True, [R.FINES_OVER_LIMIT]),
        (rules.PatronState(open_loans=10), True, [R.LOAN_LIMIT]),
        (CLEAN, False, [R.OUTSIDE_BORROWING_WINDOW]),
        (CLEAN, True, []),
    ],
)
def test_whether_a_patron_may_borrow_is_one_answer(state, open_, expected):
    """What the desk, the portal and SIP2's patron status show is what checkout refuses
    first, whatever the item."""
    assert rules.borrowing_refusals(POLICY, state, borrowing_open=open_) == expected
    assert checkout(state=state, borrowing_open=open_)[: len(expected)] == expected


def test_the_loan_limit_and_a_closed_window_stop_borrowing_but_not_renewals_or_holds():
    state = rules.PatronState(open_loans=10)
    assert rules.borrowing_refusals(POLICY, state, borrowing_open=False) == [
        R.LOAN_LIMIT,
        R.OUTSIDE_BORROWING_WINDOW,
    ]
    assert set(rules.BORROWING_ONLY) == {R.LOAN_LIMIT, R.OUTSIDE_BORROWING_WINDOW}
    assert renewal(state=state) == [] and hold(state=state) == []


def test_the_patron_is_judged_by_the_rule_for_any_item_type_and_the_item_by_its_own():
    """A DVD rule's limits do not change whether the patron may borrow at all."""
    dvd_rule = replace(POLICY, max_loans=None, max_fines_before_block=None, max_loans_of_type=1)
    state = rules.PatronState(open_loans=10, fines_owed=Decimal("11"))
    borrowing = rules.borrowing_refusals(POLICY, state)
    assert rules.checkout_refusals(
        dvd_rule,
        patron=state,
        borrowing=borrowing,
        item_status=ItemStatus.AVAILABLE,
        held_for_another=False,
    ) == [R.FINES_OVER_LIMIT, R.LOAN_LIMIT]


def test_what_staff_may_override():
    assert R.LOAN_LIMIT.overridable and R.PATRON_BLOCKED_MANUAL.overridable
    assert R.ITEM_ON_HOLD_FOR_ANOTHER.overridable and R.HOLD_WAITING.overridable
    assert not R.ITEM_ALREADY_ON_LOAN.overridable and not R.NO_RULE.overridable
    assert not CheckoutRefused([R.LOAN_LIMIT, R.ITEM_ALREADY_ON_LOAN]).overridable


def test_every_reason_has_a_message():
    assert all(r.message and r.message != r.value for r in R)


def test_a_refusal_for_an_item_out_offers_a_hold_on_its_title():
    refused = CheckoutRefused([R.ITEM_ALREADY_ON_LOAN], record_id=7)
    assert refused.hold_possible and refused.codes == ["item_already_on_loan"]
    assert not CheckoutRefused([R.LOAN_LIMIT], record_id=7).hold_possible


def renewal(policy=POLICY, state=CLEAN, **kw):
    kw.setdefault("renewals", 0)
    kw.setdefault("loan_open", True)
    kw.setdefault("hold_waiting", False)
    return rules.renewal_refusals(policy, patron=rules.patron_refusals(policy, state), **kw)


def test_a_loan_renews_until_its_renewals_are_used():
    assert renewal(renewals=1) == []
    assert renewal(renewals=2) == [R.NO_RENEWALS_LEFT]


def test_a_reader_waiting_for_the_title_stops_renewals():
    assert renewal(hold_waiting=True) == [R.HOLD_WAITING]


def test_an_ended_loan_does_not_renew():
    assert renewal(loan_open=False) == [R.NOT_ON_LOAN]


def test_a_renewal_that_would_not_move_the_due_date_is_too_soon():
    assert renewal(moves_due_date=False) == [R.TOO_SOON]
    assert renewal(moves_due_date=False, renewals=2) == [R.NO_RENEWALS_LEFT, R.TOO_SOON]
    assert not R.TOO_SOON.overridable


def test_an_ended_loan_is_not_too_soon_but_ended():
    assert renewal(loan_open=False, moves_due_date=False) == [R.NOT_ON_LOAN]


def test_a_policy_that_gives_no_period_does_not_renew():
    assert renewal(policy=replace(POLICY, loan_period=0, renewal_period=None)) == [
        R.NOT_LOANABLE
    ]
    assert renewal(policy=replace(POLICY, loan_period=0, renewal_period=7)) == []


def test_renewal_refusals_include_the_patron_blocks():
    state = rules.PatronState(blocks=(BlockReason.MANUAL_BLOCK,), overdue_loans=1)
    assert renewal(state=state) == [R.PATRON_BLOCKED_MANUAL, R.OVERDUE]


def hold(policy=POLICY, state=CLEAN, **kw):
    kw.setdefault("already_held", False)
    kw.setdefault("on_loan_to_patron", False)
    kw.setdefault("holdable_copies", 1)
    return rules.hold_refusals(policy, patron=rules.patron_refusals(policy, state), **kw)


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"already_held": True}, R.ALREADY_HELD),
        ({"on_loan_to_patron": True}, R.ALREADY_ON_LOAN_TO_PATRON),
        ({"holdable_copies": 0}, R.NO_HOLDABLE_COPY),
        ({"policy": replace(POLICY, holds_allowed=False)}, R.HOLDS_NOT_ALLOWED),
        ({"policy": None}, R.NO_RULE),
    ],
)
def test_hold_refusals(kw, reason):
    assert hold(**kw) == [reason]


@pytest.mark.parametrize(
    ("late", "fine"),
    [
        (timedelta(0), "0.00"),
        (timedelta(minutes=1), "0.00"),  # day 1, within grace
        (timedelta(days=2), "0.00"),  # day 2, the last day of grace
        (timedelta(days=2, minutes=1), "0.60"),  # day 3: every day counts, grace included
        (timedelta(days=10), "2.00"),
        (timedelta(days=25), "5.00"),  # 5.00 would be exceeded: the cap
        (timedelta(days=400), "5.00"),
    ],
)
def test_the_overdue_fine_has_grace_days_and_a_cap(late, fine):
    assert rules.fine_for(POLICY, due_at=DUE, at=DUE + late) == Decimal(fine)


def test_without_a_cap_the_fine_keeps_growing():
    policy = replace(POLICY, fine_cap=None)
    assert rules.fine_for(policy, due_at=DUE, at=DUE + timedelta(days=400)) == Decimal("80.00")


def test_a_fine_free_rule_never_fines():
    policy = replace(POLICY, fine_per_day=Decimal(0))
    assert rules.fine_for(policy, due_at=DUE, at=DUE + timedelta(days=40)) == 0


def test_days_overdue_are_started_days():
    assert rules.days_overdue(due_at=DUE, at=DUE - timedelta(hours=1)) == 0
    assert rules.days_overdue(due_at=DUE, at=DUE + timedelta(hours=1)) == 1
    assert rules.days_overdue(due_at=DUE, at=DUE + timedelta(days=1)) == 1
    assert rules.days_overdue(due_at=DUE, at=DUE + timedelta(days=1, seconds=1)) == 2


def test_the_borrowing_window_only_binds_school_rules():
    term = Term(
        name="Autumn",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 25),
        borrowing_ends_on=date(2026, 11, 30),
    )
    school = replace(POLICY, due_at_end_of_term=True)
    at = datetime(2026, 12, 1, 10, tzinfo=KYIV)
    assert not rules.borrowing_open(school, terms=[term], at=at, branch=None)
    assert rules.borrowing_open(school, terms=[term], at=at - timedelta(days=1), branch=None)
    assert rules.borrowing_open(POLICY, terms=[term], at=at, branch=None)
    assert rules.borrowing_open(school, terms=[], at=at, branch=None)
