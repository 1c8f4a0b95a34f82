"""Series stored as real dates: the rule, one date moved or cancelled on its own, and the
room each date books."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bibliohub.history import Actor
from bibliohub.programs import kinds as K
from bibliohub.programs import services
from bibliohub.programs.errors import ProgramRefused, Reason, RegistrationRefused
from bibliohub.programs.models import OccurrenceStatus, RegistrationStatus
from bibliohub.spaces.models import Booking, BookingRule, Room
from tests.programs.conftest import AT, KYIV, entries_about


def local_starts(event) -> list[str]:
    return [f"{timezone.localtime(o.starts_at, KYIV):%Y-%m-%d %H:%M}" for o in event.occurrences.all()]


def test_a_weekly_series_becomes_one_date_a_week_at_the_same_local_time_across_summer_time(make_event):
    # Kyiv moves to summer time on Sunday 28 March 2027.
    event = make_event(start=datetime(2027, 3, 20, 11, 0, tzinfo=KYIV), recurrence="FREQ=WEEKLY;COUNT=3")
    assert local_starts(event) == ["2027-03-20 11:00", "2027-03-27 11:00", "2027-04-03 11:00"]
    assert all(o.ends_at - o.starts_at == timedelta(minutes=45) for o in event.occurrences.all())


def test_a_monthly_book_club_on_the_first_thursday(make_event):
    event = make_event(start=datetime(2027, 1, 7, 18, 0, tzinfo=KYIV),
                       recurrence="RRULE:FREQ=MONTHLY;BYDAY=1TH;COUNT=3")
    assert local_starts(event) == ["2027-01-07 18:00", "2027-02-04 18:00", "2027-03-04 18:00"]


@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "DTSTART:20270101T000000\nRRULE:FREQ=DAILY", "COUNT=3"])
def test_a_rule_that_cannot_be_read_is_refused_and_nothing_is_created(make_event, rule):
    with pytest.raises(ProgramRefused) as refused:
        make_event(recurrence=rule)
    assert refused.value.reasons == [Reason.BAD_RECURRENCE]
    from bibliohub.programs.models import Event

    assert not Event.objects.exists()


def test_an_open_ended_rule_stops_after_two_years(make_event):
    event = make_event(recurrence="FREQ=WEEKLY")
    assert 100 < event.occurrences.count() <= 105


def test_moving_one_date_leaves_the_others_and_tells_its_registrants(
    story_time, register_guest, central_librarian, django_capture_on_commit_callbacks
):
    second = story_time.occurrences.all()[1]
    anna = register_guest(second, "Anna A")
    register_guest(story_time.occurrences.first(), "Borys B")
    mail.outbox.clear()
    new_start = second.starts_at + timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.change_occurrence(second, starts_at=new_start, ends_at=new_start + timedelta(hours=1),
                                   note="Moved to the afternoon", actor=Actor.for_staff(central_librarian), at=AT)
    assert local_starts(story_time) == ["2026-12-12 11:00", "2026-12-19 14:00", "2026-12-26 11:00", "2027-01-02 11:00"]
    second.refresh_from_db()
    assert second.changed and second.sequence == 1 and second.note == "Moved to the afternoon"
    assert [m.to for m in mail.outbox] == [[anna.contact_email]]
    anna.refresh_from_db()
    assert anna.status == RegistrationStatus.CONFIRMED


def test_cancelling_one_date_cancels_its_registrations_only(
    story_time, register_guest, central_librarian, django_capture_on_commit_callbacks
):
    first, second = story_time.occurrences.all()[:2]
    on_first = register_guest(first, "Anna A")
    on_second = register_guest(second, "Anna A")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_occurrence(first, note="The heating is broken", actor=Actor.for_staff(central_librarian), at=AT)
    first.refresh_from_db()
    on_first.refresh_from_db()
    on_second.refresh_from_db()
    assert first.status == OccurrenceStatus.CANCELLED and first.sequence == 1
    assert on_first.status == RegistrationStatus.CANCELLED
    [cancelled] = entries_about(on_first, K.CANCELLED.code)
    assert (cancelled.staff_id, cancelled.detail) == (
        central_librarian.pk, {"occurrence": first.pk, "date_cancelled": True})
    assert entries_about(first, K.DATE_CANCELLED.code)[0].detail == {"registrations_cancelled": 1}
    assert on_second.status == RegistrationStatus.CONFIRMED
    assert len(mail.outbox) == 1 and "The heating is broken" in mail.outbox[0].body
    assert story_time.occurrences.filter(status=OccurrenceStatus.SCHEDULED).count() == 3
    with pytest.raises(RegistrationRefused) as refused:
        register_guest(first, "Borys B")
    assert Reason.CANCELLED in refused.value.reasons


@pytest.fixture
def hall(central) -> Room:
    room = Room.objects.create(branch=central, code="hall", name="Events hall", capacity=60, is_public=False)
    BookingRule.objects.create(resource=room, slot_minutes=15, max_minutes=480, max_days_ahead=365)
    return room


def test_each_date_of_a_series_books_its_room_and_a_cancelled_date_frees_it(make_event, hall, central_librarian):
    event = make_event(room=hall)
    bookings = Booking.objects.filter(resource=hall).exclude(status="cancelled")
    assert sorted(bookings.values_list("occurrence_id", flat=True)) == sorted(event.occurrences.values_list("pk", flat=True))
    first = event.occurrences.first()
    services.cancel_occurrence(first, note="", actor=Actor.for_staff(central_librarian), at=AT)
    assert not bookings.filter(occurrence_id=first.pk).exists()


def test_an_event_whose_room_is_taken_is_not_created(make_event, hall):
    make_event(room=hall, recurrence="")
    with pytest.raises(ProgramRefused) as refused:
        make_event(room=hall, recurrence="FREQ=WEEKLY;COUNT=2", title="Chess club")
    assert refused.value.reasons == [Reason.ROOM_TAKEN]
    from bibliohub.programs.models import Event

    assert list(Event.objects.values_list("title", flat=True)) == ["Story time"]


def test_moving_a_date_outside_opening_hours_is_refused_and_nothing_changes(make_event, hall, central_librarian):
    event = make_event(room=hall, recurrence="")
    occurrence = event.occurrences.get()
    late = occurrence.starts_at.replace(hour=21)
    with pytest.raises(ProgramRefused):
        services.change_occurrence(occurrence, starts_at=late, ends_at=late + timedelta(hours=1), note="",
                                   actor=Actor.for_staff(central_librarian), at=AT)
    occurrence.refresh_from_db()
    assert timezone.localtime(occurrence.starts_at, KYIV).hour == 11 and occurrence.sequence == 0


def test_editing_an_event_moves_its_coming_dates_to_the_new_room_and_refreshes_feeds(
    make_event, hall, central, central_librarian
):
    from dataclasses import replace

    from tests.programs.conftest import story_time_details

    event = make_event(room=hall)
    first = event.occurrences.first()
    garden = Room.objects.create(branch=central, code="garden", name="Reading garden", capacity=30)
    BookingRule.objects.create(resource=garden, slot_minutes=15, max_minutes=480, max_days_ahead=365)
    details = replace(story_time_details(), room=garden, title="Story time in the garden",
                      audiences=["0-5", "6-11"])
    # Edited after the first date: only the three still to come move.
    services.update_event(event, details, actor=Actor.for_staff(central_librarian), at=first.ends_at)
    event.refresh_from_db()
    assert event.title == "Story time in the garden" and sorted(event.audience_bands) == ["0-5", "6-11"]
    active = Booking.objects.exclude(status="cancelled")
    assert active.filter(resource=hall).count() == 1  # the date already past stays where it was
    assert active.filter(resource=garden).count() == 3
    assert list(event.occurrences.values_list("sequence", flat=True)) == [0, 1, 1, 1]
