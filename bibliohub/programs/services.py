"""The only writers of events, registrations, attendance, entries and feedback. One transaction
each; each appends a RegistrationEvent or AttendanceEvent. Permission checks are the callers'
(through bibliohub.accounts.access); e-mails go out only after the transaction commits."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from bibliohub.accounts.models import User
from bibliohub.community.models import Partner
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron
from bibliohub.programs import rules
from bibliohub.programs.errors import ProgramRefused, Reason, RegistrationRefused
from bibliohub.programs.models import (
    Attendance,
    AttendanceEvent,
    Category,
    Event,
    EventAudience,
    EventKind,
    Feedback,
    Occurrence,
    OccurrenceStatus,
    ProgramPolicy,
    Registration,
    RegistrationEvent,
    RegistrationMode,
    RegistrationStatus,
    Submission,
    WalkInCount,
)
from bibliohub.spaces import services as spaces
from bibliohub.spaces.errors import BookingRefused
from bibliohub.spaces.models import Room
from bibliohub.web.email import send_message

RKind = RegistrationEvent.Kind
AKind = AttendanceEvent.Kind


@dataclass(frozen=True, kw_only=True)
class EventDetails:
    """What a librarian fills in when creating an event; audiences and format are required so
    the yearly statistics need no recoding."""

    title: str
    format: str
    audiences: Sequence[str]
    titles: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    descriptions: Mapping[str, str] = field(default_factory=dict)
    kind: str = EventKind.PROGRAMME
    room: Room | None = None
    place: str = ""
    address: str = ""
    online_url: str = ""
    presenters: Sequence[str] = ()
    categories: Sequence[Category] = ()
    partners: Sequence[Partner] = ()
    tags: Sequence[str] = ()
    registration: str = RegistrationMode.PER_OCCURRENCE
    capacity: int | None = None
    waitlist: bool = True
    registration_opens_days: int | None = None
    registration_closes_hours: int = 0
    submissions_close_at: datetime | None = None
    is_published: bool = True


@dataclass(frozen=True, kw_only=True)
class Attendee:
    """Who will attend and where notices go. For a patron, the name, e-mail and language come
    from their record (or their guardian's, when `registered_by` is given); a guest gives them."""

    patron: Patron | None = None
    registered_by: Patron | None = None
    name: str = ""
    contact_name: str = ""
    contact_email: str = ""
    language: str = settings.LANGUAGE_CODE
    age_band: str = ""


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


# --- Events and their dates -------------------------------------------------------------------


@transaction.atomic
def create_event(
    details: EventDetails,
    *,
    branch: Branch,
    starts_at: datetime,
    ends_at: datetime,
    recurrence: str = "",
    organiser: User | None,
    staff: User | None,
    at: datetime,
) -> Event:
    """Create an event at `branch` with one Occurrence per date of `recurrence` (an RRULE;
    empty for a one-off), each as long as `ends_at - starts_at`. Returns the event.

    Raises ProgramRefused(BAD_RECURRENCE) for a rule that cannot be read; ValueError when no
    audience is given or the event ends before it starts."""
    if not details.audiences:
        raise ValueError("an event needs at least one audience")
    if ends_at <= starts_at:
        raise ValueError("an event ends after it starts")
    starts = rules.series_starts(first_start=starts_at, recurrence=recurrence, zone=_zone())
    event = Event.objects.create(
        branch=branch,
        kind=details.kind,
        title=details.title,
        titles=dict(details.titles),
        description=details.description,
        descriptions=dict(details.descriptions),
        format=details.format,
        room=details.room,
        place=details.place,
        address=details.address,
        online_url=details.online_url,
        organiser=organiser,
        presenters=list(details.presenters),
        tags=list(details.tags),
        registration=details.registration,
        capacity=details.capacity,
        waitlist=details.waitlist,
        registration_opens_days=details.registration_opens_days,
        registration_closes_hours=details.registration_closes_hours,
        recurrence=recurrence,
        submissions_close_at=details.submissions_close_at,
        is_published=details.is_published,
        created_at=at,
        created_by=staff,
    )
    event.categories.set(details.categories)
    event.partners.set(details.partners)
    EventAudience.objects.bulk_create(
        EventAudience(event=event, band=band) for band in dict.fromkeys(details.audiences)
    )
    length = ends_at - starts_at
    occurrences = Occurrence.objects.bulk_create(
        Occurrence(event=event, starts_at=start, ends_at=start + length) for start in starts
    )
    if details.room is not None:
        for occurrence in occurrences:
            _book_room(occurrence, room=details.room, staff=staff, at=at)
    return event


# What update_event may change; dates change one by one (change_occurrence), places through
# change_capacity (which promotes from the waiting list).
_EDITABLE = (
    "kind", "title", "titles", "description", "descriptions", "format", "room", "place", "address",
    "online_url", "presenters", "tags", "registration_opens_days", "registration_closes_hours",
    "waitlist", "submissions_close_at", "is_published",
)


@transaction.atomic
def update_event(event: Event, details: EventDetails, *, staff: User | None, at: datetime) -> Event:
    """Change what an event says about itself (titles, place, audiences, categories…) and
    return it. A new room is booked for every date still to come (the old one freed); dates,
    places and the way people register stay as they are.

    Raises ProgramRefused(ROOM_TAKEN) when the new room is not free for one of the dates;
    ValueError without an audience."""
    if not details.audiences:
        raise ValueError("an event needs at least one audience")
    event = Event.objects.select_for_update().get(pk=event.pk)
    old_room_id = event.room_id
    for name in _EDITABLE:
        value = getattr(details, name)
        if name in {"titles", "descriptions"}:
            value = dict(value)
        elif name in {"presenters", "tags"}:
            value = list(value)
        setattr(event, name, value)
    event.save(update_fields=list(_EDITABLE))
    event.categories.set(details.categories)
    event.partners.set(details.partners)
    EventAudience.objects.filter(event=event).exclude(band__in=details.audiences).delete()
    for band in details.audiences:
        EventAudience.objects.get_or_create(event=event, band=band)
    if event.room_id != old_room_id:
        coming = event.occurrences.filter(status=OccurrenceStatus.SCHEDULED, starts_at__gt=at)
        for occurrence in coming:
            if event.room is None:
                spaces.release_for_event(occurrence_id=occurrence.pk, staff=staff, at=at)
            else:
                _book_room(occurrence, room=event.room, staff=staff, at=at)
    # Calendars that subscribed should refresh what they show.
    event.occurrences.filter(starts_at__gt=at).update(sequence=models.F("sequence") + 1)
    return event


def _book_room(occurrence: Occurrence, *, room: Room, staff: User | None, at: datetime) -> None:
    """Hold the room for one date; a conflict or closed building undoes the whole change."""
    try:
        spaces.reserve_for_event(
            room=room, start=occurrence.starts_at, end=occurrence.ends_at,
            occurrence_id=occurrence.pk, staff=staff, at=at,
        )
    except BookingRefused as refusal:
        day = timezone.localtime(occurrence.starts_at).strftime("%Y-%m-%d %H:%M")
        raise ProgramRefused(
            [Reason.ROOM_TAKEN], f"{day}: " + " ".join(str(r.label) for r in refusal.reasons)
        ) from refusal


@transaction.atomic
def change_occurrence(
    occurrence: Occurrence,
    *,
    starts_at: datetime,
    ends_at: datetime,
    note: str,
    staff: User | None,
    at: datetime,
) -> Occurrence:
    """Move one date of an event (the rest of the series stays) and tell its registrants.
    Returns the occurrence with its sequence raised, so calendar feeds replace it."""
    if ends_at <= starts_at:
        raise ValueError("an event ends after it starts")
    occurrence = Occurrence.objects.select_for_update(of=("self",)).select_related("event").get(pk=occurrence.pk)
    moved = (occurrence.starts_at, occurrence.ends_at) != (starts_at, ends_at)
    occurrence.starts_at, occurrence.ends_at, occurrence.note = starts_at, ends_at, note
    occurrence.changed = True
    occurrence.sequence += 1
    occurrence.save(update_fields=["starts_at", "ends_at", "note", "changed", "sequence"])
    if moved and occurrence.event.room is not None:
        _book_room(occurrence, room=occurrence.event.room, staff=staff, at=at)
    if moved:
        for registration in _registrations_of(occurrence).filter(status=RegistrationStatus.CONFIRMED):
            _notify(registration, "programs/email/changed", occurrence=occurrence)
    return occurrence


@transaction.atomic
def cancel_occurrence(
    occurrence: Occurrence, *, note: str, staff: User | None, at: datetime
) -> Occurrence:
    """Cancel one date: it stays in the calendar marked cancelled (feeds send STATUS:CANCELLED),
    its own registrations are cancelled and everyone registered is told."""
    occurrence = Occurrence.objects.select_for_update(of=("self",)).select_related("event").get(pk=occurrence.pk)
    if occurrence.is_cancelled:
        return occurrence
    occurrence.status = OccurrenceStatus.CANCELLED
    occurrence.note = note
    occurrence.sequence += 1
    occurrence.save(update_fields=["status", "note", "sequence"])
    if occurrence.event.room_id is not None:
        spaces.release_for_event(occurrence_id=occurrence.pk, staff=staff, at=at)
    for registration in _registrations_of(occurrence).exclude(status=RegistrationStatus.CANCELLED):
        if registration.status == RegistrationStatus.CONFIRMED:
            _notify(registration, "programs/email/cancelled_date", occurrence=occurrence)
        if registration.occurrence_id == occurrence.pk:
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = at
            registration.save(update_fields=["status", "cancelled_at"])
            _record(RKind.CANCELLED, registration, occurrence=occurrence, staff=staff, at=at,
                    detail={"date_cancelled": True})
    return occurrence


def _registrations_of(occurrence: Occurrence):
    """Registrations that concern one date: its own, and the whole series' if that is how the
    event takes registrations."""
    return Registration.objects.filter(
        Q(occurrence=occurrence) | Q(event_id=occurrence.event_id, occurrence__isnull=True)
    ).select_related("event")


# --- Registration -----------------------------------------------------------------------------


@transaction.atomic
def register(
    *,
    occurrence: Occurrence | None = None,
    event: Event | None = None,
    attendee: Attendee,
    staff: User | None,
    at: datetime,
) -> Registration:
    """Register `attendee` for one date (`occurrence`) or, for an event registered as a
    series, for the whole `event`. Returns the registration: CONFIRMED when a place is free,
    WAITLISTED when full and the event keeps a waiting list.

    Raises RegistrationRefused with every reason (closed window, full without a waiting list,
    already registered, paused for no-shows, cancelled date)."""
    # Two people taking the last place at once: the lock on the date (or on the series) makes
    # the second wait until the first has committed, then count again.
    if occurrence is not None:
        occurrence = (
            Occurrence.objects.select_for_update(of=("self",))
            .select_related("event", "event__branch").get(pk=occurrence.pk)
        )
        event = occurrence.event
        taken = Registration.objects.filter(occurrence=occurrence)
        dates = [occurrence]
    else:
        if event is None:
            raise ValueError("register for a date or for a whole series")
        event = Event.objects.select_for_update(of=("self",)).select_related("branch").get(pk=event.pk)
        taken = Registration.objects.filter(event=event, occurrence__isnull=True)
        dates = list(event.occurrences.filter(status=OccurrenceStatus.SCHEDULED))
    reasons = _registration_refusals(
        event=event, occurrence=occurrence, dates=dates, taken=taken, attendee=attendee, at=at
    )
    confirmed = taken.filter(status=RegistrationStatus.CONFIRMED).count()
    full = event.capacity is not None and confirmed >= event.capacity
    if full and not event.waitlist:
        reasons.append(Reason.FULL)
    if reasons:
        raise RegistrationRefused(reasons)
    patron, guardian = attendee.patron, attendee.registered_by
    contact = guardian or patron
    first_day = dates[0].starts_at.date() if dates else at.date()
    registration = Registration.objects.create(
        event=event,
        occurrence=occurrence,
        patron=patron,
        registered_by=guardian,
        attendee_name=(f"{patron.given_names} {patron.family_name}" if patron else attendee.name),
        contact_name=(
            f"{contact.given_names} {contact.family_name}" if contact else attendee.contact_name
        ),
        contact_email=contact.email if contact else attendee.contact_email,
        language=contact.language if contact else attendee.language,
        age_band=(
            rules.age_band_on(patron.date_of_birth, first_day) if patron else ""
        ) or attendee.age_band,
        status=RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED,
        token=secrets.token_urlsafe(32),
        created_at=at,
        waitlisted_at=at if full else None,
        staff=staff,
    )
    _record(RKind.WAITLISTED if full else RKind.REGISTERED, registration, occurrence=occurrence,
            staff=staff, at=at)
    _notify(registration, "programs/email/waitlisted" if full else "programs/email/registered",
            occurrence=occurrence or (dates[0] if dates else None))
    return registration


def _registration_refusals(
    *,
    event: Event,
    occurrence: Occurrence | None,
    dates: list[Occurrence],
    taken,
    attendee: Attendee,
    at: datetime,
) -> list[Reason]:
    reasons: list[Reason] = []
    if event.registration == RegistrationMode.NONE:
        return [Reason.NO_REGISTRATION]
    if not event.is_published:
        reasons.append(Reason.NOT_PUBLISHED)
    if occurrence is not None and event.registration == RegistrationMode.SERIES:
        reasons.append(Reason.WRONG_MODE)
    if occurrence is None and event.registration == RegistrationMode.PER_OCCURRENCE:
        reasons.append(Reason.WRONG_MODE)
    if occurrence is not None and occurrence.is_cancelled:
        reasons.append(Reason.CANCELLED)
    if not dates:
        reasons.append(Reason.CLOSED)
    else:
        opens, closes = rules.registration_window(
            first_start=dates[0].starts_at, last_start=dates[-1].starts_at,
            opens_days=event.registration_opens_days, closes_hours=event.registration_closes_hours,
        )
        if opens is not None and at < opens:
            reasons.append(Reason.NOT_YET_OPEN)
        if at >= closes:
            reasons.append(Reason.CLOSED)
    active = taken.exclude(status=RegistrationStatus.CANCELLED)
    if attendee.patron is not None:
        duplicate = active.filter(patron=attendee.patron).exists()
    else:
        duplicate = active.filter(
            patron__isnull=True, contact_email__iexact=attendee.contact_email,
            attendee_name__iexact=attendee.name.strip(),
        ).exists()
    if duplicate:
        reasons.append(Reason.ALREADY_REGISTERED)
    if _paused_for_no_shows(event=event, attendee=attendee, at=at):
        reasons.append(Reason.NO_SHOW_PAUSE)
    return reasons


def _paused_for_no_shows(*, event: Event, attendee: Attendee, at: datetime) -> bool:
    policy = ProgramPolicy.objects.filter(network_id=event.branch.network_id, no_show_rule=True).first()
    if policy is None:
        return False
    who = attendee.registered_by or attendee.patron
    misses = RegistrationEvent.objects.filter(
        kind=RKind.NO_SHOW, at__gte=at - timedelta(days=policy.no_show_period_days), at__lte=at
    )
    if who is not None:
        misses = misses.filter(Q(patron=who) | Q(registration__registered_by=who))
    elif attendee.contact_email:
        misses = misses.filter(registration__contact_email__iexact=attendee.contact_email)
    else:
        return False
    times = list(misses.order_by("-at").values_list("at", flat=True)[: policy.no_show_limit])
    return len(times) >= policy.no_show_limit and at < times[0] + timedelta(days=policy.no_show_pause_days)


@transaction.atomic
def cancel_registration(
    registration: Registration, *, staff: User | None, at: datetime
) -> Registration | None:
    """Cancel a registration (by the registrant through their link, or by staff). If it held a
    place, the first person on the waiting list gets it and is told in their language.
    Returns the promoted registration, if any."""
    registration = Registration.objects.select_related("event", "occurrence").get(pk=registration.pk)
    _lock_capacity(registration)
    registration.refresh_from_db(fields=["status"])
    if registration.status == RegistrationStatus.CANCELLED:
        return None
    held_a_place = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = at
    registration.save(update_fields=["status", "cancelled_at"])
    _record(RKind.CANCELLED, registration, occurrence=registration.occurrence, staff=staff, at=at)
    promoted = _promote(registration.event, registration.occurrence, at=at) if held_a_place else []
    return promoted[0] if promoted else None


def _lock_capacity(registration: Registration) -> None:
    if registration.occurrence_id is not None:
        Occurrence.objects.select_for_update().filter(pk=registration.occurrence_id).first()
    else:
        Event.objects.select_for_update().filter(pk=registration.event_id).first()


@transaction.atomic
def change_capacity(event: Event, *, capacity: int | None, staff: User | None, at: datetime) -> list[Registration]:
    """Set the number of places; more places promote people from the waiting list. Returns the
    promoted registrations."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    promoted: list[Registration] = []
    if event.registration == RegistrationMode.SERIES:
        promoted += _promote(event, None, at=at)
    else:
        for occurrence in event.occurrences.select_for_update().filter(status=OccurrenceStatus.SCHEDULED, ends_at__gt=at):
            promoted += _promote(event, occurrence, at=at)
    return promoted


def _promote(event: Event, occurrence: Occurrence | None, *, at: datetime) -> list[Registration]:
    """Give free places to the waiting list in the order people joined it. The caller holds
    the lock on the date (or the series)."""
    if occurrence is not None and (occurrence.is_cancelled or occurrence.starts_at <= at):
        return []
    if occurrence is None and not event.occurrences.filter(
        status=OccurrenceStatus.SCHEDULED, starts_at__gt=at
    ).exists():
        return []  # the series is over: a place now is worth nothing
    taken = Registration.objects.filter(event=event, occurrence=occurrence)
    confirmed = taken.filter(status=RegistrationStatus.CONFIRMED).count()
    free = None if event.capacity is None else max(0, event.capacity - confirmed)
    waiting = taken.filter(status=RegistrationStatus.WAITLISTED).order_by("waitlisted_at", "pk")
    chosen = list(waiting if free is None else waiting[:free])
    for registration in chosen:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = at
        registration.save(update_fields=["status", "promoted_at"])
        _record(RKind.PROMOTED, registration, occurrence=occurrence, staff=None, at=at)
        next_date = occurrence or event.occurrences.filter(
            status=OccurrenceStatus.SCHEDULED, starts_at__gt=at
        ).first()
        _notify(registration, "programs/email/promoted", occurrence=next_date)
    return chosen


@transaction.atomic
def set_policy(
    network: Network,
    *,
    no_show_rule: bool,
    no_show_limit: int,
    no_show_period_days: int,
    no_show_pause_days: int,
    reminder_hours: int,
    staff: User | None,
    at: datetime,
) -> ProgramPolicy:
    """Save `network`'s programme choices (the no-show rule, when reminders go) and return
    them. A limit of missed events below 1 would pause everyone: ValueError."""
    if no_show_limit < 1:
        raise ValueError("the no-show limit is at least 1")
    policy, _ = ProgramPolicy.objects.update_or_create(
        network=network,
        defaults={
            "no_show_rule": no_show_rule, "no_show_limit": no_show_limit,
            "no_show_period_days": no_show_period_days, "no_show_pause_days": no_show_pause_days,
            "reminder_hours": reminder_hours,
        },
    )
    return policy


# --- Reminders and no-shows (scheduled job) ---------------------------------------------------


def send_reminders(*, at: datetime) -> int:
    """Remind everyone with a place at a date starting within the network's reminder period
    (24 hours unless the policy says otherwise) who has not been reminded of that date.
    The scheduled job calls this; returns how many reminders were sent. Each reminder is its
    own transaction, so a mail failure leaves the others done and is retried next run; the
    failure itself is raised after the others are sent."""
    sent = 0
    failure: Exception | None = None
    horizon = at + timedelta(hours=max(_reminder_hours(), 1))
    dates = Occurrence.objects.filter(
        status=OccurrenceStatus.SCHEDULED, starts_at__gt=at, starts_at__lte=horizon,
        event__registration__in=[RegistrationMode.PER_OCCURRENCE, RegistrationMode.SERIES],
    ).select_related("event", "event__branch")
    for occurrence in dates:
        policy_hours = _reminder_hours(occurrence.event.branch.network_id)
        if occurrence.starts_at > at + timedelta(hours=policy_hours):
            continue
        reminded = RegistrationEvent.objects.filter(kind=RKind.REMINDED, occurrence=occurrence).values("registration_id")
        due = (
            _registrations_of(occurrence)
            .filter(status=RegistrationStatus.CONFIRMED)
            .exclude(contact_email="")
            .exclude(pk__in=reminded)
        )
        for registration in due:
            # Sent inside the transaction: if the mail server refuses, the "reminded" row is
            # rolled back and the next run tries again.
            try:
                with transaction.atomic():
                    _record(RKind.REMINDED, registration, occurrence=occurrence, staff=None, at=at)
                    send_message("programs/email/reminder", _message_context(registration, occurrence),
                                 to=registration.contact_email, language=registration.language)
            except Exception as error:  # reported once the others are sent
                failure = failure or error
                continue
            sent += 1
    if failure is not None:
        raise failure
    return sent


def _reminder_hours(network_id: int | None = None) -> int:
    policies = ProgramPolicy.objects.all()
    if network_id is not None:
        policy = policies.filter(network_id=network_id).first()
        return policy.reminder_hours if policy else 24
    return max([24, *policies.values_list("reminder_hours", flat=True)])


# --- Attendance -------------------------------------------------------------------------------


@transaction.atomic
def check_in(
    registration: Registration, *, occurrence: Occurrence, staff: User | None, at: datetime
) -> Attendance:
    """Mark a registrant as present at `occurrence`; checking in twice returns the first.
    Raises ValueError for a registration that is not for this date (or its series)."""
    if registration.event_id != occurrence.event_id or registration.occurrence_id not in {None, occurrence.pk}:
        raise ValueError("this registration is for another date")
    existing = Attendance.objects.filter(occurrence=occurrence, registration=registration).first()
    if existing:
        return existing
    attendance = Attendance.objects.create(
        occurrence=occurrence, registration=registration, checked_in_at=at, staff=staff
    )
    AttendanceEvent.objects.create(
        kind=AKind.CHECKED_IN, at=at, occurrence=occurrence, branch_id=registration.event.branch_id,
        registration=registration, age_band=registration.age_band, count=1, staff=staff,
    )
    return attendance


@transaction.atomic
def undo_check_in(
    registration: Registration, *, occurrence: Occurrence, staff: User | None, at: datetime
) -> None:
    """Take back a check-in made by mistake."""
    deleted, _ = Attendance.objects.filter(occurrence=occurrence, registration=registration).delete()
    if deleted:
        AttendanceEvent.objects.create(
            kind=AKind.CHECK_IN_UNDONE, at=at, occurrence=occurrence,
            branch_id=registration.event.branch_id, registration=registration,
            age_band=registration.age_band, count=-1, staff=staff,
        )


@transaction.atomic
def record_walk_ins(
    occurrence: Occurrence, *, counts: Mapping[str, int], staff: User | None, at: datetime
) -> None:
    """Set the number of people who came without registering, per age band (a band left out
    keeps its count). Each change is an event row with the difference."""
    branch_id = Event.objects.values_list("branch_id", flat=True).get(pk=occurrence.event_id)
    for band, count in counts.items():
        if count < 0:
            raise ValueError("a count cannot be negative")
        row = WalkInCount.objects.select_for_update().filter(occurrence=occurrence, band=band).first()
        before = row.count if row else 0
        if count == before:
            continue
        WalkInCount.objects.update_or_create(occurrence=occurrence, band=band, defaults={"count": count})
        AttendanceEvent.objects.create(
            kind=AKind.WALK_INS, at=at, occurrence=occurrence, branch_id=branch_id,
            age_band=band, count=count - before, staff=staff,
        )


@transaction.atomic
def close_attendance(occurrence: Occurrence, *, staff: User | None, at: datetime) -> int:
    """Declare the check-in list complete: everyone with a place who was not checked in is
    recorded as a no-show (what the no-show rule counts). Returns how many. Closing twice
    records nothing more."""
    occurrence = Occurrence.objects.select_for_update(of=("self",)).select_related("event").get(pk=occurrence.pk)
    if occurrence.attendance_closed_at is not None:
        return 0
    occurrence.attendance_closed_at = at
    occurrence.save(update_fields=["attendance_closed_at"])
    AttendanceEvent.objects.create(
        kind=AKind.CLOSED, at=at, occurrence=occurrence, branch_id=occurrence.event.branch_id, staff=staff
    )
    missing = (
        _registrations_of(occurrence)
        .filter(status=RegistrationStatus.CONFIRMED, created_at__lt=occurrence.ends_at)
        .exclude(attendances__occurrence=occurrence)
    )
    count = 0
    for registration in missing:
        _record(RKind.NO_SHOW, registration, occurrence=occurrence, staff=staff, at=at)
        count += 1
    return count


# --- Contests, reading activities and feedback ------------------------------------------------


@transaction.atomic
def submit_entry(
    event: Event,
    *,
    author_name: str,
    contact_email: str,
    title: str,
    text: str,
    file: UploadedFile | None,
    age_band: str,
    patron: Patron | None,
    at: datetime,
) -> Submission:
    """Add an entry to a contest or reading activity. Raises ProgramRefused when the event
    takes no entries, entries have closed, or the entry is empty."""
    reasons = []
    if event.kind == EventKind.PROGRAMME:
        reasons.append(Reason.NOT_A_CONTEST)
    if event.submissions_close_at is not None and at >= event.submissions_close_at:
        reasons.append(Reason.ENTRIES_CLOSED)
    if not text.strip() and not file:
        reasons.append(Reason.EMPTY_ENTRY)
    if reasons:
        raise ProgramRefused(reasons)
    submission = Submission(
        event=event, patron=patron, author_name=author_name, contact_email=contact_email,
        title=title, text=text, age_band=age_band, submitted_at=at,
    )
    if file:
        submission.file.save(file.name, file, save=False)
    submission.save()
    return submission


@transaction.atomic
def record_result(
    submission: Submission, *, result: str, rank: int | None, published: bool, staff: User | None, at: datetime
) -> Submission:
    """Record the jury's result for an entry and whether the public sees it."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    submission.result, submission.rank, submission.result_published = result, rank, published
    submission.result_by = staff
    submission.save(update_fields=["result", "rank", "result_published", "result_by"])
    return submission


@transaction.atomic
def leave_feedback(
    registration: Registration, *, occurrence: Occurrence, rating: int, comment: str, at: datetime
) -> Feedback:
    """Keep a rating (1–5) and comment from someone checked in at `occurrence`; a second
    feedback replaces the first. Raises ProgramRefused before the end or without attendance."""
    reasons = []
    if at < occurrence.ends_at:
        reasons.append(Reason.NOT_FINISHED)
    if not Attendance.objects.filter(occurrence=occurrence, registration=registration).exists():
        reasons.append(Reason.NOT_ATTENDED)
    if reasons:
        raise ProgramRefused(reasons)
    if not 1 <= rating <= 5:
        raise ValueError("a rating is from 1 to 5")
    feedback, _ = Feedback.objects.update_or_create(
        occurrence=occurrence, registration=registration,
        defaults={"rating": rating, "comment": comment.strip(), "at": at},
    )
    return feedback


# --- Helpers ----------------------------------------------------------------------------------


def _record(
    kind: str,
    registration: Registration,
    *,
    occurrence: Occurrence | None,
    staff: User | None,
    at: datetime,
    detail: dict | None = None,
) -> RegistrationEvent:
    return RegistrationEvent.objects.create(
        kind=kind, at=at, registration=registration, event_id=registration.event_id,
        occurrence=occurrence, branch_id=registration.event.branch_id,
        patron_id=registration.patron_id, age_band=registration.age_band, staff=staff,
        detail=detail or {},
    )


def manage_path(registration: Registration) -> str:
    """The registrant's own page (cancel, feedback), reached through the secret link."""
    return reverse("programs:manage", kwargs={"token": registration.token})


def _notify(registration: Registration, template_prefix: str, *, occurrence: Occurrence | None) -> None:
    """Send a message about `registration` in its language once the transaction commits; a
    rolled-back registration sends nothing."""
    if not registration.contact_email:
        return
    context = _message_context(registration, occurrence)
    to, language = registration.contact_email, registration.language
    # robust: the registration stands even if the mail server is down; the failure is logged.
    transaction.on_commit(
        lambda: send_message(template_prefix, context, to=to, language=language), robust=True
    )


def _message_context(registration: Registration, occurrence: Occurrence | None) -> dict[str, object]:
    return {
        "registration": registration,
        "event": registration.event,
        "occurrence": occurrence,
        "branch": registration.event.branch,
        "manage_url": settings.SITE_URL + manage_path(registration),
    }
