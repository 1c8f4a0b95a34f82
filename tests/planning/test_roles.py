"""Who plans: the methodologist (with administrators and network managers) every programme; a
branch librarian her branch's, and her part of a network action carried out at her branch; the
monitoring group is not staff."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bibliohub.accounts import access
from bibliohub.accounts.models import Role, User
from bibliohub.libraries.models import Branch
from bibliohub.planning.models import ActionStatus, ProgressUpdate
from tests.planning.conftest import the_action

pytestmark = pytest.mark.django_db


def test_the_methodologist_edits_every_programme_and_is_staff(client, methodologist, programme, riverside_programme):
    assert access.is_staff_user(methodologist) and not access.is_monitor(methodologist)
    for found in (programme, riverside_programme):
        assert access.can_edit_programme(methodologist, branch_id=found.branch_id)
    client.force_login(methodologist)
    assert client.get(reverse("staff:home")).status_code == 200
    page = client.get(reverse("staff:planning:programme", args=[riverside_programme.pk])).content.decode()
    assert "Edit the programme" in page


def test_the_monitoring_role_is_not_staff(monitor):
    assert not access.is_staff_user(monitor) and access.is_monitor(monitor)
    assert access.can_view_plans(monitor) and not access.can_see_personal_data(monitor)
    assert not access.can_create_programmes(monitor)
    assert not access.can_edit_programme(monitor, branch_id=None)


def test_a_branch_librarian_plans_for_her_branch_only(
    client, riverside_librarian, programme, riverside_programme
):
    assert access.can_edit_programme(riverside_librarian, branch_id=riverside_programme.branch_id)
    assert not access.can_edit_programme(riverside_librarian, branch_id=None)
    client.force_login(riverside_librarian)
    assert client.post(reverse("staff:planning:programme_edit", args=[programme.pk]),
                       {"title": "Mine"}).status_code == 403

    # The network's action is carried out at Riverside too: she reports Riverside's part.
    action = the_action(programme)
    response = client.post(reverse("staff:planning:progress_new", args=[action.pk]), {
        "on": "2026-11-30", "status": "on_track", "branch": riverside_programme.branch_id,
        "note": "Riverside's group met twice.",
    })
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=action, on=date(2026, 11, 30))
    assert update.branch_id == riverside_programme.branch_id and update.status == ActionStatus.ON_TRACK


def test_a_librarian_of_another_branch_reads_but_does_not_report(client, network, programme):
    school = Branch.objects.create(network=network, code="school", name="School library")
    librarian = User.objects.create_user(username="wei", password="x", role=Role.BRANCH_LIBRARIAN)
    librarian.branches.set([school])
    client.force_login(librarian)
    action = the_action(programme)
    assert client.get(reverse("staff:planning:action", args=[action.pk])).status_code == 200
    assert client.post(reverse("staff:planning:progress_new", args=[action.pk]),
                       {"on": "2026-11-30", "status": "done", "note": "x"}).status_code == 403
