"""Registration: places, the waiting list and its automatic promotion, the window, guardians,
duplicates, series registration and the no-show rule. Each service leaves its history entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.programs import kinds as Kind
from bibliohub.programs import services
from bibliohub.programs.errors import Reason, RegistrationRefused
from bibliohub.programs.models import (
    Audience,
    Format,
    ProgramPolicy,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from tests.programs.conftest import AT, entries_about, guest


def kinds(registration: Registration) -> list[str]:
    return [e.kind for e in entries_about(registration)]


def test_a_guest_gets_a_place_while_places_are_free_and_is_sent_a_confirmation(
    story_time, register_guest, django_capture_on_commit_callbacks
):
    first = story_time.occurrences.first()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_guest(first, "Maria Kowalska", language="pl")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.occurrence == first
    assert kinds(registration) == [Kind.REGISTERED.code]
    [entry] = entries_about(registration)
    assert (entry.branch_id, entry.detail["occurrence"]) == (story_time.branch_id, first.pk)
    assert (entry.channel, entry.actor, entry.patron_id) == (Channel.ONLINE, "public", None)
    # A guest: the age group given, the programme's audience and format, never the name.
    assert (entry.age, entry.age_band) == (None, "")
    assert (entry.audience, entry.format) == (Audience.EARLY_YEARS, Format.ON_SITE)
    assert "Maria" not in str(entry.detail)
    assert [m.to for m in mail.outbox] == [["maria@example.org"]]
    assert registration.token in mail.outbox[0].body


def test_when_every_place_is_taken_the_next_person_joins_the_waiting_list(story_time, register_guest):
    first = story_time.occurrences.first()
    register_guest(first, "Anna A")
    register_guest(first, "Borys B")
    third = register_guest(first, "Chi C")
    assert third.status == RegistrationStatus.WAITLISTED
    assert third.waitlisted_at == AT
    assert kinds(third) == [Kind.WAITLISTED.code]


def test_a_freed_place_goes_to_the_first_on_the_waiting_list_who_is_told_in_their_language(
    story_time, register_guest, django_capture_on_commit_callbacks
):
    first = story_time.occurrences.first()
    anna = register_guest(first, "Anna A")
    register_guest(first, "Borys B")
    chi = register_guest(first, "Chi C", language="uk", at=AT + timedelta(minutes=1))
    dmytro = register_guest(first, "Dmytro D", at=AT + timedelta(minutes=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(anna, actor=Actor.for_public(), at=AT + timedelta(hours=1))
    assert promoted == chi
    chi.refresh_from_db()
    dmytro.refresh_from_db()
    assert chi.status == RegistrationStatus.CONFIRMED and chi.promoted_at == AT + timedelta(hours=1)
    assert dmytro.status == RegistrationStatus.WAITLISTED
    assert kinds(chi) == [Kind.WAITLISTED.code, Kind.PROMOTED.code]
    assert kinds(anna) == [Kind.REGISTERED.code, Kind.CANCELLED.code]
    [message] = mail.outbox
    assert message.to == ["chi@example.org"]
    assert "Казкова година" in message.subject  # the event's Ukrainian title, for a Ukrainian reader


def test_cancelling_a_place_on_the_waiting_list_promotes_nobody(story_time, register_guest):
    first = story_time.occurrences.first()
    register_guest(first, "Anna A")
    register_guest(first, "Borys B")
    chi = register_guest(first, "Chi C")
    dmytro = register_guest(first, "Dmytro D")
    assert services.cancel_registration(chi, actor=Actor.for_public(), at=AT) is None
    dmytro.refresh_from_db()
    assert dmytro.status == RegistrationStatus.WAITLISTED


def test_cancelling_twice_changes_nothing_the_second_time(story_time, register_guest):
    anna = register_guest(story_time.occurrences.first(), "Anna A")
    services.cancel_registration(anna, actor=Actor.for_public(), at=AT)
    services.cancel_registration(anna, actor=Actor.for_public(), at=AT)
    assert kinds(anna) == [Kind.REGISTERED.code, Kind.CANCELLED.code]


def test_more_places_promote_people_from_the_waiting_list(story_time, register_guest, central_librarian):
    first = story_time.occurrences.first()
    for name in ["Anna A", "Borys B", "Chi C", "Dmytro D"]:
        register_guest(first, name)
    promoted = services.change_capacity(story_time, capacity=3, actor=Actor.for_staff(central_librarian), at=AT)
    assert [r.attendee_name for r in promoted] == ["Chi C"]


def test_a_full_event_without_a_waiting_list_refuses(make_event, register_guest):
    event = make_event(capacity=1, waitlist=False)
    first = event.occurrences.first()
    register_guest(first, "Anna A")
    with pytest.raises(RegistrationRefused) as refused:
        register_guest(first, "Borys B")
    assert refused.value.reasons == [Reason.FULL]


def test_registration_opens_and_closes_when_the_event_says(make_event, register_guest):
    event = make_event(registration_opens_days=7, registration_closes_hours=2)
    first = event.occurrences.first()  # 12 December 11:00
    with pytest.raises(RegistrationRefused) as early:
        register_guest(first, "Anna A", at=first.starts_at - timedelta(days=8))
    assert early.value.reasons == [Reason.NOT_YET_OPEN]
    register_guest(first, "Anna A", at=first.starts_at - timedelta(days=6))
    with pytest.raises(RegistrationRefused) as late:
        register_guest(first, "Borys B", at=first.starts_at - timedelta(hours=1))
    assert late.value.reasons == [Reason.CLOSED]


def test_the_same_person_cannot_register_twice_for_one_date(story_time, register_guest):
    first = story_time.occurrences.first()
    register_guest(first, "Anna A")
    with pytest.raises(RegistrationRefused) as refused:
        register_guest(first, "anna a")
    assert refused.value.reasons == [Reason.ALREADY_REGISTERED]


def test_a_guardian_registers_a_child_and_receives_the_messages_in_her_language(
    story_time, parent, child, django_capture_on_commit_callbacks
):
    first = story_time.occurrences.first()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(
            occurrence=first, attendee=services.Attendee(patron=child, registered_by=parent),
            actor=Actor.for_patron(parent), at=AT,
        )
    assert registration.patron == child and registration.registered_by == parent
    assert registration.attendee_name == "Taras Shevchenko"
    assert registration.contact_email == "oksana@example.org" and registration.language == "uk"
    assert registration.age_band == Audience.EARLY_YEARS  # four years old in December 2026
    [entry] = entries_about(registration)
    # The child attends: the entry is about them, at four, registered online by their mother.
    assert (entry.patron_id, entry.age, entry.age_band) == (child.pk, 4, "")
    assert (entry.channel, entry.actor, entry.category_id) == (Channel.ONLINE, "patron", child.category_id)
    assert mail.outbox[0].to == ["oksana@example.org"]
    assert "Казкова година" in mail.outbox[0].subject


def test_a_series_takes_one_registration_for_every_date(make_event, register_guest):
    event = make_event(registration=RegistrationMode.SERIES, capacity=1)
    whole = services.register(event=event, attendee=guest("Anna A"), actor=Actor.for_public(), at=AT)
    assert whole.occurrence is None and whole.status == RegistrationStatus.CONFIRMED
    second = services.register(event=event, attendee=guest("Borys B"), actor=Actor.for_public(), at=AT)
    assert second.status == RegistrationStatus.WAITLISTED
    with pytest.raises(RegistrationRefused) as refused:
        register_guest(event.occurrences.first(), "Chi C")
    assert Reason.WRONG_MODE in refused.value.reasons
    services.cancel_registration(whole, actor=Actor.for_public(), at=AT)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED


def test_an_event_without_registration_refuses_politely(make_event, register_guest):
    event = make_event(registration=RegistrationMode.NONE)
    with pytest.raises(RegistrationRefused) as refused:
        register_guest(event.occurrences.first(), "Anna A")
    assert refused.value.reasons == [Reason.NO_REGISTRATION]


def _miss(event, name, at, librarian):
    occurrence = event.occurrences.first()
    registration = services.register(occurrence=occurrence, attendee=guest(name, "often@example.org"), actor=Actor.for_public(), at=at)
    services.close_attendance(occurrence, actor=Actor.for_staff(librarian), at=occurrence.ends_at + timedelta(hours=1))
    return registration


def test_no_shows_do_not_pause_registration_unless_the_library_switches_the_rule_on(
    make_event, central, register_guest, central_librarian
):
    earlier = [make_event(recurrence="", start=AT - timedelta(days=d)) for d in (20, 10)]
    for event in earlier:
        _miss(event, "Often Away", at=event.occurrences.first().starts_at - timedelta(days=1),
              librarian=central_librarian)
    assert Entry.objects.filter(domain="programs", kind=Kind.NO_SHOW.code).count() == 2
    target = make_event(recurrence="").occurrences.first()
    services.register(occurrence=target, attendee=guest("Often Away", "often@example.org"), actor=Actor.for_public(), at=AT)

    ProgramPolicy.objects.create(network=central.network, no_show_rule=True, no_show_limit=2,
                                 no_show_period_days=60, no_show_pause_days=30)
    other = make_event(recurrence="").occurrences.first()
    with pytest.raises(RegistrationRefused) as refused:
        services.register(occurrence=other, attendee=guest("Child of Often", "often@example.org"), actor=Actor.for_public(), at=AT)
    assert refused.value.reasons == [Reason.NO_SHOW_PAUSE]
    # The pause ends 30 days after the last miss, though both misses are still in the period.
    last_miss = Entry.objects.filter(domain="programs", kind=Kind.NO_SHOW.code).latest("at").at
    later = make_event(recurrence="", start=last_miss + timedelta(days=40)).occurrences.first()
    for days, paused in [(29, True), (31, False)]:
        attempt = lambda d=days: services.register(  # noqa: E731
            occurrence=later, attendee=guest("Child of Often", "often@example.org"), actor=Actor.for_public(),
            at=last_miss + timedelta(days=d),
        )
        if paused:
            with pytest.raises(RegistrationRefused):
                attempt()
        else:
            assert attempt().status == RegistrationStatus.CONFIRMED
