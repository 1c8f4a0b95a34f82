"""Staff tables on a 375 px phone: the desk's lending screen and its loans, the end-of-term
list, events, partners and staff accounts reflow into one card a row, each cell under its
column's name, and no page (the account forms too) is wider than the screen. No serious
accessibility problems."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page

from bibliohub.accounts.models import Role, User
from bibliohub.patrons.models import Patron

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_staff_tables_reflow_on_a_phone(
    live_server, open_browser, reader, make_record, make_item, lend, manager, central_librarian
):
    long_title = make_record(
        "Đường Kách Mệnh và những bài viết về giáo dục cho thanh niên Việt Nam"
    )
    for _ in range(2):
        lend(reader, make_item(record=long_title))
    Patron.objects.filter(pk=reader.pk).update(school_class="8-А")
    User.objects.create_user(
        username="bao.hoang.riverside.branch.librarian", email="bao.hoang.riverside.branch@library.example",
        first_name="Ngọc", last_name="Hoàng Bảo", role=Role.BRANCH_LIBRARIAN, password="x",
    )  # fmt: skip
    pages = {
        "olena": [
            reverse("staff:circulation:checkout", args=[reader.pk]),
            reverse("staff:circulation:loans", args=[reader.pk]),
            reverse("staff:circulation:end_of_term"),
            reverse("staff:programs:list"),
            reverse("staff:community:partners"),
        ],
        "manager": [
            reverse("staff:accounts:list"),
            reverse("staff:accounts:create"),
            reverse("staff:accounts:password", args=[central_librarian.pk]),
        ],
    }
    problems: list[str] = []
    with open_browser() as browser:
        for username, urls in pages.items():
            page = browser.new_page(viewport=PHONE)
            page.goto(f"{live_server.url}{reverse('accounts:login')}")
            page.fill("#id_username", username)
            page.fill("#id_password", "correct horse battery")
            page.press("#id_password", "Enter")
            page.wait_for_url(f"{live_server.url}{reverse('staff:home')}")
            for url in urls:
                page.goto(live_server.url + url)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    problems.append(f"{url} is {width} px wide")
                labelled = page.evaluate(
                    "Array.from(document.querySelectorAll('.staff table tbody td'))"
                    ".filter(td => td.textContent.trim()).every(td => td.dataset.label)"
                )
                if not labelled:
                    problems.append(f"{url} has a cell without its column's name")
                problems += _serious_violations(page)
            page.close()
    assert problems == []
