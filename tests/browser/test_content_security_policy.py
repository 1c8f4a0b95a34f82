"""The pages work under their Content-Security-Policy in a real browser: the OPAC search (with
htmx refining it), a record page, the desk's checkout (a scan sent by htmx, the field emptied
by the site's script), a printable library card and a staff list, with no violation reported — no inline script, event
handler, style block or style attribute refused, nothing htmx evaluates or inserts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from bibliohub.catalog.models import Item
from tests.circulation.conftest import (  # noqa: F401
    adult_category,
    default_rule,
    reader,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page sees, as the browser reports it to the page itself.
LISTEN = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watched:
    """A page whose console and violation reports are kept."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            self.console.append(f"{self.page.url}: {message.text}")

    def violations(self) -> list[str]:
        reported = self.page.evaluate("window.cspViolations || []")
        console = [m for m in self.console if "Content Security Policy" in m]
        return [*[f"{self.page.url}: {r}" for r in reported], *console]


def test_the_opac_the_desk_and_a_staff_list_work_under_the_policy(
    live_server,
    open_browser,
    indexed,
    reader,  # noqa: F811
    central_librarian,
):
    record = indexed[0]
    copy = Item.objects.filter(record=indexed[1], status="available").first()
    assert copy is not None
    with open_browser() as browser:
        page = browser.new_page()
        watched = Watched(page)

        # The OPAC: a search, refined by htmx, and a record page.
        response = page.goto(f"{live_server.url}{reverse('web:search')}?q=duong")
        assert response is not None
        assert "default-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator("ol.hits")).to_contain_text("Đường Kách Mệnh")
        refine = page.locator("#refine input[type=checkbox]").first
        if refine.count():
            refine.check()
            page.wait_for_url(re.compile(r"/search/\?.+&"))
        page.goto(f"{live_server.url}{reverse('web:record', args=[record.pk])}")
        expect(page.locator("h1")).to_be_visible()
        # htmx put no <style> of its own into the page.
        assert page.locator("head style").count() == 0, watched.violations()

        # The desk: log in, scan a copy at the checkout; htmx adds the result and the site's
        # script empties the field for the next scan.
        page.goto(f"{live_server.url}{reverse('accounts:login')}")
        page.fill("#id_username", "olena")
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.goto(f"{live_server.url}{reverse('staff:circulation:checkout', args=[reader.pk])}")
        # The staff styles come from a file now.
        assert page.evaluate(
            "getComputedStyle(document.querySelector('.staff-nav') || document.body).display"
        ) in {"flex", "block"}
        page.fill("#id_barcode", copy.barcode)
        page.keyboard.press("Enter")
        expect(page.locator("#results > li")).to_have_count(1)
        expect(page.locator("#results > li").first).to_contain_text(copy.barcode)
        expect(page.locator("#id_barcode")).to_have_value("")
        expect(page.locator("#id_barcode")).to_be_focused()

        # The printable card: its barcode is drawn without style attributes.
        page.goto(f"{live_server.url}{reverse('staff:patrons:card', args=[reader.pk])}")
        expect(page.locator(".library-card svg rect").first).to_be_attached()
        # A staff list.
        page.goto(f"{live_server.url}{reverse('staff:community:partners')}")
        expect(page.locator("h1")).to_be_visible()
        assert watched.violations() == []
