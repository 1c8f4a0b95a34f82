"""A librarian working in Polish records a complaint a reader made aloud at the desk and answers
it, in a real browser, with no serious accessibility problem on any page she passes through;
the reader's answer waits in the outbox in Polish."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.listening.models import Feedback
from bibliohub.mail.models import Message
from tests.browser.conftest import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_librarian_records_a_spoken_complaint_in_polish_and_answers_it(
    live_server, central, central_librarian
):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/staff/feedback/new/")
        page.select_option("#language-select", "pl")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "pl")
        page.fill("#id_username", "olena")
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/staff/feedback/new/")
        assert _serious_violations(page) == []

        # What the reader said at the desk, written down in her words.
        page.select_option("#id_channel", "spoken")
        page.check("input[name=kind][value=complaint]")
        page.select_option("#id_topic", "opening_hours")
        page.select_option("#id_branch", str(central.pk))
        page.fill("#id_text", "Biblioteka jest zamknięta w niedziele, a tylko wtedy mam czas.")
        page.fill("#id_contact_name", "Zofia Wiśniewska")
        page.fill("#id_contact_email", "zofia@example.org")
        page.select_option("#id_language", "pl")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
        expect(page.locator("main")).to_contain_text("Zarejestrowano pod numerem")
        expect(page.locator("main")).to_contain_text("Biblioteka jest zamknięta w niedziele")
        assert _serious_violations(page) == []

        # The answer, sent to her address.
        page.fill("#id_text", "Od stycznia filia centralna będzie otwarta w niedziele od 10 do 16.")
        page.locator("form[action$='/answer/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/staff/feedback/\d+/$"))
        expect(page.locator("main")).to_contain_text("Od stycznia filia centralna będzie otwarta")
        assert _serious_violations(page) == []
        browser.close()

    item = Feedback.objects.get()
    assert (item.channel, item.language, item.state) == ("spoken", "pl", "answered")
    answer = Message.objects.filter(to="zofia@example.org").order_by("pk").last()
    assert answer is not None and answer.language == "pl"
    assert "Od stycznia filia centralna" in answer.body
    assert item.number in answer.subject
