"""A Ukrainian cataloguer copies a record from another library's Z39.50 server (Debian's
yaz-ztest) in a real browser: the search in Ukrainian, the candidates beside ours, the import
as a new record, then on the record's page; and no serious accessibility problem on the way."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from bibliohub.interop.copycat.models import CopyTarget
from tests.catalog.conftest import free_port, wait_listening

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ztest() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        ["yaz-ztest", "-l", "/dev/null", f"tcp:127.0.0.1:{port}"], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=5)


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_ukrainian_cataloguer_copies_a_record_from_a_z3950_server(live_server, open_browser, cataloguer, ztest):
    CopyTarget.objects.create(name="Тестовий сервер Index Data", host="127.0.0.1", port=ztest, database="Default")
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}{reverse('accounts:login')}")
        page.select_option("#language-select", "uk")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        page.fill("#id_username", "cataloguer")
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()

        page.goto(f"{live_server.url}{reverse('staff:copycat:search')}")
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        assert _serious_violations(page) == []
        page.fill("#id_title", "computer")
        page.locator("main form[method=get] button[type=submit]").click()

        section = page.locator("main section", has_text="Тестовий сервер Index Data")
        rows = section.locator("tbody tr")
        expect(rows).to_have_count(10)
        expect(rows.first).to_contain_text("How to program a computer")
        assert _serious_violations(page) == []

        rows.first.locator("button[type=submit]:not([name=overlay])").click()
        # A cataloguer of the whole network lands on the new record (the branches add copies).
        expect(page.locator("h1")).to_contain_text("How to program a computer")
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        assert _serious_violations(page) == []
