"""Reminders: patrons invited to a survey (by an addressed link, or to a survey for
signed-in patrons once each) who have not answered get one e-mail in their language some
days before the survey closes; never someone who answered, never twice."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.mail.models import Message
from bibliohub.patrons.models import Patron, PatronStatus
from bibliohub.surveys import kinds, services
from bibliohub.surveys.errors import SurveyReason, SurveyRefused
from bibliohub.surveys.models import Audience
from tests.surveys.conftest import AT, answer, make_survey

JOB = Actor.for_job("survey_reminders")
CLOSES = AT + timedelta(days=10)
EXPRESS_OK = {"satisfaction": "4", "more_of": "1", "branch": "central"}


def _patron(patron, family: str, given: str, *, email: str, language: str, card: str) -> Patron:
    return Patron.objects.create(
        network=patron.network, home_branch=patron.home_branch, category=patron.category,
        family_name=family, given_names=given, date_of_birth=date(1985, 1, 2), email=email,
        language=language, card_barcode=card, created_at=AT, status=PatronStatus.ACTIVE,
    )


@pytest.fixture
def people(patron):
    """Oksana (Ukrainian), Minh (Vietnamese) and Jan, who has no e-mail address."""
    return (patron, _patron(patron, "Nguyen", "Minh", email="minh@example.org", language="vi", card="P2002"),
            _patron(patron, "Nowak", "Jan", email="", language="pl", card="P2003"))


def _reminders() -> list[Message]:
    return list(Message.objects.filter(kind="surveys/email/reminder").order_by("pk"))


def test_invited_patrons_who_have_not_answered_are_reminded_once_in_their_language(
    network, central, riverside, manager, people
):
    oksana, minh, jan = people
    survey = make_survey(network, manager, blueprint="express", slug="express-invited",
                         audience=Audience.INVITED, closes_at=CLOSES)
    assert survey.reminder_days == 3
    invitations = services.invite_patrons(survey, patrons=[oksana, minh, jan, oksana],
                                          actor=Actor.for_staff(manager), at=AT)
    assert [i.patron for i in invitations] == [oksana, minh, jan]
    assert services.invite_patrons(survey, patrons=[minh], actor=Actor.for_staff(manager), at=AT) == []
    invited = Message.objects.filter(kind="surveys/email/invitation")
    assert sorted((m.to, m.language) for m in invited) == [("minh@example.org", "vi"), ("oksana@example.org", "uk")]
    assert f"/surveys/express-invited/invitation/{invitations[0].token}/" in invited.get(to="oksana@example.org").body
    answer(survey, invitation=invitations[1], at=AT + timedelta(days=1), **EXPRESS_OK)

    assert services.send_reminders(actor=JOB, at=CLOSES - timedelta(days=3, hours=1)) == 0
    assert services.send_reminders(actor=JOB, at=CLOSES - timedelta(days=3)) == 1
    [reminder] = _reminders()
    assert (reminder.to, reminder.language) == ("oksana@example.org", "uk")
    assert survey.title("uk") in reminder.body and invitations[0].token in reminder.body
    assert services.send_reminders(actor=JOB, at=CLOSES - timedelta(days=1)) == 0  # once each
    assert len(_reminders()) == 1
    [batch] = Entry.objects.filter(domain="surveys", kind=kinds.REMINDERS_SENT.code)
    assert (batch.quantity, batch.detail, batch.actor, batch.source, batch.patron_id) == (
        1, {"survey": survey.pk, "reminded": 1}, "job", "survey_reminders", None)
    assert services.send_reminders(actor=JOB, at=CLOSES) == 0  # closed


def test_patrons_targeted_by_a_once_each_survey_are_not_reminded_once_they_answered(
    network, central, riverside, manager, people
):
    oksana, minh, _jan = people
    survey = make_survey(network, manager, blueprint="express", slug="express-patrons",
                         audience=Audience.PATRONS, anonymous=True, closes_at=CLOSES)
    services.invite_patrons(survey, patrons=[oksana, minh], actor=Actor.for_staff(manager), at=AT)
    answer(survey, patron=minh, at=AT + timedelta(days=2), **EXPRESS_OK)
    assert services.send_reminders(actor=JOB, at=CLOSES - timedelta(days=2)) == 1
    assert [m.to for m in _reminders()] == ["oksana@example.org"]
    assert "/surveys/express-patrons/" in _reminders()[0].body


def test_no_reminder_when_the_survey_says_none_or_is_open_to_anyone(network, central, riverside, manager, people):
    oksana, _minh, _jan = people
    quiet = make_survey(network, manager, blueprint="express", slug="express-quiet",
                        audience=Audience.INVITED, closes_at=CLOSES)
    services.save_survey(
        survey=quiet, network=network, branch=None, slug=quiet.slug, kind=quiet.kind, language="en",
        languages=quiet.languages, titles=quiet.titles, audience=Audience.INVITED,
        closes_at=CLOSES, reminder_days=0, actor=Actor.for_staff(manager), at=AT,
    )
    services.invite_patrons(quiet, patrons=[oksana], actor=Actor.for_staff(manager), at=AT)
    assert services.send_reminders(actor=JOB, at=CLOSES - timedelta(hours=1)) == 0
    anyone = make_survey(network, manager, blueprint="express", slug="express-anyone", closes_at=CLOSES)
    with pytest.raises(SurveyRefused) as refused:
        services.invite_patrons(anyone, patrons=[oksana], actor=Actor.for_staff(manager), at=AT)
    assert refused.value.reasons == [SurveyReason.INVITATION_NEEDED]


def test_the_scheduled_job_sends_the_reminders(network, central, riverside, manager, people):
    oksana, _minh, _jan = people
    survey = make_survey(network, manager, blueprint="express", slug="express-job",
                         audience=Audience.INVITED, closes_at=CLOSES)
    services.invite_patrons(survey, patrons=[oksana], actor=Actor.for_staff(manager), at=AT)
    out = StringIO()
    call_command("run_scheduled", "--json", "--only", "survey_reminders",
                 "--at", (CLOSES - timedelta(days=2)).isoformat(), stdout=out)
    assert json.loads(out.getvalue())["survey_reminders"] == {"sent": 1}
