"""The demo network's plans: the city's one-year programme in the Lutsk shape, the 2024–2028
strategic plan with West Hartford's five priorities, the school library's term plan month by
month with its targets, and the network's SWOT analysis; a second run adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bibliohub.accounts.models import User
from bibliohub.demo.services import load_demo
from bibliohub.planning.models import Evidence, Programme, ProgrammeStatus, Swot, Trend
from bibliohub.planning.services import programmes
from tests.demo.conftest import AT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock_from_the_demo_s_at():
    with time_machine.travel(AT, tick=True):
        yield


def test_the_demo_has_three_programmes_and_a_swot_and_the_monitor_reads_them(client):
    load_demo(records=0, at=AT)
    found = {p.blueprint: p for p in Programme.objects.all()}
    assert len(found) == 3
    assert all(p.status == ProgrammeStatus.ADOPTED for p in found.values())

    city = next(p for p in found.values() if p.branch is None and p.starts_on.year == p.ends_on.year == 2026)
    assert city.language == "uk" and city.is_published
    assert Evidence.objects.filter(update__action__programme=city, kind="photo").exists()

    strategic = next(p for p in found.values() if (p.starts_on.year, p.ends_on.year) == (2024, 2028))
    assert strategic.directions.count() == 5 and strategic.is_published

    school = next(p for p in found.values() if p.branch is not None)
    assert school.branch.code == "school" and school.language == "zh-hans"
    months = sorted({m for a in school.actions.all() for m in a.months})
    assert months[0] == "2026-09" and months[-1] == "2027-01"
    targets = {(m.trend, m.target) for m in school.measures.all()}
    assert (Trend.AT_LEAST, Decimal("2.00")) in targets and (Trend.AT_LEAST, Decimal("40.00")) in targets

    swot = Swot.objects.get()
    assert swot.year == 2026 and swot.points.count() == 8

    client.force_login(User.objects.get(username="monitor"))
    page = client.get(reverse("staff:planning:list")).content.decode()
    for programme in found.values():
        assert reverse("staff:planning:programme", args=[programme.pk]) in page
    assert client.get(reverse("staff:planning:swot_print", args=[swot.pk])).status_code == 200


def test_a_second_run_adds_no_plans_and_last_year_s_copies(client):
    load_demo(records=0, at=AT)
    before = Programme.objects.count(), Swot.objects.count()
    load_demo(records=0, at=AT)
    assert (Programme.objects.count(), Swot.objects.count()) == before
    city = Programme.objects.get(branch=None, starts_on__year=2026, ends_on__year=2026)
    proposed = programmes.proposed_copy(city)
    assert proposed.starts_on.year == 2027 and "2027" in proposed.title
