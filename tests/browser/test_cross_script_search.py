"""A reader who has no Chinese keyboard finds 紅樓夢 by typing its pinyin, in a real browser;
the record, catalogued with its title romanised and the characters in an 880 field, shows both
with the right language and direction, and the pages pass the accessibility checks."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.catalog.models import ItemStatus
from bibliohub.search.indexing import index_records
from tests.web.builders import add_items, make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def dream_of_the_red_chamber(central, book_type):
    traditional = make_record(title="紅樓夢", authors=["曹雪芹"], languages=["chi"], year=1982)
    romanised = make_record(title="Hong lou meng", authors=["Cao, Xueqin"], languages=["chi"], year=2008)
    romanised.vernacular = [
        {"role": "title", "tag": "245", "text": "紅樓夢", "dir": "ltr", "linked": "Hong lou meng"},
        {"role": "author", "tag": "100", "text": "曹雪芹", "dir": "ltr", "linked": "Cao, Xueqin"},
    ]
    romanised.save(update_fields=["vernacular"])
    arabic = make_record(title="Qaḍāʼ al-usrah", languages=["ara"], year=2005)
    arabic.vernacular = [{"role": "title", "tag": "245", "text": "قضاء الأسرة", "dir": "rtl", "linked": "Qaḍāʼ al-usrah"}]
    arabic.save(update_fields=["vernacular"])
    for record in (traditional, romanised, arabic):
        add_items(record, central, book_type, [ItemStatus.AVAILABLE])
    index_records([traditional.pk, romanised.pk, arabic.pk])
    return traditional, romanised, arabic


def test_a_reader_finds_the_dream_of_the_red_chamber_by_typing_hongloumeng(
    live_server, dream_of_the_red_chamber, open_browser
):
    arabic = dream_of_the_red_chamber[2]
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(live_server.url)
        page.fill("#q", "hongloumeng")
        page.locator("form.searchbox button[type=submit]").click()
        page.wait_for_url(re.compile(r"/search/\?"))
        hits = page.locator("ol.hits .hit-title a")
        expect(hits).to_have_count(2)
        expect(page.locator("ol.hits a", has_text="紅樓夢").first).to_be_visible()
        vernacular = page.locator("ol.hits .hit-title .vernacular")
        expect(vernacular).to_have_text("紅樓夢")
        expect(vernacular).to_have_attribute("lang", "zh")
        assert _serious_violations(page) == []

        page.locator("ol.hits a", has_text="Hong lou meng").click()
        expect(page.locator("h1")).to_have_attribute("lang", "zh-Latn")
        expect(page.locator("h1 .vernacular")).to_have_text("紅樓夢")
        assert _serious_violations(page) == []

        page.goto(live_server.url + f"/record/{arabic.pk}/")
        title = page.locator("h1 .vernacular")
        expect(title).to_have_attribute("dir", "rtl")
        expect(title).to_have_attribute("lang", "ar")
        assert _serious_violations(page) == []
