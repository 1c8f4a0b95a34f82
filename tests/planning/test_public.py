"""The public site shows the published programmes only, with their progress and the updates
staff made public, and names nobody."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.models import ActionStatus
from bibliohub.planning.services import programmes, progress
from tests.planning.conftest import AT, OWNER_NAME, PNG, STAFF_NOTE, the_action

pytestmark = pytest.mark.django_db


def test_the_public_page_lists_only_published_programmes(client, programme, draft, riverside_programme):
    response = client.get(reverse("plans:list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Development programme 2026" in page
    assert "Draft programme 2027" not in page and "Riverside plan 2026" not in page
    assert "0 of 1 actions done" in page

    assert client.get(reverse("plans:programme", args=[programme.pk])).status_code == 200
    for hidden in (draft, riverside_programme):
        assert client.get(reverse("plans:programme", args=[hidden.pk])).status_code == 404


def test_a_programme_taken_off_the_site_is_gone(client, methodologist, programme):
    programmes.set_published(programme, published=False, actor=Actor.for_staff(methodologist), at=AT)
    assert "Development programme 2026" not in client.get(reverse("plans:list")).content.decode()
    assert client.get(reverse("plans:programme", args=[programme.pk])).status_code == 404


def test_a_draft_cannot_be_published(methodologist, draft):
    with pytest.raises(PlanningRefused) as refused:
        programmes.set_published(draft, published=True, actor=Actor.for_staff(methodologist), at=AT)
    assert refused.value.reasons == [Reason.NOT_ADOPTED]


def test_the_public_page_shows_public_updates_and_names_nobody(client, owner, programme):
    action = the_action(programme)
    public = progress.record_progress(
        action, on=date(2026, 11, 30), status=ActionStatus.ON_TRACK, language="en", is_public=True,
        note="Twenty teenagers came to the November meeting.",
        files=[progress.Upload(name="meeting.png", content=BytesIO(PNG), size=len(PNG))],
        actor=Actor.for_staff(owner), at=AT,
    )
    private = progress.record_progress(
        action, on=date(2026, 12, 1), status=ActionStatus.ON_TRACK, language="en",
        files=[progress.Upload(name="faces.png", content=BytesIO(PNG), size=len(PNG))],
        actor=Actor.for_staff(owner), at=AT,
    )
    page = client.get(reverse("plans:programme", args=[programme.pk])).content.decode()
    assert "A reading club for teenagers" in page and "Twenty regular members" in page
    assert "Twenty teenagers came to the November meeting." in page
    assert STAFF_NOTE not in page
    for word in (OWNER_NAME, *OWNER_NAME.split(), "olena"):
        assert word not in page

    photo = public.evidence.get()
    url = reverse("plans:evidence", args=[programme.pk, photo.pk])
    assert url in page
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    hidden = reverse("plans:evidence", args=[programme.pk, private.evidence.get().pk])
    assert hidden not in page
    assert client.get(hidden).status_code == 404
