"""The only writers of bookings, rooms, equipment and their rules. Each service is one
transaction, is told who acts (an `Actor`) and records what happened in the history
(`spaces.kinds`); e-mails go out only after the transaction commits.

Two people asking for the last free slot at once: every service that creates or moves a
booking first locks the room's row (SELECT … FOR UPDATE on PostgreSQL; on SQLite the
IMMEDIATE transaction already serialises writers), and only then looks for overlapping
bookings, so the second caller sees the first one's booking and is refused."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from bibliohub.history import Actor
from bibliohub.history.kinds import Kind
from bibliohub.history.services import changed_fields, record
from bibliohub.libraries.hours import day_hours
from bibliohub.patrons.models import Patron
from bibliohub.patrons.selectors import active_blocks, own_blocks
from bibliohub.spaces import rules
from bibliohub.spaces.errors import BookingReason, BookingRefused, InvalidOperation
from bibliohub.spaces.kinds import (
    APPROVED,
    BOOKED,
    CANCELLED,
    CHECKED_IN,
    DECLINED,
    FEATURE_SAVED,
    MOVED,
    REFUSED,
    RELEASED,
    REMINDED,
    REQUESTED,
    RETURNED,
    ROOM_CHANGED,
    RULE_CHANGED,
    TYPE_SAVED,
)
from bibliohub.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingRule,
    BookingStatus,
    Feature,
    Resource,
    ResourceType,
)
from bibliohub.spaces.notify import notify

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
    actor: Actor,
    at: datetime,
    patron: Patron | None = None,
    group_name: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    language: str = "",
    purpose: str = "",
    attendees: int | None = None,
    override: bool = False,
) -> Booking:
    """Book `resource` from `start` to `end` for a patron or an outside group and return the
    booking: confirmed, or waiting for approval when the rule asks for it and the booking is
    not made by staff (a patron online). Staff book for anyone, staff-only rooms included,
    and with `override` may go past what policy allows (limits, horizon, length, a blocked
    card). Records BOOKED or REQUESTED with the minutes booked.

    Raises BookingRefused with every reason; the refusal is recorded as REFUSED, with the
    reasons and the minutes asked for.
    """
    refused: list[BookingReason] = []
    with transaction.atomic():
        resource = _lock(resource)
        rule = rules.rule_for(resource)
        reasons: list[BookingReason] = []
        if patron is None and not group_name.strip():
            reasons.append(BookingReason.NO_HOLDER)
        if not actor.is_staff and not resource.is_public:
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
        allowed = actor.may_override and override and all(r.overridable for r in reasons)
        if reasons and not allowed:
            refused = reasons
            _record(
                REFUSED, resource=resource, at=at, actor=actor, patron=patron,
                minutes=rules.minutes(start, end) if end > start else None,
                reasons=[r.value for r in reasons],
                detail={"start": start.isoformat(), "end": end.isoformat()},
            )
        else:
            requested = not actor.is_staff and rule.needs_approval
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
                booked_by_id=actor.staff_id,
                created_at=at,
            )
            detail = {"overridden": [r.value for r in reasons]} if reasons else {}
            _record(REQUESTED if requested else BOOKED, booking=booking, at=at, actor=actor,
                    detail=detail)
            notify(booking, "requested" if requested else "confirmed", actor=actor, at=at)
    if refused:
        raise BookingRefused(refused)
    return booking


def reserve_for_event(
    *, room: Resource, start: datetime, end: datetime, occurrence_id: int, actor: Actor,
    at: datetime,
) -> Booking:
    """Hold `room` from `start` to `end` for a programme's event occurrence and return the
    booking (confirmed, no approval, no patron limits, no horizon). Calling it again for the
    same occurrence moves its booking (a changed time or room) instead of adding one.
    Records BOOKED or MOVED, with the occurrence.

    The room must be free (the rule's buffer included) and the branch open for the whole
    event, on the day's real hours: raises BookingRefused (CONFLICT, BRANCH_CLOSED,
    OUTSIDE_OPENING_HOURS, INVALID_TIMES, NOT_BOOKABLE) otherwise, recorded as REFUSED.
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
                REFUSED, resource=room, at=at, actor=actor,
                minutes=rules.minutes(start, end) if end > start else None,
                reasons=[r.value for r in reasons],
                detail={"occurrence_id": occurrence_id, "start": start.isoformat(),
                        "end": end.isoformat()},
            )
        elif current is not None:
            before = {"resource": current.resource_id, "start": current.start.isoformat(),
                      "end": current.end.isoformat()}
            current.resource, current.start, current.end = room, start, end
            current.save(update_fields=["resource", "start", "end"])
            booking = current
            _record(MOVED, booking=booking, at=at, actor=actor,
                    detail={"from": before, "occurrence_id": occurrence_id})
        else:
            booking = Booking.objects.create(
                resource=room, start=start, end=end, status=BookingStatus.CONFIRMED,
                occurrence_id=occurrence_id, booked_by_id=actor.staff_id, created_at=at,
            )
            _record(BOOKED, booking=booking, at=at, actor=actor,
                    detail={"occurrence_id": occurrence_id})
    if refused:
        raise BookingRefused(refused)
    return booking


@transaction.atomic
def release_for_event(*, occurrence_id: int, actor: Actor, at: datetime) -> Booking | None:
    """Free the room held for an event occurrence (the occurrence was cancelled or moved
    off-site) and return the cancelled booking, or None when it held none. Records
    CANCELLED."""
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
    _record(CANCELLED, booking=booking, at=at, actor=actor,
            detail={"occurrence_id": occurrence_id})
    return booking


@transaction.atomic
def approve(booking: Booking, *, actor: Actor, at: datetime) -> Booking:
    """Confirm a booking waiting for approval and tell the person. Records APPROVED (from
    then on its minutes count as booked). Raises InvalidOperation when it is not waiting."""
    booking = _lock_booking(booking, expect=(BookingStatus.REQUESTED,))
    booking.status = BookingStatus.CONFIRMED
    booking.decided_at = at
    booking.save(update_fields=["status", "decided_at"])
    _record(APPROVED, booking=booking, at=at, actor=actor)
    notify(booking, "approved", actor=actor, at=at)
    return booking


@transaction.atomic
def decline(booking: Booking, *, actor: Actor, at: datetime, note: str = "") -> Booking:
    """Turn down a booking waiting for approval (the time becomes free again) and tell the
    person why (`note`, kept on the booking, not in the history). Records DECLINED.
    Raises InvalidOperation when it is not waiting."""
    booking = _lock_booking(booking, expect=(BookingStatus.REQUESTED,))
    booking.status = BookingStatus.DECLINED
    booking.decided_at = at
    booking.note = note[:300]
    booking.save(update_fields=["status", "decided_at", "note"])
    _record(DECLINED, booking=booking, at=at, actor=actor)
    notify(booking, "declined", actor=actor, at=at)
    return booking


@transaction.atomic
def cancel(booking: Booking, *, actor: Actor, at: datetime) -> Booking:
    """Cancel a booking that has not been used yet; the time becomes free. A patron cancels
    only their own booking and only before it starts; staff cancel any, and the person is
    told. Records CANCELLED. Raises InvalidOperation otherwise."""
    booking = _lock_booking(booking, expect=(BookingStatus.REQUESTED, BookingStatus.CONFIRMED))
    if not actor.is_staff:
        if actor.patron_id is None or booking.patron_id != actor.patron_id:
            raise InvalidOperation("Only the patron who booked can cancel this booking.")
        if booking.start <= at:
            raise InvalidOperation("A booking that has started can only be cancelled by staff.")
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = at
    booking.save(update_fields=["status", "cancelled_at"])
    _record(CANCELLED, booking=booking, at=at, actor=actor)
    if actor.is_staff:
        notify(booking, "cancelled", actor=actor, at=at)  # the library cancelled it: the person must know
    return booking


# Staff may check a group in a little before its booking starts.
EARLY_CHECK_IN = timedelta(minutes=15)


@transaction.atomic
def check_in(booking: Booking, *, actor: Actor, at: datetime) -> Booking:
    """Mark the person as arrived (or the equipment as handed over), so that the scheduled
    release leaves the booking alone. Records CHECKED_IN. Raises InvalidOperation when the
    booking is not confirmed or its time is not near."""
    booking = _lock_booking(booking, expect=(BookingStatus.CONFIRMED,))
    if not booking.start - EARLY_CHECK_IN <= at < booking.end:
        raise InvalidOperation("A booking can be checked in only around its time.")
    booking.status = BookingStatus.CHECKED_IN
    booking.checked_in_at = at
    booking.save(update_fields=["status", "checked_in_at"])
    _record(CHECKED_IN, booking=booking, at=at, actor=actor)
    return booking


@transaction.atomic
def mark_returned(booking: Booking, *, actor: Actor, at: datetime) -> Booking:
    """The equipment came back (or the group left the room early): the rest of the time
    becomes free. Records RETURNED with the minutes it was late. Raises InvalidOperation
    when the booking was not checked in."""
    booking = _lock_booking(booking, expect=(BookingStatus.CHECKED_IN,))
    booking.status = BookingStatus.RETURNED
    booking.returned_at = at
    booking.save(update_fields=["status", "returned_at"])
    late = max(0, rules.minutes(booking.end, at))
    _record(RETURNED, booking=booking, at=at, actor=actor, detail={"minutes_late": late})
    return booking


def release_unused(*, actor: Actor, at: datetime) -> int:
    """For the scheduled job (`actor`): release every confirmed booking nobody checked in
    within its rule's check-in window, so that others can book the time; tell the person.
    Returns how many were released, each recorded as RELEASED. Event bookings are never
    released this way."""
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
        if _release(booking, actor=actor, at=at):
            released += 1
    return released


@transaction.atomic
def _release(booking: Booking, *, actor: Actor, at: datetime) -> bool:
    # Checked again under the lock: the person may have checked in since the list was read.
    booking = _lock_booking(booking, expect=tuple(BookingStatus.values))
    if booking.status != BookingStatus.CONFIRMED:
        return False
    booking.status = BookingStatus.RELEASED
    booking.save(update_fields=["status"])
    _record(RELEASED, booking=booking, at=at, actor=actor)
    notify(booking, "released", actor=actor, at=at)
    return True


def send_reminders(*, actor: Actor, at: datetime) -> int:
    """For the scheduled job (`actor`): remind everyone whose confirmed booking starts within
    its rule's reminder time, once. Returns how many reminders went out, each recorded as
    REMINDED."""
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
        if _remind(booking, actor=actor, at=at):
            sent += 1
    return sent


@transaction.atomic
def _remind(booking: Booking, *, actor: Actor, at: datetime) -> bool:
    booking = _lock_booking(booking, expect=tuple(BookingStatus.values))
    if booking.status != BookingStatus.CONFIRMED or booking.reminder_sent_at is not None:
        return False
    booking.reminder_sent_at = at
    booking.save(update_fields=["reminder_sent_at"])
    _record(REMINDED, booking=booking, at=at, actor=actor)
    notify(booking, "reminder", actor=actor, at=at)
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
    kind: Kind,
    *,
    at: datetime,
    actor: Actor,
    booking: Booking | None = None,
    resource: Resource | None = None,
    patron: Patron | None = None,
    minutes: int | None = None,
    reasons: Sequence[str] = (),
    detail: dict[str, Any] | None = None,
) -> None:
    """One entry about a booking (its minutes as the amount, its patron, at its room's
    branch) or, without one, about a room or equipment."""
    resource = resource or (booking.resource if booking is not None else None)
    if booking is not None:
        patron = patron or booking.patron
        minutes = rules.minutes(booking.start, booking.end)
    obj: models.Model | None = booking if booking is not None else resource
    record(
        kind,
        at=at,
        actor=actor,
        branch=resource.branch if resource is not None else None,
        patron=patron,
        obj=obj,
        amount=Decimal(minutes) if minutes is not None else None,
        reasons=reasons,
        detail=detail,
    )


# --- setting up rooms and rules -----------------------------------------------------------


@transaction.atomic
def save_resource(
    resource: Resource, *, features: list[Feature] | None = None, actor: Actor, at: datetime
) -> Resource:
    """Create or update a room or piece of equipment (its fields as set on `resource`, and its
    features when given) and record ROOM_CHANGED with the names of the fields changed.
    Bookings already made stay as they are: a room made staff-only keeps the patrons'
    bookings it has."""
    new = resource.pk is None
    changed = sorted(_changed_fields(resource)) if not new else ["created"]
    resource.full_clean(validate_unique=True)
    resource.save()
    if features is not None:
        before: set[int] = set(resource.features.values_list("pk", flat=True)) if not new else set()
        resource.features.set(features)
        if not new and before != {f.pk for f in features}:
            changed.append("features")
    _record(ROOM_CHANGED, resource=resource, at=at, actor=actor, detail={"fields": changed})
    return resource


@transaction.atomic
def save_rule(rule: BookingRule, *, actor: Actor, at: datetime) -> BookingRule:
    """Create or update a booking rule and record RULE_CHANGED. New limits apply to bookings
    made from now on."""
    changed = sorted(_changed_fields(rule)) if rule.pk else ["created"]
    rule.full_clean()
    rule.save()
    _record(RULE_CHANGED, resource=rule.resource, at=at, actor=actor,
            detail={"fields": changed, "rule": rule.pk})
    return rule


@transaction.atomic
def remove_rule(rule: BookingRule, *, actor: Actor, at: datetime) -> None:
    """Drop a room's own rule (or a type's, or a default): the next less specific rule
    applies again. Records RULE_CHANGED with the rule removed."""
    resource = rule.resource
    pk = rule.pk
    rule.delete()
    _record(RULE_CHANGED, resource=resource, at=at, actor=actor, detail={"removed": pk})


@transaction.atomic
def save_feature(feature: Feature, *, actor: Actor, at: datetime) -> Feature:
    """Create or rename a feature rooms and equipment offer (a screen, a hearing loop).
    Records FEATURE_SAVED with its code and the fields changed."""
    fields = changed_fields(feature)
    created = feature.pk is None
    feature.full_clean()
    feature.save()
    record(FEATURE_SAVED, at=at, actor=actor, obj=feature,
           detail={"created": created, "fields": fields, "code": feature.code})
    return feature


@transaction.atomic
def save_resource_type(resource_type: ResourceType, *, actor: Actor, at: datetime) -> ResourceType:
    """Create or change a type of room or equipment (study room, laptop), whose rule its
    rooms follow unless they have their own. Records TYPE_SAVED."""
    fields = changed_fields(resource_type)
    created = resource_type.pk is None
    resource_type.full_clean()
    resource_type.save()
    record(TYPE_SAVED, at=at, actor=actor, obj=resource_type,
           detail={"created": created, "fields": fields, "code": resource_type.code})
    return resource_type


def _changed_fields(obj: Resource | BookingRule) -> set[str]:
    if obj.pk is None:
        return set()
    before: Mapping[str, object] = type(obj)._base_manager.filter(pk=obj.pk).values().first() or {}
    return {
        f.attname for f in obj._meta.concrete_fields
        if f.attname in before and before[f.attname] != getattr(obj, f.attname)
    }
