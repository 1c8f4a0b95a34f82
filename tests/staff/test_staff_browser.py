"""A librarian's work in a real browser, by keyboard: log in, find a record, fix it after a
refused ISBN, add a copy; no serious accessibility problems on any staff screen."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.catalog import services
from bibliohub.catalog.models import Item, Record
from bibliohub.catalog.services import ItemData, RecordChanges
from bibliohub.history import Actor
from tests.browser.conftest import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AT = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Kyiv"))


@contextmanager
def _page():
    with chromium() as browser:
        yield browser.new_page()


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def world(cataloguer, central, riverside, book_type):
    from bibliohub.search.indexing import index_records

    record = services.create_record(
        changes=RecordChanges(title="Lisova pisnia", authors=["Ukrainka, Lesia"], languages=["ukr"], year=1911),
        actor=Actor.for_staff(cataloguer), at=AT,
    )
    services.add_item(record, data=ItemData(barcode="C100", branch=central, item_type=book_type), actor=Actor.for_staff(cataloguer), at=AT)
    index_records([record.pk])
    return record


def _log_in(page: Page, base: str) -> None:
    page.goto(base + "/accounts/login/?next=/staff/")
    # The user name field takes the focus (autofocus) when the page is first drawn, which can
    # come after the load event: type only once it has it.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("cataloguer")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/staff/")


def test_a_cataloguer_fixes_a_record_and_adds_a_copy_by_keyboard(live_server, world):
    record = world
    with _page() as page:
        _log_in(page, live_server.url)
        # The quick search box takes the focus once the page is drawn; type only then, or the
        # first keystroke can land before it does.
        expect(page.locator("#staff-q")).to_be_focused()
        page.keyboard.type("lisova")
        page.keyboard.press("Enter")
        page.get_by_role("link", name="Lisova pisnia").click()
        expect(page.locator("h1")).to_have_text("Lisova pisnia")
        page.get_by_role("link", name="Edit the record").click()
        page.locator("#id_title").fill("Forest song")
        page.locator("#id_isbns").fill("978-0-306-40615-8")
        page.get_by_role("button", name="Save the record").click()
        error = page.locator("#id_isbns_errors")
        expect(error).to_contain_text("Not a valid ISBN")
        expect(page.locator("#id_title")).to_have_value("Forest song")  # nothing typed is lost
        page.locator("#id_isbns").fill("978-0-306-40615-7")
        page.get_by_role("button", name="Save the record").click()
        expect(page.locator("h1")).to_have_text("Forest song")
        expect(page.get_by_role("status")).to_contain_text("Record saved.")
        page.get_by_role("link", name="Add a copy").click()
        page.locator("#id_barcode").fill("C101")
        page.locator("#id_branch").select_option(label="Riverside Branch")
        page.get_by_role("button", name="Add the copy", exact=True).click()
        expect(page.locator("tr[id^='item-']")).to_have_count(2)
    assert Record.objects.get(pk=record.pk).isbns == ["9780306406157"]
    assert Item.objects.get(barcode="C101").branch.code == "riverside"


def test_staff_screens_have_no_serious_accessibility_problems(live_server, world):
    record = world
    item = Item.objects.get(barcode="C100")
    urls = [
        "/staff/",
        "/staff/catalogue/?q=lisova",
        f"/staff/catalogue/records/{record.pk}/",
        f"/staff/catalogue/records/{record.pk}/edit/",
        f"/staff/catalogue/records/{record.pk}/copies/add/",
        f"/staff/catalogue/copies/{item.pk}/withdraw/",
        "/staff/catalogue/copies/?barcode=C100",
        "/staff/catalogue/import/",
        "/staff/branches/",
        "/staff/branches/central/",
    ]
    found: list[str] = []
    with _page() as page:
        _log_in(page, live_server.url)
        for url in urls:
            page.goto(live_server.url + url)
            found += _serious_violations(page)
        # A form with errors, as a librarian sees it after a mistake.
        page.goto(live_server.url + f"/staff/catalogue/records/{record.pk}/edit/")
        page.locator("#id_title").fill("")
        page.get_by_role("button", name="Save the record").click()
        expect(page.locator("#id_title_errors")).to_be_visible()
        found += _serious_violations(page)
    assert found == []
