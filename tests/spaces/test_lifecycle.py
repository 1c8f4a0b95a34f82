"""After booking: approval, cancellation, check-in, release of unused bookings, reminders,
the messages people get, and rooms held for programme events."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail

from bibliohub.history import Actor, Channel
from bibliohub.spaces import kinds as K
from bibliohub.spaces import services
from bibliohub.spaces.errors import BookingReason as R
from bibliohub.spaces.errors import BookingRefused, InvalidOperation
from bibliohub.spaces.models import BookingStatus
from tests.spaces.conftest import AT, JOB, events, local, refresh


@pytest.fixture
def approval_needed(study_rule):
    study_rule.needs_approval = True
    study_rule.save()
    return study_rule


def test_a_room_that_needs_approval_holds_the_time_while_waiting(
    reader, second_reader, patron_book, approval_needed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = patron_book(reader, local(2, 10), local(2, 11))
    assert booking.status == BookingStatus.REQUESTED
    assert events()[0].kind == K.REQUESTED.code
    with pytest.raises(BookingRefused):
        patron_book(second_reader, local(2, 10), local(2, 11))
    [message] = mail.outbox
    assert message.to == ["kovalenko@example.org"]


def test_staff_approve_a_request_and_the_patron_is_told_in_their_language(
    reader, patron_book, approval_needed, central_librarian, django_capture_on_commit_callbacks
):
    booking = patron_book(reader, local(2, 10), local(2, 11))
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(booking, actor=Actor.for_staff(central_librarian), at=AT + timedelta(hours=1))
    booking = refresh(booking)
    assert booking.status == BookingStatus.CONFIRMED and booking.decided_at == AT + timedelta(hours=1)
    approved = events()[-1]
    assert (approved.kind, approved.staff_id, approved.patron_id) == (
        K.APPROVED.code, central_librarian.pk, reader.pk)
    assert mail.outbox[-1].to == ["kovalenko@example.org"]
    assert "Study room 1" in mail.outbox[-1].subject


def test_staff_booking_needs_no_approval(reader, study_room, approval_needed, central_librarian):
    booking = services.book(resource=study_room, start=local(2, 10), end=local(2, 11), patron=reader,
                            actor=Actor.for_staff(central_librarian), at=AT)
    assert booking.status == BookingStatus.CONFIRMED


def test_a_declined_request_frees_the_time_and_says_why(
    reader, second_reader, patron_book, approval_needed, central_librarian,
    django_capture_on_commit_callbacks,
):
    booking = patron_book(reader, local(2, 10), local(2, 11))
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(booking, actor=Actor.for_staff(central_librarian), at=AT, note="The room is being painted.")
    assert refresh(booking).status == BookingStatus.DECLINED
    assert "The room is being painted." in mail.outbox[-1].body
    # The reason is free text: it stays on the booking, not in the history.
    assert events()[-1].kind == K.DECLINED.code and events()[-1].detail == {}
    assert patron_book(second_reader, local(2, 10), local(2, 11))


def test_only_a_waiting_request_can_be_approved(reader, patron_book, central_librarian):
    booking = patron_book(reader, local(2, 10), local(2, 11))
    with pytest.raises(InvalidOperation):
        services.approve(booking, actor=Actor.for_staff(central_librarian), at=AT)


def test_a_patron_cancels_their_own_booking_before_it_starts(reader, second_reader, patron_book):
    booking = patron_book(reader, local(2, 10), local(2, 11))
    with pytest.raises(InvalidOperation):
        services.cancel(booking, actor=Actor.for_patron(second_reader), at=AT)
    with pytest.raises(InvalidOperation):
        services.cancel(booking, actor=Actor.for_patron(reader), at=local(2, 10, 5))
    services.cancel(booking, actor=Actor.for_patron(reader), at=AT)
    booking = refresh(booking)
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at == AT
    cancelled = events()[-1]
    assert (cancelled.kind, cancelled.patron_id, cancelled.channel) == (
        K.CANCELLED.code, reader.pk, Channel.ONLINE)


def test_checked_in_bookings_are_not_released(reader, second_reader, patron_book, central_librarian):
    used = patron_book(reader, local(1, 10), local(1, 11))
    unused = patron_book(second_reader, local(1, 11), local(1, 12))
    services.check_in(used, actor=Actor.for_staff(central_librarian), at=local(1, 10, 5))
    assert services.release_unused(actor=JOB, at=local(1, 11, 10)) == 0  # 10 minutes: still in the window
    assert services.release_unused(actor=JOB, at=local(1, 11, 15)) == 1
    assert refresh(used).status == BookingStatus.CHECKED_IN
    assert refresh(unused).status == BookingStatus.RELEASED
    released = events()[-1]
    assert (released.kind, released.staff_id, released.channel, released.source) == (
        K.RELEASED.code, None, Channel.JOB, "rooms")
    assert (released.patron_id, released.amount) == (second_reader.pk, 60)
    assert services.release_unused(actor=JOB, at=local(1, 11, 30)) == 0


def test_the_released_time_can_be_booked_again(reader, second_reader, patron_book):
    patron_book(reader, local(1, 10), local(1, 12))
    services.release_unused(actor=JOB, at=local(1, 10, 15))
    walk_in = patron_book(second_reader, local(1, 10, 30), local(1, 11, 30), at=local(1, 10, 16))
    assert walk_in.status == BookingStatus.CONFIRMED


def test_no_release_without_a_check_in_window(reader, hall, central_librarian):
    services.book(resource=hall, start=local(1, 10), end=local(1, 11), group_name="Choir",
                  actor=Actor.for_staff(central_librarian), at=AT)
    assert services.release_unused(actor=JOB, at=local(1, 12)) == 0


def test_check_in_only_around_the_booking(reader, patron_book, central_librarian):
    booking = patron_book(reader, local(1, 10), local(1, 11))
    with pytest.raises(InvalidOperation):
        services.check_in(booking, actor=Actor.for_staff(central_librarian), at=local(1, 9, 30))
    services.check_in(booking, actor=Actor.for_staff(central_librarian), at=local(1, 9, 50))
    assert refresh(booking).checked_in_at == local(1, 9, 50)


def test_reminders_go_once_within_the_rules_time(
    reader, hall, patron_book, central_librarian, django_capture_on_commit_callbacks
):
    tomorrow = patron_book(reader, local(2, 10), local(2, 11))
    later = patron_book(reader, local(4, 10), local(4, 11))
    services.book(resource=hall, start=local(2, 15), end=local(2, 16), group_name="No e-mail",
                  actor=Actor.for_staff(central_librarian), at=AT)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(actor=JOB, at=local(1, 10)) == 1
        assert services.send_reminders(actor=JOB, at=local(1, 11)) == 0
    assert refresh(tomorrow).reminder_sent_at == local(1, 10)
    assert refresh(later).reminder_sent_at is None
    [message] = mail.outbox
    assert message.to == ["kovalenko@example.org"]
    assert events()[-1].kind == K.REMINDED.code


def test_an_outside_group_gets_messages_in_the_language_given(
    hall, central_librarian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.book(resource=hall, start=local(2, 15), end=local(2, 16), group_name="Klub",
                      contact_email="klub@example.org", language="pl", actor=Actor.for_staff(central_librarian), at=AT)
    assert mail.outbox[0].to == ["klub@example.org"]


def test_an_event_holds_its_room_and_others_are_refused(hall, reader, central_librarian):
    booking = services.reserve_for_event(room=hall, start=local(3, 17), end=local(3, 19),
                                         occurrence_id=41, actor=Actor.for_staff(central_librarian), at=AT)
    assert booking.status == BookingStatus.CONFIRMED and booking.occurrence_id == 41
    with pytest.raises(BookingRefused) as caught:
        services.book(resource=hall, start=local(3, 18), end=local(3, 19), group_name="Choir",
                      actor=Actor.for_staff(central_librarian), at=AT)
    assert caught.value.codes == ["conflict"]
    with pytest.raises(BookingRefused) as caught:
        services.reserve_for_event(room=hall, start=local(3, 18), end=local(3, 20), occurrence_id=42,
                                   actor=Actor.for_staff(central_librarian), at=AT)
    assert caught.value.reasons == [R.CONFLICT]


def test_an_event_room_is_refused_on_a_closed_day_or_after_hours(hall, central_librarian):
    with pytest.raises(BookingRefused) as caught:
        services.reserve_for_event(room=hall, start=local(6, 11), end=local(6, 12), occurrence_id=1,
                                   actor=Actor.for_staff(central_librarian), at=AT)
    assert caught.value.reasons == [R.BRANCH_CLOSED]
    with pytest.raises(BookingRefused) as caught:
        services.reserve_for_event(room=hall, start=local(3, 19), end=local(3, 21), occurrence_id=1,
                                   actor=Actor.for_staff(central_librarian), at=AT)
    assert caught.value.reasons == [R.OUTSIDE_OPENING_HOURS]


def test_an_event_can_be_booked_further_ahead_than_patrons_may(study_room, central_librarian):
    booking = services.reserve_for_event(room=study_room, start=local(2, 10, month=2).replace(year=2027),
                                         end=local(2, 13, month=2).replace(year=2027), occurrence_id=7,
                                         actor=Actor.for_staff(central_librarian), at=AT)
    assert booking.pk


def test_reserving_again_for_the_same_occurrence_moves_its_booking(hall, study_room, central_librarian):
    first = services.reserve_for_event(room=hall, start=local(3, 17), end=local(3, 19), occurrence_id=41,
                                       actor=Actor.for_staff(central_librarian), at=AT)
    moved = services.reserve_for_event(room=study_room, start=local(3, 17, 30), end=local(3, 19),
                                       occurrence_id=41, actor=Actor.for_staff(central_librarian), at=AT)
    assert moved.pk == first.pk
    assert (moved.resource_id, moved.start) == (study_room.pk, local(3, 17, 30))
    assert events()[-1].kind == K.MOVED.code and events()[-1].detail["from"]["resource"] == hall.pk


def test_releasing_an_event_frees_its_room(hall, central_librarian):
    services.reserve_for_event(room=hall, start=local(3, 17), end=local(3, 19), occurrence_id=41,
                               actor=Actor.for_staff(central_librarian), at=AT)
    released = services.release_for_event(occurrence_id=41, actor=Actor.for_staff(central_librarian), at=AT)
    assert released.status == BookingStatus.CANCELLED
    assert services.release_for_event(occurrence_id=41, actor=Actor.for_staff(central_librarian), at=AT) is None
    assert services.reserve_for_event(room=hall, start=local(3, 17), end=local(3, 19), occurrence_id=43,
                                      actor=Actor.for_staff(central_librarian), at=AT)


def test_event_bookings_are_never_released_for_want_of_check_in(study_room, central_librarian):
    services.reserve_for_event(room=study_room, start=local(1, 10), end=local(1, 11), occurrence_id=5,
                               actor=Actor.for_staff(central_librarian), at=AT)
    assert services.release_unused(actor=JOB, at=local(1, 12)) == 0


def test_the_scheduled_command_releases_and_reminds(reader, patron_book, clock):
    import json

    from django.core.management import call_command

    patron_book(reader, local(1, 10), local(1, 11))
    patron_book(reader, local(2, 9), local(2, 10))
    clock.move_to(local(1, 10, 20))
    out = io.StringIO()
    call_command("spaces_scheduled", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"released": 1, "reminded": 1}


def test_the_patron_is_told_when_the_library_cancels_their_booking(
    reader, patron_book, central_librarian, django_capture_on_commit_callbacks
):
    booking = patron_book(reader, local(2, 10), local(2, 11))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(booking, actor=Actor.for_staff(central_librarian), at=AT)
    [message] = mail.outbox
    # The patron reads Ukrainian.
    assert message.to == ["kovalenko@example.org"] and "скасовано" in message.subject.lower()
    assert "Study room 1" in message.body


def test_messages_name_the_room_in_the_recipients_language(
    second_reader, patron_book, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        patron_book(second_reader, local(2, 10), local(2, 11))
    [message] = mail.outbox
    assert message.to == ["tran@example.org"]
    assert "Phòng học 1" in message.subject and "Phòng học 1" in message.body
