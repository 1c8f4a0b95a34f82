"""Booking through the services: conflicts, buffers, limits, opening hours and closures,
staff bookings and overrides, equipment; each with its history entry."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bibliohub.history import Actor, Channel
from bibliohub.libraries.models import CalendarException
from bibliohub.patrons.models import Block
from bibliohub.spaces import kinds, services
from bibliohub.spaces.errors import BookingReason as R
from bibliohub.spaces.errors import BookingRefused
from bibliohub.spaces.models import BookingRule, BookingStatus
from tests.spaces.conftest import AT, events, local


def refused(call) -> list[R]:
    with pytest.raises(BookingRefused) as caught:
        call()
    return caught.value.reasons


def test_a_patron_books_a_free_study_room_and_it_is_confirmed(reader, patron_book, study_room):
    booking = patron_book(reader, local(1, 10), local(1, 11))
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.resource == study_room and booking.patron == reader
    [entry] = events()
    assert (entry.kind, entry.amount, entry.patron_id, entry.branch_id) == (
        kinds.BOOKED.code, 60, reader.pk, study_room.branch_id)
    assert (entry.channel, entry.actor, entry.object_type, entry.object_id) == (
        Channel.ONLINE, "patron", "spaces.booking", booking.pk)
    assert entry.category_id == reader.category_id and entry.network_id == study_room.branch.network_id


def test_an_overlapping_booking_is_refused_and_the_refusal_recorded(reader, second_reader, patron_book):
    patron_book(reader, local(1, 10), local(1, 11))
    assert refused(lambda: patron_book(second_reader, local(1, 10, 30), local(1, 11, 30))) == [R.CONFLICT]
    refusal = events(kinds.REFUSED)[0]
    assert refusal.patron_id == second_reader.pk and refusal.reasons == ["conflict"]
    assert refusal.amount == 60  # the minutes asked for: demand that was not met


def test_back_to_back_bookings_fit_when_the_rule_asks_for_no_gap(reader, second_reader, patron_book):
    patron_book(reader, local(1, 10), local(1, 11))
    assert patron_book(second_reader, local(1, 11), local(1, 12)).status == BookingStatus.CONFIRMED


def test_the_gap_between_bookings_keeps_the_next_booking_away(hall, central_librarian):
    services.book(resource=hall, start=local(2, 10), end=local(2, 12), group_name="Chess club",
                  actor=Actor.for_staff(central_librarian), at=AT)
    too_close = lambda: services.book(resource=hall, start=local(2, 12, 15), end=local(2, 13),  # noqa: E731
                                      group_name="Choir", actor=Actor.for_staff(central_librarian), at=AT)
    assert refused(too_close) == [R.CONFLICT]
    before = lambda: services.book(resource=hall, start=local(2, 9), end=local(2, 9, 45),  # noqa: E731
                                   group_name="Choir", actor=Actor.for_staff(central_librarian), at=AT)
    assert refused(before) == [R.CONFLICT]
    ok = services.book(resource=hall, start=local(2, 12, 30), end=local(2, 13), group_name="Choir",
                       actor=Actor.for_staff(central_librarian), at=AT)
    assert ok.status == BookingStatus.CONFIRMED


def test_cancelled_declined_and_released_bookings_free_the_time(reader, second_reader, patron_book):
    first = patron_book(reader, local(1, 10), local(1, 11))
    services.cancel(first, actor=Actor.for_patron(reader), at=AT)
    assert patron_book(second_reader, local(1, 10), local(1, 11)).status == BookingStatus.CONFIRMED


def test_bookings_only_in_opening_hours(reader, patron_book):
    assert refused(lambda: patron_book(reader, local(1, 19, 30), local(1, 20, 30))) == [
        R.OUTSIDE_OPENING_HOURS]


def test_no_bookings_on_the_day_the_branch_is_closed(reader, patron_book, central, network):
    CalendarException.objects.create(network=network, date=local(3, 0).date(), reason="Holiday")
    assert refused(lambda: patron_book(reader, local(3, 10), local(3, 11))) == [R.BRANCH_CLOSED]
    # Sunday is not in the central library's week at all.
    assert refused(lambda: patron_book(reader, local(6, 10), local(6, 11))) == [R.BRANCH_CLOSED]


def test_shorter_hours_that_day_shorten_what_can_be_booked(reader, patron_book, central, network):
    CalendarException.objects.create(network=network, branch=central, date=local(4, 0).date(),
                                     closed=False, opens=time(9), closes=time(14), reason="Short day")
    assert refused(lambda: patron_book(reader, local(4, 13, 30), local(4, 14, 30))) == [
        R.OUTSIDE_OPENING_HOURS]
    assert patron_book(reader, local(4, 13), local(4, 14)).status == BookingStatus.CONFIRMED


def test_a_booking_cannot_run_through_the_lunch_break(reader, patron_book, riverside_room):
    assert refused(lambda: patron_book(reader, local(1, 12, 30), local(1, 14, 30),
                                       resource=riverside_room)) == [R.OUTSIDE_OPENING_HOURS]
    assert patron_book(reader, local(1, 12), local(1, 13), resource=riverside_room)
    assert refused(lambda: patron_book(reader, local(1, 13, 30), local(1, 14, 30),
                                       resource=riverside_room)) == [R.OUTSIDE_OPENING_HOURS]


def test_daily_limit_counts_every_room_of_the_type(reader, patron_book, second_study_room):
    patron_book(reader, local(2, 10), local(2, 12))
    assert refused(lambda: patron_book(reader, local(2, 14), local(2, 16),
                                       resource=second_study_room)) == [R.DAILY_LIMIT]
    assert patron_book(reader, local(2, 14), local(2, 15), resource=second_study_room)


def test_weekly_limit_counts_the_calendar_week(reader, patron_book):
    patron_book(reader, local(1, 10), local(1, 12))
    patron_book(reader, local(2, 10), local(2, 12))
    assert refused(lambda: patron_book(reader, local(3, 10), local(3, 12))) == [R.WEEKLY_LIMIT]
    # Monday 7 December starts a new week.
    assert patron_book(reader, local(8, 10), local(8, 12))


def test_too_long_too_far_ahead_and_in_the_past_are_refused(reader, patron_book):
    assert refused(lambda: patron_book(reader, local(2, 10), local(2, 12, 30))) == [R.TOO_LONG]
    assert refused(lambda: patron_book(reader, local(16, 10), local(16, 11))) == [R.TOO_FAR_AHEAD]
    assert refused(lambda: patron_book(reader, local(1, 10), local(1, 11), at=local(1, 10, 30))) == [
        R.IN_THE_PAST]


def test_patrons_cannot_book_staff_only_rooms(reader, patron_book, hall):
    assert R.STAFF_ONLY in refused(lambda: patron_book(reader, local(2, 10), local(2, 11), resource=hall))


def test_a_blocked_card_cannot_book(reader, patron_book, central_librarian):
    Block.objects.create(patron=reader, reason="Damaged book", staff=central_librarian,
                         starts_at=AT - timedelta(days=1))
    assert refused(lambda: patron_book(reader, local(2, 10), local(2, 11))) == [R.PATRON_BLOCKED]


def test_more_people_than_the_room_holds_is_refused(reader, patron_book):
    assert refused(lambda: patron_book(reader, local(2, 10), local(2, 11), attendees=5)) == [
        R.OVER_CAPACITY]


def test_staff_book_staff_only_rooms_for_outside_groups(hall, central_librarian):
    booking = services.book(resource=hall, start=local(2, 18), end=local(2, 20),
                            group_name="Veterans' association", contact_email="vet@example.org",
                            language="uk", attendees=40, actor=Actor.for_staff(central_librarian), at=AT)
    assert booking.status == BookingStatus.CONFIRMED and booking.holder == "Veterans' association"
    [entry] = events()
    assert (entry.staff_id, entry.channel, entry.patron_id) == (central_librarian.pk, Channel.DESK, None)


def test_a_booking_needs_someone_to_be_for(hall, central_librarian):
    assert R.NO_HOLDER in refused(lambda: services.book(
        resource=hall, start=local(2, 18), end=local(2, 19), actor=Actor.for_staff(central_librarian), at=AT))


def test_staff_may_override_policy_but_never_a_conflict_or_a_closure(
    reader, second_reader, patron_book, study_room, central_librarian
):
    long = services.book(resource=study_room, start=local(2, 10), end=local(2, 14), patron=reader,
                         actor=Actor.for_staff(central_librarian), at=AT, override=True)
    assert long.status == BookingStatus.CONFIRMED
    assert events(kinds.BOOKED)[0].detail == {"overridden": ["too_long", "daily_limit"]}
    with pytest.raises(BookingRefused) as caught:
        services.book(resource=study_room, start=local(2, 13), end=local(2, 15), patron=second_reader,
                      actor=Actor.for_staff(central_librarian), at=AT, override=True)
    assert caught.value.reasons == [R.CONFLICT] and not caught.value.overridable
    assert refused(lambda: services.book(resource=study_room, start=local(6, 10), end=local(6, 11),
                                         patron=second_reader, actor=Actor.for_staff(central_librarian), at=AT,
                                         override=True)) == [R.BRANCH_CLOSED]


def test_without_override_staff_get_the_same_refusals(reader, study_room, central_librarian):
    assert refused(lambda: services.book(resource=study_room, start=local(2, 10), end=local(2, 14),
                                         patron=reader, actor=Actor.for_staff(central_librarian), at=AT)) == [
        R.TOO_LONG, R.DAILY_LIMIT]


def test_a_laptop_is_lent_with_the_same_rules(reader, laptop, central_librarian):
    booking = services.book(resource=laptop, start=local(1, 10), end=local(1, 12), patron=reader, actor=Actor.for_patron(reader), at=AT)
    assert refused(lambda: services.book(resource=laptop, start=local(1, 11), end=local(1, 12),
                                         patron=reader, actor=Actor.for_patron(reader), at=AT)) == [R.CONFLICT]
    services.check_in(booking, actor=Actor.for_staff(central_librarian), at=local(1, 10, 5))
    returned = services.mark_returned(booking, actor=Actor.for_staff(central_librarian), at=local(1, 12, 20))
    assert returned.status == BookingStatus.RETURNED
    assert events(kinds.RETURNED)[0].detail == {"minutes_late": 20}


def test_the_equipment_default_rule_does_not_apply_to_rooms(reader, laptop, study_room, patron_book):
    assert BookingRule.objects.get(kind="equipment").max_minutes == 240
    assert refused(lambda: patron_book(reader, local(2, 10), local(2, 13))) == [R.TOO_LONG]
