"""Progress on an action with evidence: a photo is kept under a random name with the type read
from its content and served with that type; a file of another type is refused with a clear
error and nothing is kept; the monitoring group gets a file only once its update is public."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.planning.errors import PlanningRefused, Reason
from bibliohub.planning.kinds import EVIDENCE_ADDED, PROGRESS_RECORDED
from bibliohub.planning.models import ActionStatus, Evidence, ProgressUpdate
from bibliohub.planning.services import progress
from tests.planning.conftest import AT, PNG, entries, the_action

pytestmark = pytest.mark.django_db



def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_progress_with_a_photo_and_a_link(client, settings, owner, programme, riverside):
    action = the_action(programme)
    client.force_login(owner)
    response = client.post(reverse("staff:planning:progress_new", args=[action.pk]), {
        "on": "2026-11-30", "status": "done", "branch": riverside.pk,
        "note": "The club met twelve times.", "caption": "The last meeting",
        "links": "https://example.org/club-report", "attachments": [SimpleUploadedFile(
            "Club meeting.png", PNG, content_type="application/octet-stream")],
    })
    assert response.status_code == 302
    assert response.url == reverse("staff:planning:action", args=[action.pk])

    update = ProgressUpdate.objects.get(action=action, on=date(2026, 11, 30))
    assert update.status == ActionStatus.DONE and update.branch == riverside
    assert update.author == owner and not update.is_public
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    photo, link = update.evidence.order_by("pk")
    # The type comes from the content, not from what the browser said; the stored name is
    # random, with the extension of the checked type.
    assert (photo.kind, photo.content_type, photo.original_name) == ("photo", "image/png", "Club meeting.png")
    assert photo.file.name.startswith("planning/evidence/2026/") and photo.file.name.endswith(".png")
    assert "Club" not in photo.file.name
    assert (link.kind, link.url, link.caption) == ("link", "https://example.org/club-report", "The last meeting")

    [recorded] = [e for e in entries(PROGRESS_RECORDED) if e.detail["update"] == update.pk]
    assert recorded.branch_id == riverside.pk and recorded.staff_id == owner.pk
    assert (recorded.detail["from"], recorded.detail["to"]) == ("on_track", "done")
    assert recorded.detail["files"] == 1 and recorded.detail["links"] == 1
    assert "twelve" not in str(recorded.detail)
    assert sorted(e.format for e in entries(EVIDENCE_ADDED)) == ["link", "photo"]

    served = client.get(reverse("staff:planning:evidence", args=[photo.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PNG

    page = client.get(reverse("staff:planning:action", args=[action.pk])).content.decode()
    assert "The club met twelve times." in page and "The last meeting" in page


@pytest.mark.parametrize("name, content", [
    ("minutes.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"),
    ("photo.jpg", b"<html><script>alert(1)</script></html>"),
    ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
])
def test_a_file_of_another_type_is_refused_with_a_clear_error(client, settings, owner, programme, name, content):
    action = the_action(programme)
    before = ProgressUpdate.objects.count(), len(entries())
    client.force_login(owner)
    response = client.post(reverse("staff:planning:progress_new", args=[action.pk]), {
        "on": "2026-11-30", "status": "done", "note": "Done",
        "attachments": [SimpleUploadedFile(name, content)],
    })
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{name}: This type of file cannot be attached" in page
    assert 'id="id_attachments_errors"' in page
    # Nothing was kept: no update, no entry, no file, the action as it was.
    assert (ProgressUpdate.objects.count(), len(entries())) == before
    assert not Evidence.objects.exists() and not _stored_files(settings)
    action.refresh_from_db()
    assert action.status == ActionStatus.ON_TRACK


def test_the_service_names_every_file_it_refuses(owner, programme, settings):
    with pytest.raises(PlanningRefused) as refused:
        progress.record_progress(
            the_action(programme), on=date(2026, 11, 30), status=ActionStatus.DONE, language="en",
            files=[
                progress.Upload(name="empty.pdf", content=_file(b""), size=0),
                progress.Upload(name="script.txt.exe", content=_file(b"MZ\x90\x00"), size=4),
            ],
            actor=Actor.for_staff(owner), at=AT,
        )
    assert set(refused.value.reasons) == {Reason.FILE_EMPTY, Reason.FILE_TYPE}
    assert "empty.pdf" in refused.value.message and "script.txt.exe" in refused.value.message
    assert not _stored_files(settings)


def _file(content: bytes):
    from io import BytesIO

    return BytesIO(content)


def test_the_monitoring_group_gets_a_file_once_its_update_is_public(client, owner, monitor, programme):
    action = the_action(programme)
    update = progress.record_progress(
        action, on=date(2026, 11, 30), status=ActionStatus.DONE, language="en",
        files=[progress.Upload(name="club.png", content=_file(PNG), size=len(PNG))],
        actor=Actor.for_staff(owner), at=AT,
    )
    photo = update.evidence.get()
    client.force_login(monitor)
    url = reverse("staff:planning:evidence", args=[photo.pk])
    assert client.get(url).status_code == 403
    assert reverse("staff:planning:evidence", args=[photo.pk]) not in client.get(
        reverse("staff:planning:action", args=[action.pk])).content.decode()

    progress.set_update_public(update, is_public=True, actor=Actor.for_staff(owner), at=AT)
    assert client.get(url).status_code == 200
