"""The only writers of events, registrations, attendance and entries; feedback on an event is
answered through the surveys app (`leave_feedback`). One transaction each; each is told who
acts (an `Actor`) and records what happened in the history (`programs.kinds`), with the
programme's audience and format and the person's age. Permission checks are the callers'
(through bibliohub.accounts.access); e-mails go out only after the transaction commits."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from bibliohub.accounts.models import User
from bibliohub.community.models import Partner
from bibliohub.history import Actor
from bibliohub.history.kinds import Kind
from bibliohub.history.models import Entry
from bibliohub.history.services import changed_fields, object_type, record
from bibliohub.libraries.models import Branch, Network
from bibliohub.mail import services as mail
from bibliohub.patrons.models import Patron
from bibliohub.programs import kinds, rules
from bibliohub.programs.errors import ProgramRefused, Reason, RegistrationRefused
from bibliohub.programs.models import (
    Attendance,
    Audience,
    Category,
    Event,
    EventAudience,
    EventKind,
    Occurrence,
    OccurrenceStatus,
    ProgramPolicy,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    Submission,
    WalkInCount,
)
from bibliohub.spaces import services as spaces
from bibliohub.spaces.errors import BookingRefused
from bibliohub.spaces.models import Room
from bibliohub.surveys import services as surveys
from bibliohub.surveys.models import Response as SurveyResponse


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
    actor: Actor,
    at: datetime,
) -> Event:
    """Create an event at `branch` with one Occurrence per date of `recurrence` (an RRULE;
    empty for a one-off), each as long as `ends_at - starts_at`, its room booked for each
    date. Returns the event. Records EVENT_CREATED.

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
        created_by_id=actor.staff_id,
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
            _book_room(occurrence, room=details.room, actor=actor, at=at)
    _record(
        kinds.EVENT_CREATED, _programme(event), actor=actor, at=at, obj=event,
        detail={"kind": event.kind, "dates": len(occurrences), "series": bool(recurrence),
                "registration": event.registration, "capacity": event.capacity,
                "room": event.room_id, "published": event.is_published},
    )
    return event


# What update_event may change; dates change one by one (change_occurrence), places through
# change_capacity (which promotes from the waiting list).
_EDITABLE = (
    "kind", "title", "titles", "description", "descriptions", "format", "room", "place", "address",
    "online_url", "presenters", "tags", "registration_opens_days", "registration_closes_hours",
    "waitlist", "submissions_close_at", "is_published",
)


@transaction.atomic
def update_event(event: Event, details: EventDetails, *, actor: Actor, at: datetime) -> Event:
    """Change what an event says about itself (titles, place, audiences, categories…) and
    return it. A new room is booked for every date still to come (the old one freed); dates,
    places and the way people register stay as they are. Records EVENT_CHANGED with the
    names of what changed.

    Raises ProgramRefused(ROOM_TAKEN) when the new room is not free for one of the dates;
    ValueError without an audience."""
    if not details.audiences:
        raise ValueError("an event needs at least one audience")
    event = Event.objects.select_for_update(of=("self",)).select_related("branch").get(pk=event.pk)
    old_room_id = event.room_id
    for name in _EDITABLE:
        value = getattr(details, name)
        if name in {"titles", "descriptions"}:
            value = dict(value)
        elif name in {"presenters", "tags"}:
            value = list(value)
        setattr(event, name, value)
    changed = [name for name in changed_fields(event) if name in _EDITABLE]
    event.save(update_fields=list(_EDITABLE))
    for name, related, chosen in (
        ("categories", event.categories, {c.pk for c in details.categories}),
        ("partners", event.partners, {p.pk for p in details.partners}),
    ):
        if set(related.values_list("pk", flat=True)) != chosen:
            changed.append(name)
    if set(event.audiences.values_list("band", flat=True)) != set(details.audiences):
        changed.append("audiences")
    event.categories.set(details.categories)
    event.partners.set(details.partners)
    EventAudience.objects.filter(event=event).exclude(band__in=details.audiences).delete()
    for band in details.audiences:
        EventAudience.objects.get_or_create(event=event, band=band)
    if event.room_id != old_room_id:
        coming = event.occurrences.filter(status=OccurrenceStatus.SCHEDULED, starts_at__gt=at)
        for occurrence in coming:
            if event.room is None:
                spaces.release_for_event(occurrence_id=occurrence.pk, actor=actor, at=at)
            else:
                _book_room(occurrence, room=event.room, actor=actor, at=at)
    # Calendars that subscribed should refresh what they show.
    event.occurrences.filter(starts_at__gt=at).update(sequence=models.F("sequence") + 1)
    _record(kinds.EVENT_CHANGED, _programme(event), actor=actor, at=at, obj=event,
            detail={"fields": changed})
    return event


def _book_room(occurrence: Occurrence, *, room: Room, actor: Actor, at: datetime) -> None:
    """Hold the room for one date; a conflict or closed building undoes the whole change."""
    try:
        spaces.reserve_for_event(
            room=room, start=occurrence.starts_at, end=occurrence.ends_at,
            occurrence_id=occurrence.pk, actor=actor, at=at,
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
    actor: Actor,
    at: datetime,
) -> Occurrence:
    """Move one date of an event (the rest of the series stays) and tell its registrants.
    Returns the occurrence with its sequence raised, so calendar feeds replace it. Records
    DATE_CHANGED."""
    if ends_at <= starts_at:
        raise ValueError("an event ends after it starts")
    occurrence = _locked_occurrence(occurrence)
    moved = (occurrence.starts_at, occurrence.ends_at) != (starts_at, ends_at)
    occurrence.starts_at, occurrence.ends_at, occurrence.note = starts_at, ends_at, note
    occurrence.changed = True
    occurrence.sequence += 1
    occurrence.save(update_fields=["starts_at", "ends_at", "note", "changed", "sequence"])
    if moved and occurrence.event.room is not None:
        _book_room(occurrence, room=occurrence.event.room, actor=actor, at=at)
    if moved:
        for registration in _registrations_of(occurrence).filter(status=RegistrationStatus.CONFIRMED):
            _notify(registration, "programs/email/changed", occurrence=occurrence, actor=actor, at=at)
    _record(
        kinds.DATE_CHANGED, _programme(occurrence.event), actor=actor, at=at, obj=occurrence,
        detail={"moved": moved, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return occurrence


@transaction.atomic
def cancel_occurrence(
    occurrence: Occurrence, *, note: str, actor: Actor, at: datetime
) -> Occurrence:
    """Cancel one date: it stays in the calendar marked cancelled (feeds send STATUS:CANCELLED),
    its own registrations are cancelled and everyone registered is told. Records
    DATE_CANCELLED, and CANCELLED for each registration of that date."""
    occurrence = _locked_occurrence(occurrence)
    if occurrence.is_cancelled:
        return occurrence
    occurrence.status = OccurrenceStatus.CANCELLED
    occurrence.note = note
    occurrence.sequence += 1
    occurrence.save(update_fields=["status", "note", "sequence"])
    if occurrence.event.room_id is not None:
        spaces.release_for_event(occurrence_id=occurrence.pk, actor=actor, at=at)
    programme = _programme(occurrence.event)
    cancelled = 0
    for registration in _registrations_of(occurrence).exclude(status=RegistrationStatus.CANCELLED):
        if registration.status == RegistrationStatus.CONFIRMED:
            _notify(registration, "programs/email/cancelled_date", occurrence=occurrence, actor=actor, at=at)
        if registration.occurrence_id == occurrence.pk:
            registration.status = RegistrationStatus.CANCELLED
            registration.cancelled_at = at
            registration.save(update_fields=["status", "cancelled_at"])
            _record_registration(kinds.CANCELLED, registration, programme, occurrence=occurrence,
                                 actor=actor, at=at, detail={"date_cancelled": True})
            cancelled += 1
    _record(kinds.DATE_CANCELLED, programme, actor=actor, at=at, obj=occurrence,
            detail={"registrations_cancelled": cancelled})
    if occurrence.held_counted_at is not None:
        # Counted as held already (programs.census): no longer.
        record_held(occurrence, quantity=-1, actor=actor, at=at)
    return occurrence


def record_held(occurrence: Occurrence, *, quantity: int, actor: Actor, at: datetime) -> None:
    """Record HELD for `occurrence` (`quantity` 1, or -1 to take a count back) on the local
    day it started, with its programme's branch, audience and format."""
    event = occurrence.event
    record(
        kinds.HELD,
        at=at,
        day=timezone.localdate(occurrence.starts_at),
        actor=actor,
        branch=event.branch,
        audience=_audience_of(event),
        format=event.format,
        obj=occurrence,
        quantity=quantity,
        detail={"event": event.pk},
    )


def _locked_occurrence(occurrence: Occurrence) -> Occurrence:
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("event", "event__branch")
        .get(pk=occurrence.pk)
    )


def _registrations_of(occurrence: Occurrence) -> QuerySet[Registration]:
    """Registrations that concern one date: its own, and the whole series' if that is how the
    event takes registrations."""
    return Registration.objects.filter(
        Q(occurrence=occurrence) | Q(event_id=occurrence.event_id, occurrence__isnull=True)
    ).select_related("event", "event__branch", "patron")


# --- Registration -----------------------------------------------------------------------------


@transaction.atomic
def register(
    *,
    occurrence: Occurrence | None = None,
    event: Event | None = None,
    attendee: Attendee,
    actor: Actor,
    at: datetime,
) -> Registration:
    """Register `attendee` for one date (`occurrence`) or, for an event registered as a
    series, for the whole `event`. Returns the registration: CONFIRMED when a place is free,
    WAITLISTED when full and the event keeps a waiting list. Records REGISTERED or
    WAITLISTED, about the patron attending (or the guest's age group, never their name).

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
        attendee_name=(patron.full_name if patron else attendee.name),
        contact_name=(
            contact.full_name if contact else attendee.contact_name
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
        staff_id=actor.staff_id,
    )
    _record_registration(kinds.WAITLISTED if full else kinds.REGISTERED, registration,
                         _programme(event), occurrence=occurrence, actor=actor, at=at)
    _notify(registration, "programs/email/waitlisted" if full else "programs/email/registered",
            occurrence=occurrence or (dates[0] if dates else None), actor=actor, at=at)
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
    # Missed dates are in the history: the patron's own, or those of registrations the
    # guardian (or the guest's e-mail address) made.
    misses = Entry.objects.filter(
        domain=kinds.NO_SHOW.domain, kind=kinds.NO_SHOW.code,
        at__gte=at - timedelta(days=policy.no_show_period_days), at__lte=at,
    )
    if who is not None:
        misses = misses.filter(
            Q(patron_id=who.pk) | _about_registrations(Registration.objects.filter(registered_by=who))
        )
    elif attendee.contact_email:
        misses = misses.filter(_about_registrations(
            Registration.objects.filter(contact_email__iexact=attendee.contact_email)
        ))
    else:
        return False
    times = list(misses.order_by("-at").values_list("at", flat=True)[: policy.no_show_limit])
    return len(times) >= policy.no_show_limit and at < times[0] + timedelta(days=policy.no_show_pause_days)


def _about_registrations(registrations: QuerySet[Registration]) -> Q:
    return Q(object_type=object_type(Registration), object_id__in=registrations.values("pk"))


@transaction.atomic
def cancel_registration(
    registration: Registration, *, actor: Actor, at: datetime
) -> Registration | None:
    """Cancel a registration (by the registrant through their link, or by staff). If it held a
    place, the first person on the waiting list gets it and is told in their language.
    Returns the promoted registration, if any. Records CANCELLED (and PROMOTED, as done by
    the same actor)."""
    registration = Registration.objects.select_related(
        "event", "event__branch", "occurrence", "patron"
    ).get(pk=registration.pk)
    _lock_capacity(registration)
    registration.refresh_from_db(fields=["status"])
    if registration.status == RegistrationStatus.CANCELLED:
        return None
    held_a_place = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = at
    registration.save(update_fields=["status", "cancelled_at"])
    programme = _programme(registration.event)
    _record_registration(kinds.CANCELLED, registration, programme,
                         occurrence=registration.occurrence, actor=actor, at=at)
    promoted = (
        _promote(registration.event, registration.occurrence, programme, actor=actor, at=at)
        if held_a_place else []
    )
    return promoted[0] if promoted else None


def _lock_capacity(registration: Registration) -> None:
    if registration.occurrence_id is not None:
        Occurrence.objects.select_for_update().filter(pk=registration.occurrence_id).first()
    else:
        Event.objects.select_for_update().filter(pk=registration.event_id).first()


@transaction.atomic
def change_capacity(event: Event, *, capacity: int | None, actor: Actor, at: datetime) -> list[Registration]:
    """Set the number of places; more places promote people from the waiting list. Returns the
    promoted registrations. Records CAPACITY_CHANGED, and PROMOTED for each."""
    event = Event.objects.select_for_update(of=("self",)).select_related("branch").get(pk=event.pk)
    before = event.capacity
    event.capacity = capacity
    event.save(update_fields=["capacity"])
    programme = _programme(event)
    _record(kinds.CAPACITY_CHANGED, programme, actor=actor, at=at, obj=event,
            detail={"from": before, "to": capacity})
    promoted: list[Registration] = []
    if event.registration == RegistrationMode.SERIES:
        promoted += _promote(event, None, programme, actor=actor, at=at)
    else:
        for occurrence in event.occurrences.select_for_update().filter(status=OccurrenceStatus.SCHEDULED, ends_at__gt=at):
            promoted += _promote(event, occurrence, programme, actor=actor, at=at)
    return promoted


def _promote(
    event: Event, occurrence: Occurrence | None, programme: _Programme, *, actor: Actor,
    at: datetime,
) -> list[Registration]:
    """Give free places to the waiting list in the order people joined it, recorded as done
    by `actor`, whose change freed them. The caller holds the lock on the date (or the
    series)."""
    if occurrence is not None and (occurrence.is_cancelled or occurrence.starts_at <= at):
        return []
    if occurrence is None and not event.occurrences.filter(
        status=OccurrenceStatus.SCHEDULED, starts_at__gt=at
    ).exists():
        return []  # the series is over: a place now is worth nothing
    taken = Registration.objects.filter(event=event, occurrence=occurrence)
    confirmed = taken.filter(status=RegistrationStatus.CONFIRMED).count()
    free = None if event.capacity is None else max(0, event.capacity - confirmed)
    waiting = (
        taken.filter(status=RegistrationStatus.WAITLISTED)
        .select_related("patron")
        .order_by("waitlisted_at", "pk")
    )
    chosen = list(waiting if free is None else waiting[:free])
    for registration in chosen:
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = at
        registration.save(update_fields=["status", "promoted_at"])
        _record_registration(kinds.PROMOTED, registration, programme, occurrence=occurrence,
                             actor=actor, at=at)
        next_date = occurrence or event.occurrences.filter(
            status=OccurrenceStatus.SCHEDULED, starts_at__gt=at
        ).first()
        _notify(registration, "programs/email/promoted", occurrence=next_date, actor=actor, at=at)
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
    actor: Actor,
    at: datetime,
) -> ProgramPolicy:
    """Save `network`'s programme choices (the no-show rule, when reminders go) and return
    them; records POLICY_SAVED with the values. A limit of missed events below 1 would pause
    everyone: ValueError."""
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
    record(
        kinds.POLICY_SAVED, at=at, actor=actor, network=network.pk, obj=policy,
        detail={"no_show_rule": no_show_rule, "no_show_limit": no_show_limit,
                "no_show_period_days": no_show_period_days,
                "no_show_pause_days": no_show_pause_days, "reminder_hours": reminder_hours},
    )
    return policy


@transaction.atomic
def save_category(category: Category, *, actor: Actor, at: datetime) -> Category:
    """Create or rename an event category (story time, book club). Records CATEGORY_SAVED
    with its code and the fields changed."""
    fields = changed_fields(category)
    created = category.pk is None
    category.full_clean()
    category.save()
    record(kinds.CATEGORY_SAVED, at=at, actor=actor, obj=category,
           detail={"created": created, "fields": fields, "code": category.code})
    return category


# --- Reminders and no-shows (scheduled job) ---------------------------------------------------


def send_reminders(*, actor: Actor, at: datetime) -> int:
    """Remind everyone with a place at a date starting within the network's reminder period
    (24 hours unless the policy says otherwise) who has not been reminded of that date.
    The scheduled job (`actor`) calls this; returns how many reminders were written to the
    outbox (which sends them, retrying while the mail server is away), each recorded as
    REMINDED with the date in the same transaction."""
    sent = 0
    horizon = at + timedelta(hours=max(_reminder_hours(), 1))
    dates = Occurrence.objects.filter(
        status=OccurrenceStatus.SCHEDULED, starts_at__gt=at, starts_at__lte=horizon,
        event__registration__in=[RegistrationMode.PER_OCCURRENCE, RegistrationMode.SERIES],
    ).select_related("event", "event__branch")
    for occurrence in dates:
        policy_hours = _reminder_hours(occurrence.event.branch.network_id)
        if occurrence.starts_at > at + timedelta(hours=policy_hours):
            continue
        candidates = list(
            _registrations_of(occurrence)
            .filter(status=RegistrationStatus.CONFIRMED)
            .exclude(contact_email="")
        )
        reminded = _reminded(occurrence, candidates)
        programme = _programme(occurrence.event)
        for registration in candidates:
            if registration.pk in reminded:
                continue
            # The reminder is written to the outbox with its REMINDED entry: both or neither.
            with transaction.atomic():
                _record_registration(kinds.REMINDED, registration, programme,
                                     occurrence=occurrence, actor=actor, at=at)
                _notify(registration, "programs/email/reminder", occurrence=occurrence,
                        actor=actor, at=at)
            sent += 1
    return sent


def _reminded(occurrence: Occurrence, registrations: Iterable[Registration]) -> set[int]:
    """Which of `registrations` were reminded of `occurrence` (a series' registration is
    reminded of each date): the history's REMINDED entries about them name the date."""
    found = Entry.objects.filter(
        domain=kinds.REMINDED.domain, kind=kinds.REMINDED.code,
        object_type=object_type(Registration), object_id__in=[r.pk for r in registrations],
    ).values_list("object_id", "detail")
    return {pk for pk, detail in found if pk is not None and detail.get("occurrence") == occurrence.pk}


def _reminder_hours(network_id: int | None = None) -> int:
    policies = ProgramPolicy.objects.all()
    if network_id is not None:
        policy = policies.filter(network_id=network_id).first()
        return policy.reminder_hours if policy else 24
    return max([24, *policies.values_list("reminder_hours", flat=True)])


# --- Attendance -------------------------------------------------------------------------------


@transaction.atomic
def check_in(
    registration: Registration, *, occurrence: Occurrence, actor: Actor, at: datetime
) -> Attendance:
    """Mark a registrant as present at `occurrence`; checking in twice returns the first.
    Records CHECKED_IN about the date, with the attendee's age (or age group).
    Raises ValueError for a registration that is not for this date (or its series)."""
    if registration.event_id != occurrence.event_id or registration.occurrence_id not in {None, occurrence.pk}:
        raise ValueError("this registration is for another date")
    existing = Attendance.objects.filter(occurrence=occurrence, registration=registration).first()
    if existing:
        return existing
    attendance = Attendance.objects.create(
        occurrence=occurrence, registration=registration, checked_in_at=at,
        staff_id=actor.staff_id,
    )
    _record_attendance(kinds.CHECKED_IN, registration, occurrence=occurrence, actor=actor, at=at)
    return attendance


@transaction.atomic
def undo_check_in(
    registration: Registration, *, occurrence: Occurrence, actor: Actor, at: datetime
) -> None:
    """Take back a check-in made by mistake. Records CHECK_IN_UNDONE, counting -1 person, so
    that the people present still add up."""
    deleted, _ = Attendance.objects.filter(occurrence=occurrence, registration=registration).delete()
    if deleted:
        _record_attendance(kinds.CHECK_IN_UNDONE, registration, occurrence=occurrence,
                           actor=actor, at=at, quantity=-1)


def _record_attendance(
    kind: Kind, registration: Registration, *, occurrence: Occurrence, actor: Actor,
    at: datetime, quantity: int = 1,
) -> None:
    registration = Registration.objects.select_related("event", "event__branch", "patron").get(
        pk=registration.pk
    )
    _record(
        kind, _programme(registration.event), actor=actor, at=at, obj=occurrence,
        registration=registration, quantity=quantity, detail={"registration": registration.pk},
    )


@transaction.atomic
def record_walk_ins(
    occurrence: Occurrence, *, counts: Mapping[str, int], actor: Actor, at: datetime
) -> None:
    """Set the number of people who came without registering, per age band (a band left out
    keeps its count). Each change records WALK_INS for that band with the difference as its
    quantity: the people counted, or the correction (negative when fewer)."""
    event = Event.objects.select_related("branch").get(pk=occurrence.event_id)
    programme = _programme(event)
    for band, count in counts.items():
        if count < 0:
            raise ValueError("a count cannot be negative")
        row = WalkInCount.objects.select_for_update().filter(occurrence=occurrence, band=band).first()
        before = row.count if row else 0
        if count == before:
            continue
        WalkInCount.objects.update_or_create(occurrence=occurrence, band=band, defaults={"count": count})
        _record(kinds.WALK_INS, programme, actor=actor, at=at, obj=occurrence, age_band=band,
                quantity=count - before, detail={"count": count})


@transaction.atomic
def close_attendance(occurrence: Occurrence, *, actor: Actor, at: datetime) -> int:
    """Declare the check-in list complete: everyone with a place who was not checked in is
    recorded as a no-show (NO_SHOW, what the no-show rule counts). Returns how many. Records
    CLOSED; closing twice records nothing more."""
    occurrence = _locked_occurrence(occurrence)
    if occurrence.attendance_closed_at is not None:
        return 0
    occurrence.attendance_closed_at = at
    occurrence.save(update_fields=["attendance_closed_at"])
    programme = _programme(occurrence.event)
    missing = (
        _registrations_of(occurrence)
        .filter(status=RegistrationStatus.CONFIRMED, created_at__lt=occurrence.ends_at)
        .exclude(attendances__occurrence=occurrence)
    )
    count = 0
    for registration in missing:
        _record_registration(kinds.NO_SHOW, registration, programme, occurrence=occurrence,
                             actor=actor, at=at)
        count += 1
    _record(kinds.CLOSED, programme, actor=actor, at=at, obj=occurrence,
            detail={"no_shows": count})
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
    actor: Actor,
    at: datetime,
) -> Submission:
    """Add an entry to a contest or reading activity and record ENTRY_SUBMITTED (the patron's
    age, or the age group given; never the author's name or the text). Raises
    ProgramRefused when the event takes no entries, entries have closed, or the entry is
    empty."""
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
    event = Event.objects.select_related("branch").get(pk=event.pk)
    record(
        kinds.ENTRY_SUBMITTED, at=at, actor=actor, branch=event.branch, patron=patron,
        age_band=age_band if patron is None or patron.date_of_birth is None else "",
        audience=_audience_of(event), format=event.format, obj=submission,
        detail={"event": event.pk, "file": bool(submission.file), "text": bool(text.strip())},
    )
    return submission


@transaction.atomic
def record_result(
    submission: Submission, *, result: str, rank: int | None, published: bool, actor: Actor, at: datetime
) -> Submission:
    """Record the jury's result for an entry and whether the public sees it. Records
    RESULT_RECORDED with the place and whether it is published (the result's words stay on
    the entry)."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    submission.result, submission.rank, submission.result_published = result, rank, published
    submission.result_by_id = actor.staff_id
    submission.save(update_fields=["result", "rank", "result_published", "result_by"])
    event = Event.objects.select_related("branch").get(pk=submission.event_id)
    _record(kinds.RESULT_RECORDED, _programme(event), actor=actor, at=at, obj=submission,
            detail={"event": event.pk, "rank": rank, "published": published})
    return submission


@transaction.atomic
def leave_feedback(
    registration: Registration, *, occurrence: Occurrence, data: Mapping[str, Sequence[str]],
    language: str, actor: Actor, at: datetime,
) -> SurveyResponse:
    """Answer the network's event feedback survey (`surveys.services.event_feedback_survey`)
    about `occurrence` for someone checked in at it: `data` holds the survey's answers as
    its form posts them ("q-rating", "q-comment" …). Once per registration and date. The
    survey's entries (STARTED, COMPLETED, the satisfaction score) are the history of it;
    the survey being anonymous, nothing in them or in the response names the person.
    Returns the completed response.

    Raises ProgramRefused before the end or without attendance, and SurveyRefused for the
    answers (keyed by question code) or a second feedback (ALREADY_ANSWERED)."""
    reasons = []
    if at < occurrence.ends_at:
        reasons.append(Reason.NOT_FINISHED)
    if not Attendance.objects.filter(occurrence=occurrence, registration=registration).exists():
        reasons.append(Reason.NOT_ATTENDED)
    if reasons:
        raise ProgramRefused(reasons)
    event = Event.objects.select_related("branch", "branch__network").get(pk=occurrence.event_id)
    registration = Registration.objects.select_related("patron").get(pk=registration.pk)
    survey = surveys.event_feedback_survey(network=event.branch.network, at=at)
    return surveys.answer_about(
        survey=survey, about=(rules.FEEDBACK_ABOUT, occurrence.pk),
        participant=rules.feedback_participant(registration.pk, occurrence.pk), data=data,
        language=language, branch=event.branch, patron=registration.patron, actor=actor, at=at,
    )


# --- Helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Programme:
    """What every entry about an event carries: where, for whom and in what format."""

    branch: Branch
    audience: str
    format: str


def _programme(event: Event) -> _Programme:
    return _Programme(event.branch, _audience_of(event), event.format)


def _audience_of(event: Event) -> str:
    return audience_code(event.audiences.values_list("band", flat=True))


def audience_code(bands: Iterable[str]) -> str:
    """An event's audience as history entries keep it: its age bands in the order of
    `Audience`, joined by commas ("0-5,6-11"), or "all" when it is for all ages."""
    chosen = set(bands)
    if Audience.ALL_AGES in chosen:
        return Audience.ALL_AGES.value
    return ",".join(band for band in Audience.values if band in chosen)


def _record(
    kind: Kind,
    programme: _Programme,
    *,
    actor: Actor,
    at: datetime,
    obj: models.Model,
    registration: Registration | None = None,
    age_band: str = "",
    quantity: int = 1,
    detail: dict[str, Any] | None = None,
) -> None:
    """One entry about an event. About a registration, the person is its patron (with their
    age from their date of birth) or, when that age is not known, the age group recorded on
    the registration; the guest's name and e-mail stay on the registration."""
    patron = registration.patron if registration is not None else None
    if registration is not None and (patron is None or patron.date_of_birth is None):
        age_band = registration.age_band
    record(
        kind,
        at=at,
        actor=actor,
        branch=programme.branch,
        patron=patron,
        age_band=age_band,
        audience=programme.audience,
        format=programme.format,
        obj=obj,
        quantity=quantity,
        detail=detail,
    )


def _record_registration(
    kind: Kind,
    registration: Registration,
    programme: _Programme,
    *,
    occurrence: Occurrence | None,
    actor: Actor,
    at: datetime,
    detail: dict[str, Any] | None = None,
) -> None:
    """An entry about a registration, naming the date it concerns (a series' registration is
    reminded of, or misses, one date at a time)."""
    _record(
        kind, programme, actor=actor, at=at, obj=registration, registration=registration,
        detail={"occurrence": occurrence.pk if occurrence is not None else None, **(detail or {})},
    )


def manage_path(registration: Registration) -> str:
    """The registrant's own page (cancel, feedback), reached through the secret link."""
    return reverse("programs:manage", kwargs={"token": registration.token})


def _notify(registration: Registration, template_prefix: str, *, occurrence: Occurrence | None,
            actor: Actor, at: datetime) -> None:
    """Write a message about `registration` in its language to the outbox, in the caller's
    transaction: a rolled-back registration sends nothing."""
    if not registration.contact_email:
        return
    mail.queue(template_prefix, _message_context(registration, occurrence),
               to=registration.contact_email, language=registration.language, at=at, actor=actor,
               branch=registration.event.branch, patron=registration.patron)


def _message_context(registration: Registration, occurrence: Occurrence | None) -> dict[str, object]:
    return {
        "registration": registration,
        "event": registration.event,
        "occurrence": occurrence,
        "branch": registration.event.branch,
        "manage_url": settings.SITE_URL + manage_path(registration),
    }
