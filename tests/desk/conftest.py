"""The desk's world: the lending world of tests/circulation (a default rule, two adult readers
of the central library, titles with copies) plus a school class, and clients logged in as
the central librarian with the central desk chosen."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_browser  # noqa: F401
from tests.circulation.conftest import (  # noqa: F401
    AT,
    KYIV,
    adult_category,
    book,
    default_rule,
    kiosk,
    lend,
    librarian,
    make_item,
    make_record,
    reader,
    second_reader,
)


@pytest.fixture
def desk(client, central_librarian):
    """A client at the central desk (the librarian's only branch, so chosen by itself)."""
    client.force_login(central_librarian)
    return client


@pytest.fixture(autouse=True)
def _desk_clock():
    """The screens read the clock; the lending world happens around AT (a Tuesday morning
    when both branches are open), so the clock starts there and runs on."""
    import time_machine

    with time_machine.travel(AT, tick=True):
        yield


def scan(client, patron, barcode: str, *, htmx: bool = True, **extra):
    """Scan `barcode` at the checkout screen of `patron`, as the page's htmx form does."""
    from django.urls import reverse

    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("staff:circulation:checkout", args=[patron.pk]),
        {"barcode": barcode, **extra},
        **headers,
    )


def return_item(client, barcode: str, *, htmx: bool = True):
    from django.urls import reverse

    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(reverse("staff:circulation:checkin"), {"barcode": barcode}, **headers)
