"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live
server. Playwright's sync API runs an event loop in the test's thread, and Django refuses
database access there, so tests create their data first and then open the browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from tests.web.records import (  # noqa: F401
    _catalogue_clock,
    all_on_loan,
    duong_kach_menh,
    hong_lou_meng,
    indexed,
)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# An assertion waits up to 15 s for the page to get there (Playwright's default is 5 s): on a
# 2-core machine running the suite in two workers beside a live server, a scan's answer can
# take longer than 5 s to come back, which is slowness, not a wrong page.
expect.set_options(timeout=15_000)
# Without the networking flags Chromium keeps trying to reach the internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium() -> None:
    """The browser tests need Debian's Chromium. A missing browser is a missing install step,
    not a reason to skip: the test fails and says how to install it."""
    if not shutil.which(CHROMIUM):
        pytest.fail(
            f"Chromium is not installed ({CHROMIUM} is missing): run `make test` or "
            "scripts/setup.sh, which install it with the other tools the tests need.",
            pytrace=False,
        )


@contextmanager
def chromium() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_browser():
    require_chromium()
    return chromium
