"""Which circulation rule applies: pure functions, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bibliohub.circulation import rules
from bibliohub.circulation.models import CalendarMode, CirculationRule, LoanUnit
from bibliohub.libraries.models import Branch

BRANCH, OTHER_BRANCH = 1, 2
CATEGORY, OTHER_CATEGORY = 10, 11
TYPE, OTHER_TYPE = 20, 21

# The specificity order, written out once more by hand so that a change to rules.SPECIFICITY
# has to be a deliberate change here too.
ORDER = [
    ("branch_category_type", BRANCH, CATEGORY, TYPE),
    ("branch_category", BRANCH, CATEGORY, None),
    ("branch_type", BRANCH, None, TYPE),
    ("branch", BRANCH, None, None),
    ("category_type", None, CATEGORY, TYPE),
    ("category", None, CATEGORY, None),
    ("type", None, None, TYPE),
    ("default", None, None, None),
]


def rule(
    pk: int, branch: int | None, category: int | None, item_type: int | None, **values
) -> CirculationRule:
    return CirculationRule(
        pk=pk,
        branch_id=branch,
        patron_category_id=category,
        item_type_id=item_type,
        loan_period=values.pop("loan_period", pk),
        **values,
    )


def every_level() -> list[CirculationRule]:
    return [rule(i, b, c, t) for i, (_key, b, c, t) in enumerate(ORDER, start=1)]


def test_the_order_is_the_documented_one():
    assert [lv.key for lv in rules.SPECIFICITY] == [key for key, *_parts in ORDER]


@pytest.mark.parametrize("winner", range(len(ORDER)), ids=[key for key, *_ in ORDER])
def test_the_most_specific_matching_rule_wins_at_every_level(winner):
    available = every_level()[winner:]  # this level and every less specific one
    explanation = rules.explain_policy(
        branch=BRANCH, category=CATEGORY, item_type=TYPE, rules=reversed(available)
    )
    assert explanation.level.key == ORDER[winner][0]
    assert explanation.policy.rule_id == winner + 1


@pytest.mark.parametrize("level", range(len(ORDER) - 1), ids=[key for key, *_ in ORDER[:-1]])
def test_a_rule_for_another_branch_category_or_type_never_applies(level):
    _key, b, c, t = ORDER[level]
    mismatched = []
    if b:
        mismatched.append(rule(100, OTHER_BRANCH, c, t))
    if c:
        mismatched.append(rule(101, b, OTHER_CATEGORY, t))
    if t:
        mismatched.append(rule(102, b, c, OTHER_TYPE))
    assert mismatched and all(rules.level_of(r).key == ORDER[level][0] for r in mismatched)
    policy = rules.policy_for(
        branch=BRANCH,
        category=CATEGORY,
        item_type=TYPE,
        rules=[*mismatched, rule(8, None, None, None)],
    )
    assert policy.rule_id == 8


@pytest.mark.parametrize(
    ("a", "b", "winner"),
    [
        # The branch outweighs category and type together.
        ((BRANCH, None, None), (None, CATEGORY, TYPE), 1),
        # Within a branch, the patron category outweighs the item type.
        ((BRANCH, None, TYPE), (BRANCH, CATEGORY, None), 2),
        ((None, None, TYPE), (None, CATEGORY, None), 2),
        ((None, CATEGORY, TYPE), (None, CATEGORY, None), 1),
    ],
)
def test_pairs_of_rules_resolve_as_the_order_says(a, b, winner):
    policy = rules.policy_for(
        branch=BRANCH, category=CATEGORY, item_type=TYPE, rules=[rule(1, *a), rule(2, *b)]
    )
    assert policy.rule_id == winner


def test_with_no_matching_rule_the_network_is_told_to_add_a_default():
    with pytest.raises(rules.NoRuleApplies, match="default rule"):
        rules.policy_for(
            branch=BRANCH,
            category=CATEGORY,
            item_type=TYPE,
            rules=[rule(1, OTHER_BRANCH, None, None)],
        )


def test_a_question_without_a_branch_only_finds_network_wide_rules():
    policy = rules.policy_for(
        branch=None,
        category=CATEGORY,
        item_type=TYPE,
        rules=[rule(1, BRANCH, CATEGORY, TYPE), rule(2, None, CATEGORY, None)],
    )
    assert policy.rule_id == 2


def test_model_instances_and_ids_give_the_same_answer():
    by_id = rules.policy_for(branch=BRANCH, category=CATEGORY, item_type=TYPE, rules=every_level())
    by_object = rules.policy_for(
        branch=Branch(pk=BRANCH), category=CATEGORY, item_type=TYPE, rules=every_level()
    )
    assert by_id == by_object


def test_the_policy_carries_every_value_of_the_rule():
    row = rule(
        7,
        None,
        None,
        None,
        loan_period=4,
        loan_unit=LoanUnit.HOURS,
        renewals_allowed=1,
        renewal_period=2,
        max_loans=30,
        max_loans_of_type=2,
        holds_allowed=False,
        hold_pickup_days=5,
        fine_per_day=Decimal("0.50"),
        grace_days=3,
        fine_cap=Decimal("10.00"),
        max_fines_before_block=Decimal("25.00"),
        calendar_mode=CalendarMode.OPEN_DAYS,
        due_at_end_of_term=True,
        fine_days="all_days",
        renew_if_other_copies=False,
    )
    policy = rules.policy_for(branch=BRANCH, category=CATEGORY, item_type=TYPE, rules=[row])
    assert policy == rules.Policy(
        rule_id=7,
        loan_period=4,
        loan_unit="hours",
        renewals_allowed=1,
        renewal_period=2,
        max_loans=30,
        max_loans_of_type=2,
        holds_allowed=False,
        hold_pickup_days=5,
        fine_per_day=Decimal("0.50"),
        grace_days=3,
        fine_cap=Decimal("10.00"),
        max_fines_before_block=Decimal("25.00"),
        calendar_mode="open_days",
        due_at_end_of_term=True,
        fine_days="all_days",
        renew_if_other_copies=False,
    )
    assert policy.is_loanable and not policy.is_fine_free


@pytest.mark.parametrize(
    ("loan_period", "fine", "loanable", "fine_free"),
    [(0, "0", False, True), (14, "0.00", True, True), (14, "0.10", True, False)],
)
def test_loanable_and_fine_free_follow_from_the_values(loan_period, fine, loanable, fine_free):
    policy = rules.Policy.from_rule(
        rule(1, None, None, None, loan_period=loan_period, fine_per_day=Decimal(fine))
    )
    assert (policy.is_loanable, policy.is_fine_free) == (loanable, fine_free)


def test_the_explanation_lists_every_level_and_says_why():
    available = [
        rule(3, BRANCH, None, TYPE),
        rule(8, None, None, None),
        rule(6, None, CATEGORY, None),
    ]
    explanation = rules.explain_policy(
        branch=BRANCH, category=CATEGORY, item_type=TYPE, rules=available
    )
    assert [(c.level.key, c.rule_id) for c in explanation.considered] == [
        ("branch_category_type", None),
        ("branch_category", None),
        ("branch_type", 3),
        ("branch", None),
        ("category_type", None),
        ("category", 6),
        ("type", None),
        ("default", 8),
    ]
    assert "Rule 3 applies" in explanation.reason
    assert "this branch and this item type" in explanation.reason
    lines = explanation.lines()
    assert len(lines) == 8
    assert lines[2].endswith("rule 3, applies")
    assert lines[5].endswith("rule 6, less specific, not used")
    assert lines[0].endswith("no rule")


@pytest.mark.parametrize(("parts", "key"), [((b, c, t), key) for key, b, c, t in ORDER])
def test_each_rule_shape_sits_at_one_level(parts, key):
    assert rules.level_of(rule(1, *parts)).key == key
