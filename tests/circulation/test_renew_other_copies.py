"""Renewing while readers wait for the title: allowed when other copies on the shelf can fill
every waiting hold on the title (the rule's "renew when other copies can fill the holds",
on by default); a hold on the very copy on loan always stops it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bibliohub.catalog.models import ItemStatus, ItemType
from bibliohub.circulation import rules, services
from bibliohub.circulation.errors import RefusalReason as R
from bibliohub.circulation.errors import RenewalRefused
from bibliohub.circulation.models import CirculationRule
from bibliohub.history import Actor
from tests.circulation.conftest import AT, events, refresh
from tests.circulation.test_refusal_rules import POLICY

LATER = AT + timedelta(days=1)


@pytest.mark.parametrize(
    ("holds", "setting", "blocks"),
    [
        (rules.HoldsOnTitle(), True, False),
        (rules.HoldsOnTitle(on_title=1, other_copies=1), True, False),
        (rules.HoldsOnTitle(on_title=2, other_copies=1), True, True),
        (rules.HoldsOnTitle(on_title=1, other_copies=1), False, True),
        (rules.HoldsOnTitle(on_this_copy=1, on_title=0, other_copies=5), True, True),
    ],
)
def test_title_holds_stop_a_renewal_only_when_no_other_copy_can_fill_them(holds, setting, blocks):
    policy = replace(POLICY, renew_if_other_copies=setting)
    assert rules.hold_blocks_renewal(policy, holds) is blocks


def renew(loan, at=LATER):
    return services.renew(
        loan=loan, branch=loan.branch, actor=Actor.for_patron(loan.patron), at=at
    )


def hold(patron, central, *, record=None, item=None):
    return services.place_hold(
        patron=patron,
        record=record,
        item=item,
        pickup_branch=central,
        actor=Actor.for_patron(patron),
        at=AT,
    )


def test_a_copy_on_the_shelf_lets_the_loan_be_renewed(
    lend, reader, second_reader, make_item, central
):
    lent = make_item()
    make_item(record=lent.record)  # on the shelf
    loan = lend(reader, lent)
    hold(second_reader, central, record=lent.record)
    assert renew(loan).renewals == 1
    assert events("renew")[0].reasons == []


def test_two_readers_waiting_and_one_copy_on_the_shelf_stop_the_renewal(
    lend, reader, second_reader, third_reader, make_item, central
):
    lent = make_item()
    make_item(record=lent.record)
    loan = lend(reader, lent)
    hold(second_reader, central, record=lent.record)
    hold(third_reader, central, record=lent.record)
    with pytest.raises(RenewalRefused) as e:
        renew(loan)
    assert e.value.reasons == [R.HOLD_WAITING]


def test_a_hold_on_this_very_copy_stops_the_renewal(
    lend, reader, second_reader, make_item, central
):
    lent = make_item()
    make_item(record=lent.record)
    loan = lend(reader, lent)
    hold(second_reader, central, item=lent)
    with pytest.raises(RenewalRefused) as e:
        renew(loan)
    assert e.value.reasons == [R.HOLD_WAITING]


def test_copies_set_aside_or_wanted_by_another_hold_do_not_count(
    lend, reader, second_reader, third_reader, make_item, central
):
    lent = make_item()
    wanted = make_item(record=lent.record)
    make_item(record=lent.record, status=ItemStatus.ON_HOLD_SHELF)
    make_item(record=lent.record, status=ItemStatus.DAMAGED)
    loan = lend(reader, lent)
    hold(third_reader, central, item=wanted)  # the one copy on the shelf is spoken for
    hold(second_reader, central, record=lent.record)
    with pytest.raises(RenewalRefused):
        renew(loan)


def test_the_rule_can_keep_title_holds_stopping_renewals(
    lend, reader, second_reader, make_item, central, default_rule
):
    default_rule.renew_if_other_copies = False
    default_rule.save()
    lent = make_item()
    make_item(record=lent.record)
    loan = lend(reader, lent)
    hold(second_reader, central, record=lent.record)
    with pytest.raises(RenewalRefused):
        renew(loan)


def test_copies_of_a_type_that_cannot_be_held_do_not_count(
    lend, reader, second_reader, make_item, central
):
    reference = ItemType.objects.create(code="ref", name="Reference")
    CirculationRule.objects.create(item_type=reference, loan_period=7, holds_allowed=False)
    lent = make_item()
    other = make_item(record=lent.record, item_type=reference)
    loan = lend(reader, lent)
    hold(second_reader, central, record=lent.record)
    with pytest.raises(RenewalRefused):
        renew(loan)
    CirculationRule.objects.filter(item_type=reference).update(holds_allowed=True)
    assert renew(refresh(loan)).renewals == 1
    assert refresh(other).status == ItemStatus.AVAILABLE


def test_the_check_is_one_query_however_many_copies_there_are(
    lend, reader, second_reader, make_item, central
):
    def queries_to_renew(copies: int) -> int:
        lent = make_item()
        for _ in range(copies):
            make_item(record=lent.record)
        loan = lend(reader, lent)
        with CaptureQueriesContext(connection) as queries:
            renew(loan)
        return len(queries)

    assert queries_to_renew(1) == queries_to_renew(30)


def test_renew_all_renews_loans_whose_readers_can_have_another_copy(
    lend, reader, second_reader, make_item, central
):
    plenty = make_item()
    make_item(record=plenty.record)
    scarce = make_item()
    loans = [lend(reader, plenty), lend(reader, scarce)]
    hold(second_reader, central, record=plenty.record)
    hold(second_reader, central, record=scarce.record)
    result = services.renew_all(
        patron=reader, branch=central, actor=Actor.for_patron(reader), at=LATER
    )
    assert [loan.pk for loan in result.renewed] == [loans[0].pk]
    assert [(loan.pk, reasons) for loan, reasons in result.refused] == [
        (loans[1].pk, [R.HOLD_WAITING])
    ]
