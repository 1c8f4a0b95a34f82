"""A Vietnamese-speaking reader signs in on the OPAC and books a study room in a real
browser (headless Chromium), with no serious accessibility problems on the pages on the way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Page, expect

from bibliohub.spaces.models import Booking
from tests.browser.conftest import chromium
from tests.spaces.conftest import AT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def running_clock():
    """The pages read the clock: it starts at AT, a Tuesday morning, and runs on."""
    with time_machine.travel(AT, tick=True):
        yield


def test_a_vietnamese_reader_books_a_study_room(live_server, running_clock, second_reader, study_room):
    second_reader.hash_pin("2468")
    second_reader.save(update_fields=["pin"])
    day = AT.date() + timedelta(days=1)  # a Wednesday, when the central library opens
    room_url = f"{live_server.url}/spaces/{study_room.pk}/?date={day:%Y-%m-%d}"

    with chromium() as browser:
        page = browser.new_page()
        page.goto(room_url)
        assert _serious_violations(page) == []
        page.locator("main a[href*='/account/sign-in/']").click()
        page.fill("input[name=card_number]", "P0002")
        page.fill("input[name=pin]", "2468")
        page.locator("main form button[type=submit]").click()
        # Signing in brings the reader back to the room, in her own language.
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator("h1")).to_have_text("Phòng học 1")
        expect(page.locator("main")).to_contain_text("Màn hình")  # the feature, in Vietnamese
        assert _serious_violations(page) == []

        slot = page.locator("tbody tr", has_text="10:00–10:30")
        slot.get_by_role("link").click()
        expect(page).to_have_url(re.compile(r"/book/\?start="))
        # Nothing is sent yet, so nothing is wrong yet.
        expect(page.locator("main .errorlist")).to_have_count(0)
        assert _serious_violations(page) == []
        page.select_option("select[name=minutes]", "60")
        page.locator("main form button[type=submit]").click()

        expect(page).to_have_url(re.compile(r"/spaces/mine/$"))
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator("tbody")).to_contain_text("Phòng học 1")
        expect(page.locator("tbody")).to_contain_text("10:00–11:00")
        assert _serious_violations(page) == []

        # The slot is now taken for everyone.
        page.goto(room_url)
        expect(page.locator("tbody tr", has_text="10:00–10:30").get_by_role("link")).to_have_count(0)
        expect(page.locator("tbody tr", has_text="11:00–11:30").get_by_role("link")).to_have_count(1)
    booking = Booking.objects.get()
    assert booking.patron == second_reader
    assert timezone.localtime(booking.start).hour == 10 and booking.end - booking.start == timedelta(hours=1)
