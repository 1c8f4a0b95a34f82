"""A reader answers the express poll on a phone in Vietnamese in a real browser: each answer
is saved as she goes, the poll is sent and she is thanked, with no serious accessibility
problem on either page."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.surveys.models import Response
from tests.browser.conftest import chromium
from tests.surveys.conftest import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_reader_answers_the_express_poll_on_a_phone_in_vietnamese(
    live_server, network, central, riverside, manager
):
    poll = make_survey(network, manager, blueprint="express", slug="express-poll")
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        page.goto(f"{live_server.url}/surveys/")
        page.select_option("#language-select", "vi")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        page.goto(f"{live_server.url}/surveys/{poll.slug}/")
        expect(page.locator("h1")).to_have_text("Thăm dò nhanh")
        assert _serious_violations(page) == []

        page.locator("label[for='q-satisfaction-3']").click()  # 4 on the scale of 1 to 5
        expect(page.locator("#save-status")).not_to_be_empty()  # saved as she goes
        page.locator("label", has_text="Sách điện tử").click()
        page.fill("#q-comment-input", "Cảm ơn thư viện!")
        page.locator("button[name=send]").click()
        page.wait_for_url(f"{live_server.url}/surveys/{poll.slug}/thanks/")
        expect(page.locator("p.thanks")).to_contain_text("Xin cảm ơn!")
        assert _serious_violations(page) == []

    response = Response.objects.get(survey=poll)
    assert response.complete and response.language == "vi"
    assert {a.question.code: a.value for a in response.answers.all()} == {
        "satisfaction": 4, "more_of": ["4"], "comment": "Cảm ơn thư viện!",
    }
