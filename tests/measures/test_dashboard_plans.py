"""A programme's pages show each indicator the plan names with its figure for the
programme's year, computed by the registry: last year's, the change, the target and a
progress bar towards it; and the dashboard shows the indicators the programme in force
names, in its order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.measures import services as measures
from bibliohub.measures.wording import number
from bibliohub.planning.models import ProgrammeStatus, Trend
from bibliohub.planning.services import programmes, structure
from tests.circulation.conftest import KYIV
from tests.measures.pages import css, page
from tests.planning.conftest import methodologist, start  # noqa: F401

AT = datetime(2026, 12, 20, 10, 0, tzinfo=KYIV)


@pytest.fixture
def plan(world, network, methodologist, manager):  # noqa: F811
    actor = Actor.for_staff(methodologist)
    found = start(network, None, title="Програма розвитку 2026", methodologist=methodologist)
    structure.save_measure(
        None, programme=found, actor=actor, at=AT,
        details=structure.MeasureDetails(
            label="Зростання книговидачі", indicator_codes=["loans", "media_facts"], trend=Trend.INCREASE,
        ),
    )
    structure.save_measure(
        None, programme=found, actor=actor, at=AT,
        details=structure.MeasureDetails(
            label="Відмови", indicator_codes=["refusals"], trend=Trend.DECREASE,
        ),
    )
    programmes.set_programme_status(found, status=ProgrammeStatus.ADOPTED, actor=actor, at=AT)
    programmes.set_published(found, published=True, actor=actor, at=AT)
    measures.save_target(
        network=network, branch=None, code="loans", year=2026, baseline=None,
        target=Decimal(10), change=None, actor=Actor.for_staff(manager), at=AT,
    )
    return found


def _figures(response) -> dict[str, str]:
    found = {}
    for item in css(page(response), "ul.indicator-list li"):
        code = css(item, "span.codes")[0].text_content()
        shown = css(item, "span.live-figure")
        found[code] = " ".join(shown[0].text_content().split()) if shown else ""
    return found


def test_the_programme_pages_show_the_figures_of_its_indicators(client, plan, methodologist):  # noqa: F811
    client.force_login(methodologist)
    staff = client.get(reverse("staff:planning:programme", args=[plan.pk]))
    client.logout()
    public = client.get(reverse("plans:programme", args=[plan.pk]))
    for response in (staff, public):
        assert response.status_code == 200
        figures = _figures(response)
        assert figures["loans"] == "2026: 5; a year earlier 0; cannot be compared; target 10 — not met"
        assert figures["refusals"].startswith("2026: 1;")
        assert figures["media_facts"] == ""  # not computed (yet): nothing made up
        (bar,) = css(page(response), "svg.chart")
        assert bar.get("role") == "img"
        (table,) = css(page(response), "table.chart-data")
        assert [td.text_content() for td in css(table, "td")] == [number(5), number(10)]


def test_the_dashboard_shows_the_indicators_the_programme_in_force_names(client, plan, manager):
    client.force_login(manager)
    response = client.get(reverse("staff:measures:dashboard"), {"year": 2026})
    section = css(page(response), "section.indicator-scope")[0]
    assert [row.get("data-code") for row in css(section, "tr[data-code]")] == ["loans", "refusals"]
    assert "Publications, photo and video records" in css(page(response), "p.muted")[0].text_content()
