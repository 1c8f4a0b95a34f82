"""A methodologist working in Ukrainian opens the indicator dashboard in a real browser: the
Lutsk programme's indicators (those computed) for the network and each branch, each with its
change on last year, one indicator's definition opened, then the indicator's own page with its charts; axe
finds nothing serious on any of them."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from bibliohub.history.rollup import roll_up
from tests.browser.conftest import chromium
from tests.circulation.conftest import KYIV
from tests.measures.test_dashboard import LUTSK_COMPUTED
from tests.planning.conftest import methodologist  # noqa: F401
from tests.planning.test_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_years(world, lend, make_item):
    """The world of December 2026, and a loan in December 2025 to compare with."""
    people, _loans = world
    copy = make_item()
    lend(people[0], copy, at=datetime(2025, 12, 3, 10, 0, tzinfo=KYIV))
    roll_up()
    return people


def test_a_methodologist_reads_the_plans_indicators_in_ukrainian(
    live_server, two_years, methodologist, network, central, riverside  # noqa: F811
):
    url = f"{live_server.url}/staff/indicators/?year=2026"
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/staff/indicators/%3Fyear%3D2026")
        page.select_option("#language-select", "uk")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        page.fill("#id_username", "nadiia")
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(url)
        expect(page.locator("html")).to_have_attribute("lang", "uk")

        sections = page.locator("section.indicator-scope")
        expect(sections).to_have_count(3)  # the network, the central library, Riverside
        for n in range(3):
            rows = sections.nth(n).locator("tr[data-code]")
            expect(rows).to_have_count(len(LUTSK_COMPUTED))
            assert [rows.nth(i).get_attribute("data-code") for i in range(len(LUTSK_COMPUTED))] == LUTSK_COMPUTED
            for i in range(len(LUTSK_COMPUTED)):
                expect(rows.nth(i).locator("span.change")).not_to_have_text("")
        headings = [sections.nth(n).locator("h2").inner_text() for n in range(3)]
        assert headings[1:] == [central.display_name("uk"), riverside.display_name("uk")]
        assert _serious_violations(page) == []

        # The definition of refusals at the central library, opened on demand.
        refusals = sections.nth(1).locator("tr[data-code=refusals]")
        how = refusals.locator("details.how")
        expect(how.locator("dl")).not_to_be_visible()
        how.locator("summary").click()
        expect(how.locator("dl")).to_be_visible()
        expect(how).to_have_attribute("open", "")
        assert _serious_violations(page) == []

        # The indicator's own page: its trend and its branches, each beside its table.
        refusals.locator("th a").click()
        page.wait_for_url(f"{live_server.url}/staff/indicators/figure/refusals/**")
        expect(page.locator("svg.chart")).to_have_count(2)
        expect(page.locator("table.chart-data")).to_have_count(2)
        assert _serious_violations(page) == []
