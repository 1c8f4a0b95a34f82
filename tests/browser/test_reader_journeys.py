"""A reader's whole journey in a real browser: choose the interface language, search, open the
record, see where copies are; and no serious accessibility problems on the way."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.search.indexing import index_records
from tests.web.builders import add_items, make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _switch_language(page: Page, code: str) -> None:
    page.select_option("#language-select", code)
    page.locator("form.language button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", code)


def _search(page: Page, text: str) -> None:
    page.fill("#q", text)
    page.locator("form.searchbox button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search/\?"))


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_vietnamese_reader_finds_duong_kach_menh_and_sees_copies_per_branch(
    live_server, indexed, open_browser
):
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(live_server.url)
        _switch_language(page, "vi")
        _search(page, "duong kach menh")
        result = page.locator("ol.hits a", has_text="Đường Kách Mệnh")
        expect(result).to_have_attribute("lang", "vi")
        result.click()
        expect(page.locator("h1")).to_have_text("Đường Kách Mệnh")
        expect(page.locator("html")).to_have_attribute("lang", "vi")
        where = page.locator(".where .availability li")
        expect(where).to_have_count(2)
        expect(where.nth(0)).to_contain_text("Thư viện Trung tâm")  # the branch's Vietnamese name
        expect(where.nth(0)).to_contain_text("2")
        expect(where.nth(0)).to_contain_text("3")
        expect(where.nth(1)).to_contain_text("Riverside Branch")


def test_a_chinese_reader_finds_hong_lou_meng_with_two_characters(
    live_server, indexed, open_browser
):
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(live_server.url)
        _switch_language(page, "zh-hans")
        _search(page, "红楼")
        page.locator("ol.hits a", has_text="红楼梦").click()
        expect(page.locator("h1")).to_have_attribute("lang", "zh")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        where = page.locator(".where .availability li")
        expect(where).to_have_count(1)
        expect(where).to_contain_text("Central Library")
        # The choice is remembered: a new visit opens in Chinese.
        page.goto(live_server.url + "/new/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_facets_refresh_the_results_in_place_and_update_the_address(
    live_server, indexed, open_browser
):
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(live_server.url + "/search/?availability=available")
        expect(page.locator("ol.hits > li")).to_have_count(2)
        page.locator("#f-language-chi").check()
        expect(page.locator("ol.hits > li")).to_have_count(1)
        expect(page).to_have_url(re.compile(r"language=chi"))
        expect(page.locator("#results-status")).to_have_text("1 result")
        expect(page.locator("#f-language-chi")).to_be_focused()  # keyboard users keep their place


def test_home_results_and_record_pages_have_no_serious_accessibility_violations(
    live_server, indexed, open_browser
):
    record = indexed[0]
    with open_browser() as browser:
        page = browser.new_page()
        for path in ("/", "/search/?q=duong+kach+menh", f"/record/{record.pk}/", "/new/"):
            page.goto(live_server.url + path)
            assert _serious_violations(page) == [], path
        page.set_viewport_size({"width": 375, "height": 740})  # a phone
        page.goto(live_server.url + "/search/?q=duong")
        assert _serious_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(
    live_server, central, open_browser
):
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(live_server.url)
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"#main$"))


def test_paging_through_results_in_place_keeps_the_address_shareable(
    live_server, central, book_type, open_browser
):
    records = [make_record(title=f"Lighthouse {n:02d}") for n in range(25)]
    for record in records:
        add_items(record, central, book_type)
    index_records(r.pk for r in records)
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(live_server.url + "/search/?q=lighthouse")
        expect(page.locator("ol.hits > li")).to_have_count(20)
        page.locator("#page-next").click()
        expect(page.locator("ol.hits > li")).to_have_count(5)
        expect(page).to_have_url(re.compile(r"q=lighthouse&page=2"))
        expect(page.locator("#page-prev")).to_be_visible()
        page.reload()  # the address alone brings the reader back to the same page
        expect(page.locator("ol.hits > li")).to_have_count(5)
