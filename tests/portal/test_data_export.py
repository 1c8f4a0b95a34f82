"""The patron's "download my data" holds what the apps above patrons keep of them: the
complaints, suggestions and thanks they sent signed in, their purchase suggestions and
requests for titles, and their answers to surveys that are not anonymous."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils import timezone

from bibliohub.demand import services as demand
from bibliohub.history import Actor
from bibliohub.listening.models import Feedback
from bibliohub.surveys import services as surveys
from bibliohub.surveys.models import Audience, SurveyState


def _survey(network, manager, slug: str, *, anonymous: bool):
    at = timezone.now()
    survey = surveys.start_from_blueprint(
        code="express", network=network, branch=None, slug=slug, language="en",
        languages=["en", "pl"], audience=Audience.PATRONS, anonymous=anonymous,
        actor=Actor.for_staff(manager), at=at,
    )
    return surveys.set_state(survey, state=SurveyState.OPEN, actor=Actor.for_staff(manager), at=at)


def _answer(survey, patron, **answers):
    at = timezone.now()
    response = surveys.start_response(survey=survey, language="pl", patron=patron,
                                      actor=Actor.for_patron(patron), at=at)
    data = {f"q-{code}": [value] for code, value in answers.items()}
    assert surveys.save_answers(response, data=data, at=at) == {}
    return surveys.complete(response, patron=patron, actor=Actor.for_patron(patron), at=at)


def _send(client, central, text: str, **contact: str):
    return client.post(reverse("listening:feedback"), {
        "kind": "complaint", "topic": "building", "branch": central.pk, "text": text,
        "language": "pl", "contact_name": "", "contact_email": "", "contact_phone": "", **contact,
    })


def test_my_data_holds_my_complaints_suggestions_requests_and_named_survey_answers(
    signed_in, reader, other_reader, central, network, manager, central_librarian
):
    assert _send(signed_in, central, "Zimno w czytelni", contact_email="anna@example.org").status_code == 302
    assert _send(signed_in, central, "Anonimowo: winda nie działa").status_code == 302
    assert Feedback.objects.filter(patron=reader).count() == 1  # the anonymous one names nobody
    now = timezone.now()
    demand.suggest(branch=central, title="Solaris", author="Stanisław Lem", reason="Klasyka",
                   patron=reader, actor=Actor.for_patron(reader), at=now)
    demand.suggest(branch=central, title="Not hers", patron=other_reader,
                   actor=Actor.for_patron(other_reader), at=now)
    demand.request_title(branch=central, title="Lalka", author="Bolesław Prus", patron=reader,
                         actor=Actor.for_staff(central_librarian), at=now)
    named = _survey(network, manager, "express-named", anonymous=False)
    anonymous = _survey(network, manager, "express-anonymous", anonymous=True)
    _answer(named, reader, satisfaction="4", more_of="1", comment="Więcej komiksów")
    _answer(anonymous, reader, satisfaction="2", more_of="1", comment="Nikt nie wie, że to ja")

    data = json.loads(signed_in.post(reverse("portal:download-data")).content)

    [complaint] = data["complaints_suggestions_thanks"]
    assert (complaint["text"], complaint["kind"], complaint["topic"], complaint["branch"]) == (
        "Zimno w czytelni", "complaint", "building", central.code)
    assert complaint["contact"]["email"] == "anna@example.org" and complaint["number"]
    demanded = data["purchase_suggestions_and_requests"]
    assert [(s["title"], s["author"], s["why"], s["state"]) for s in demanded["suggestions"]] == [
        ("Solaris", "Stanisław Lem", "Klasyka", "new")]
    assert [(r["title"], r["author"]) for r in demanded["title_requests"]] == [("Lalka", "Bolesław Prus")]
    [answered] = data["survey_answers"]
    assert (answered["survey"], answered["sent"], answered["language"]) == (named.title("pl"), True, "pl")
    given = {a["question"]: a["answer"] for a in answered["answers"]}
    assert "Więcej komiksów" in given.values() and 4 in given.values()
    assert "Nikt nie wie, że to ja" not in json.dumps(data, ensure_ascii=False)


def test_erasing_a_patron_takes_their_contact_off_the_complaints_they_sent(
    signed_in, reader, central, manager
):
    from bibliohub.history.models import Entry
    from bibliohub.patrons import services as patrons

    assert _send(signed_in, central, "Zimno w czytelni", contact_name="Anna Nowak",
                 contact_email="anna@example.org", contact_phone="+48 600 100 200").status_code == 302
    item = Feedback.objects.get(patron=reader)

    patrons.erase_patron(reader, branch=central, actor=Actor.for_staff(manager), at=timezone.now())

    item.refresh_from_db()
    # The complaint stays, for the figures and the answer; who sent it does not.
    assert (item.text, item.patron, item.contact_name, item.contact_email, item.contact_phone) == (
        "Zimno w czytelni", None, "", "", "")
    assert Entry.objects.filter(domain="listening", kind="contact_erased", object_id=item.pk).count() == 1
