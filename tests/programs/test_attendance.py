"""After (and just before) the event: reminders, check-in, walk-ins by age band, registered
against attended, no-shows, and contest entries with results."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.history.rollup import roll_up
from bibliohub.programs import kinds as K
from bibliohub.programs import selectors, services
from bibliohub.programs.errors import ProgramRefused, Reason
from bibliohub.programs.models import (
    Audience,
    EventKind,
    Format,
    ProgramPolicy,
    RegistrationMode,
)
from tests.programs.conftest import AT, JOB, entries_about, guest


def test_reminders_go_once_to_people_with_a_place_a_day_before(
    story_time, register_guest, django_capture_on_commit_callbacks
):
    first = story_time.occurrences.first()
    register_guest(first, "Anna A")
    register_guest(first, "Borys B", language="uk")
    register_guest(first, "Chi C")  # waiting list: no reminder
    mail.outbox.clear()
    two_days_before = first.starts_at - timedelta(hours=48)
    assert services.send_reminders(actor=JOB, at=two_days_before) == 0
    day_before = first.starts_at - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(actor=JOB, at=day_before) == 2
        assert services.send_reminders(actor=JOB, at=day_before + timedelta(hours=1)) == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "borys@example.org"]
    reminded = Entry.objects.filter(domain="programs", kind=K.REMINDED.code)
    assert [e.detail["occurrence"] for e in reminded] == [first.pk, first.pk]
    assert {(e.channel, e.actor, e.source) for e in reminded} == {(Channel.JOB, "job", "event_reminders")}


def test_a_series_registration_is_reminded_of_every_date(make_event, central):
    ProgramPolicy.objects.create(network=central.network, reminder_hours=48)
    event = make_event(registration=RegistrationMode.SERIES)
    services.register(event=event, attendee=guest("Anna A"), actor=Actor.for_public(), at=AT)
    first, second = event.occurrences.all()[:2]
    assert services.send_reminders(actor=JOB, at=first.starts_at - timedelta(hours=47)) == 1
    assert services.send_reminders(actor=JOB, at=second.starts_at - timedelta(hours=47)) == 1


def test_registered_and_attended_are_counted_apart_with_walk_ins_by_age_band(
    story_time, register_guest, central_librarian
):
    first = story_time.occurrences.first()
    anna = register_guest(first, "Anna A", age_band=Audience.EARLY_YEARS)
    register_guest(first, "Borys B")
    services.check_in(anna, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    services.check_in(anna, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)  # twice: once
    services.record_walk_ins(first, counts={Audience.EARLY_YEARS: 3, Audience.ADULTS: 4}, actor=Actor.for_staff(central_librarian), at=first.ends_at)
    services.record_walk_ins(first, counts={Audience.ADULTS: 2}, actor=Actor.for_staff(central_librarian), at=first.ends_at)
    summary = selectors.attendance_summary(first)
    assert (summary.registered, summary.attended, summary.did_not_come) == (2, 1, 1)
    assert summary.walk_ins == {Audience.EARLY_YEARS: 3, Audience.ADULTS: 2}
    assert summary.total == 6
    rows = [(e.kind, e.age_band, e.quantity) for e in entries_about(first)]
    assert rows == [
        (K.CHECKED_IN.code, Audience.EARLY_YEARS, 1),
        (K.WALK_INS.code, Audience.EARLY_YEARS, 3),
        (K.WALK_INS.code, Audience.ADULTS, 4),
        (K.WALK_INS.code, Audience.ADULTS, -2),  # the correction: 2 adults, not 4
    ]
    checked_in = entries_about(first)[0]
    assert (checked_in.detail, checked_in.staff_id, checked_in.channel) == (
        {"registration": anna.pk}, central_librarian.pk, Channel.DESK)
    assert (checked_in.audience, checked_in.format) == (Audience.EARLY_YEARS, Format.ON_SITE)
    listed = selectors.staff_occurrences(branch_ids=None, start=AT, end=AT + timedelta(days=12)).get()
    assert (listed.own_taken, listed.own_waiting, listed.checked_in, listed.walk_in_total) == (2, 0, 1, 5)


def test_an_undone_check_in_is_recorded_too(story_time, register_guest, central_librarian):
    first = story_time.occurrences.first()
    anna = register_guest(first, "Anna A")
    services.check_in(anna, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    services.undo_check_in(anna, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    assert selectors.attendance_summary(first).attended == 0
    assert [(e.kind, e.quantity) for e in entries_about(first)] == [
        (K.CHECKED_IN.code, 1), (K.CHECK_IN_UNDONE.code, -1)]


def test_closing_attendance_records_the_no_shows_once(story_time, register_guest, central_librarian):
    first = story_time.occurrences.first()
    anna = register_guest(first, "Anna A")
    borys = register_guest(first, "Borys B")
    register_guest(first, "Chi C")  # on the waiting list: not a no-show
    services.check_in(anna, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    assert services.close_attendance(first, actor=Actor.for_staff(central_librarian), at=first.ends_at) == 1
    assert services.close_attendance(first, actor=Actor.for_staff(central_librarian), at=first.ends_at) == 0
    no_shows = Entry.objects.filter(domain="programs", kind=K.NO_SHOW.code)
    assert [(e.object_id, e.detail["occurrence"]) for e in no_shows] == [(borys.pk, first.pk)]
    assert [e.detail for e in entries_about(first, K.CLOSED.code)] == [{"no_shows": 1}]


@pytest.fixture
def essay_contest(make_event):
    return make_event(
        kind=EventKind.CONTEST, title="Essay contest: my library", titles={}, recurrence="",
        registration=RegistrationMode.NONE, audiences=[Audience.TEENS],
        submissions_close_at=AT + timedelta(days=5),
    )


def test_a_contest_takes_entries_as_text_or_a_file_until_it_closes(essay_contest, central_librarian, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    typed = services.submit_entry(
        essay_contest, author_name="Iryna", contact_email="iryna@example.org", title="Why I read",
        text="Because…", file=None, age_band=Audience.TEENS, patron=None, actor=Actor.for_public(), at=AT,
    )
    attached = services.submit_entry(
        essay_contest, author_name="Wei", contact_email="wei@example.org", title="我的图书馆",
        text="", file=SimpleUploadedFile("essay.pdf", b"%PDF-1.4 essay"), age_band=Audience.TEENS,
        patron=None, actor=Actor.for_public(), at=AT,
    )
    assert attached.file.read() == b"%PDF-1.4 essay"
    with pytest.raises(ProgramRefused) as empty:
        services.submit_entry(essay_contest, author_name="X", contact_email="x@example.org", title="T",
                              text="  ", file=None, age_band="", patron=None, actor=Actor.for_public(), at=AT)
    assert empty.value.reasons == [Reason.EMPTY_ENTRY]
    with pytest.raises(ProgramRefused) as late:
        services.submit_entry(essay_contest, author_name="X", contact_email="x@example.org", title="T",
                              text="text", file=None, age_band="", patron=None, actor=Actor.for_public(), at=AT + timedelta(days=6))
    assert late.value.reasons == [Reason.ENTRIES_CLOSED]
    services.record_result(typed, result="First prize", rank=1, published=True, actor=Actor.for_staff(central_librarian), at=AT)
    typed.refresh_from_db()
    assert (typed.result, typed.rank, typed.result_published, typed.result_by) == ("First prize", 1, True, central_librarian)
    sent = entries_about(typed, K.ENTRY_SUBMITTED.code)[0]
    # The age group given, the contest's audience; not the author's name, e-mail or text.
    assert (sent.age_band, sent.audience, sent.channel, sent.actor) == (
        Audience.TEENS, Audience.TEENS, Channel.ONLINE, "public")
    assert sent.detail == {"event": essay_contest.pk, "file": False, "text": True}
    assert entries_about(typed, K.RESULT_RECORDED.code)[0].detail == {
        "event": essay_contest.pk, "rank": 1, "published": True}


def test_an_ordinary_event_takes_no_entries(story_time):
    with pytest.raises(ProgramRefused) as refused:
        services.submit_entry(story_time, author_name="X", contact_email="", title="T", text="t",
                              file=None, age_band="", patron=None, actor=Actor.for_public(), at=AT)
    assert refused.value.reasons == [Reason.NOT_A_CONTEST]


def test_the_scheduled_command_sends_the_reminders_that_are_due(
    story_time, register_guest, django_capture_on_commit_callbacks
):
    import json
    from io import StringIO

    from django.core.management import call_command

    first = story_time.occurrences.first()
    register_guest(first, "Anna A")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("programs_scheduled", "--at", (first.starts_at - timedelta(hours=3)).isoformat(),
                     "--json", stdout=out)
    assert json.loads(out.getvalue())["reminded"] == 1
    [reminder] = mail.outbox
    assert reminder.subject == "Reminder: Story time"
    assert "Children's room, Central Library" in reminder.body


def test_a_reminder_the_mail_server_refused_stays_in_the_outbox_and_is_sent_later(
    story_time, register_guest, monkeypatch, django_capture_on_commit_callbacks
):
    from bibliohub.mail import services as outbox
    from bibliohub.mail.models import Message, State

    first = story_time.occurrences.first()
    register_guest(first, "Anna A")
    register_guest(first, "Borys B")
    mail.outbox.clear()
    real_send = outbox._send
    calls = []

    def refuse_anna(message):
        calls.append(message.to)
        if message.to == "anna@example.org" and calls.count(message.to) == 1:
            raise ConnectionRefusedError("mail server down")
        real_send(message)

    monkeypatch.setattr(outbox, "_send", refuse_anna)
    at = first.starts_at - timedelta(hours=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(actor=JOB, at=at) == 2
    assert [m.to for m in mail.outbox] == [["borys@example.org"]]
    anna = Message.objects.get(to="anna@example.org", kind="programs/email/reminder")
    assert (anna.state, anna.attempts) == (State.QUEUED, 1)
    assert services.send_reminders(actor=JOB, at=at + timedelta(minutes=30)) == 0  # once each
    outbox.send_due(at=anna.next_attempt_at)  # (the registrations' confirmations go too)
    reminders = [m.to for m in mail.outbox if m.subject.startswith("Reminder")]
    assert reminders == [["borys@example.org"], ["anna@example.org"]]


def test_participation_for_the_year_is_counted_from_the_roll_ups_by_format_and_age_band(
    make_event, register_guest, central_librarian, riverside, parent, child
):
    story_time = make_event()
    online = make_event(recurrence="", title="Online author talk", titles={}, format=Format.ONLINE,
                        audiences=[Audience.ADULTS], online_url="https://meet.example/talk")
    first, second = story_time.occurrences.all()[:2]
    desk = Actor.for_staff(central_librarian)
    anna = register_guest(first, "Anna A", age_band=Audience.EARLY_YEARS)
    taras = services.register(occurrence=first, attendee=services.Attendee(patron=child, registered_by=parent),
                              actor=Actor.for_patron(parent), at=AT)
    nobody = register_guest(second, "Borys B")  # a date later cancelled
    services.check_in(anna, occurrence=first, actor=desk, at=first.starts_at)
    services.check_in(taras, occurrence=first, actor=desk, at=first.starts_at)
    services.record_walk_ins(first, counts={Audience.EARLY_YEARS: 2, Audience.ADULTS: 3}, actor=desk, at=first.ends_at)
    services.record_walk_ins(first, counts={Audience.ADULTS: 1}, actor=desk, at=first.ends_at)  # miscounted
    services.record_walk_ins(online.occurrences.get(), counts={Audience.ADULTS: 40}, actor=desk, at=AT)
    services.cancel_occurrence(second, note="", actor=desk, at=AT)
    services.close_attendance(first, actor=desk, at=first.ends_at)
    assert nobody.pk
    roll_up()
    year = selectors.participation(start=AT.date(), end=AT.date() + timedelta(days=365))
    assert year.dates_held == {Format.ON_SITE: 3, Format.ONLINE: 1}
    assert year.by_format == {Format.ON_SITE: 5, Format.ONLINE: 40}
    # Taras is four (his date of birth gives his age); Anna's group is as her guest gave it.
    assert year.by_band == {Audience.EARLY_YEARS: 4, Audience.ADULTS: 41}
    assert year.total_present == 45 and year.per_date == Decimal("11.3")
    riverside_year = selectors.participation(start=AT.date(), end=AT.date() + timedelta(days=365),
                                             branch_ids=[riverside.pk])
    assert riverside_year.total_present == 0 and riverside_year.by_band == {}


def test_a_date_s_attendance_is_counted_from_its_entries(story_time, register_guest, central_librarian):
    first, second = story_time.occurrences.all()[:2]
    desk = Actor.for_staff(central_librarian)
    anna = register_guest(first, "Anna A")
    services.check_in(anna, occurrence=first, actor=desk, at=first.starts_at)
    services.record_walk_ins(first, counts={Audience.ADULTS: 7}, actor=desk, at=first.ends_at)
    services.record_walk_ins(second, counts={Audience.ADULTS: 2}, actor=desk, at=second.ends_at)
    present = sum(e.quantity for e in entries_about(first) if e.kind in {k.code for k in K.ATTENDANCE})
    assert present == selectors.attendance_summary(first).total == 8


def test_a_registration_is_checked_in_only_at_its_own_date(story_time, register_guest, central_librarian):
    first, second = story_time.occurrences.all()[:2]
    anna = register_guest(first, "Anna A")
    with pytest.raises(ValueError):
        services.check_in(anna, occurrence=second, actor=Actor.for_staff(central_librarian), at=second.starts_at)
