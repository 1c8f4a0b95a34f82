"""The pages: the open surveys, answering on a phone in one's language with answers saved
as one goes, a message tied to each question, the hidden field and the flood limit, the
tablet at the desk, and the staff's builder, results, written answers and export."""

from __future__ import annotations

import re

import segno
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from lxml import etree

from bibliohub.mail.models import Message
from bibliohub.portal import session
from bibliohub.surveys import services
from bibliohub.surveys.models import Answer, Audience, Response, Survey, SurveyState
from tests.surveys.conftest import ANNUAL_OK, AT, answer, make_survey


def _post(**answers: object) -> dict[str, object]:
    data: dict[str, object] = {}
    for code, value in answers.items():
        data[f"q-{code}"] = value
        data[f"q-{code}-shown"] = "1"
    return data


def _no_inline_code(page: str) -> None:
    assert " style=" not in page and "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\son[a-z]+=", page)


@time_machine.travel(AT, tick=False)
def test_the_list_shows_open_surveys_only(client, annual, network, manager):
    make_survey(network, manager, blueprint="event", slug="story-time", opened=False)
    page = client.get(reverse("surveys:index")).content.decode()
    assert "Annual reader questionnaire" in page and "story-time" not in page
    assert client.get(reverse("surveys:answer", args=["story-time"])).status_code == 404


@time_machine.travel(AT, tick=False)
def test_a_reader_answers_in_vietnamese_and_is_thanked(client, express):
    client.cookies["bibliohub_language"] = "vi"
    page = client.get(reverse("surveys:answer", args=[express.slug]))
    text = page.content.decode()
    assert page.status_code == 200 and "Bạn muốn thư viện có thêm điều gì?" in text
    assert '<fieldset class="question' in text and "<legend>" in text
    _no_inline_code(text)
    done = client.post(reverse("surveys:answer", args=[express.slug]),
                       {**_post(satisfaction="5", more_of="2", branch="central"), "send": "1"})
    assert done.status_code == 302 and done["Location"].endswith("/thanks/")
    response = Response.objects.get()
    assert response.complete and response.language == "vi" and response.channel == "web"
    thanks = client.get(done["Location"]).content.decode()
    assert "Xin cảm ơn!" in thanks


@time_machine.travel(AT, tick=False)
def test_answers_are_saved_as_one_goes_and_found_again_after_a_dropped_connection(client, annual):
    url = reverse("surveys:answer", args=[annual.slug])
    saved = client.post(url, _post(how_often="3"), HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and "Saved at" in saved.content.decode()
    draft = Response.objects.get()
    assert not draft.complete and Answer.objects.get().value == ["3"]
    # The page comes back (a new tab, the connection back) with the answer ticked.
    page = client.get(url).content.decode()
    assert 'id="q-how_often-2" value="3" checked' in page
    assert Response.objects.count() == 1


@time_machine.travel(AT, tick=False)
def test_a_page_view_alone_starts_no_draft(client, annual):
    client.get(reverse("surveys:answer", args=[annual.slug]))
    assert not Response.objects.exists()


@time_machine.travel(AT, tick=False)
def test_each_question_gets_its_own_message_tied_to_it(client, annual):
    url = reverse("surveys:answer", args=[annual.slug])
    page = client.post(url, {**_post(how_often="1", recommend="eleven"), "send": "1"})
    text = page.content.decode()
    assert page.status_code == 400
    assert 'id="q-recommend-error"' in text and 'aria-describedby="q-recommend-error"' in text
    assert "Enter a number, for example 3." in text
    page = client.post(url, {**_post(recommend="8"), "send": "1"})
    text = page.content.decode()
    assert 'id="q-satisfaction-error"' in text and "Please answer this question." in text
    assert Response.objects.get().answers.count() == 2  # nothing typed is lost


@time_machine.travel(AT, tick=False)
def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_kept(client, express):
    done = client.post(reverse("surveys:answer", args=[express.slug]),
                       {**_post(satisfaction="5", more_of="1"), "website": "http://spam", "send": "1"})
    assert done.status_code == 302 and not Response.objects.exists()


@time_machine.travel(AT, tick=False)
def test_a_flood_from_one_address_is_held_back_but_the_answers_are_kept(client, express, monkeypatch):
    monkeypatch.setattr(services, "ANSWERS_PER_PLACE", 1)
    url = reverse("surveys:answer", args=[express.slug])
    form = {**_post(satisfaction="4", more_of="1"), "send": "1"}
    assert client.post(url, form, REMOTE_ADDR="198.51.100.2").status_code == 302
    other = Client()
    refused = other.post(url, form, REMOTE_ADDR="198.51.100.2")
    assert refused.status_code == 400
    assert "Your answers are kept" in refused.content.decode()
    assert Response.objects.filter(complete=False).get().answers.count() == 2
    assert Client().post(url, form, REMOTE_ADDR="198.51.100.3").status_code == 302


@time_machine.travel(AT, tick=False)
def test_the_tablet_at_the_desk_starts_afresh_after_each_person(client, express):
    url = reverse("surveys:kiosk", args=[express.slug])
    page = client.get(url).content.decode()
    assert "Save and finish later" not in page and "My account" not in page
    done = client.post(url, {**_post(satisfaction="3", more_of="4"), "send": "1"})
    assert done["Location"] == reverse("surveys:kiosk_thanks", args=[express.slug])
    thanks = client.get(done["Location"]).content.decode()
    assert f'http-equiv="refresh" content="8;url={url}"' in thanks
    assert Response.objects.get().channel == "kiosk"
    client.post(url, _post(satisfaction="5"), HTTP_HX_REQUEST="true")
    assert Response.objects.count() == 2  # the next person's own draft


@time_machine.travel(AT, tick=False)
def test_an_invitation_link_opens_the_survey_for_its_holder(client, annual, manager):
    from bibliohub.history import Actor

    annual.audience = "invited"
    annual.save()
    closed = client.get(reverse("surveys:answer", args=[annual.slug])).content.decode()
    assert "answered by invitation" in closed and "<form method=\"post\" action=\"/surveys/" not in closed
    link = services.make_invitations(annual, count=1, actor=Actor.for_staff(manager), at=AT)[0]
    go = client.get(reverse("surveys:invited", args=[annual.slug, link.token]))
    assert go.status_code == 302
    done = client.post(go["Location"], {**_post(**ANNUAL_OK), "send": "1"})
    assert done.status_code == 302
    link.refresh_from_db()
    assert link.used_at is not None and Response.objects.get().channel == "invitation"


# --- staff -----------------------------------------------------------------------------------


def test_a_manager_makes_a_survey_from_a_template_and_opens_it(client, manager, network, central):
    client.force_login(manager)
    made = client.post(reverse("staff:surveys:new"), {
        "blueprint": "express", "slug": "express-q2", "language": "uk",
        "languages": ["uk", "en", "pl"], "branch": "",
    })
    survey = Survey.objects.get(slug="express-q2")
    assert made.status_code == 302 and survey.branch is None and survey.language == "uk"
    assert survey.questions.count() == 4 and survey.state == SurveyState.DRAFT
    client.post(reverse("staff:surveys:state", args=[survey.pk]), {"state": "open"})
    survey.refresh_from_db()
    assert survey.state == SurveyState.OPEN


def test_a_branch_librarian_cannot_make_a_survey_of_the_whole_network(client, central_librarian, central):
    client.force_login(central_librarian)
    refused = client.post(reverse("staff:surveys:new"), {
        "blueprint": "express", "slug": "express-q2", "language": "en", "branch": "",
    })
    assert refused.status_code == 400 and not Survey.objects.exists()
    made = client.post(reverse("staff:surveys:new"), {
        "blueprint": "event", "slug": "story-time", "language": "en", "branch": central.pk,
    })
    assert made.status_code == 302 and Survey.objects.get().branch == central


def test_a_question_is_added_in_several_languages_with_a_condition(client, manager, annual):
    client.force_login(manager)
    how_often = annual.questions.get(code="how_often")
    url = reverse("staff:surveys:question_new", args=[annual.pk])
    page = client.get(url)
    assert page.status_code == 200
    made = client.post(url, {
        "code": "first_time", "kind": "single", "required": "on", "scale_min": 1, "scale_max": 5,
        "text_en": "How did you find us?", "text_uk": "Як ви нас знайшли?",
        "options_en": "A friend\nThe website", "options_uk": "Друг\nВебсайт",
        "condition_question": how_often.pk, "condition_values": "4",
    })
    assert made.status_code == 302
    question = annual.questions.get(code="first_time")
    assert question.options == [{"value": "1", "labels": {"en": "A friend", "uk": "Друг"}},
                                {"value": "2", "labels": {"en": "The website", "uk": "Вебсайт"}}]
    assert question.condition_question == how_often and question.condition_values == ["4"]
    with translation.override("pl"):
        assert question.text("pl") == "How did you find us?"  # the main language stands in


def test_results_count_each_answer_within_ones_branches(
    client, annual, manager, riverside_librarian
):
    answer(annual, **ANNUAL_OK)
    answer(annual, **{**ANNUAL_OK, "how_often": "2", "services": ["1"]})
    answer(annual, **{**ANNUAL_OK, "branch": "riverside", "how_often": "2", "better": "Open on Sundays"})
    client.force_login(manager)
    page = client.get(reverse("staff:surveys:results", args=[annual.pk])).content.decode()
    assert "3 responses sent." in page
    assert '<meter min="0" max="100" value="66.7">' in page  # two in three come monthly
    _no_inline_code(page)
    client.force_login(riverside_librarian)
    page = client.get(reverse("staff:surveys:results", args=[annual.pk])).content.decode()
    assert "1 response sent." in page
    texts = client.get(reverse("staff:surveys:texts", args=[annual.pk]), {"q": "sunday"})
    assert "Open on Sundays" in texts.content.decode()


def test_results_compare_with_the_previous_wave(client, network, manager, central, riverside):
    last_year = make_survey(network, manager, slug="annual-2026")
    this_year = make_survey(network, manager, slug="annual-2027", previous=last_year)
    answer(last_year, **{**ANNUAL_OK, "satisfaction": "2"})
    answer(this_year, **ANNUAL_OK)
    client.force_login(manager)
    page = client.get(reverse("staff:surveys:results", args=[this_year.pk])).content.decode()
    assert "mean 4.00 (previous wave 2.00)" in page


def test_the_export_holds_the_answers_and_nobody_who_gave_them(client, annual, manager, patron):
    answer(annual, patron=patron, **{**ANNUAL_OK, "better": "More Ukrainian books"})
    client.force_login(manager)
    csv = client.get(reverse("staff:surveys:results", args=[annual.pk]), {"format": "csv"})
    text = csv.content.decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.startswith("Sent on,Branch,Age group,Language,Channel,branch,how_often")
    assert "More Ukrainian books" in row and "central" in row
    assert "Kovalenko" not in text and "P2001" not in text and "oksana" not in text
    xlsx = client.get(reverse("staff:surveys:results", args=[annual.pk]), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_poster_prints_the_link_large(client, annual, manager):
    client.force_login(manager)
    page = client.get(reverse("staff:surveys:poster", args=[annual.pk])).content.decode()
    assert 'class="poster-link">http://testserver/surveys/annual-2027/<' in page
    assert "Щорічне анкетування читачів" in page
    # The QR code a phone's camera opens the survey with: an SVG named for screen readers,
    # drawn without style attributes (the Content-Security-Policy forbids inline styles).
    svg = etree.fromstring(page[page.index("<svg") : page.index("</svg>") + len("</svg>")])
    assert svg.get("role") == "img" and svg.get("class") == "qr"
    assert svg.findtext("title") == "QR code of the survey's address"
    assert svg.find("path") is not None and "style" not in page[page.index("<svg") : page.index("</svg>")]
    assert segno.make("http://testserver/surveys/annual-2027/", error="m").svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None
    ).split("d=")[1] in page


@time_machine.travel(AT, tick=False)
def test_a_once_each_survey_asks_a_stranger_to_sign_in_and_the_portal_lists_it(client, annual, patron):
    annual.audience = Audience.PATRONS
    annual.save()
    page = client.get(reverse("surveys:answer", args=[annual.slug])).content.decode()
    assert "Please sign in to your library account" in page
    assert f'href="/account/sign-in/?next=%2Fsurveys%2F{annual.slug}%2F"' in page
    assert client.get(reverse("surveys:mine")).status_code == 302
    request = RequestFactory().get("/")
    request.session = client.session
    session.sign_in(request, patron)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    listed = client.get(reverse("surveys:mine")).content.decode()
    assert f'href="/surveys/{annual.slug}/"' in listed
    done = client.post(reverse("surveys:answer", args=[annual.slug]),
                       {**_post(**ANNUAL_OK), "send": "1"})
    assert done.status_code == 302 and Response.objects.get().channel == "portal"
    assert "answered, thank you" in client.get(reverse("surveys:mine")).content.decode()


def test_the_results_cost_the_same_queries_however_many_answered(annual, manager, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bibliohub.surveys import selectors

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            found = selectors.results(annual, manager, language="uk")
            list(selectors.text_answers(annual, manager))
            [a.question.text("uk") for a in selectors.text_answers(annual, manager)]
            selectors.raw_answers(annual, manager)
        assert found.completed
        return len(queries)

    answer(annual, **{**ANNUAL_OK, "better": "Більше книжок"})
    few = cost()
    for _n in range(5):
        answer(annual, **{**ANNUAL_OK, "better": "Більше книжок"})
    assert cost() == few
    settings.SITE_URL = "https://library.example"
    assert selectors.public_link(annual) == "https://library.example/surveys/annual-2027/"


def test_staff_invite_patrons_by_card_and_see_how_many_were_reminded(client, annual, manager, patron):
    annual.audience = "invited"
    annual.save()
    client.force_login(manager)
    url = reverse("staff:surveys:invitations", args=[annual.pk])
    unknown = client.post(url, {"cards": "P2001, NOPE"})
    assert unknown.status_code == 400 and "NOPE" in unknown.content.decode()
    assert client.post(url, {"cards": "P2001\nP2001"}).status_code == 302
    [invitation] = annual.invitations.all()
    assert invitation.patron == patron
    assert Message.objects.get(kind="surveys/email/invitation").to == "oksana@example.org"
    page = client.get(url).content.decode()
    assert "One patron is invited" in page and invitation.token not in page  # addressed links stay private
