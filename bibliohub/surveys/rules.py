"""Pure rules: what an answer typed or ticked means for each kind of question, which
questions are shown after the answers given so far, which are still owed, whether a survey
is open, and how a score is put on the scale of 1 to 5 that satisfaction is measured on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import pgettext_lazy

from bibliohub.surveys.errors import SurveyReason
from bibliohub.surveys.models import CHOICE_KINDS, Question, QuestionKind, Survey, SurveyState

OTHER = "other"
TEXT_LIMIT = 5000
SHORT_LIMIT = 300

# The age groups a survey asks, the library's own (history's age_band values), so that
# answers and the history group people alike.
AGE_BANDS: list[tuple[str, Any]] = [
    ("child", pgettext_lazy("age group", "13 or younger")),
    ("teen", pgettext_lazy("age group", "14 to 17")),
    ("adult", pgettext_lazy("age group", "18 to 64")),
    ("senior", pgettext_lazy("age group", "65 or older")),
]
# The usual five-point agreement scale of a grid.
AGREEMENT: list[tuple[str, Any]] = [
    ("1", pgettext_lazy("agreement", "Strongly disagree")),
    ("2", pgettext_lazy("agreement", "Disagree")),
    ("3", pgettext_lazy("agreement", "Neither agree nor disagree")),
    ("4", pgettext_lazy("agreement", "Agree")),
    ("5", pgettext_lazy("agreement", "Strongly agree")),
]


@dataclass(frozen=True)
class Parsed:
    """An answer as stored: `value` (JSON), `number` for averages, `other` text."""

    value: Any
    number: Decimal | None = None
    other: str = ""

    @property
    def empty(self) -> bool:
        return self.value in (None, "", [], {})


def option_values(question: Question, *, branch_codes: Sequence[str] = ()) -> list[str]:
    """The codes a choice question accepts (the network's branches for a branch question)."""
    if question.kind == QuestionKind.BRANCH:
        return list(branch_codes)
    if question.kind == QuestionKind.AGE_BAND:
        return [code for code, _label in AGE_BANDS]
    return [str(o.get("value")) for o in question.options]


def values(raw: Mapping[str, Any], key: str) -> list[str]:
    """Every value of `key` in form data (a QueryDict's list, or a plain mapping's)."""
    getlist = getattr(raw, "getlist", None)
    if getlist is not None:
        return [str(v) for v in getlist(key)]
    found = raw.get(key, [])
    return [str(v) for v in found] if isinstance(found, list | tuple) else [str(found)]


def scale(question: Question) -> tuple[int, int]:
    if question.kind == QuestionKind.RECOMMEND:
        return 0, 10
    return question.scale_min, question.scale_max


def parse(
    question: Question,
    raw: Mapping[str, Any],
    *,
    branch_codes: Sequence[str] = (),
) -> Parsed:
    """The answer to `question` in the form data `raw` (field "q-<code>", "q-<code>-other",
    "q-<code>-<row>" for a grid). Raises ValueError(SurveyReason) for an answer that cannot
    be taken; an empty answer is Parsed(None)."""
    name = f"q-{question.code}"
    given = [v.strip() for v in values(raw, name) if v.strip()]
    kind = question.kind
    if kind in CHOICE_KINDS:
        allowed = option_values(question, branch_codes=branch_codes)
        if question.allow_other and kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            allowed = [*allowed, OTHER]
        if any(v not in allowed for v in given):
            raise ValueError(SurveyReason.NOT_A_CHOICE)
        if kind != QuestionKind.MULTIPLE and len(given) > 1:
            raise ValueError(SurveyReason.NOT_A_CHOICE)
        other = " ".join(values(raw, f"{name}-other")[:1]).strip() if OTHER in given else ""
        if OTHER in given and not other:
            raise ValueError(SurveyReason.OTHER_EMPTY)
        if len(other) > SHORT_LIMIT:
            raise ValueError(SurveyReason.TOO_LONG)
        unique = list(dict.fromkeys(given))
        return Parsed(unique or None, other=other)
    if kind == QuestionKind.LIKERT:
        columns = {str(o.get("value")) for o in question.options} or {c for c, _l in AGREEMENT}
        answers: dict[str, str] = {}
        for row in question.rows:
            code = str(row.get("value"))
            picked = [v.strip() for v in values(raw, f"{name}-{code}") if v.strip()]
            if not picked:
                continue
            if len(picked) > 1 or picked[0] not in columns:
                raise ValueError(SurveyReason.NOT_A_CHOICE)
            answers[code] = picked[0]
        return Parsed(answers or None)
    if not given:
        return Parsed(None)
    text = given[0]
    if kind in (QuestionKind.RATING, QuestionKind.RECOMMEND, QuestionKind.NUMBER):
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise ValueError(SurveyReason.NOT_A_NUMBER) from None
        if not number.is_finite() or abs(number) >= Decimal("1e10"):
            raise ValueError(SurveyReason.NOT_A_NUMBER)
        if kind != QuestionKind.NUMBER:
            low, high = scale(question)
            if number != number.to_integral_value() or not low <= number <= high:
                raise ValueError(SurveyReason.OUT_OF_RANGE)
            return Parsed(int(number), number=number)
        return Parsed(format(number.normalize(), "f"), number=number.quantize(Decimal("0.01")))
    if kind == QuestionKind.DATE:
        try:
            return Parsed(date.fromisoformat(text).isoformat())
        except ValueError:
            raise ValueError(SurveyReason.NOT_A_DATE) from None
    limit = SHORT_LIMIT if kind == QuestionKind.SHORT_TEXT else TEXT_LIMIT
    if len(text) > limit:
        raise ValueError(SurveyReason.TOO_LONG)
    return Parsed(text)


def _chosen(value: Any) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value}
    if value in (None, ""):
        return set()
    return {str(value)}


def visible(questions: Iterable[Question], answers: Mapping[int, Any]) -> list[Question]:
    """The questions shown after `answers` ({question id: value}): a question with a
    condition is shown when the answer to the question it depends on is among its values,
    and that question is itself shown."""
    shown: list[Question] = []
    shown_ids: set[int] = set()
    for question in questions:
        if question.condition_question_id is not None:
            depends = question.condition_question_id
            wanted = {str(v) for v in question.condition_values}
            if depends not in shown_ids or not (_chosen(answers.get(depends)) & wanted):
                continue
        shown.append(question)
        shown_ids.add(question.pk)
    return shown


def missing(questions: Iterable[Question], answers: Mapping[int, Any]) -> list[Question]:
    """The required questions shown and not answered (a grid needs every line)."""
    owed = []
    for question in visible(questions, answers):
        if not question.required or not question.answerable:
            continue
        value = answers.get(question.pk)
        if value in (None, "", [], {}) or (
            question.kind == QuestionKind.LIKERT
            and isinstance(value, dict)
            and any(str(row.get("value")) not in value for row in question.rows)
        ):
            owed.append(question)
    return owed


def open_refusals(survey: Survey, *, at: datetime) -> list[SurveyReason]:
    """Why `survey` cannot be answered at `at` (empty when it can)."""
    if survey.state != SurveyState.OPEN:
        return [SurveyReason.NOT_OPEN]
    if survey.opens_at is not None and at < survey.opens_at:
        return [SurveyReason.NOT_OPEN]
    if survey.closes_at is not None and at >= survey.closes_at:
        return [SurveyReason.NOT_OPEN]
    return []


def quota_full(quotas: Mapping[str, Mapping[str, int]], counts: Mapping[str, Mapping[str, int]],
               *, branch: str, age_band: str) -> bool:
    """Whether the group of a respondent (`branch` code, `age_band`) already has the answers
    its quota allows; `counts` are the completed responses per dimension and value."""
    for dimension, value in (("branch", branch), ("age_band", age_band)):
        limit = quotas.get(dimension, {}).get(value)
        if value and limit is not None and counts.get(dimension, {}).get(value, 0) >= int(limit):
            return True
    return False


def on_five(score: Decimal, *, low: int, high: int) -> Decimal:
    """`score` on a scale of `low` to `high` put on the scale of 1 to 5 (the same point of
    the scale), so that a 0–10 recommendation and a 1–5 rating add up to one mean."""
    if high <= low:
        raise ValueError("a scale has a highest value above its lowest")
    return (Decimal(1) + Decimal(4) * (Decimal(score) - low) / (high - low)).quantize(
        Decimal("0.01")
    )
