"""A parent registers her child for story time in a real browser, with the interface in
Ukrainian, and the pages on the way have no serious accessibility problems."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.history import Actor
from bibliohub.programs import selectors, services
from bibliohub.programs.models import Registration, RegistrationStatus
from tests.browser.conftest import chromium
from tests.programs.conftest import AT, story_time_details

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture(autouse=True)
def _clock_from_at():
    """The live server reads the clock: it starts at AT and runs on."""
    with time_machine.travel(AT, tick=True):
        yield


@pytest.fixture
def next_weeks_story_time(central, central_librarian, story_category):
    start = datetime.combine(AT.date() + timedelta(days=7), time(11), tzinfo=AT.tzinfo)
    return services.create_event(
        story_time_details(categories=[story_category], capacity=10), branch=central,
        starts_at=start, ends_at=start + timedelta(minutes=45), recurrence="FREQ=WEEKLY;COUNT=2",
        organiser=central_librarian, actor=Actor.for_staff(central_librarian), at=AT,
    )


def test_a_parent_registers_her_child_for_story_time_in_ukrainian(live_server, next_weeks_story_time):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(live_server.url + "/events/")
        page.select_option("#language-select", "uk")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        assert _serious_violations(page) == []

        page.locator("ul.dates a", has_text="Казкова година").first.click()
        expect(page.locator("h1")).to_have_text("Казкова година")
        expect(page.locator("h1")).to_have_attribute("lang", "uk")
        expect(page.locator(".description")).to_contain_text("Казки й пісні")
        assert _serious_violations(page) == []

        page.locator("a[href$='/register/']").first.click()
        page.wait_for_url(re.compile(r"/events/dates/\d+/register/"))
        page.fill("#id_contact_name", "Оксана Шевченко")
        page.fill("#id_contact_email", "oksana@example.org")
        page.check("input[name=attending][value=child]")
        page.fill("#id_child_name", "Тарас")
        expect(page.locator("#id_age_band")).to_have_value("0-5")
        assert _serious_violations(page) == []
        page.locator("main form button[type=submit]").click()

        page.wait_for_url(re.compile(r"/events/registration/[\w-]+/$"))
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        expect(page.locator(".attendee")).to_have_text("Тарас")
        expect(page.locator(".messages")).to_be_visible()
        assert _serious_violations(page) == []

    registration = Registration.objects.get()
    assert registration.attendee_name == "Тарас"
    assert registration.contact_email == "oksana@example.org"
    assert registration.language == "uk"  # her messages come in Ukrainian
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.occurrence == next_weeks_story_time.occurrences.first()


def test_a_librarian_checks_in_a_registrant_and_sees_registered_against_attended(
    live_server, next_weeks_story_time, central_librarian
):
    occurrence = next_weeks_story_time.occurrences.first()
    for name in ("Anna Kowalska", "Bảo Nguyễn"):
        services.register(occurrence=occurrence, actor=Actor.for_public(), at=AT,
                          attendee=services.Attendee(name=name, contact_name=name, age_band="0-5"))
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/staff/events/dates/{occurrence.pk}/")
        page.fill("#id_username", central_librarian.username)
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        expect(page.locator("h1")).to_have_text("Story time")
        expect(page.locator("#registered-count")).to_have_text("2 / 10")
        expect(page.locator("#attended-count")).to_have_text("0")
        page.get_by_role("button", name="Check in Bảo Nguyễn").click()
        expect(page.locator("#attended-count")).to_have_text("1")
        expect(page.get_by_role("button", name="Undo check-in Bảo Nguyễn")).to_be_visible()
        assert _serious_violations(page) == []


def test_someone_who_came_tells_us_how_it_went_through_the_feedback_survey(
    live_server, next_weeks_story_time, central_librarian
):
    occurrence = next_weeks_story_time.occurrences.first()
    anna = services.register(occurrence=occurrence, actor=Actor.for_public(), at=AT,
                             attendee=services.Attendee(name="Anna Kowalska", contact_name="Anna Kowalska",
                                                        age_band="19+"))
    services.check_in(anna, occurrence=occurrence, actor=Actor.for_staff(central_librarian),
                      at=occurrence.starts_at)
    with time_machine.travel(occurrence.ends_at + timedelta(hours=1), tick=True), chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/events/registration/{anna.token}/")
        expect(page.locator("h2", has_text="Tell us how it went")).to_be_visible()
        assert _serious_violations(page) == []
        page.locator("label[for='q-rating-3']").click()
        page.fill("#q-comment-input", "More songs, please")
        page.locator("form.survey button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text("Thank you for your feedback.")
        expect(page.locator("h2", has_text="Tell us how it went")).to_have_count(0)
        assert _serious_violations(page) == []
    rating = selectors.event_rating(next_weeks_story_time)
    assert (rating.count, rating.mean) == (1, 4)
