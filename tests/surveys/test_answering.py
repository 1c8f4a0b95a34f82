"""Answering: the rules of a survey (required answers, conditions, once per patron,
invitations, dates, quotas), drafts saved as one goes and completed on sending, anonymity,
and what the history keeps of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.surveys import kinds, services
from bibliohub.surveys.errors import SurveyReason, SurveyRefused
from bibliohub.surveys.models import (
    Answer,
    Audience,
    Participation,
    Question,
    Response,
    SurveyState,
)
from tests.surveys.conftest import ANNUAL_OK, AT, answer, form


def _start(survey, **given):
    return services.start_response(survey=survey, language="en", actor=Actor.for_public(),
                                   at=AT, **given)


def test_a_complete_answer_is_sent_and_counted_for_the_branch_named(annual, central):
    response = answer(annual, **ANNUAL_OK)
    assert response.complete and response.branch == central and response.age_band == "adult"
    assert Answer.objects.filter(response=response).count() == 6
    done = Entry.objects.get(domain="surveys", kind=kinds.COMPLETED.code)
    assert done.branch_id == central.pk and done.age_band == "adult" and done.language == "en"


def test_a_required_question_left_empty_is_named_and_the_draft_kept(annual):
    response = _start(annual)
    services.save_answers(response, data=form(branch="central", how_often="2"), at=AT)
    with pytest.raises(SurveyRefused) as refused:
        services.complete(response, actor=Actor.for_public(), at=AT)
    assert refused.value.fields == {"satisfaction": [SurveyReason.REQUIRED]}
    response.refresh_from_db()
    assert not response.complete and response.answers.count() == 2


def test_a_question_asked_only_after_a_low_score_is_then_required(annual):
    disappointed = Question.objects.get(survey=annual, code="disappointed")
    disappointed.required = True
    disappointed.save()
    response = _start(annual)
    services.save_answers(response, data=form(**{**ANNUAL_OK, "satisfaction": "2"}), at=AT)
    with pytest.raises(SurveyRefused) as refused:
        services.complete(response, actor=Actor.for_public(), at=AT)
    assert refused.value.fields == {"disappointed": [SurveyReason.REQUIRED]}
    # A better score hides the question again: the answer given to it is not sent.
    services.save_answers(response, data=form(disappointed="The queue"), at=AT)
    services.save_answers(response, data=form(satisfaction="5"), at=AT)
    services.complete(response, actor=Actor.for_public(), at=AT)
    assert not response.answers.filter(question=disappointed).exists()


def test_an_answer_that_cannot_be_taken_is_reported_and_the_others_saved(annual):
    response = _start(annual)
    problems = services.save_answers(
        response, data=form(satisfaction="7", how_often="1", recommend="ten"), at=AT
    )
    assert problems == {"satisfaction": [SurveyReason.OUT_OF_RANGE],
                        "recommend": [SurveyReason.NOT_A_NUMBER]}
    assert [a.question.code for a in response.answers.all()] == ["how_often"]


def test_an_emptied_answer_is_removed_from_the_draft(annual):
    response = _start(annual)
    services.save_answers(response, data=form(services=["1", "2"]), at=AT)
    services.save_answers(response, data={"q-services-shown": ["1"]}, at=AT)
    assert not response.answers.exists()


def test_a_patron_answers_a_once_each_survey_once(network, manager, patron, annual):
    annual.audience = Audience.PATRONS
    annual.save()
    with pytest.raises(SurveyRefused) as refused:
        _start(annual)
    assert refused.value.reasons == [SurveyReason.SIGN_IN]
    answer(annual, patron=patron, **ANNUAL_OK)
    with pytest.raises(SurveyRefused) as refused:
        _start(annual, patron=patron)
    assert refused.value.reasons == [SurveyReason.ALREADY_ANSWERED]


def test_a_draft_sent_twice_from_two_tabs_counts_once(patron, annual):
    annual.audience = Audience.PATRONS
    annual.save()
    first, second = _start(annual, patron=patron), _start(annual, patron=patron)
    for draft in (first, second):
        services.save_answers(draft, data=form(**ANNUAL_OK), at=AT)
    services.complete(first, patron=patron, actor=Actor.for_patron(patron), at=AT)
    with pytest.raises(SurveyRefused) as refused:
        services.complete(second, patron=patron, actor=Actor.for_patron(patron), at=AT)
    assert refused.value.reasons == [SurveyReason.ALREADY_ANSWERED]
    assert Response.objects.filter(complete=True).count() == 1


def test_an_invitation_lets_one_person_answer(annual, manager):
    annual.audience = Audience.INVITED
    annual.save()
    link, other = services.make_invitations(annual, count=2, actor=Actor.for_staff(manager), at=AT)
    with pytest.raises(SurveyRefused) as refused:
        _start(annual)
    assert refused.value.reasons == [SurveyReason.INVITATION_NEEDED]
    answer(annual, invitation=link, **ANNUAL_OK)
    link.refresh_from_db()
    assert link.used_at == AT
    with pytest.raises(SurveyRefused) as refused:
        _start(annual, invitation=link)
    assert refused.value.reasons == [SurveyReason.INVITATION_USED]
    answer(annual, invitation=other, **ANNUAL_OK)


def test_nobody_answers_before_the_survey_opens_after_it_closes_or_once_closed(annual, manager):
    annual.opens_at, annual.closes_at = AT + timedelta(days=1), AT + timedelta(days=30)
    annual.save()
    for at in (AT, AT + timedelta(days=30)):
        with pytest.raises(SurveyRefused):
            services.start_response(survey=annual, language="en", actor=Actor.for_public(), at=at)
    draft = services.start_response(survey=annual, language="en", actor=Actor.for_public(),
                                    at=AT + timedelta(days=2))
    services.set_state(annual, state=SurveyState.CLOSED, actor=Actor.for_staff(manager), at=AT)
    assert services.save_answers(draft, data=form(how_often="1"), at=AT + timedelta(days=2)) == {
        "": [SurveyReason.NOT_OPEN]
    }


def test_a_full_quota_turns_away_its_group_only(annual):
    annual.quotas = {"branch": {"central": 1}, "age_band": {"teen": 5}}
    annual.save()
    answer(annual, **ANNUAL_OK)
    response = _start(annual)
    services.save_answers(response, data=form(**ANNUAL_OK), at=AT)
    with pytest.raises(SurveyRefused) as refused:
        services.complete(response, actor=Actor.for_public(), at=AT)
    assert refused.value.reasons == [SurveyReason.QUOTA_FULL]
    answer(annual, **{**ANNUAL_OK, "branch": "riverside"})


def test_an_anonymous_survey_keeps_nothing_that_identifies_the_patron(annual, patron):
    assert annual.anonymous
    response = answer(annual, patron=patron, place="203.0.113.7", **ANNUAL_OK)
    assert response.patron_id is None
    stored = {f.name for f in Response._meta.get_fields()}
    assert not stored & {"address", "ip", "ip_address", "user_agent", "invitation", "email"}
    answering = [kinds.STARTED.code, kinds.COMPLETED.code, kinds.RATED.code]
    entries = Entry.objects.filter(domain="surveys", kind__in=answering)
    assert entries.count() == 3
    for entry in entries:
        assert entry.patron_id is None and entry.pseudonym == "" and entry.age is None
        assert entry.actor == "public" and entry.category_id is None
        assert "203.0.113.7" not in str(entry.detail)
    assert Participation.objects.count() == 0  # "once each" is not asked: nothing to remember
    assert not any("203.0.113.7" in str(v) for v in Response.objects.values().get().values())


def test_a_named_survey_keeps_the_patron_with_the_answers(annual, patron):
    annual.anonymous = False
    annual.save()
    response = answer(annual, patron=patron, **ANNUAL_OK)
    assert response.patron == patron
    done = Entry.objects.get(domain="surveys", kind=kinds.COMPLETED.code)
    assert done.patron_id == patron.pk and done.age == 36


def test_the_satisfaction_score_is_recorded_on_the_scale_of_one_to_five(annual, express, central):
    answer(annual, **ANNUAL_OK)
    rated = Entry.objects.get(domain="surveys", kind=kinds.RATED.code)
    assert rated.amount == Decimal("4.00") and rated.quantity == 1
    assert rated.detail == {"survey": annual.pk, "score": 4, "scale": "1-5"}
    recommend = Question.objects.get(survey=express, code="satisfaction")
    services.save_question(
        survey=express, question=recommend, code="satisfaction", kind="recommend",
        texts={"en": "Would you recommend us?"}, is_satisfaction=True,
        actor=Actor.system("test"), at=AT,
    )
    answer(express, satisfaction="8", more_of="1", branch="central")
    assert Entry.objects.filter(kind=kinds.RATED.code).order_by("pk").last().amount == Decimal("4.20")


def test_a_survey_without_an_answer_to_the_measure_records_no_score(express):
    question = Question.objects.get(survey=express, code="satisfaction")
    question.required = False
    question.save()
    answer(express, more_of="2")
    assert not Entry.objects.filter(kind=kinds.RATED.code).exists()
