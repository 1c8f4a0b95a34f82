"""The monitoring group (people outside the staff) reads programmes, their indicators and
summaries, and nothing else: never a draft, never who did what or a staff-only note, and it
writes nothing; the staff screens refuse it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from bibliohub.history.models import Entry
from bibliohub.planning.models import Programme
from tests.planning.conftest import OWNER_NAME, STAFF_NOTE, the_action

pytestmark = pytest.mark.django_db


def _no_personal_data(text: str) -> None:
    for word in (OWNER_NAME, *OWNER_NAME.split(), "olena", STAFF_NOTE, "recorded by"):
        assert word not in text


def test_the_monitoring_group_reads_the_programmes_and_their_summaries(
    client, monitor, programme, draft, riverside_programme
):
    client.force_login(monitor)
    response = client.get(reverse("staff:planning:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Development programme 2026" in page
    assert "Riverside plan 2026" in page  # no branches listed on the account: every branch
    assert "0 of 1 done" in page
    assert "Draft programme 2027" not in page
    assert "Start a programme" not in page

    page = client.get(reverse("staff:planning:programme", args=[programme.pk])).content.decode()
    assert "A reading club for teenagers" in page
    assert "0 of 1 actions done" in page
    assert "Edit the programme" not in page and "Add a strategic direction" not in page
    assert "Copy for next year" not in page
    _no_personal_data(page)

    action = the_action(programme)
    response = client.get(reverse("staff:planning:action", args=[action.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "On track" in page  # the staff-only update still says how it stands
    assert "Record progress" not in page
    _no_personal_data(page)

    spreadsheet = client.get(reverse("staff:planning:actions_download", args=[programme.pk, "csv"]))
    text = b"".join(spreadsheet.streaming_content).decode() if spreadsheet.streaming else spreadsheet.content.decode()
    assert "A reading club for teenagers" in text
    assert "Responsible" not in text
    _no_personal_data(text)


def test_staff_see_who_is_responsible_and_the_staff_only_note(client, methodologist, programme):
    client.force_login(methodologist)
    page = client.get(reverse("staff:planning:action", args=[the_action(programme).pk])).content.decode()
    assert OWNER_NAME in page and STAFF_NOTE in page


def test_the_monitoring_group_never_reads_a_draft(client, monitor, draft):
    client.force_login(monitor)
    assert client.get(reverse("staff:planning:programme", args=[draft.pk])).status_code == 403


def test_a_member_for_one_branch_reads_the_network_s_and_that_branch_s_programmes_only(
    client, monitor, central, programme, riverside_programme
):
    monitor.branches.set([central])
    client.force_login(monitor)
    page = client.get(reverse("staff:planning:list")).content.decode()
    assert "Development programme 2026" in page and "Riverside plan 2026" not in page
    assert client.get(reverse("staff:planning:programme", args=[riverside_programme.pk])).status_code == 403


def test_the_monitoring_group_writes_nothing(client, monitor, programme, central):
    client.force_login(monitor)
    action = the_action(programme)
    goal = action.goal
    before = Entry.objects.count()
    posts = [
        (reverse("staff:planning:programme_new"), {"how": "blank", "blank-title": "Mine"}),
        (reverse("staff:planning:programme_edit", args=[programme.pk]), {"title": "Changed"}),
        (reverse("staff:planning:programme_status", args=[programme.pk]), {"status": "closed"}),
        (reverse("staff:planning:programme_publish", args=[programme.pk]), {"published": "0"}),
        (reverse("staff:planning:programme_copy", args=[programme.pk]), {}),
        (reverse("staff:planning:programme_delete", args=[programme.pk]), {}),
        (reverse("staff:planning:goal_new", args=[goal.direction_id]), {"title": "Mine"}),
        (reverse("staff:planning:action_new", args=[goal.pk]), {"title": "Mine"}),
        (reverse("staff:planning:action_edit", args=[action.pk]), {"title": "Mine"}),
        (reverse("staff:planning:progress_new", args=[action.pk]), {"quick": "1", "status": "done"}),
        (reverse("staff:planning:swot_new"), {"year": "2026"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Entry.objects.count() == before
    programme.refresh_from_db()
    assert programme.title == "Development programme 2026" and programme.is_published
    assert Programme.objects.count() == 1


def test_the_staff_screens_refuse_the_monitoring_group(client, monitor):
    client.force_login(monitor)
    # Signing in leads to the programmes, the only pages of the role.
    assert client.get(reverse("staff:home")).url == reverse("staff:planning:list")
    for name in ("staff:patrons:search", "staff:history:all", "staff:circulation:home",
                 "staff:catalog:search"):
        assert client.get(reverse(name)).status_code == 403, name
    page = client.get(reverse("staff:planning:list")).content.decode()
    assert reverse("staff:patrons:search") not in page
    assert reverse("staff:history:all") not in page


def test_visitors_and_patrons_are_sent_to_log_in(client, programme):
    response = client.get(reverse("staff:planning:programme", args=[programme.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url
