"""What an answer means for each kind of question, which questions are shown and owed, and
the scale satisfaction is measured on: pure rules, no database."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.http import QueryDict

from bibliohub.surveys import rules
from bibliohub.surveys.errors import SurveyReason
from bibliohub.surveys.models import Question, QuestionKind, Survey, SurveyState

AT = datetime(2027, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
OPTIONS = [{"value": "1", "labels": {"en": "Books"}}, {"value": "2", "labels": {"en": "Events"}}]


def q(kind: str, pk: int = 1, **given) -> Question:
    return Question(pk=pk, code=f"q{pk}", kind=kind, **given)


def data(**values) -> QueryDict:
    found = QueryDict(mutable=True)
    for key, value in values.items():
        for v in value if isinstance(value, list) else [value]:
            found.appendlist(key.replace("_", "-"), v)
    return found


@pytest.mark.parametrize(("kind", "given", "expected"), [
    (QuestionKind.SINGLE, {"q-q1": "2"}, ["2"]),
    (QuestionKind.MULTIPLE, {"q-q1": ["1", "2", "1"]}, ["1", "2"]),
    (QuestionKind.RATING, {"q-q1": "4"}, 4),
    (QuestionKind.RECOMMEND, {"q-q1": "0"}, 0),
    (QuestionKind.NUMBER, {"q-q1": "2,5"}, "2.5"),
    (QuestionKind.DATE, {"q-q1": "2027-03-15"}, "2027-03-15"),
    (QuestionKind.SHORT_TEXT, {"q-q1": "  More comics  "}, "More comics"),
    (QuestionKind.AGE_BAND, {"q-q1": "teen"}, ["teen"]),
    (QuestionKind.SINGLE, {}, None),
])
def test_an_answer_is_kept_as_the_kind_of_question_says(kind, given, expected):
    found = QueryDict(mutable=True)
    for key, value in given.items():
        for v in value if isinstance(value, list) else [value]:
            found.appendlist(key, v)
    assert rules.parse(q(kind, options=OPTIONS), found).value == expected


@pytest.mark.parametrize(("kind", "given", "reason"), [
    (QuestionKind.SINGLE, {"q-q1": "9"}, SurveyReason.NOT_A_CHOICE),
    (QuestionKind.SINGLE, {"q-q1": ["1", "2"]}, SurveyReason.NOT_A_CHOICE),
    (QuestionKind.SINGLE, {"q-q1": "other"}, SurveyReason.OTHER_EMPTY),
    (QuestionKind.RATING, {"q-q1": "6"}, SurveyReason.OUT_OF_RANGE),
    (QuestionKind.RATING, {"q-q1": "3.5"}, SurveyReason.OUT_OF_RANGE),
    (QuestionKind.RECOMMEND, {"q-q1": "11"}, SurveyReason.OUT_OF_RANGE),
    (QuestionKind.NUMBER, {"q-q1": "many"}, SurveyReason.NOT_A_NUMBER),
    (QuestionKind.NUMBER, {"q-q1": "NaN"}, SurveyReason.NOT_A_NUMBER),
    (QuestionKind.DATE, {"q-q1": "15.03.2027"}, SurveyReason.NOT_A_DATE),
    (QuestionKind.SHORT_TEXT, {"q-q1": "x" * 301}, SurveyReason.TOO_LONG),
    (QuestionKind.BRANCH, {"q-q1": "elsewhere"}, SurveyReason.NOT_A_CHOICE),
])
def test_an_answer_that_cannot_be_taken_says_why(kind, given, reason):
    found = QueryDict(mutable=True)
    for key, value in given.items():
        for v in value if isinstance(value, list) else [value]:
            found.appendlist(key, v)
    with pytest.raises(ValueError) as refused:
        rules.parse(q(kind, options=OPTIONS, allow_other=True), found, branch_codes=["central"])
    assert refused.value.args[0] == reason


def test_other_comes_with_its_text():
    found = QueryDict("q-q1=other&q-q1-other=Board+games")
    parsed = rules.parse(q(QuestionKind.MULTIPLE, options=OPTIONS, allow_other=True), found)
    assert parsed.value == ["other"] and parsed.other == "Board games"


def test_a_grid_keeps_one_answer_a_line():
    grid = q(QuestionKind.LIKERT, rows=[{"value": "1"}, {"value": "2"}])
    parsed = rules.parse(grid, QueryDict("q-q1-1=4&q-q1-2=5"))
    assert parsed.value == {"1": "4", "2": "5"}
    assert rules.missing([q(QuestionKind.LIKERT, rows=[{"value": "1"}, {"value": "2"}],
                            required=True)], {1: {"1": "4"}})


def test_a_question_is_shown_and_owed_only_when_the_earlier_answer_says_so():
    rating = q(QuestionKind.RATING, pk=1, required=True)
    why = q(QuestionKind.LONG_TEXT, pk=2, required=True, condition_question_id=1,
            condition_values=["1", "2"])
    after = q(QuestionKind.LONG_TEXT, pk=3, condition_question_id=2, condition_values=["x"])
    questions = [rating, why, after]
    assert rules.visible(questions, {1: 5}) == [rating]
    assert rules.visible(questions, {1: 2}) == [rating, why]
    assert rules.missing(questions, {}) == [rating]
    assert rules.missing(questions, {1: 1}) == [why]
    assert rules.missing(questions, {1: 1, 2: "The queue"}) == []


def test_a_survey_is_open_between_its_dates_only_once_opened():
    survey = Survey(state=SurveyState.OPEN, opens_at=AT, closes_at=AT.replace(day=31))
    assert rules.open_refusals(survey, at=AT) == []
    assert rules.open_refusals(survey, at=AT.replace(hour=9)) == [SurveyReason.NOT_OPEN]
    assert rules.open_refusals(survey, at=AT.replace(day=31)) == [SurveyReason.NOT_OPEN]
    survey.state = SurveyState.DRAFT
    assert rules.open_refusals(survey, at=AT) == [SurveyReason.NOT_OPEN]


def test_a_quota_is_full_once_its_group_has_the_answers_it_allows():
    quotas = {"branch": {"central": 2}, "age_band": {"teen": 1}}
    counts = {"branch": {"central": 1}, "age_band": {"teen": 1}}
    assert not rules.quota_full(quotas, counts, branch="central", age_band="adult")
    assert rules.quota_full(quotas, counts, branch="riverside", age_band="teen")
    assert not rules.quota_full(quotas, counts, branch="riverside", age_band="")


@pytest.mark.parametrize(("score", "low", "high", "five"), [
    (1, 1, 5, "1.00"), (5, 1, 5, "5.00"), (4, 1, 5, "4.00"),
    (0, 0, 10, "1.00"), (10, 0, 10, "5.00"), (8, 0, 10, "4.20"),
])
def test_a_score_is_put_on_the_scale_of_one_to_five(score, low, high, five):
    assert rules.on_five(Decimal(score), low=low, high=high) == Decimal(five)
