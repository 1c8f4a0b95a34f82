"""The record book's screen: a librarian enters a month's counts of her branch in one grid,
sees each wrong count refused beside its cell with nothing saved, and enters the branch's
yearly figures; another branch's book is not hers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from bibliohub.daybook.models import DailyCount, Measure, YearlyFigure
from bibliohub.daybook.services import cell
from tests.circulation.conftest import KYIV

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _url(branch, year=2026, month=11) -> str:
    return f"/staff/daybook/{branch.code}/{year}/{month}/"


def test_the_librarian_enters_the_months_counts(client, central, central_librarian):
    client.force_login(central_librarian)
    page = client.get(_url(central))
    assert page.status_code == 200
    assert f'name="{cell(date(2026, 11, 30), Measure.WIFI_SESSIONS)}"' in page.content.decode()
    response = client.post(
        _url(central),
        {
            cell(date(2026, 11, 2), Measure.VISITS): "120",
            cell(date(2026, 11, 2), Measure.REFERENCE_QUESTIONS): " 7 ",
            cell(date(2026, 11, 3), Measure.VISITS): "",
        },
    )
    assert response.status_code == 302
    assert {(c.day, c.measure): c.value for c in DailyCount.objects.all()} == {
        (date(2026, 11, 2), Measure.VISITS): 120,
        (date(2026, 11, 2), Measure.REFERENCE_QUESTIONS): 7,
    }
    assert 'value="120"' in client.get(_url(central)).content.decode()


def test_wrong_counts_are_shown_beside_their_cells_and_nothing_is_saved(
    client, central, central_librarian
):
    client.force_login(central_librarian)
    good, bad = cell(date(2026, 11, 2), Measure.VISITS), cell(date(2026, 11, 3), Measure.VISITS)
    response = client.post(_url(central), {good: "12", bad: "twelve"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="e-{bad}"' in body and "Enter a whole number from 0 to 1,000,000." in body
    assert f'id="e-{good}"' not in body
    assert 'value="twelve"' in body  # what was typed stays to be corrected
    assert not DailyCount.objects.exists()


def test_days_to_come_cannot_be_entered(client, central, central_librarian):
    client.force_login(central_librarian)
    body = client.get(_url(central, 2026, 12)).content.decode()
    today = cell(date(2026, 12, 1), Measure.VISITS)
    tomorrow = cell(date(2026, 12, 2), Measure.VISITS)
    assert f'name="{today}"' in body
    tag = body[body.index(f'name="{tomorrow}"') :].split(">", 1)[0]
    assert "disabled" in tag


def test_the_yearly_figures_are_entered_and_checked(client, central, central_librarian):
    client.force_login(central_librarian)
    response = client.post(
        _url(central), {"figures": "1", "population": "12 500", "staff_fte": "3,5", "budget": ""}
    )
    assert response.status_code == 302
    assert {f.figure: f.value for f in YearlyFigure.objects.filter(branch=central)} == {
        "population": Decimal(12500),
        "staff_fte": Decimal("3.5"),
    }
    response = client.post(
        _url(central), {"figures": "1", "population": "12.5", "staff_fte": "many", "budget": ""}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a number." in body
    assert YearlyFigure.objects.get(branch=central, figure="population").value == 12500


def test_another_branchs_book_is_not_hers(client, riverside, central_librarian):
    client.force_login(central_librarian)
    assert client.get(_url(riverside)).status_code == 403
    assert client.post(_url(riverside), {cell(date(2026, 11, 2), "visits"): "5"}).status_code == 403


def test_the_book_opens_at_this_month_of_her_branch(client, central, central_librarian):
    client.force_login(central_librarian)
    response = client.get("/staff/daybook/")
    assert response.status_code == 302 and response["Location"] == _url(central, 2026, 12)
