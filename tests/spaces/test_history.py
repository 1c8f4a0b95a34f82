"""What the rooms app leaves in the history: room use counted from the daily roll-ups, the
administration saving rooms through the services, and the booking events of before moved
into the history by the migration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.history.rollup import roll_up
from bibliohub.patrons.models import Patron
from bibliohub.spaces import selectors, services
from bibliohub.spaces.errors import BookingRefused
from bibliohub.spaces.models import Feature, Resource
from tests.migrating import before, forward
from tests.spaces.conftest import AT, JOB, local


def test_room_use_comes_from_the_roll_ups(
    reader, second_reader, patron_book, hall, central, riverside, central_librarian
):
    used = patron_book(reader, local(1, 10), local(1, 11))
    patron_book(second_reader, local(1, 11), local(1, 13))  # two hours nobody uses
    with pytest.raises(BookingRefused):
        patron_book(second_reader, local(1, 10, 30), local(1, 11))  # half an hour refused
    services.book(resource=hall, start=local(2, 10), end=local(2, 12), group_name="Choir",
                  actor=Actor.for_staff(central_librarian), at=AT)
    services.check_in(used, actor=Actor.for_staff(central_librarian), at=local(1, 10, 5))
    services.release_unused(actor=JOB, at=local(1, 11, 20))
    roll_up()
    use = selectors.room_use(start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert (use.minutes_booked, use.bookings, use.hours_booked) == (60 + 120 + 120, 3, Decimal("5.0"))
    assert (use.minutes_used, use.minutes_released, use.minutes_refused, use.refusals) == (60, 120, 30, 1)
    assert selectors.room_use(start=date(2026, 12, 1), end=date(2026, 12, 31),
                              branch_ids=[riverside.pk]).minutes_booked == 0


def test_a_patrons_online_booking_makes_them_an_e_service_user(reader, patron_book, central):
    from bibliohub.history import selectors as history
    from bibliohub.history.selectors import E_SERVICE_BITS

    patron_book(reader, local(1, 10), local(1, 11))
    roll_up()
    assert history.distinct_users(start=date(2026, 12, 1), end=date(2026, 12, 31),
                                  network_id=central.network_id, channels=E_SERVICE_BITS) == 1


@pytest.fixture
def admin_client(client, admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    return client


def test_a_room_saved_in_the_administration_goes_through_the_service(
    admin_client, admin_user, study_room
):
    screen = Feature.objects.create(code="loop", name="Hearing loop")
    url = reverse("admin:spaces_resource_change", args=[study_room.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "features"}
    data.update({"name": "Quiet study room", "names": "{}", "features": [screen.pk],
                 "photo": "", "branch": study_room.branch_id})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    study_room.refresh_from_db()
    assert study_room.name == "Quiet study room"
    assert list(study_room.features.values_list("code", flat=True)) == ["loop"]
    entry = Entry.objects.get(domain="spaces", kind="room_changed")
    assert (entry.channel, entry.staff_id, entry.object_id) == (Channel.ADMIN, admin_user.pk, study_room.pk)
    assert entry.detail == {"fields": ["name", "names", "features"]}


def test_a_feature_added_in_the_administration_is_in_the_history(admin_client, admin_user):
    response = admin_client.post(reverse("admin:spaces_feature_add"),
                                 {"code": "screen", "name": "Wall screen", "names": "{}"})
    assert response.status_code == 302
    entry = Entry.objects.get(domain="spaces", kind="feature_saved")
    assert (entry.channel, entry.staff_id) == (Channel.ADMIN, admin_user.pk)
    assert entry.detail["code"] == "screen" and entry.detail["created"] is True


def test_bookings_are_only_shown_in_the_administration(admin_client, reader, patron_book):
    booking = patron_book(reader, local(1, 10), local(1, 11))
    assert admin_client.get(reverse("admin:spaces_booking_add")).status_code == 403
    assert admin_client.get(reverse("admin:spaces_booking_change", args=[booking.pk])).status_code == 200
    assert admin_client.post(reverse("admin:spaces_booking_delete", args=[booking.pk]),
                             {"post": "yes"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_every_booking_event_into_the_history(
    reader, study_room, central, central_librarian
):
    Patron.objects.filter(pk=reader.pk).update(date_of_birth=date(1990, 6, 1))
    Entry.objects.all().delete()  # what the fixtures recorded: only the copied rows are looked at
    with before("spaces", "0003_setup_events") as apps:
        Booking = apps.get_model("spaces", "Booking")
        BookingEvent = apps.get_model("spaces", "BookingEvent")
        booking = Booking.objects.create(
            resource_id=study_room.pk, start=local(2, 10), end=local(2, 11), status="released",
            patron_id=reader.pk, created_at=AT,
        )
        common = {"resource_id": study_room.pk, "branch_id": central.pk}
        rows = [
            BookingEvent(kind="booked", at=AT, booking_id=booking.pk, patron_id=reader.pk,
                         minutes=60, **common),
            BookingEvent(kind="refused", at=AT, patron_id=reader.pk, minutes=0,
                         detail={"reasons": ["conflict"], "start": local(2, 10).isoformat(),
                                 "end": local(2, 11, 30).isoformat()}, **common),
            BookingEvent(kind="declined", at=AT, booking_id=booking.pk, staff_id=central_librarian.pk,
                         patron_id=reader.pk, minutes=60, detail={"note": "Painting the walls"},
                         **common),
            BookingEvent(kind="released", at=local(2, 10, 20), booking_id=booking.pk,
                         patron_id=reader.pk, minutes=60, **common),
            BookingEvent(kind="room_changed", at=AT, staff_id=central_librarian.pk,
                         detail={"fields": ["created"]}, **common),
        ]
        BookingEvent.objects.bulk_create(rows)
        forward()
        entries = list(Entry.objects.filter(domain="spaces").order_by("pk"))
    assert [e.kind for e in entries] == ["booked", "refused", "declined", "released", "room_changed"]
    booked, refused, declined, released, room = entries
    assert (booked.channel, booked.actor, booked.patron_id, booked.age) == ("online", "patron", reader.pk, 36)
    assert (booked.amount, booked.object_type, booked.object_id) == (60, "spaces.booking", booking.pk)
    assert (booked.network_id, booked.branch_id, booked.category_id) == (
        central.network_id, central.pk, reader.category_id)
    assert booked.pseudonym and booked.day == date(2026, 12, 1)
    assert (refused.reasons, refused.amount, refused.object_type) == (["conflict"], 90, "spaces.resource")
    assert "reasons" not in refused.detail
    assert (declined.channel, declined.staff_id, declined.detail) == ("desk", central_librarian.pk, {})
    assert (released.channel, released.actor, released.source) == ("job", "job", "rooms")
    assert (room.channel, room.actor, room.amount, room.object_id) == ("desk", "staff", None, study_room.pk)
    assert released.at == local(2, 10, 20)
    assert Resource.objects.filter(pk=study_room.pk).exists()
