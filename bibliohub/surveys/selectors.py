"""Reads: the surveys open to the public, the surveys a member of staff may see and build,
a draft found by its token, and the results — counts and percentages per question within
the branches a member of staff acts for, compared with the previous wave, the free-text
answers, and the raw answers without identities for a spreadsheet."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from bibliohub.accounts import access
from bibliohub.accounts.models import User
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron
from bibliohub.surveys import rules
from bibliohub.surveys.models import (
    CHOICE_KINDS,
    SCALE_KINDS,
    TEXT_KINDS,
    Answer,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyState,
    text_in,
)


def open_surveys(*, at: datetime) -> QuerySet[Survey]:
    """Surveys open for answers at `at`, newest first."""
    return (
        Survey.objects.filter(state=SurveyState.OPEN)
        .filter(Q(opens_at=None) | Q(opens_at__lte=at))
        .filter(Q(closes_at=None) | Q(closes_at__gt=at))
        .select_related("branch")
    )


def public_survey(slug: str) -> Survey:
    """A survey that is not a draft, by its web address (404 otherwise)."""
    return get_object_or_404(Survey.objects.exclude(state=SurveyState.DRAFT), slug=slug)


def public_link(survey: Survey) -> str:
    """The survey's address on the public site, whole, for notices, e-mails and posters
    (the network's BIBLIOHUB_SITE_URL; pages built from a request use its host instead)."""
    return f"{settings.SITE_URL}{reverse('surveys:answer', args=[survey.slug])}"


def draft_for(survey: Survey, token: str | None) -> Response | None:
    """The unfinished response of `survey` with `token`, if there is one."""
    if not token:
        return None
    return Response.objects.filter(survey=survey, token=token, complete=False).first()


def questions(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position", "pk"))


def surveys_for_staff(user: User) -> QuerySet[Survey]:
    """Surveys of the network and of the branches `user` acts for."""
    return Survey.objects.filter(
        Q(branch=None) | Q(branch__in=access.branches_for(user))
    ).select_related("branch").annotate(
        completed=Count("responses", filter=Q(responses__complete=True))
    )


def survey_for_view(user: User, pk: int) -> Survey:
    """A survey `user` may read (the network's, or one of her branches'): 404 or 403."""
    survey = get_object_or_404(Survey.objects.select_related("branch"), pk=pk)
    if survey.branch is not None:
        access.require_branch(user, survey.branch)
    return survey


def may_build(user: User, survey: Survey | None) -> bool:
    if survey is not None and survey.branch is not None:
        return access.can_act_on_branch(user, survey.branch)
    return access.can_manage_network(user)


def survey_for_edit(user: User, pk: int) -> Survey:
    """A survey `user` may build: one of her branches', or the network's for a manager."""
    survey = survey_for_view(user, pk)
    if not may_build(user, survey):
        raise PermissionDenied
    return survey


# --- results --------------------------------------------------------------------------------


@dataclass
class Line:
    value: str
    label: str
    count: int
    percent: Decimal
    previous: Decimal | None = None


@dataclass
class QuestionResult:
    question: Question
    text: str
    answered: int
    lines: list[Line] = field(default_factory=list)
    mean: Decimal | None = None
    previous_mean: Decimal | None = None
    grid: list[tuple[str, list[Line], Decimal | None]] = field(default_factory=list)
    others: int = 0

    @property
    def is_text(self) -> bool:
        return self.question.kind in TEXT_KINDS


@dataclass
class Results:
    survey: Survey
    completed: int
    questions: list[QuestionResult]
    by_branch: list[Line]
    by_age: list[Line]
    by_language: list[Line]
    previous: Survey | None
    previous_completed: int


def responses_for(
    survey: Survey,
    user: User | None,
    *,
    branch: Branch | None = None,
    age_band: str = "",
    language: str = "",
) -> QuerySet[Response]:
    """The completed responses of `survey` that `user` may read (those of her branches;
    a network-wide user reads every one, with or without a branch), filtered."""
    found = Response.objects.filter(survey=survey, complete=True)
    if user is not None and not user.is_network_wide:
        found = found.filter(branch__in=access.branches_for(user))
    if branch is not None:
        found = found.filter(branch=branch)
    if age_band:
        found = found.filter(age_band=age_band)
    if language:
        found = found.filter(language=language)
    return found


def _percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _labels(question: Question, language: str, branches: dict[str, str]) -> list[tuple[str, str]]:
    main = question.survey.language
    if question.kind == QuestionKind.BRANCH:
        return list(branches.items())
    if question.kind == QuestionKind.AGE_BAND:
        return [(code, str(label)) for code, label in rules.AGE_BANDS]
    if question.kind in SCALE_KINDS:
        low, high = rules.scale(question)
        return [(str(n), str(n)) for n in range(low, high + 1)]
    labels = [(str(o["value"]), text_in(o.get("labels"), language, main)) for o in question.options]
    if question.kind == QuestionKind.LIKERT and not labels:
        labels = [(code, str(label)) for code, label in rules.AGREEMENT]
    if question.allow_other:
        labels.append((rules.OTHER, str(_other_label())))
    return labels


def _other_label() -> Any:
    from django.utils.translation import pgettext

    return pgettext("survey answer", "Other")


def _tally(answers: Iterable[Answer]) -> tuple[Counter[str], int, list[Decimal], int]:
    counts: Counter[str] = Counter()
    numbers: list[Decimal] = []
    answered = others = 0
    for answer in answers:
        answered += 1
        if answer.number is not None:
            numbers.append(answer.number)
        value = answer.value
        if isinstance(value, list):
            counts.update(str(v) for v in value)
            others += int(rules.OTHER in value)
        elif isinstance(value, dict):
            counts.update(f"{row}:{col}" for row, col in value.items())
        elif value is not None:
            counts[str(value)] += 1
    return counts, answered, numbers, others


def _mean(numbers: Sequence[Decimal]) -> Decimal | None:
    if not numbers:
        return None
    return (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal("0.01"))


def results(
    survey: Survey,
    user: User | None,
    *,
    language: str,
    branch: Branch | None = None,
    age_band: str = "",
    answer_language: str = "",
) -> Results:
    """Counts and percentages per question of the completed responses `user` may read,
    filtered by branch, age group and the language answered in; each line beside the same
    line of the previous wave (the question with the same code)."""
    chosen = responses_for(survey, user, branch=branch, age_band=age_band,
                           language=answer_language)
    completed = chosen.count()
    branches = {
        b.code: b.display_name(language)
        for b in Branch.objects.filter(network_id=survey.network_id).order_by("sort_order", "name")
    }
    by_question: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(response__in=chosen).only(
        "question_id", "value", "number"
    ):
        by_question.setdefault(answer.question_id, []).append(answer)
    previous = survey.previous
    earlier: dict[str, tuple[Counter[str], int, list[Decimal]]] = {}
    previous_completed = 0
    if previous is not None:
        before = responses_for(previous, user, branch=branch, age_band=age_band,
                               language=answer_language)
        previous_completed = before.count()
        codes = {q.pk: q.code for q in previous.questions.all()}
        grouped: dict[str, list[Answer]] = {}
        for answer in Answer.objects.filter(response__in=before).only(
            "question_id", "value", "number"
        ):
            grouped.setdefault(codes[answer.question_id], []).append(answer)
        for code, found in grouped.items():
            counts, answered, numbers, _others = _tally(found)
            earlier[code] = (counts, answered, numbers)
    out = []
    for question in questions(survey):
        if not question.answerable:
            continue
        counts, answered, numbers, others = _tally(by_question.get(question.pk, []))
        result = QuestionResult(question, question.text(language), answered, others=others)
        past = earlier.get(question.code)
        if question.kind in CHOICE_KINDS or question.kind in SCALE_KINDS:
            for value, label in _labels(question, language, branches):
                result.lines.append(Line(
                    value, label, counts[value], _percent(counts[value], answered),
                    _percent(past[0][value], past[1]) if past else None,
                ))
        if question.kind in SCALE_KINDS or question.kind == QuestionKind.NUMBER:
            result.mean = _mean(numbers)
            result.previous_mean = _mean(past[2]) if past else None
        if question.kind == QuestionKind.LIKERT:
            columns = _labels(question, language, branches)
            for row in question.rows:
                code = str(row["value"])
                row_total = sum(counts[f"{code}:{c}"] for c, _l in columns)
                lines = [
                    Line(c, label, counts[f"{code}:{c}"], _percent(counts[f"{code}:{c}"], row_total),
                         _percent(past[0][f"{code}:{c}"], sum(past[0][f"{code}:{k}"] for k, _l in columns))
                         if past else None)
                    for c, label in columns
                ]
                scores = [Decimal(c) * counts[f"{code}:{c}"] for c, _l in columns if c.isdigit()]
                mean = (sum(scores, Decimal(0)) / row_total).quantize(Decimal("0.01")) if (
                    row_total and len(scores) == len(columns)) else None
                result.grid.append((text_in(row.get("labels"), language, survey.language), lines, mean))
        out.append(result)

    def split(column: str, labels: dict[str, str]) -> list[Line]:
        rows = chosen.values(column).annotate(n=Count("pk")).order_by(column)
        return [
            Line(str(r[column] or ""), labels.get(str(r[column] or ""), str(r[column] or "—")),
                 r["n"], _percent(r["n"], completed))
            for r in rows
        ]

    return Results(
        survey=survey, completed=completed, questions=out,
        by_branch=split("branch__code", branches),
        by_age=split("age_band", {c: str(label) for c, label in rules.AGE_BANDS}),
        by_language=split("language", {c: str(n) for c, n in settings.LANGUAGES}),
        previous=previous, previous_completed=previous_completed,
    )


def text_answers(
    survey: Survey, user: User | None, *, question: Question | None = None, search: str = ""
) -> QuerySet[Answer]:
    """The free-text answers (and the texts given with "other") of the completed responses
    `user` may read, newest first, containing `search` (case-insensitive)."""
    chosen = responses_for(survey, user)
    found = Answer.objects.filter(response__in=chosen).filter(
        Q(question__kind__in=list(TEXT_KINDS)) | ~Q(other="")
    ).select_related("question__survey", "response", "response__branch")
    if question is not None:
        found = found.filter(question=question)
    if search:
        found = found.filter(Q(value__icontains=search) | Q(other__icontains=search))
    return found.order_by("-response__completed_at", "-pk")


def raw_answers(survey: Survey, user: User | None) -> tuple[list[Question], list[list[Any]]]:
    """One row per completed response: when, branch, age group, language, channel, then
    each question's answer as text (codes for choices); nothing that identifies anyone."""
    asked = [q for q in questions(survey) if q.answerable]
    chosen = responses_for(survey, user).select_related("branch").order_by("completed_at", "pk")
    answers: dict[int, dict[int, Answer]] = {}
    for answer in Answer.objects.filter(response__in=chosen).only(
        "response_id", "question_id", "value", "number", "other"
    ):
        answers.setdefault(answer.response_id, {})[answer.question_id] = answer
    rows = []
    for response in chosen:
        given = answers.get(response.pk, {})
        row: list[Any] = [
            response.completed_at.date() if response.completed_at else None,
            response.branch.code if response.branch else "",
            response.age_band, response.language, response.channel,
        ]
        for question in asked:
            row.append(_cell(question, given.get(question.pk)))
        rows.append(row)
    return asked, rows


def _cell(question: Question, answer: Answer | None) -> Any:
    if answer is None or answer.value is None:
        return ""
    value = answer.value
    if isinstance(value, list):
        text = "; ".join(str(v) for v in value)
        return f"{text} ({answer.other})" if answer.other else text
    if isinstance(value, dict):
        return "; ".join(f"{row}={col}" for row, col in value.items())
    if answer.number is not None and question.kind != QuestionKind.NUMBER:
        return int(answer.number)
    if answer.number is not None:
        return answer.number
    return str(value)


def exported_for(patron: Patron) -> list[dict[str, Any]]:
    """`patron`'s answers to the surveys that are not anonymous (an anonymous survey keeps
    nobody's name with its answers, so holds nothing of theirs), sent or still a draft, for
    their data export: each question in the language they answered in, with their answer."""
    found = list(
        Response.objects.filter(patron=patron).select_related("survey")
        .prefetch_related("answers__question").order_by("started_at", "pk")
    )
    return [
        {
            "survey": response.survey.title(response.language),
            "sent": response.complete,
            "started_at": response.started_at.isoformat(),
            "sent_at": response.completed_at.isoformat() if response.completed_at else None,
            "language": response.language,
            "answers": [
                {"question": answer.question.text(response.language),
                 "answer": _exported(answer.value),
                 **({"other": answer.other} if answer.other else {})}
                for answer in sorted(response.answers.all(),
                                     key=lambda a: (a.question.position, a.question.pk))
            ],
        }
        for response in found
    ]


def _exported(value: Any) -> Any:
    return value if isinstance(value, (list, dict, str, int, float, bool)) or value is None \
        else str(value)
