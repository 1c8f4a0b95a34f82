"""A Chinese student finds nothing for the book she wants, suggests the library buy it from
the empty search, in Simplified Chinese, in a real browser on a phone-sized screen, with no
serious accessibility problem on any page she passes through; the library's
acknowledgement waits in the outbox in Chinese."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from bibliohub.demand.models import Suggestion, ZeroResultSearch
from bibliohub.history import Actor
from bibliohub.mail.models import Message
from bibliohub.patrons.pins import set_pin
from tests.browser.conftest import chromium
from tests.demand.conftest import AT, _register
from tests.listening.test_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PIN = "2468"


def _violations(page: Page) -> list[str]:
    return _serious_violations(page)


def test_a_chinese_student_suggests_a_book_from_an_empty_search(
    live_server, central, adult_category, central_librarian, default_rule
):
    student = _register(
        "周", "S0701", adult_category, central, central_librarian,
        email="zihan@example.org", language="zh-hans", school_class="7B",
    )
    set_pin(student, pin=PIN, actor=Actor.for_staff(central_librarian), at=AT)

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(f"{live_server.url}/account/sign-in/")
        page.fill("#id_card_number", "S0701")
        page.fill("#id_pin", PIN)
        page.locator("main form button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")

        page.goto(f"{live_server.url}/search/?q=%E4%B8%89%E4%BD%93")
        assert _violations(page) == []
        page.locator(".empty a[href^='/suggest/']").click()
        page.wait_for_url(re.compile(r"/suggest/\?title="))
        expect(page.locator("#id_title")).to_have_value("三体")
        assert _violations(page) == []

        page.fill("#id_author", "刘慈欣")
        page.fill("#id_isbn", "978-7-5366-9293-1")  # one digit wrong
        page.select_option("#id_language", "chi")
        page.fill("#id_reason", "我们班同学都想读这本科幻小说。")
        page.locator("main form button[type=submit]").click()
        expect(page.locator(".field.has-errors")).to_have_count(1)
        assert _violations(page) == []

        page.fill("#id_isbn", "978-7-5366-9293-0")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/suggest/mine/$"))
        expect(page.locator("main")).to_contain_text("三体")
        assert _violations(page) == []
        browser.close()

    suggestion = Suggestion.objects.get()
    assert (suggestion.patron_id, suggestion.isbn, suggestion.language) == (
        student.pk, "9787536692930", "chi"
    )
    assert ZeroResultSearch.objects.get().text == "三体"
    message = Message.objects.get(to="zihan@example.org", kind="demand/email/suggestion")
    assert message.language == "zh-hans" and message.body.startswith("尊敬的")
