"""A librarian lends two items with the keyboard only, in headless Chromium: log in, scan the
card, scan two barcodes one after the other without touching the mouse; the focus stays in
the barcode field and each result appears above it. No serious accessibility problems."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

from bibliohub.circulation.models import Loan
from tests.desk.conftest import AT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_a_librarian_lends_two_items_by_keyboard_only(
    live_server, open_browser, reader, make_item, central_librarian
):
    first, second = make_item(), make_item()
    login = f"{live_server.url}{reverse('accounts:login')}?next={reverse('staff:circulation:checkout_start')}"
    with open_browser() as browser:
        page = browser.new_page()
        # Each page puts the focus in its field with `autofocus`, which the browser applies when
        # it first renders the page: after the page has loaded, so wait for it before typing.
        page.goto(login)
        expect(page.locator("#id_username")).to_be_focused()
        page.keyboard.type("olena")
        page.keyboard.press("Tab")
        page.keyboard.type("correct horse battery")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Lend")
        expect(page.locator("#id_card")).to_be_focused()
        page.keyboard.type("P0001")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Lend to Test Kovalenko")
        expect(page.locator("#id_barcode")).to_be_focused()

        results = page.locator("#results > li")
        page.keyboard.type(first.barcode)
        page.keyboard.press("Enter")
        expect(results).to_have_count(1)
        expect(results.nth(0)).to_contain_text(f"Lent: Kobzar ({first.barcode})")
        expect(page.locator("#id_barcode")).to_have_value("")
        expect(page.locator("#id_barcode")).to_be_focused()
        page.keyboard.type(second.barcode)
        page.keyboard.press("Enter")
        expect(results).to_have_count(2)
        expect(results.nth(1)).to_contain_text(f"Lent: Kobzar ({second.barcode})")
        expect(results.nth(1)).to_contain_text("due 2026-12-22")
        expect(page.locator("#id_barcode")).to_be_focused()
        expect(page.locator("#loans-heading")).to_have_text("2 items on loan")
        # A copy already out: the refusal says why, and the focus is back for the next scan.
        page.keyboard.type(first.barcode)
        page.keyboard.press("Enter")
        expect(results).to_have_count(3)
        expect(results.nth(2)).to_contain_text("This item is already on loan.")
        expect(page.locator("#id_barcode")).to_be_focused()

        assert _serious_violations(page) == []
        page.goto(f"{live_server.url}{reverse('staff:circulation:checkin')}")
        assert _serious_violations(page) == []
        page.goto(f"{live_server.url}{reverse('staff:patrons:detail', args=[reader.pk])}")
        assert _serious_violations(page) == []
    assert Loan.objects.filter(patron=reader, returned_at__isnull=True).count() == 2


def test_the_other_desk_screens_have_no_serious_accessibility_problems(
    live_server, open_browser, reader, book, lend, central, central_librarian, default_rule
):
    from decimal import Decimal

    from bibliohub.circulation import services
    from bibliohub.history import Actor

    lend(reader, book)
    services.charge_fine(
        patron=reader,
        amount=Decimal("2.00"),
        note="Card",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    pages = [
        reverse("staff:circulation:home"),
        reverse("staff:patrons:search") + "?q=Kovalenko",
        reverse("staff:patrons:register"),
        reverse("staff:patrons:detail", args=[reader.pk]),
        reverse("staff:patrons:card", args=[reader.pk]),
        reverse("staff:patrons:block", args=[reader.pk]),
        reverse("staff:patrons:erase", args=[reader.pk]),
        reverse("staff:patrons:csv_upload"),
        reverse("staff:circulation:fines", args=[reader.pk]),
        reverse("staff:circulation:transit"),
        reverse("staff:circulation:hold_shelf"),
        reverse("staff:circulation:holds_to_pull"),
        reverse("staff:circulation:rules"),
        reverse("staff:circulation:terms"),
        reverse("staff:circulation:explain") + f"?card=P0001&barcode={book.barcode}",
        reverse("staff:circulation:end_of_term"),
    ]
    found = {}
    with open_browser() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}{reverse('accounts:login')}")
        page.fill("#id_username", "olena")
        page.fill("#id_password", "correct horse battery")
        page.keyboard.press("Enter")
        page.wait_for_url("**/staff/")
        for path in pages:
            page.goto(f"{live_server.url}{path}")
            if problems := _serious_violations(page):
                found[path] = problems
    assert found == {}
