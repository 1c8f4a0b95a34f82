"""The indicator `satisfaction` on a hand-built world: the mean of the scores given to each
survey's satisfaction question, per branch and for the network, from the roll-ups."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bibliohub.history import indicators
from bibliohub.history.indicators import AGE_GROUP, Period, Scope
from bibliohub.history.models import Dimension, PeriodKind
from bibliohub.history.rollup import roll_up
from bibliohub.surveys.models import Question
from tests.surveys.conftest import ANNUAL_OK, AT, answer


def test_satisfaction_is_the_mean_score_per_branch_and_for_the_network(
    annual, express, network, central, riverside
):
    answer(annual, **ANNUAL_OK)  # central, 4
    answer(annual, **{**ANNUAL_OK, "satisfaction": "5"})  # central, 5
    answer(annual, **{**ANNUAL_OK, "satisfaction": "1", "branch": "riverside", "age": "teen"},
           language="vi")
    answer(express, satisfaction="3", more_of="1", branch="riverside")
    # Answered in April: another period.
    answer(express, satisfaction="1", more_of="1", branch="central", at=AT + timedelta(days=40))
    roll_up()
    march = Period.month(2027, 3)
    scopes = [Scope(network.pk, central.pk), Scope(network.pk, riverside.pk), Scope(network.pk)]
    found = indicators.figures(march, scopes, codes=["satisfaction"])
    assert found[scopes[0]]["satisfaction"].value == Decimal("4.5")
    assert found[scopes[1]]["satisfaction"].value == Decimal("2")
    assert found[scopes[2]]["satisfaction"].value == Decimal("3.25")
    assert found[scopes[2]]["satisfaction"].denominator == 4
    by_age = indicators.breakdown("satisfaction", AGE_GROUP, march, [scopes[2]])[scopes[2]]
    assert by_age["teen"].value == Decimal("1") and by_age["adult"].value == Decimal("4.5")
    by_language = indicators.breakdown("satisfaction", Dimension.LANGUAGE, march, [scopes[2]])
    assert by_language[scopes[2]]["vi"].value == Decimal("1")


def test_a_period_nobody_rated_has_no_satisfaction_figure_rather_than_zero(network, central):
    found = indicators.figures(Period.year(2027), [Scope(network.pk)], codes=["satisfaction"])
    figure = found[Scope(network.pk)]["satisfaction"]
    assert figure.is_missing and figure.missing == "not_recorded"


def test_moving_the_measure_to_another_question_counts_that_one(annual, network):
    recommend = Question.objects.get(survey=annual, code="recommend")
    from bibliohub.history import Actor
    from bibliohub.surveys import services

    services.save_question(
        survey=annual, question=recommend, code="recommend", kind="recommend",
        texts=recommend.texts, is_satisfaction=True, actor=Actor.system("test"), at=AT,
    )
    assert list(annual.questions.filter(is_satisfaction=True)) == [recommend]
    answer(annual, **{**ANNUAL_OK, "recommend": "10"})
    roll_up()
    found = indicators.figures(Period.quarter(2027, 1), [Scope(network.pk)], codes=["satisfaction"])
    assert found[Scope(network.pk)]["satisfaction"].value == Decimal("5")
    assert PeriodKind.QUARTER in indicators.get("satisfaction").periods
