"""The demo rooms and equipment load once, in every language, with bookings that fit."""

from __future__ import annotations

from bibliohub.spaces.demo import load_demo_spaces
from bibliohub.spaces.models import Booking, BookingRule, Equipment, Resource, Room
from tests.spaces.conftest import AT


def test_demo_spaces_load_once_with_rules_and_group_bookings(network, central, riverside, admin_user):
    added = load_demo_spaces(network, at=AT)
    assert Room.objects.filter(branch=central).count() == 4
    assert Equipment.objects.filter(branch=central).count() == 4
    assert Resource.objects.filter(branch=riverside).count() == 4
    assert BookingRule.objects.filter(resource_type__code="study").get().max_minutes == 120
    assert all(r.names.get("vi") for r in Resource.objects.all())
    bookings = list(Booking.objects.all())
    assert len(bookings) == 4 and all(b.group_name and b.start > AT for b in bookings)
    assert any(a.startswith("booking ") for a in added)
    assert load_demo_spaces(network, at=AT) == []
    assert Booking.objects.count() == 4


def test_each_demo_group_is_named_in_its_own_language(network, central, riverside, admin_user):
    load_demo_spaces(network, at=AT)
    names = dict(Booking.objects.values_list("language", "group_name"))
    assert names["uk"] == "Група підтримки українських родин"
    assert names["pl"] == "Korepetycje z matematyki dla licealistów"
    assert names["vi"].startswith("Câu lạc bộ")
