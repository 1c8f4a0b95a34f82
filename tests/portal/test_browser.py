"""A Polish reader signs in to the portal in a real browser and renews a loan; the pages on
the way have no serious accessibility problems. Data is made before the browser starts:
Playwright runs an event loop in the test's thread, where Django refuses database access."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.circulation.models import Loan
from tests.browser.conftest import chromium
from tests.portal.world import PIN

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_polish_reader_signs_in_and_renews_a_loan(live_server, reader, make_item, lend):
    loan = lend(reader, make_item("Lalka"), days_ago=10)
    old_due = loan.due_at
    violations: dict[str, list[str]] = {}
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/")
        page.select_option("#language-select", "pl")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "pl")

        page.locator("a.account-link").click()
        expect(page.locator("#id_card_number")).to_be_visible()
        violations["sign-in"] = _serious_violations(page)
        page.fill("#id_card_number", "P1001")
        page.fill("#id_pin", PIN)
        page.locator("main form button[type=submit]").click()

        row = page.locator("table.portal-table tbody tr", has_text="Lalka")
        expect(row).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "pl")
        violations["loans"] = _serious_violations(page)
        expect(row.locator("td").nth(2)).to_have_text("0")
        row.locator("button[type=submit]").click()
        expect(page.locator(".messages")).to_contain_text("Lalka")
        row = page.locator("table.portal-table tbody tr", has_text="Lalka")
        expect(row.locator("td").nth(2)).to_have_text("1")
        violations["renewed"] = _serious_violations(page)
    assert violations == {"sign-in": [], "loans": [], "renewed": []}
    loan = Loan.objects.get(pk=loan.pk)
    assert loan.renewals == 1 and loan.due_at > old_due
