"""Two people asking for the last free slot at the same moment: two threads, each with its
own database connection, released together. On SQLite the test database is copied to a file
(WAL, as in production), since threads cannot share the in-memory one; on PostgreSQL the
room's row lock does the work."""

from __future__ import annotations

import pytest

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.spaces import services
from bibliohub.spaces.errors import BookingReason, BookingRefused
from bibliohub.spaces.models import Booking
from tests.concurrency import race
from tests.spaces.conftest import AT, local


@pytest.mark.parametrize("attempt", range(3))
def test_two_patrons_booking_the_last_slot_at_once_only_one_gets_it(
    on_a_database_file, attempt, reader, second_reader, study_room
):
    def book(patron):
        return lambda: services.book(resource=study_room, start=local(1, 19), end=local(1, 20),
                                     patron=patron, actor=Actor.for_patron(patron), at=AT)

    outcomes = race(book(reader), book(second_reader))
    won = [o for o in outcomes if isinstance(o, Booking)]
    lost = [o for o in outcomes if isinstance(o, BookingRefused)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].reasons == [BookingReason.CONFLICT]
    assert Booking.objects.filter(resource=study_room).count() == 1
    assert Entry.objects.filter(domain="spaces", kind="booked").count() == 1
    assert Entry.objects.filter(domain="spaces", kind="refused").count() == 1


def test_an_event_and_a_patron_racing_for_a_room_do_not_both_get_it(
    on_a_database_file, reader, study_room, central_librarian
):
    outcomes = race(
        lambda: services.book(resource=study_room, start=local(2, 10), end=local(2, 11),
                              patron=reader, actor=Actor.for_patron(reader), at=AT),
        lambda: services.reserve_for_event(room=study_room, start=local(2, 10, 30),
                                           end=local(2, 12), occurrence_id=9,
                                           actor=Actor.for_staff(central_librarian), at=AT),
    )
    assert sum(isinstance(o, Booking) for o in outcomes) == 1, outcomes
    assert Booking.objects.filter(resource=study_room).count() == 1


def test_one_patron_booking_two_rooms_at_once_cannot_pass_the_daily_limit(
    on_a_database_file, reader, study_room, second_study_room
):
    # 120 minutes each, 180 a day: only one of the two fits.
    outcomes = race(
        lambda: services.book(resource=study_room, start=local(2, 10), end=local(2, 12),
                              patron=reader, actor=Actor.for_patron(reader), at=AT),
        lambda: services.book(resource=second_study_room, start=local(2, 14), end=local(2, 16),
                              patron=reader, actor=Actor.for_patron(reader), at=AT),
    )
    lost = [o for o in outcomes if isinstance(o, BookingRefused)]
    assert len(lost) == 1 and lost[0].reasons == [BookingReason.DAILY_LIMIT], outcomes
