"""Next year's programme starts as a copy of last year's: the same directions, goals, actions
and indicators, every date a year on, every action not started again, no progress; and from a
built-in template."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.planning import blueprints
from bibliohub.planning.kinds import PROGRAMME_CREATED
from bibliohub.planning.models import (
    ActionStatus,
    Programme,
    ProgrammeStatus,
    ProgressUpdate,
    Trend,
)
from bibliohub.planning.services import programmes, structure
from tests.planning.conftest import AT, entries, the_action

pytestmark = pytest.mark.django_db


def test_a_methodologist_copies_last_year_s_programme(client, methodologist, programme, riverside):
    actor = Actor.for_staff(methodologist)
    action = the_action(programme)
    # A school-term style action, month by month, and an indicator of the goal.
    structure.save_action(
        None, goal=action.goal, actor=actor, at=AT,
        details=structure.ActionDetails(
            title="Book talks in class", months=[date(2026, 9, 1), date(2026, 10, 1)],
            all_branches=True,
        ),
    )
    structure.save_measure(
        None, programme=programme, actor=actor, at=AT,
        details=structure.MeasureDetails(
            label="More loans", indicator_codes=["loans"], trend=Trend.INCREASE,
            target=Decimal("5"), goal=action.goal,
        ),
    )

    client.force_login(methodologist)
    url = reverse("staff:planning:programme_copy", args=[programme.pk])
    form = client.get(url)
    assert form.status_code == 200
    # The proposal: the year after, with the year in the title moved on.
    assert 'value="Development programme 2027"' in form.content.decode()
    assert 'value="2027-01-01"' in form.content.decode()

    response = client.post(url, {
        "scope": "network", "title": "Development programme 2027",
        "starts_on": "2027-01-01", "ends_on": "2027-12-31",
    })
    copy = Programme.objects.get(copied_from=programme)
    assert response.status_code == 302 and response.url == reverse("staff:planning:programme", args=[copy.pk])

    assert copy.status == ProgrammeStatus.DRAFT and not copy.is_published
    assert copy.branch is None and copy.language == programme.language
    assert [d.title for d in copy.directions.all()] == ["Reading for everyone"]
    copied = {a.title: a for a in copy.actions.all()}
    assert set(copied) == {"A reading club for teenagers", "Book talks in class"}
    club = copied["A reading club for teenagers"]
    assert (club.starts_on, club.due_on) == (date(2027, 2, 1), date(2027, 12, 20))
    assert club.status == ActionStatus.NOT_STARTED
    assert club.goal.title == "More young readers" and club.goal.direction.programme == copy
    assert club.owner == action.owner and club.coordinator == action.coordinator
    assert set(club.branches.all()) == set(action.branches.all())
    assert copied["Book talks in class"].months == ["2027-09", "2027-10"]
    assert not ProgressUpdate.objects.filter(action__programme=copy).exists()
    [measure] = copy.measures.all()
    assert (measure.indicator_codes, measure.target, measure.goal) == (
        ["loans"], Decimal("5"), club.goal
    )
    # Last year's is untouched.
    action.refresh_from_db()
    assert action.status == ActionStatus.ON_TRACK

    [entry] = [e for e in entries(PROGRAMME_CREATED) if e.object_id == copy.pk]
    assert entry.staff_id == methodologist.pk and entry.channel == "desk"
    assert entry.detail["copied_from"] == programme.pk
    assert entry.detail["actions"] == 2 and entry.detail["goals"] == 1
    assert "Development" not in str(entry.detail)  # texts stay on the rows


def test_a_programme_starts_from_a_built_in_template(methodologist, network):
    blueprint = blueprints.every()[0]
    found = programmes.start_from_blueprint(
        blueprint.code, network=network, branch=None, starts_on=blueprint.usual_start(date(2026, 12, 1)),
        actor=Actor.for_staff(methodologist), at=AT,
    )
    assert found.blueprint == blueprint.code and found.is_draft
    assert found.directions.exists() and found.actions.exists()
    [entry] = entries(PROGRAMME_CREATED)
    assert entry.detail["blueprint"] == blueprint.code
