"""Staff set up the rooms and equipment of their own branches, with names in each language
and, when needed, rules of their own; every change leaves a history entry."""

from __future__ import annotations

from django.urls import reverse

from bibliohub.history import Channel
from bibliohub.history.models import Entry
from bibliohub.spaces.models import BookingRule, Resource
from bibliohub.spaces.rules import rule_for


def _room_data(branch, **extra):
    return {"branch": branch.pk, "kind": "room", "code": "reading", "name": "Reading room",
            "name_vi": "Phòng đọc", "capacity": 10, "is_public": "on", "is_active": "on",
            "sort_order": 0, "accessibility": "Step-free.", **extra}


def test_a_librarian_adds_a_room_with_its_vietnamese_name(client, central, central_librarian):
    client.force_login(central_librarian)
    assert client.get(reverse("staff:spaces:resource_add")).status_code == 200
    response = client.post(reverse("staff:spaces:resource_add"), _room_data(central))
    assert response.status_code == 302
    room = Resource.objects.get(code="reading")
    assert room.names == {"vi": "Phòng đọc"} and room.capacity == 10 and room.branch == central
    entry = Entry.objects.get(domain="spaces")
    assert (entry.kind, entry.staff_id, entry.channel, entry.branch_id, entry.detail) == (
        "room_changed", central_librarian.pk, Channel.DESK, central.pk, {"fields": ["created"]})


def test_a_room_gets_rules_of_its_own_and_loses_them_again(client, study_room, study_rule, central_librarian):
    client.force_login(central_librarian)
    url = reverse("staff:spaces:resource_edit", args=[study_room.pk])
    data = _room_data(study_room.branch, code="study-1", name="Study room 1", resource_type=study_room.resource_type_id,
                      own_rule="on", **{"rule-slot_minutes": 15, "rule-max_minutes": 60, "rule-max_days_ahead": 7,
                                        "rule-buffer_minutes": 0, "rule-reminder_hours": 2})
    assert client.post(url, data).status_code == 302
    assert rule_for(study_room).max_minutes == 60
    data.pop("own_rule")
    assert client.post(url, data).status_code == 302
    assert rule_for(study_room) == study_rule
    assert not BookingRule.objects.filter(resource=study_room).exists()
    assert [e.kind for e in Entry.objects.filter(domain="spaces").order_by("pk")] == [
        "room_changed", "rule_changed", "room_changed", "rule_changed"]


def test_librarians_cannot_touch_another_branchs_rooms(client, study_room, riverside, riverside_librarian):
    client.force_login(riverside_librarian)
    assert client.get(reverse("staff:spaces:resource_edit", args=[study_room.pk])).status_code == 403
    page = client.get(reverse("staff:spaces:resources")).content.decode()
    assert "Study room 1" not in page
    # Nor move a room of theirs into a branch they do not work for.
    response = client.post(reverse("staff:spaces:resource_add"), _room_data(study_room.branch))
    assert response.status_code == 200 and not Resource.objects.filter(code="reading").exists()


def test_a_code_is_unique_within_its_branch(client, study_room, central_librarian):
    client.force_login(central_librarian)
    response = client.post(reverse("staff:spaces:resource_add"),
                           _room_data(study_room.branch, code="study-1"))
    assert response.status_code == 200
    assert Resource.objects.filter(code="study-1").count() == 1
