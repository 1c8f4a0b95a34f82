"""The rule table and terms in the database, and the loaders over them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from bibliohub.catalog.models import ItemType
from bibliohub.circulation import rules
from bibliohub.circulation.models import CalendarMode, CirculationRule, LoanUnit, Term
from bibliohub.libraries.models import CalendarException
from bibliohub.patrons.models import AgeBand, PatronCategory

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
def child_category(db) -> PatronCategory:
    return PatronCategory.objects.create(code="child", name="Child", age_band=AgeBand.CHILD)


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(code="adult", name="Adult", age_band=AgeBand.ADULT)


@pytest.fixture
def dvd_type(db) -> ItemType:
    return ItemType.objects.create(code="dvd", name="DVD")


@pytest.fixture
def rule_table(central, riverside, child_category, adult_category, book_type, dvd_type):
    """A default, a shorter loan for DVDs everywhere, a school-style rule for children's
    books at Riverside, and a central-library rule for every DVD."""
    return {
        "default": CirculationRule.objects.create(loan_period=21),
        "dvd": CirculationRule.objects.create(item_type=dvd_type, loan_period=7),
        "riverside_children_books": CirculationRule.objects.create(
            branch=riverside,
            patron_category=child_category,
            item_type=book_type,
            loan_period=14,
            due_at_end_of_term=True,
        ),
        "central_dvd": CirculationRule.objects.create(
            branch=central, item_type=dvd_type, loan_period=3, calendar_mode=CalendarMode.OPEN_DAYS
        ),
        "other_branch": CirculationRule.objects.create(
            branch=central, patron_category=child_category, loan_period=28
        ),
    }


@pytest.mark.parametrize(
    ("parts"),
    [(), ("item_type",), ("branch", "patron_category"), ("branch", "patron_category", "item_type")],
)
def test_only_one_rule_per_combination_even_where_parts_are_empty(
    parts, central, child_category, book_type
):
    values = {"branch": central, "patron_category": child_category, "item_type": book_type}
    chosen = {name: values[name] for name in parts}
    CirculationRule.objects.create(loan_period=21, **chosen)
    duplicate = CirculationRule(loan_period=7, **chosen)
    with pytest.raises(ValidationError, match="already a rule"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_rules_differing_in_one_part_live_side_by_side(central, riverside, child_category):
    CirculationRule.objects.create(branch=central, patron_category=child_category)
    CirculationRule.objects.create(branch=riverside, patron_category=child_category)
    CirculationRule.objects.create(patron_category=child_category)
    CirculationRule(branch=central).full_clean()
    assert CirculationRule.objects.count() == 3


def test_negative_amounts_are_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CirculationRule.objects.create(fine_per_day=Decimal("-1"))


def test_the_loader_fetches_only_the_candidate_rules_in_one_query(
    rule_table, riverside, child_category, book_type, django_assert_num_queries
):
    with django_assert_num_queries(1):
        candidates = rules.load_rules(
            branch=riverside, category=child_category, item_type=book_type
        )
    assert {r.pk for r in candidates} == {
        rule_table["default"].pk,
        rule_table["riverside_children_books"].pk,
    }


@pytest.mark.parametrize(
    ("branch", "category", "item_type", "expected", "level"),
    [
        ("riverside", "child", "book", "riverside_children_books", "branch_category_type"),
        ("riverside", "adult", "book", "default", "default"),
        ("riverside", "child", "dvd", "dvd", "type"),
        ("central", "adult", "dvd", "central_dvd", "branch_type"),
        # At the central library the category rule for children outweighs the DVD rule.
        ("central", "child", "dvd", "other_branch", "branch_category"),
        ("central", "child", "book", "other_branch", "branch_category"),
    ],
)
def test_the_loaded_policy_is_the_most_specific_rule(
    rule_table, request, branch, category, item_type, expected, level
):
    args = {
        "branch": request.getfixturevalue(branch),
        "category": request.getfixturevalue(f"{category}_category"),
        "item_type": request.getfixturevalue(f"{item_type}_type"),
    }
    explanation = rules.load_explanation(**args)
    assert explanation.policy.rule_id == rule_table[expected].pk
    assert explanation.level.key == level
    assert rules.load_policy(**args) == explanation.policy


def test_without_any_rule_the_loader_says_so(central, child_category, book_type):
    with pytest.raises(rules.NoRuleApplies):
        rules.load_policy(branch=central, category=child_category, item_type=book_type)


def test_the_due_date_uses_the_branch_calendar_from_the_database(
    rule_table, central, network, adult_category, dvd_type
):
    policy = rules.load_policy(branch=central, category=adult_category, item_type=dvd_type)
    start = datetime(2026, 12, 3, 12, 0, tzinfo=KYIV)  # Thursday; 3 open days: Fri, Sat, Mon
    assert rules.load_due_date(policy, branch=central, start=start) == datetime(
        2026, 12, 7, 23, 59, tzinfo=KYIV
    )
    CalendarException.objects.create(network=network, date=date(2026, 12, 5), reason="Holiday")
    assert rules.load_due_date(policy, branch=central, start=start) == datetime(
        2026, 12, 8, 23, 59, tzinfo=KYIV
    )


def test_an_hour_loan_at_a_branch_ends_by_its_closing_time(central, riverside):
    rule = CirculationRule.objects.create(
        loan_period=3, loan_unit=LoanUnit.HOURS, calendar_mode=CalendarMode.OPEN_DAYS
    )
    policy = rules.Policy.from_rule(rule)
    start = datetime(2026, 12, 1, 16, 0, tzinfo=KYIV)  # Tuesday
    assert rules.load_due_date(policy, branch=central, start=start) == start.replace(hour=19)
    assert rules.load_due_date(policy, branch=riverside, start=start) == start.replace(hour=18)


def test_a_school_loan_is_due_on_the_term_due_date_from_the_database(
    rule_table, riverside, central, network, child_category, book_type
):
    Term.objects.create(
        network=network, name="Autumn", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 25)
    )
    Term.objects.create(
        network=network,
        branch=riverside,
        name="Autumn (Riverside)",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 25),
        due_on=date(2026, 12, 19),
    )
    policy = rules.load_policy(branch=riverside, category=child_category, item_type=book_type)
    start = datetime(2026, 10, 6, 11, 0, tzinfo=KYIV)
    assert rules.load_due_date(policy, branch=riverside, start=start) == datetime(
        2026, 12, 19, 23, 59, tzinfo=KYIV
    )
    assert [t.name for t in rules.load_terms(central, start.date())] == ["Autumn"]


def test_a_term_must_end_after_it_starts(network):
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(
            network=network, name="Backwards", starts_on=date(2026, 9, 1), ends_on=date(2026, 8, 1)
        )


def test_rules_and_terms_read_well_in_lists(rule_table, network):
    assert str(rule_table["riverside_children_books"]) == "Riverside Branch / Child / Book"
    assert str(rule_table["default"]) == "any / any / any"
    term = Term(
        network=network, name="Spring", starts_on=date(2027, 1, 12), ends_on=date(2027, 5, 31)
    )
    assert term.fixed_due_date == date(2027, 5, 31)
    assert str(term) == "Spring (2027-01-12–2027-05-31)"
    term.names = {"zh-hans": "春季学期"}
    with translation.override("zh-hans"):
        assert term.display_name() == "春季学期"
