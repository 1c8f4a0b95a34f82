"""A job seeker finds the business and career page in Polish, looks through the mentors and
asks for an appointment, in a real browser; the pages on the way have no serious
accessibility problems."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.community.models import MentoringRequest, Topic
from bibliohub.community.services import career
from bibliohub.history import Actor
from tests.browser.conftest import chromium

from .conftest import AT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def career_page(central, riverside):
    career.save_resource(None, branch=central, actor=Actor.system("tests"), at=AT, details=career.ResourceDetails(
        topic=Topic.JOBS, title="Job search", titles={"pl": "Szukanie pracy"}, url="https://example.org/jobs"))


def test_a_job_seeker_asks_a_mentor_for_an_appointment_in_polish(
    live_server, career_page, listed_mentor, private_mentor
):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(live_server.url + "/community/")
        page.select_option("#language-select", "pl")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "pl")
        expect(page.locator("main")).to_contain_text("Szukanie pracy")
        assert _serious_violations(page) == []

        page.locator("main a[href^='/community/mentors/']").first.click()
        expect(page.locator("main")).to_contain_text("Oksana Bondar")
        expect(page.locator("main")).not_to_contain_text("Taras Private")
        assert _serious_violations(page) == []

        page.locator(f"a[href$='?mentor={listed_mentor.pk}']").click()
        page.fill("#id_message", "Chcę otworzyć piekarnię.")
        page.fill("#id_name", "Zofia Nowak")
        page.fill("#id_email", "zofia@example.org")
        assert _serious_violations(page) == []
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".messages")).to_be_visible()

    request = MentoringRequest.objects.get()
    assert (request.name, request.language, request.wished_mentor_id) == ("Zofia Nowak", "pl", listed_mentor.pk)


def test_the_staff_lists_and_forms_have_no_serious_accessibility_problems(live_server, client, manager, school, anna):
    from django.conf import settings

    client.force_login(manager)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    with chromium() as browser:
        context = browser.new_context()
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
        page = context.new_page()
        for path in ["/staff/community/", "/staff/community/partners/", f"/staff/community/partners/{school.pk}/",
                     "/staff/community/partners/new/", f"/staff/community/volunteers/{anna.pk}/",
                     "/staff/community/volunteers/new/", "/staff/community/mentors/new/",
                     "/staff/community/dynamics/?period=quarter"]:
            page.goto(live_server.url + path)
            assert page.url == live_server.url + path
            expect(page.locator("h1")).to_be_visible()
            assert _serious_violations(page) == [], path
