"""The yearly SWOT analysis: each point with its evidence (an indicator, a survey result, a
note), one analysis a year per scope, and a printable page that staff and the monitoring
group can open and that has nothing to edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.kinds import SWOT_POINT_SAVED, SWOT_SAVED
from bibliohub.planning.models import Quadrant, Swot
from bibliohub.planning.services import swot as swots
from tests.planning.conftest import AT, entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(network, methodologist) -> Swot:
    actor = Actor.for_staff(methodologist)
    found = swots.save_swot(
        None, network=network, branch=None, year=2026, language="en",
        summary="Where the network stands before the 2027 programme.", actor=actor, at=AT,
    )
    swots.save_point(None, swot=found, actor=actor, at=AT, details=swots.PointDetails(
        quadrant=Quadrant.STRENGTH, statement="Loans grow in every branch", indicator_code="loans",
    ))
    swots.save_point(None, swot=found, actor=actor, at=AT, details=swots.PointDetails(
        quadrant=Quadrant.WEAKNESS, statement="Few readers aged 15 to 18",
        reference="Readers' survey 2026, question 4", reference_url="https://example.org/survey-2026",
    ))
    swots.save_point(None, swot=found, actor=actor, at=AT, details=swots.PointDetails(
        quadrant=Quadrant.THREAT, statement="The building needs a new roof",
        note="The city's inspection of March",
    ))
    return found


def test_the_printable_page_shows_every_point_with_its_evidence(client, methodologist, analysis):
    client.force_login(methodologist)
    response = client.get(reverse("staff:planning:swot_print", args=[analysis.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "SWOT analysis 2026: the whole network" in page
    assert "Where the network stands before the 2027 programme." in page
    for heading in ("Strengths", "Weaknesses", "Opportunities", "Threats"):
        assert heading in page
    assert "Loans grow in every branch" in page and "Loans (renewals included)" in page
    assert 'href="https://example.org/survey-2026"' in page and "Readers&#x27; survey 2026, question 4" in page
    assert "The city&#x27;s inspection of March" in page
    assert "None yet." in page  # no opportunity written
    # Laid out for paper: nothing to edit, the print style sheet hides the navigation.
    assert "Add to" not in page and reverse("staff:planning:point_new", args=[analysis.pk]) not in page
    assert 'class="print-only"' in page and "planning/planning.css" in page
    css = Path(finders.find("planning/planning.css")).read_text()
    assert "@media print" in css and ".plan-nav" in css.split("@media print")[1]

    # The analysis page itself has the forms to add points.
    page = client.get(reverse("staff:planning:swot", args=[analysis.pk])).content.decode()
    assert reverse("staff:planning:point_new", args=[analysis.pk]) in page
    assert reverse("staff:planning:swot_print", args=[analysis.pk]) in page


def test_the_monitoring_group_prints_it_too(client, monitor, analysis):
    client.force_login(monitor)
    page = client.get(reverse("staff:planning:swot_print", args=[analysis.pk])).content.decode()
    assert "Few readers aged 15 to 18" in page
    assert client.post(reverse("staff:planning:point_new", args=[analysis.pk]),
                       {"quadrant": "strength", "statement": "Mine"}).status_code == 403


def test_one_analysis_a_year_and_every_change_in_the_history(network, methodologist, analysis):
    with pytest.raises(PlanningRefused) as refused:
        swots.save_swot(None, network=network, branch=None, year=2026, language="en",
                        actor=Actor.for_staff(methodologist), at=AT)
    assert refused.value.reasons == [Reason.SWOT_EXISTS]
    [saved] = entries(SWOT_SAVED)
    assert saved.object_id == analysis.pk and saved.staff_id == methodologist.pk
    points = entries(SWOT_POINT_SAVED)
    assert len(points) == 3
    assert all("Loans" not in str(e.detail) and "survey" not in str(e.detail) for e in points)


def test_a_point_added_with_htmx_puts_its_quadrant_back(client, methodologist, analysis):
    client.force_login(methodologist)
    response = client.post(
        reverse("staff:planning:point_new", args=[analysis.pk]),
        {"prefix": "opportunity", "opportunity-quadrant": "opportunity",
         "opportunity-statement": "A new school opens nearby"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('<section class="quadrant quadrant-opportunity"')
    assert "A new school opens nearby" in page
