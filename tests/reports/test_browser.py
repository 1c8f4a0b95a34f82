"""In a real browser: a member of the monitoring group chooses the 6-НК form of the network on
a page in Ukrainian, then downloads the network's annual report as PDF; both pages pass the
accessibility checks."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_the_monitoring_group_reads_a_form_and_downloads_the_annual_report(live_server, everything, monitor):
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/staff/reports/")
        page.fill("#id_username", "monitor")
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/staff/reports/")
        assert _serious_violations(page) == []

        page.select_option("#id_document", "6nk")
        page.fill("#id_year", "2026")
        page.select_option("#id_scope", "network")
        page.select_option("#id_fmt", "page")
        page.select_option("#id_language", "uk")
        page.locator("main form.report-choice button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/staff/reports/forms/6nk/2026/network.page?language=uk")
        expect(page.locator("h1")).to_contain_text("6-НК")
        expect(page.locator("main")).to_contain_text("Видано документів (з перереєстраціями)")
        assert _serious_violations(page) == []

        page.goto(f"{live_server.url}/staff/reports/")
        page.fill("#id_year", "2026")
        page.select_option("#id_fmt", "pdf")
        with page.expect_download() as download:
            page.locator("main form.report-choice button[type=submit]").click()
        assert download.value.suggested_filename == "annual-report-2026-network.pdf"
