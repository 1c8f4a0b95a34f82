"""The OPAC pages and the staff screens: wiring, permissions, status codes and how refusals
show; the rules themselves are tested in test_booking."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.spaces import services
from bibliohub.spaces.models import Booking, BookingStatus
from tests.spaces.conftest import AT, local

pytestmark = pytest.mark.usefixtures("clock")


def test_the_rooms_page_lists_what_patrons_can_book(client, study_room, hall, laptop):
    page = client.get(reverse("spaces:index")).content.decode()
    assert "Study room 1" in page and "Laptop 1" in page
    assert "Events hall" not in page


def test_the_day_view_is_a_table_of_slots_with_the_booked_ones_marked(client, study_room, reader):
    services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT)
    response = client.get(reverse("spaces:resource", args=[study_room.pk]), {"date": "2026-12-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<table>" in page and "09:30–10:00" in page
    rows = page.split("<tr>")
    assert any("10:00–10:30" in r and "Booked" in r for r in rows)
    assert any("11:00–11:30" in r and "Free" in r for r in rows)
    assert "Sign in to book" in page


def test_the_day_view_says_when_the_library_is_closed(client, study_room):
    page = client.get(reverse("spaces:resource", args=[study_room.pk]), {"date": "2026-12-06"})
    assert "The library is closed this day." in page.content.decode()


def test_staff_only_rooms_have_no_public_page(client, hall):
    assert client.get(reverse("spaces:resource", args=[hall.pk])).status_code == 404


def test_booking_asks_a_visitor_to_sign_in_first(client, study_room):
    response = client.get(reverse("spaces:book", args=[study_room.pk]), {"start": local(1, 10).isoformat()})
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:sign-in"))


def test_a_signed_in_patron_books_a_free_slot(client, study_room, reader, sign_in_patron):
    sign_in_patron(reader)
    day = client.get(reverse("spaces:resource", args=[study_room.pk]), {"date": "2026-12-01"})
    assert reverse("spaces:book", args=[study_room.pk]) in day.content.decode()
    form = client.get(reverse("spaces:book", args=[study_room.pk]), {"start": local(1, 10).isoformat()})
    assert form.status_code == 200 and "2 h" in form.content.decode()
    response = client.post(reverse("spaces:book", args=[study_room.pk]),
                           {"start": local(1, 10).isoformat(), "minutes": 90})
    assert response.status_code == 302 and response["Location"] == reverse("spaces:mine")
    booking = Booking.objects.get()
    assert (booking.patron, booking.start, booking.end) == (reader, local(1, 10), local(1, 11, 30))
    assert "Study room 1" in client.get(reverse("spaces:mine")).content.decode()


def test_the_booking_form_shows_no_errors_before_it_is_sent(client, study_room, reader, sign_in_patron):
    sign_in_patron(reader)
    response = client.get(reverse("spaces:book", args=[study_room.pk]), {"start": local(1, 10).isoformat()})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." not in page and "errorlist" not in page
    # The slot chosen is still what the form sends.
    assert f'value="{local(1, 10).isoformat()}"' in page


def test_a_refused_booking_shows_the_reasons(client, study_room, reader, second_reader, sign_in_patron):
    services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=second_reader, actor=Actor.for_patron(second_reader), at=AT)
    sign_in_patron(reader)
    response = client.post(reverse("spaces:book", args=[study_room.pk]),
                           {"start": local(1, 10).isoformat(), "minutes": 60}, follow=True)
    assert "Someone has already booked this time." in response.content.decode()
    assert Booking.objects.count() == 1


def test_the_booking_pages_speak_vietnamese(client, study_room, reader, sign_in_patron):
    sign_in_patron(reader)
    client.cookies["bibliohub_language"] = "vi"
    page = client.get(reverse("spaces:resource", args=[study_room.pk]), {"date": "2026-12-01"})
    assert page.content.decode().count('lang="vi"') >= 1
    assert "Phòng học 1" in page.content.decode()


def test_a_patron_cancels_their_booking_but_not_anothers(client, study_room, reader, second_reader,
                                                         sign_in_patron):
    mine = services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT)
    theirs = services.book(resource=study_room, start=local(1, 12), end=local(1, 13), patron=second_reader,
                           actor=Actor.for_patron(second_reader), at=AT)
    sign_in_patron(reader)
    assert client.post(reverse("spaces:cancel", args=[theirs.pk])).status_code == 404
    client.post(reverse("spaces:cancel", args=[mine.pk]))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (BookingStatus.CANCELLED, BookingStatus.CONFIRMED)


def test_staff_screens_need_a_staff_login(client):
    assert client.get(reverse("staff:spaces:bookings")).status_code == 302


def test_staff_see_only_their_branches_bookings(client, study_room, riverside_room, reader,
                                                riverside_librarian):
    services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT)
    services.book(resource=riverside_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT)
    client.force_login(riverside_librarian)
    page = client.get(reverse("staff:spaces:bookings")).content.decode()
    assert "Riverside study room" in page and "Study room 1" not in page


def test_staff_cannot_act_on_another_branchs_booking(client, study_room, reader, riverside_librarian):
    booking = services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT)
    client.force_login(riverside_librarian)
    assert client.post(reverse("staff:spaces:act", args=[booking.pk, "cancel"])).status_code == 403
    assert client.get(reverse("staff:spaces:book", args=[study_room.pk])).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_staff_approve_and_check_in_from_the_list(client, study_room, study_rule, reader, central_librarian,
                                                  clock):
    study_rule.needs_approval = True
    study_rule.save()
    booking = services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT)
    client.force_login(central_librarian)
    page = client.get(reverse("staff:spaces:bookings")).content.decode()
    assert "1 request waiting for approval" in page
    client.post(reverse("staff:spaces:act", args=[booking.pk, "approve"]))
    clock.move_to(local(1, 10, 2))
    client.post(reverse("staff:spaces:act", args=[booking.pk, "check-in"]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN


def test_staff_book_for_a_patron_by_card(client, study_room, reader, central_librarian):
    client.force_login(central_librarian)
    response = client.post(reverse("staff:spaces:book", args=[study_room.pk]),
                           {"day": "2026-12-02", "start": "10:00", "end": "11:00", "card": "P0001"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.patron == reader and booking.booked_by == central_librarian


def test_staff_book_for_a_group_and_see_refusals_they_may_override(client, study_room, central_librarian):
    client.force_login(central_librarian)
    data = {"day": "2026-12-02", "start": "10:00", "end": "13:00", "group_name": "Reading circle"}
    page = client.post(reverse("staff:spaces:book", args=[study_room.pk]), data).content.decode()
    assert "This is longer than the longest booking allowed." in page
    assert "Tick the box below to book anyway." in page
    assert client.post(reverse("staff:spaces:book", args=[study_room.pk]),
                       {**data, "override": "on"}).status_code == 302
    assert Booking.objects.get().group_name == "Reading circle"


def test_an_unknown_card_is_an_error_on_the_form(client, study_room, central_librarian):
    client.force_login(central_librarian)
    page = client.post(reverse("staff:spaces:book", args=[study_room.pk]),
                       {"day": "2026-12-02", "start": "10:00", "end": "11:00", "card": "NOPE"})
    assert "No patron has this card number." in page.content.decode()


def test_the_staff_day_view_shows_every_room_in_a_few_queries(
    client, study_room, second_study_room, hall, laptop, reader, central_librarian,
    django_assert_max_num_queries,
):
    services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT)
    client.force_login(central_librarian)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("staff:spaces:day"), {"branch": "central", "date": "2026-12-01"})
    text = page.content.decode()
    assert all(name in text for name in ("Study room 1", "Study room 2", "Events hall", "Laptop 1"))
    assert "Kovalenko, Test" in text


def test_bookings_export_as_csv_and_xlsx(client, study_room, reader, central_librarian):
    services.book(resource=study_room, start=local(1, 10), end=local(1, 11), patron=reader, actor=Actor.for_patron(reader), at=AT,
                  purpose="=cmd")
    client.force_login(central_librarian)
    response = client.get(reverse("staff:spaces:bookings"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Branch", "Room or equipment", "Date"]
    assert rows[1][1] == "Study room 1" and rows[1][3] == "10:00" and rows[1][8] == "P0001"
    assert rows[1][11] == "'=cmd"

    from openpyxl import load_workbook

    response = client.get(reverse("staff:spaces:bookings"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][1] == "Room or equipment" and values[1][1] == "Study room 1" and values[1][5] == 60
