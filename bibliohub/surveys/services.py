"""The only writers of surveys and their answers. Building a survey is for staff of its
branch (network managers for a survey of the whole network); answering is for whoever the
survey admits. Each change records one history entry with codes and counts only: never an
answer's text, and for an anonymous survey nothing about who answered (the entry is the
public's, whatever the way in).

Answers are saved as the person goes (`save_answers` on a draft found again by its random
token), so a dropped connection loses nothing; `complete` checks the whole and sends it.
Saving a draft records no entry of its own: the draft's start and its completion do."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.crypto import salted_hmac

from bibliohub.accounts import access
from bibliohub.history import Actor, ActorKind
from bibliohub.history.services import record
from bibliohub.libraries.models import Branch, Network
from bibliohub.mail import services as mail
from bibliohub.patrons.models import Patron
from bibliohub.surveys import kinds, rules
from bibliohub.surveys.blueprints import BLUEPRINTS, THANKS
from bibliohub.surveys.errors import SurveyReason, SurveyRefused
from bibliohub.surveys.models import (
    CHOICE_KINDS,
    Answer,
    Audience,
    Channel,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyState,
)

# Addresses under /surveys/ that are pages, not surveys.
RESERVED = frozenset({"mine"})
# Letters, digits and underscores: a code names its form fields ("q-<code>-<row>").
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Completed answers one address may send in a window, counted in the cache only (the
# address itself is never kept, only a digest, and only for the window).
ANSWERS_PER_PLACE = 20
PLACE_WINDOW_SECONDS = 600


# --- building -------------------------------------------------------------------------------


def _require_editor(actor: Actor, branch: Branch | None) -> None:
    """A branch's survey is built by staff of the branch; the network's by its managers
    (and the installation's own jobs, such as the demo loader)."""
    if branch is not None:
        access.require_actor_branch(actor, branch)
        return
    user = access.staff_of(actor)
    if user is not None and access.is_staff_user(user) and access.can_manage_network(user):
        return
    if user is None and actor.kind in (ActorKind.SYSTEM, ActorKind.JOB, ActorKind.IMPORT):
        return
    raise access.NotPermitted([access.AccessReason.NOT_ALLOWED])


def _clean_texts(texts: Mapping[str, str], languages: Sequence[str]) -> dict[str, str]:
    return {lang: texts[lang].strip() for lang in languages if texts.get(lang, "").strip()}


@transaction.atomic
def save_survey(
    *,
    survey: Survey | None = None,
    network: Network,
    branch: Branch | None,
    slug: str,
    kind: str,
    language: str,
    languages: Sequence[str],
    titles: Mapping[str, str],
    intros: Mapping[str, str] | None = None,
    thanks: Mapping[str, str] | None = None,
    audience: str = Audience.ANYONE,
    anonymous: bool = True,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    quotas: Mapping[str, Mapping[str, int]] | None = None,
    previous: Survey | None = None,
    reminder_days: int | None = None,
    actor: Actor,
    at: datetime,
) -> Survey:
    """Create a survey (`survey` None) or change one, and return it. Texts are kept for the
    survey's languages (the main one always among them). `reminder_days` (None: as it is,
    3 for a new survey) is how many days before closing those invited who have not
    answered are reminded (0: never).

    Raises NotPermitted for a branch (or the network) the actor does not build surveys for,
    and SurveyRefused keyed by field (slug, titles, languages, closes_at)."""
    _require_editor(actor, branch)
    if survey is not None:
        _require_editor(actor, survey.branch)
    chosen = list(dict.fromkeys([language, *languages]))
    problems: dict[str, list[SurveyReason]] = {}
    if any(code not in LANGUAGES for code in chosen):
        problems["languages"] = [SurveyReason.UNKNOWN_LANGUAGE]
    if not titles.get(language, "").strip():
        problems["titles"] = [SurveyReason.NO_TEXT]
    if opens_at and closes_at and closes_at <= opens_at:
        problems["closes_at"] = [SurveyReason.BAD_DATES]
    taken = Survey.objects.filter(slug=slug)
    if survey is not None:
        taken = taken.exclude(pk=survey.pk)
    if taken.exists() or slug in RESERVED:
        problems["slug"] = [SurveyReason.SLUG_TAKEN]
    if problems:
        raise SurveyRefused(fields=problems)
    target = survey or Survey(network=network, created_at=at)
    target.branch = branch
    target.slug = slug
    target.kind = kind
    target.language = language
    target.languages = chosen
    target.titles = _clean_texts(titles, chosen)
    target.intros = _clean_texts(intros or {}, chosen)
    target.thanks = _clean_texts(thanks or THANKS, chosen)
    target.audience = audience
    target.anonymous = anonymous
    target.opens_at = opens_at
    target.closes_at = closes_at
    target.quotas = {dim: {k: int(v) for k, v in values.items()}
                     for dim, values in (quotas or {}).items() if values}
    target.previous = previous if previous is None or previous.pk != target.pk else None
    if reminder_days is not None:
        target.reminder_days = max(0, reminder_days)
    target.save()
    record(kinds.SURVEY_SAVED, at=at, actor=actor, branch=branch, network=network.pk,
           obj=target, detail={"kind": kind, "audience": audience, "anonymous": anonymous,
                               "new": survey is None})
    return target


@transaction.atomic
def start_from_blueprint(
    *,
    code: str,
    network: Network,
    branch: Branch | None,
    slug: str,
    language: str,
    languages: Sequence[str],
    audience: str = Audience.ANYONE,
    anonymous: bool = True,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    previous: Survey | None = None,
    actor: Actor,
    at: datetime,
) -> Survey:
    """A new draft survey with the questions of blueprint `code` (annual, express, event).
    Raises KeyError for an unknown blueprint, and what `save_survey` raises."""
    blueprint = BLUEPRINTS[code]
    survey = save_survey(
        network=network, branch=branch, slug=slug, kind=blueprint.kind, language=language,
        languages=languages, titles=blueprint.title, intros=blueprint.intro, thanks=THANKS,
        audience=audience, anonymous=anonymous, opens_at=opens_at, closes_at=closes_at,
        previous=previous, actor=actor, at=at,
    )
    made: dict[str, Question] = {}
    for q in blueprint.questions:
        condition = None
        if q.condition is not None:
            condition = made[q.condition[0]]
        made[q.code] = save_question(
            survey=survey, code=q.code, kind=q.kind, texts=q.text, options=q.options,
            rows=q.rows, allow_other=q.allow_other, required=q.required,
            scale_min=q.scale[0], scale_max=q.scale[1], condition_question=condition,
            condition_values=list(q.condition[1]) if q.condition else [],
            is_satisfaction=q.satisfaction, actor=actor, at=at,
        )
    return survey


@transaction.atomic
def save_question(
    *,
    survey: Survey,
    question: Question | None = None,
    code: str,
    kind: str,
    texts: Mapping[str, str],
    helps: Mapping[str, str] | None = None,
    options: Sequence[Mapping[str, Any]] = (),
    rows: Sequence[Mapping[str, Any]] = (),
    allow_other: bool = False,
    required: bool = False,
    scale_min: int = 1,
    scale_max: int = 5,
    condition_question: Question | None = None,
    condition_values: Sequence[str] = (),
    is_satisfaction: bool = False,
    actor: Actor,
    at: datetime,
) -> Question:
    """Add a question at the end of `survey` (`question` None) or change one, and return it.
    Marking it as the satisfaction measure unmarks the survey's other questions (a survey
    has one). Raises SurveyRefused keyed by field (code, texts, options, scale_max,
    condition_question) and NotPermitted as `save_survey` does."""
    _require_editor(actor, survey.branch)
    problems: dict[str, list[SurveyReason]] = {}
    if not texts.get(survey.language, "").strip():
        problems["texts"] = [SurveyReason.NO_TEXT]
    if not CODE.fullmatch(code):
        problems["code"] = [SurveyReason.BAD_CODE]
    taken = Question.objects.filter(survey=survey, code=code)
    if question is not None:
        taken = taken.exclude(pk=question.pk)
    if taken.exists():
        problems["code"] = [SurveyReason.CODE_TAKEN]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
        problems["options"] = [SurveyReason.NO_OPTIONS]
    if kind == QuestionKind.LIKERT and not rows:
        problems["rows"] = [SurveyReason.NO_OPTIONS]
    if kind == QuestionKind.RATING and scale_max <= scale_min:
        problems["scale_max"] = [SurveyReason.BAD_SCALE]
    if condition_question is not None and (
        condition_question.survey_id != survey.pk
        or condition_question.kind not in {*CHOICE_KINDS, QuestionKind.RATING,
                                           QuestionKind.RECOMMEND}
        or (question is not None and (condition_question.pk == question.pk
                                      or condition_question.position >= question.position))
    ):
        problems["condition_question"] = [SurveyReason.BAD_CONDITION]
    if problems:
        raise SurveyRefused(fields=problems)
    if question is None:
        last = survey.questions.aggregate(last=Max("position"))["last"]
        question = Question(survey=survey, position=0 if last is None else last + 1)
    question.code = code
    question.kind = kind
    question.texts = _clean_texts(texts, survey.languages)
    question.helps = _clean_texts(helps or {}, survey.languages)
    question.options = [dict(o) for o in options]
    question.rows = [dict(r) for r in rows]
    question.allow_other = allow_other
    question.required = required
    question.scale_min, question.scale_max = (
        (0, 10) if kind == QuestionKind.RECOMMEND else (scale_min, scale_max)
    )
    question.condition_question = condition_question
    question.condition_values = [str(v) for v in condition_values] if condition_question else []
    question.is_satisfaction = is_satisfaction and kind in (QuestionKind.RATING,
                                                            QuestionKind.RECOMMEND)
    question.save()
    if question.is_satisfaction:
        survey.questions.exclude(pk=question.pk).update(is_satisfaction=False)
    record(kinds.QUESTION_SAVED, at=at, actor=actor, branch=survey.branch,
           network=survey.network_id, obj=survey,
           detail={"question": question.pk, "code": code, "kind": kind})
    return question


@transaction.atomic
def remove_question(question: Question, *, actor: Actor, at: datetime) -> None:
    """Remove a question and its answers (questions that depended on it lose the condition)."""
    survey = question.survey
    _require_editor(actor, survey.branch)
    detail = {"question": question.pk, "code": question.code,
              "answers": question.answers.count()}
    question.delete()
    record(kinds.QUESTION_REMOVED, at=at, actor=actor, branch=survey.branch,
           network=survey.network_id, obj=survey, detail=detail)


@transaction.atomic
def set_state(survey: Survey, *, state: str, actor: Actor, at: datetime) -> Survey:
    """Open or close `survey` (a closed survey may be opened again). Raises SurveyRefused
    (EMPTY) when opening a survey without a question."""
    _require_editor(actor, survey.branch)
    if state == SurveyState.OPEN and not survey.questions.exclude(
        kind=QuestionKind.SECTION
    ).exists():
        raise SurveyRefused([SurveyReason.EMPTY])
    survey.state = state
    survey.save(update_fields=["state"])
    kind = kinds.SURVEY_OPENED if state == SurveyState.OPEN else kinds.SURVEY_CLOSED
    record(kind, at=at, actor=actor, branch=survey.branch, network=survey.network_id,
           obj=survey, detail={"state": state})
    return survey


@transaction.atomic
def make_invitations(survey: Survey, *, count: int, actor: Actor, at: datetime) -> list[Invitation]:
    """`count` (1–1000) new invitation links for `survey`, each good for one person."""
    _require_editor(actor, survey.branch)
    count = max(1, min(count, 1000))
    made = Invitation.objects.bulk_create(
        Invitation(survey=survey, token=secrets.token_urlsafe(18), created_at=at)
        for _n in range(count)
    )
    record(kinds.INVITATIONS_MADE, at=at, actor=actor, branch=survey.branch,
           network=survey.network_id, obj=survey, quantity=count, detail={"count": count})
    return made


@transaction.atomic
def invite_patrons(
    survey: Survey, *, patrons: Iterable[Patron], actor: Actor, at: datetime
) -> list[Invitation]:
    """Invite each of `patrons` not invited yet to `survey` (one for invited people, or for
    signed-in patrons once each): an invitation addressed to the patron, whose link the
    e-mail sent to them now (in their language, to those with an address) carries, and
    whom the reminder job reminds before the survey closes if they have not answered.
    Records INVITATIONS_MADE with the count. Returns the new invitations.

    Raises SurveyRefused (INVITATION_NEEDED) for a survey open to anyone, and NotPermitted
    as `save_survey` does."""
    _require_editor(actor, survey.branch)
    if survey.audience == Audience.ANYONE:
        raise SurveyRefused([SurveyReason.INVITATION_NEEDED])
    invited = set(
        Invitation.objects.filter(survey=survey, patron__isnull=False)
        .values_list("patron_id", flat=True)
    )
    chosen = [p for p in dict.fromkeys(patrons) if p.pk not in invited]
    made = Invitation.objects.bulk_create(
        Invitation(survey=survey, token=secrets.token_urlsafe(18), created_at=at, patron=p)
        for p in chosen
    )
    for invitation in made:
        _write(invitation, "surveys/email/invitation", actor=actor, at=at)
    record(kinds.INVITATIONS_MADE, at=at, actor=actor, branch=survey.branch,
           network=survey.network_id, obj=survey, quantity=len(made),
           detail={"count": len(made), "addressed": True})
    return made


def _link(invitation: Invitation) -> str:
    survey = invitation.survey
    if survey.audience == Audience.INVITED:
        path = reverse("surveys:invited", args=[survey.slug, invitation.token])
    else:
        path = reverse("surveys:answer", args=[survey.slug])
    return settings.SITE_URL + path


def _write(invitation: Invitation, template_prefix: str, *, actor: Actor, at: datetime) -> bool:
    """Write the invitation or the reminder to its patron, in their language, to the outbox;
    False for a patron without an e-mail address."""
    patron = invitation.patron
    if patron is None or not patron.email:
        return False
    survey = invitation.survey
    language = survey.answer_language(patron.language)
    mail.queue(
        template_prefix,
        {"patron": patron, "survey": survey, "title": survey.title(language),
         "closes_at": survey.closes_at, "link": _link(invitation)},
        to=patron.email, language=patron.language, at=at, actor=actor,
        branch=survey.branch, network_id=survey.network_id,
    )
    return True


def _answered(invitation: Invitation) -> bool:
    survey = invitation.survey
    if survey.audience == Audience.INVITED:
        return invitation.used_at is not None
    return invitation.patron is not None and has_answered(survey, invitation.patron)


def send_reminders(*, actor: Actor, at: datetime) -> int:
    """Remind, once, each invited patron who has not answered an open survey that closes
    within its `reminder_days` of `at` (none when that is 0): an e-mail in the patron's
    language with the survey's link, written to the outbox (which sends it). Never to
    someone who answered: an invitation used, or, for signed-in patrons once each, the
    survey's record that the patron answered. The scheduled job (`actor`) calls this;
    records one REMINDERS_SENT per survey with reminders (quantity: how many), in the
    transaction that writes them. Returns how many reminders were written."""
    sent = 0
    due = Survey.objects.filter(
        state=SurveyState.OPEN, closes_at__gt=at, reminder_days__gt=0,
        audience__in=[Audience.INVITED, Audience.PATRONS],
    ).filter(Q(opens_at__isnull=True) | Q(opens_at__lte=at))
    for survey in due:
        assert survey.closes_at is not None
        if at < survey.closes_at - timedelta(days=survey.reminder_days):
            continue
        sent += _remind(survey, actor=actor, at=at)
    return sent


@transaction.atomic
def _remind(survey: Survey, *, actor: Actor, at: datetime) -> int:
    waiting = list(
        Invitation.objects.select_for_update(of=("self",))
        .filter(survey=survey, patron__isnull=False, reminded_at=None)
        .select_related("patron", "survey").order_by("pk")
    )
    reminded = []
    for invitation in waiting:
        if _answered(invitation):
            continue
        if _write(invitation, "surveys/email/reminder", actor=actor, at=at):
            reminded.append(invitation.pk)
    if not reminded:
        return 0
    Invitation.objects.filter(pk__in=reminded).update(reminded_at=at)
    record(kinds.REMINDERS_SENT, at=at, actor=actor, branch=survey.branch,
           network=survey.network_id, obj=survey, quantity=len(reminded),
           detail={"survey": survey.pk, "reminded": len(reminded)})
    return len(reminded)


# --- answering -------------------------------------------------------------------------------


def participation_digest(survey_id: int, participant: str) -> str:
    """The keyed digest that says `participant` answered survey `survey_id` (a patron's id;
    "registration.<id>.occurrence.<id>" for a date of an event): the same digest a data
    migration writes for what was answered before."""
    return salted_hmac(f"bibliohub.surveys.participation.{survey_id}", participant).hexdigest()


def _digest(survey: Survey, patron: Patron) -> str:
    return participation_digest(survey.pk, str(patron.pk))


def has_answered(survey: Survey, patron: Patron) -> bool:
    return Participation.objects.filter(survey=survey, digest=_digest(survey, patron)).exists()


def has_participated(survey: Survey, participant: str) -> bool:
    """Whether `participant` (as `participation_digest` names one) has answered `survey`."""
    return Participation.objects.filter(
        survey=survey, digest=participation_digest(survey.pk, participant)
    ).exists()


def _admission(
    survey: Survey, *, patron: Patron | None, invitation: Invitation | None, at: datetime
) -> list[SurveyReason]:
    """Why this person may not answer `survey` now."""
    if reasons := rules.open_refusals(survey, at=at):
        return reasons
    if survey.audience == Audience.PATRONS:
        if patron is None:
            return [SurveyReason.SIGN_IN]
        if has_answered(survey, patron):
            return [SurveyReason.ALREADY_ANSWERED]
    if survey.audience == Audience.INVITED:
        if invitation is None or invitation.survey_id != survey.pk:
            return [SurveyReason.INVITATION_NEEDED]
        if invitation.used_at is not None:
            return [SurveyReason.INVITATION_USED]
    return []


def admission_refusals(
    survey: Survey, *, patron: Patron | None, invitation: Invitation | None, at: datetime
) -> list[SurveyReason]:
    """Why a person (a signed-in `patron`, the holder of `invitation`) may not answer
    `survey` at `at`; empty when they may."""
    return _admission(survey, patron=patron, invitation=invitation, at=at)


def _history_actor(survey: Survey, actor: Actor) -> Actor:
    """Who the history names: for an anonymous survey nobody, whoever answered."""
    if survey.anonymous:
        return Actor.for_public(channel=actor.channel)
    return actor


@transaction.atomic
def start_response(
    *,
    survey: Survey,
    language: str,
    channel: str = Channel.WEB,
    patron: Patron | None = None,
    invitation: Invitation | None = None,
    about: tuple[str, int] | None = None,
    actor: Actor,
    at: datetime,
) -> Response:
    """A draft response to `survey`, with a new random token for the person to come back to
    it with. The patron is kept only where the survey is not anonymous; `about` names what
    the answers are about (("programs.occurrence", id) for a date of an event).

    Raises SurveyRefused (NOT_OPEN, SIGN_IN, ALREADY_ANSWERED, INVITATION_NEEDED,
    INVITATION_USED)."""
    if reasons := _admission(survey, patron=patron, invitation=invitation, at=at):
        raise SurveyRefused(reasons)
    response = Response.objects.create(
        survey=survey, token=secrets.token_urlsafe(32), started_at=at,
        language=survey.answer_language(language), channel=channel,
        branch=survey.branch,
        patron=None if survey.anonymous else patron,
        about_type=about[0] if about else "", about_id=about[1] if about else None,
    )
    record(kinds.STARTED, at=at, actor=_history_actor(survey, actor), branch=survey.branch,
           network=survey.network_id, language=response.language,
           detail={"survey": survey.pk, "channel": channel})
    return response


def _branch_codes(survey: Survey) -> list[str]:
    return list(
        Branch.objects.filter(network_id=survey.network_id, is_active=True)
        .order_by("sort_order", "name").values_list("code", flat=True)
    )


def _questions(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position", "pk"))


def _store(
    response: Response, data: Mapping[str, Sequence[str]], questions: list[Question]
) -> dict[str, list[SurveyReason]]:
    """Save each answer in `data` that can be taken (an emptied answer is removed) and
    return the problems of the others by question code. Questions not in `data` keep
    their saved answer."""
    codes = _branch_codes(response.survey)
    problems: dict[str, list[SurveyReason]] = {}
    saved = {a.question_id: a for a in response.answers.all()}
    for question in questions:
        if not question.answerable:
            continue
        prefix = f"q-{question.code}"
        if not any(key == prefix or key.startswith(prefix + "-") for key in data) and (
            f"{prefix}-shown" not in data
        ):
            continue
        try:
            parsed = rules.parse(question, data, branch_codes=codes)
        except ValueError as problem:
            problems[question.code] = [problem.args[0]]
            continue
        existing = saved.get(question.pk)
        if parsed.empty:
            if existing is not None:
                existing.delete()
            continue
        if existing is None:
            Answer.objects.create(response=response, question=question, value=parsed.value,
                                  number=parsed.number, other=parsed.other)
        else:
            existing.value, existing.number, existing.other = (
                parsed.value, parsed.number, parsed.other
            )
            existing.save(update_fields=["value", "number", "other"])
    return problems


def _locked_draft(response: Response) -> Response:
    locked = Response.objects.select_for_update().select_related("survey").get(pk=response.pk)
    return locked


@transaction.atomic
def save_answers(
    response: Response,
    *,
    data: Mapping[str, Sequence[str]],
    language: str = "",
    at: datetime,
) -> dict[str, list[SurveyReason]]:
    """Save what the person has answered so far in the draft `response` (form data keyed
    "q-<code>") and return the problems of the answers that could not be taken, by question
    code. Required questions are not asked for yet. A completed response is not changed
    (the problems are then {"": [NOT_OPEN]})."""
    response = _locked_draft(response)
    if response.complete or rules.open_refusals(response.survey, at=at):
        return {"": [SurveyReason.NOT_OPEN]}
    if language:
        new_language = response.survey.answer_language(language)
        if new_language != response.language:
            response.language = new_language
            response.save(update_fields=["language"])
    return _store(response, data, _questions(response.survey))


def _throttle(place: str) -> None:
    """Count one completed response from `place` in the cache; refuse past the allowance."""
    key = "surveys:place:" + salted_hmac("bibliohub.surveys.place", place).hexdigest()
    if cache.add(key, 1, timeout=PLACE_WINDOW_SECONDS):
        return
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=PLACE_WINDOW_SECONDS)
        return
    if count > ANSWERS_PER_PLACE:
        raise SurveyRefused([SurveyReason.TOO_MANY])


def _quota_counts(survey: Survey) -> dict[str, dict[str, int]]:
    done = Response.objects.filter(survey=survey, complete=True)
    by_branch = {
        row["branch__code"]: row["n"]
        for row in done.exclude(branch=None).values("branch__code").annotate(n=Count("pk"))
    }
    by_age = {
        row["age_band"]: row["n"]
        for row in done.exclude(age_band="").values("age_band").annotate(n=Count("pk"))
    }
    return {"branch": by_branch, "age_band": by_age}


@transaction.atomic
def complete(
    response: Response,
    *,
    patron: Patron | None = None,
    invitation: Invitation | None = None,
    place: str = "",
    participant: str = "",
    branch: Branch | None = None,
    actor: Actor,
    at: datetime,
) -> Response:
    """Send the draft `response` (its answers saved by `save_answers`): every required
    question shown must be answered. Records the completion and, when the satisfaction
    question was answered, its score on the scale of 1 to 5 (the indicator `satisfaction`
    is their mean). A "once each" survey remembers that `patron` answered; an invitation is
    used up. A completed response is returned unchanged.

    `participant` (see `participation_digest`) answers once: a second completion for the
    same participant is refused (ALREADY_ANSWERED). `branch` is where the answers count when
    the respondent names none (the event's branch for event feedback), else the survey's.
    `place` (a web address) counts completions against the flood limit, in the cache only.
    Raises SurveyRefused keyed by question code (REQUIRED), or with NOT_OPEN, SIGN_IN,
    ALREADY_ANSWERED, INVITATION_NEEDED, INVITATION_USED, QUOTA_FULL, TOO_MANY: the draft
    and its answers are kept whatever the refusal."""
    response = _locked_draft(response)
    survey = response.survey
    if response.complete:
        return response
    if reasons := _admission(survey, patron=patron, invitation=invitation, at=at):
        raise SurveyRefused(reasons)
    questions = _questions(survey)
    answers = {a.question_id: a for a in response.answers.all()}
    values = {qid: a.value for qid, a in answers.items()}
    if owed := rules.missing(questions, values):
        raise SurveyRefused(fields={q.code: [SurveyReason.REQUIRED] for q in owed})
    shown = {q.pk for q in rules.visible(questions, values)}
    # Answers to questions a changed answer hid are not part of what was sent.
    hidden = [qid for qid in answers if qid not in shown]
    if hidden:
        response.answers.filter(question_id__in=hidden).delete()
    branch = branch or survey.branch
    age_band = ""
    for question in questions:
        answer = answers.get(question.pk)
        if answer is None or question.pk not in shown or not answer.value:
            continue
        if question.kind == QuestionKind.BRANCH:
            branch = Branch.objects.filter(
                network_id=survey.network_id, code=answer.value[0]
            ).first() or branch
        elif question.kind == QuestionKind.AGE_BAND:
            age_band = str(answer.value[0])
    if survey.quotas and rules.quota_full(
        survey.quotas, _quota_counts(survey),
        branch=branch.code if branch is not None else "", age_band=age_band,
    ):
        raise SurveyRefused([SurveyReason.QUOTA_FULL])
    if place:
        _throttle(place)
    if patron is not None and survey.audience == Audience.PATRONS:
        try:
            with transaction.atomic():
                Participation.objects.create(survey=survey, digest=_digest(survey, patron))
        except IntegrityError:  # answered meanwhile in another tab
            raise SurveyRefused([SurveyReason.ALREADY_ANSWERED]) from None
    if participant:
        try:
            with transaction.atomic():
                Participation.objects.create(
                    survey=survey, digest=participation_digest(survey.pk, participant)
                )
        except IntegrityError:
            raise SurveyRefused([SurveyReason.ALREADY_ANSWERED]) from None
    if invitation is not None and survey.audience == Audience.INVITED:
        used = Invitation.objects.filter(pk=invitation.pk, used_at=None).update(used_at=at)
        if not used:
            raise SurveyRefused([SurveyReason.INVITATION_USED])
    response.complete = True
    response.completed_at = at
    response.branch = branch
    response.age_band = age_band
    response.save(update_fields=["complete", "completed_at", "branch", "age_band"])
    who = _history_actor(survey, actor)
    about = None if survey.anonymous else response.patron
    common: dict[str, Any] = {
        "at": at, "actor": who, "branch": branch, "network": survey.network_id,
        "patron": about, "age_band": age_band, "language": response.language,
    }
    record(kinds.COMPLETED, obj=survey,
           detail={"survey": survey.pk, "channel": response.channel}, **common)
    rated = next((q for q in questions if q.is_satisfaction and q.pk in shown), None)
    if rated is not None and rated.pk in answers and answers[rated.pk].number is not None:
        score = answers[rated.pk].number or Decimal(0)
        low, high = rules.scale(rated)
        record(kinds.RATED, obj=survey, amount=rules.on_five(score, low=low, high=high),
               detail={"survey": survey.pk, "score": int(score), "scale": f"{low}-{high}"},
               **common)
    return response


# --- event feedback ----------------------------------------------------------------------------


def event_feedback_slug(network_id: int) -> str:
    """The address of the network's feedback survey, shared by all its events."""
    return f"event-feedback-{network_id}"


@transaction.atomic
def event_feedback_survey(*, network: Network, at: datetime) -> Survey:
    """The network's event feedback survey: one survey for every event, each response about
    the date of the event it answers for (`Response.about_*`). Made the first time from the
    event blueprint, open, anonymous, in every language, by the installation itself (its
    SURVEY_SAVED and QUESTION_SAVED entries name the system); staff change its questions
    like any survey's. Returns it."""
    slug = event_feedback_slug(network.pk)
    found = Survey.objects.select_for_update().filter(slug=slug).first()
    if found is not None:
        return found
    actor = Actor.system("event feedback")
    main = settings.LANGUAGE_CODE.lower() if settings.LANGUAGE_CODE.lower() in LANGUAGES else "en"
    survey = start_from_blueprint(
        code="event", network=network, branch=None, slug=slug, language=main,
        languages=LANGUAGES, actor=actor, at=at,
    )
    return set_state(survey, state=SurveyState.OPEN, actor=actor, at=at)


@transaction.atomic
def answer_about(
    *,
    survey: Survey,
    about: tuple[str, int],
    participant: str,
    data: Mapping[str, Sequence[str]],
    language: str,
    branch: Branch | None,
    channel: str = Channel.WEB,
    patron: Patron | None = None,
    actor: Actor,
    at: datetime,
) -> Response:
    """Answer `survey` about `about` in one go (the feedback on a date of an event, from its
    page): start a response, save the answers in `data` and send it, as the answering page
    does in steps. `participant` answers once (see `complete`); the patron is kept only
    where the survey is not anonymous. Returns the completed response.

    Raises SurveyRefused keyed by question code (an answer that cannot be taken, a required
    one missing), or with NOT_OPEN or ALREADY_ANSWERED; nothing is kept then."""
    if has_participated(survey, participant):
        raise SurveyRefused([SurveyReason.ALREADY_ANSWERED])
    response = start_response(survey=survey, language=language, channel=channel, patron=patron,
                              about=about, actor=actor, at=at)
    problems = _store(response, data, _questions(survey))
    if problems:
        raise SurveyRefused(fields=problems)
    return complete(response, participant=participant, branch=branch, actor=actor, at=at)
