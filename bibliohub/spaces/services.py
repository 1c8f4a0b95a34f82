"""The only writers of bookings. Each service is one transaction and appends a BookingEvent;
e-mails go out only after the transaction commits.

Two people asking for the last free slot at once: every service that creates or moves a
booking first locks the room's row (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
IMMEDIATE transaction already serialises writers), and only then looks for overlapping
bookings, so the second caller sees the first one's booking and is refused."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from bibliohub.accounts.models import User
from bibliohub.libraries.hours import day_hours
from bibliohub.patrons.models import Patron
from bibliohub.patrons.selectors import active_blocks, own_blocks
from bibliohub.spaces import rules
from bibliohub.spaces.errors import BookingReason, BookingRefused, InvalidOperation
from bibliohub.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingEvent,
    BookingRule,
    BookingStatus,
    Resource,
)
from bibliohub.spaces.notify import notify

Kind = BookingEvent.Kind

# The scheduled release looks back this far for unused bookings: a job that stopped for a
# few days still catches up, and the query stays bounded by the (status, start) index.
RELEASE_LOOKBACK = timedelta(days=7)
# Reminders are looked for this far ahead; the longest reminder a rule can ask for is
# shorter than this in practice (a week).
REMINDER_HORIZON = timedelta(days=8)


def book(
    *,
    resource: Resource,
    start: datetime,
    end: datetime,
    at: datetime,
    patron: Patron | None = None,
    group_name: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    language: str = "",
    purpose: str = "",
    attendees: int | None = None,
    staff: User | None = None,
    override: bool = False,
) -> Booking:
    """Book `resource` from `start` to `end` for a patron or an outside group and return the
    booking: confirmed, or waiting for approval when the rule asks for it and a patron booked
    on the OPAC (staff=None). Staff book for anyone, staff-only rooms included, and with
    `override` may go past what policy allows (limits, horizon, length, a blocked card).

    Raises BookingRefused with every reason; the refusal is recorded as a REFUSED event.
    """
    refused: list[BookingReason] = []
    with transaction.atomic():
        resource = _lock(resource)
        rule = rules.rule_for(resource)
        reasons: list[BookingReason] = []
        if patron is None and not group_name.strip():
            reasons.append(BookingReason.NO_HOLDER)
        if staff is None and not resource.is_public:
            reasons.append(BookingReason.STAFF_ONLY)
        if attendees and resource.capacity and attendees > resource.capacity:
            reasons.append(BookingReason.OVER_CAPACITY)
        reasons += _time_and_room_refusals(resource, rule, start=start, end=end, at=at)
        if patron is not None:
            # Locked too: one patron booking two rooms at once must not slip past a limit.
            patron = Patron.objects.select_for_update().get(pk=patron.pk)
            if own_blocks(patron, at=at, manual_block=active_blocks(patron, at=at).exists()):
                reasons.append(BookingReason.PATRON_BLOCKED)
            if end > start:
                reasons += _limit_refusals(rule, patron=patron, start=start, end=end)
        allowed = staff is not None and override and all(r.overridable for r in reasons)
        if reasons and not allowed:
            refused = reasons
            _record(
                Kind.REFUSED, resource=resource, at=at, staff=staff, patron=patron,
                detail={"reasons": [r.value for r in reasons], "start": start.isoformat(),
                        "end": end.isoformat()},
            )
        else:
            requested = staff is None and rule.needs_approval
            booking = Booking.objects.create(
                resource=resource,
                start=start,
                end=end,
                status=BookingStatus.REQUESTED if requested else BookingStatus.CONFIRMED,
                patron=patron,
                group_name=group_name.strip(),
                contact_name=contact_name,
                contact_email=contact_email,
                contact_phone=contact_phone,
                language=language,
                purpose=purpose,
                attendees=attendees,
                booked_by=staff,
                created_at=at,
            )
            detail = {"overridden": [r.value for r in reasons]} if reasons else {}
            _record(Kind.REQUESTED if requested else Kind.BOOKED, booking=booking, at=at,
                    staff=staff, detail=detail)
            notify(booking, "requested" if requested else "confirmed")
    if refused:
        raise BookingRefused(refused)
    return booking


def reserve_for_event(
    *, room: Resource, start: datetime, end: datetime, occurrence_id: int, staff: User | None,
    at: datetime,
) -> Booking:
    """Hold `room` from `start` to `end` for a programme's event occurrence and return the
    booking (confirmed, no approval, no patron limits, no horizon). Calling it again for the
    same occurrence moves its booking (a changed time or room) instead of adding one.

    The room must be free (the rule's buffer included) and the branch open for the whole
    event, on the day's real hours: raises BookingRefused (CONFLICT, BRANCH_CLOSED,
    OUTSIDE_OPENING_HOURS, INVALID_TIMES, NOT_BOOKABLE) otherwise.
    """
    refused: list[BookingReason] = []
    with transaction.atomic():
        room = _lock(room)
        current = (
            Booking.objects.select_for_update()
            .filter(occurrence_id=occurrence_id, status__in=ACTIVE_STATUSES)
            .first()
        )
        rule = rules.rule_for(room)
        reasons = _time_and_room_refusals(
            room, rule, start=start, end=end, at=at, exclude=current, policy=False
        )
        if reasons:
            refused = reasons
            _record(
                Kind.REFUSED, resource=room, at=at, staff=staff,
                detail={"reasons": [r.value for r in reasons], "occurrence_id": occurrence_id,
                        "start": start.isoformat(), "end": end.isoformat()},
            )
        elif current is not None:
            before = {"resource": current.resource_id, "start": current.start.isoformat(),
                      "end": current.end.isoformat()}
            current.resource, current.start, current.end = room, start, end
            current.save(update_fields=["resource", "start", "end"])
            booking = current
            _record(Kind.MOVED, booking=booking, at=at, staff=staff, detail={"from": before})
        else:
            booking = Booking.objects.create(
                resource=room, start=start, end=end, status=BookingStatus.CONFIRMED,
                occurrence_id=occurrence_id, booked_by=staff, created_at=at,
            )
            _record(Kind.BOOKED, booking=booking, at=at, staff=staff,
                    detail={"occurrence_id": occurrence_id})
    if refused:
        raise BookingRefused(refused)
    return booking


@transaction.atomic
def release_for_event(*, occurrence_id: int, staff: User | None, at: datetime) -> Booking | None:
    """Free the room held for an event occurrence (the occurrence was cancelled or moved
    off-site) and return the cancelled booking, or None when it held none."""
    booking = (
        Booking.objects.select_for_update()
        .filter(occurrence_id=occurrence_id, status__in=ACTIVE_STATUSES)
        .first()
    )
    if booking is None:
        return None
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = at
    booking.save(update_fields=["status", "cancelled_at"])
    _record(Kind.CANCELLED, booking=booking, at=at, staff=staff, detail={"occurrence_id": occurrence_id})
    return booking


@transaction.atomic
def approve(booking: Booking, *, staff: User, at: datetime) -> Booking:
    """Confirm a booking waiting for approval and tell the person. Raises InvalidOperation
    when it is not waiting."""
    booking = _lock_booking(booking, expect=(BookingStatus.REQUESTED,))
    booking.status = BookingStatus.CONFIRMED
    booking.decided_at = at
    booking.save(update_fields=["status", "decided_at"])
    _record(Kind.APPROVED, booking=booking, at=at, staff=staff)
    notify(booking, "approved")
    return booking


@transaction.atomic
def decline(booking: Booking, *, staff: User, at: datetime, note: str = "") -> Booking:
    """Turn down a booking waiting for approval (the time becomes free again) and tell the
    person why (`note`). Raises InvalidOperation when it is not waiting."""
    booking = _lock_booking(booking, expect=(BookingStatus.REQUESTED,))
    booking.status = BookingStatus.DECLINED
    booking.decided_at = at
    booking.note = note[:300]
    booking.save(update_fields=["status", "decided_at", "note"])
    _record(Kind.DECLINED, booking=booking, at=at, staff=staff, detail={"note": note})
    notify(booking, "declined")
    return booking


@transaction.atomic
def cancel(
    booking: Booking, *, at: datetime, staff: User | None = None, patron: Patron | None = None
) -> Booking:
    """Cancel a booking that has not been used yet; the time becomes free. A patron cancels
    only their own booking and only before it starts; staff cancel any, and the person is
    told. Raises InvalidOperation otherwise."""
    booking = _lock_booking(booking, expect=(BookingStatus.REQUESTED, BookingStatus.CONFIRMED))
    if staff is None:
        if patron is None or booking.patron_id != patron.pk:
            raise InvalidOperation("Only the patron who booked can cancel this booking.")
        if booking.start <= at:
            raise InvalidOperation("A booking that has started can only be cancelled by staff.")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = at
    booking.save(update_fields=["status", "cancelled_at"])
    _record(Kind.CANCELLED, booking=booking, at=at, staff=staff, patron=patron)
    if staff is not None:
        notify(booking, "cancelled")  # the library cancelled it: the person must know
    return booking


# Staff may check a group in a little before its booking starts.
EARLY_CHECK_IN = timedelta(minutes=15)


@transaction.atomic
def check_in(booking: Booking, *, staff: User | None, at: datetime) -> Booking:
    """Mark the person as arrived (or the equipment as handed over), so that the scheduled
    release leaves the booking alone. Raises InvalidOperation when the booking is not
    confirmed or its time is not near."""
    booking = _lock_booking(booking, expect=(BookingStatus.CONFIRMED,))
    if not booking.start - EARLY_CHECK_IN <= at < booking.end:
        raise InvalidOperation("A booking can be checked in only around its time.")
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = at
    booking.save(update_fields=["status", "checked_in_at"])
    _record(Kind.CHECKED_IN, booking=booking, at=at, staff=staff)
    return booking


@transaction.atomic
def mark_returned(booking: Booking, *, staff: User, at: datetime) -> Booking:
    """The equipment came back (or the group left the room early): the rest of the time
    becomes free. Raises InvalidOperation when the booking was not checked in."""
    booking = _lock_booking(booking, expect=(BookingStatus.CHECKED_IN,))
    booking.status = BookingStatus.RETURNED
    booking.returned_at = at
    booking.save(update_fields=["status", "returned_at"])
    late = max(0, rules.minutes(booking.end, at))
    _record(Kind.RETURNED, booking=booking, at=at, staff=staff, detail={"minutes_late": late})
    return booking


def release_unused(*, at: datetime) -> int:
    """For the scheduled job: release every confirmed booking nobody checked in within its
    rule's check-in window, so that others can book the time; tell the person. Returns how
    many were released. Event bookings are never released this way."""
    released = 0
    candidates = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        occurrence_id__isnull=True,
        start__lte=at,
        start__gte=at - RELEASE_LOOKBACK,
    ).select_related("resource")
    windows: dict[int, int | None] = {}
    for booking in candidates:
        if booking.resource_id not in windows:
            windows[booking.resource_id] = rules.rule_for(booking.resource).checkin_minutes
        window = windows[booking.resource_id]
        if window is None or booking.start + timedelta(minutes=window) > at:
            continue
        if _release(booking, at=at):
            released += 1
    return released


@transaction.atomic
def _release(booking: Booking, *, at: datetime) -> bool:
    # Checked again under the lock: the person may have checked in since the list was read.
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.CONFIRMED:
        return False
    booking.status = BookingStatus.RELEASED
    booking.save(update_fields=["status"])
    _record(Kind.RELEASED, booking=booking, at=at, staff=None)
    notify(booking, "released")
    return True


def send_reminders(*, at: datetime) -> int:
    """For the scheduled job: remind everyone whose confirmed booking starts within its
    rule's reminder time, once. Returns how many reminders went out."""
    sent = 0
    candidates = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        occurrence_id__isnull=True,
        reminder_sent_at__isnull=True,
        start__gt=at,
        start__lte=at + REMINDER_HORIZON,
    ).select_related("resource", "patron")
    hours: dict[int, int | None] = {}
    for booking in candidates:
        if booking.resource_id not in hours:
            hours[booking.resource_id] = rules.rule_for(booking.resource).reminder_hours
        ahead = hours[booking.resource_id]
        if not ahead or booking.start - timedelta(hours=ahead) > at:
            continue
        if not (booking.patron and booking.patron.email) and not booking.contact_email:
            continue
        if _remind(booking, at=at):
            sent += 1
    return sent


@transaction.atomic
def _remind(booking: Booking, *, at: datetime) -> bool:
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.CONFIRMED or booking.reminder_sent_at is not None:
        return False
    booking.reminder_sent_at = at
    booking.save(update_fields=["reminder_sent_at"])
    _record(Kind.REMINDED, booking=booking, at=at, staff=None)
    notify(booking, "reminder")
    return True


# --- helpers ------------------------------------------------------------------------------


def _lock(resource: Resource) -> Resource:
    return (
        Resource.objects.select_for_update(of=("self",)).select_related("branch").get(pk=resource.pk)
    )


def _lock_booking(booking: Booking, *, expect: tuple[str, ...]) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource__branch", "patron")
        .get(pk=booking.pk)
    )
    if booking.status not in expect:
        raise InvalidOperation(f"The booking is {booking.status}.")
    return booking


def _time_and_room_refusals(
    resource: Resource,
    rule: BookingRule,
    *,
    start: datetime,
    end: datetime,
    at: datetime,
    exclude: Booking | None = None,
    policy: bool = True,
) -> list[BookingReason]:
    """Opening hours, closures and conflicts, and (with `policy`) the rule's horizon, length
    and slots. Runs under the room's lock."""
    if end <= start:
        return [BookingReason.INVALID_TIMES]
    reasons: list[BookingReason] = []
    if not resource.is_active:
        reasons.append(BookingReason.NOT_BOOKABLE)
    hours = day_hours(resource.branch, rules.local_day(start))
    if policy:
        reasons += rules.time_refusals(rule, start=start, end=end, at=at, hours=hours)
    else:
        reasons += rules.opening_refusals(start=start, end=end, hours=hours)
    overlapping = Booking.objects.filter(
        resource=resource,
        status__in=ACTIVE_STATUSES,
        start__lt=end + rule.buffer,
        end__gt=start - rule.buffer,
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    if overlapping.exists():
        reasons.append(BookingReason.CONFLICT)
    return reasons


def _limit_refusals(
    rule: BookingRule, *, patron: Patron, start: datetime, end: datetime
) -> list[BookingReason]:
    if rule.max_minutes_per_day is None and rule.max_minutes_per_week is None:
        return []
    day = rules.local_day(start)
    monday, sunday = rules.week_of(day)
    tz = timezone.get_current_timezone()
    week_start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    week_end = datetime.combine(sunday + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    mine = Booking.objects.filter(
        patron=patron,
        status__in=ACTIVE_STATUSES,
        start__gte=week_start,
        start__lt=week_end,
        **_scope(rule),
    ).values_list("start", "end")
    that_day = that_week = 0
    for b_start, b_end in mine:
        length = rules.minutes(b_start, b_end)
        that_week += length
        if rules.local_day(b_start) == day:
            that_day += length
    return rules.limit_refusals(
        rule, asked=rules.minutes(start, end), booked_that_day=that_day, booked_that_week=that_week
    )


def _scope(rule: BookingRule) -> dict[str, object]:
    """What a rule's limits count: the one room, every room of the type, or everything of
    the kind."""
    if rule.resource_id:
        return {"resource_id": rule.resource_id}
    if rule.resource_type_id:
        return {"resource__resource_type_id": rule.resource_type_id}
    return {"resource__kind": rule.kind}


def _record(
    kind: str,
    *,
    at: datetime,
    staff: User | None,
    booking: Booking | None = None,
    resource: Resource | None = None,
    patron: Patron | None = None,
    detail: dict | None = None,
) -> BookingEvent:
    resource = resource or (booking.resource if booking else None)
    return BookingEvent.objects.create(
        kind=kind,
        at=at,
        booking=booking,
        resource=resource,
        branch_id=resource.branch_id if resource else None,
        staff=staff,
        patron=patron or (booking.patron if booking else None),
        minutes=rules.minutes(booking.start, booking.end) if booking else 0,
        detail=detail or {},
    )


# --- setting up rooms and rules -----------------------------------------------------------


@transaction.atomic
def save_resource(
    resource: Resource, *, features: list | None = None, staff: User, at: datetime
) -> Resource:
    """Create or update a room or piece of equipment (its fields as set on `resource`, and its
    features when given) and record who changed what. Bookings already made stay as they
    are: a room made staff-only keeps the patrons' bookings it has."""
    new = resource.pk is None
    changed = sorted(_changed_fields(resource)) if not new else ["created"]
    resource.full_clean(validate_unique=True)
    resource.save()
    if features is not None:
        resource.features.set(features)
    _record(Kind.ROOM_CHANGED, resource=resource, at=at, staff=staff, detail={"fields": changed})
    return resource


@transaction.atomic
def save_rule(rule: BookingRule, *, staff: User, at: datetime) -> BookingRule:
    """Create or update a booking rule. New limits apply to bookings made from now on."""
    changed = sorted(_changed_fields(rule)) if rule.pk else ["created"]
    rule.full_clean()
    rule.save()
    resource = rule.resource
    _record(Kind.RULE_CHANGED, resource=resource, at=at, staff=staff,
            detail={"fields": changed, "rule": rule.pk})
    return rule


@transaction.atomic
def remove_rule(rule: BookingRule, *, staff: User, at: datetime) -> None:
    """Drop a room's own rule: the type's or the default rule applies again."""
    resource = rule.resource
    pk = rule.pk
    rule.delete()
    _record(Kind.RULE_CHANGED, resource=resource, at=at, staff=staff, detail={"removed": pk})


def _changed_fields(obj: Resource | BookingRule) -> set[str]:
    if obj.pk is None:
        return set()
    before: Mapping[str, object] = type(obj)._base_manager.filter(pk=obj.pk).values().first() or {}
    return {
        f.attname for f in obj._meta.concrete_fields
        if f.attname in before and before[f.attname] != getattr(obj, f.attname)
    }
