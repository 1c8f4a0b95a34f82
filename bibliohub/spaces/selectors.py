"""Reads: what can be booked, the free slots of a day, booking lists for the desk and for
patrons, and room use over a period (from the history's daily roll-ups)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bibliohub.accounts.access import branches_for
from bibliohub.accounts.models import User
from bibliohub.history import selectors as history
from bibliohub.history.kinds import Kind
from bibliohub.libraries.hours import DayHours, calendars_for
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron
from bibliohub.spaces import kinds, rules
from bibliohub.spaces.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingRule,
    BookingStatus,
    Feature,
    Resource,
)


def public_resources(*, branch: Branch | None = None) -> QuerySet[Resource]:
    """Rooms and equipment patrons may book, with branch, type and features."""
    qs = Resource.objects.filter(is_public=True, is_active=True, branch__is_active=True)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs.select_related("branch", "resource_type").prefetch_related(
        Prefetch("features", queryset=Feature.objects.order_by("code"))
    )


def staff_resources(user: User, *, branch: Branch | None = None) -> QuerySet[Resource]:
    """Every room and piece of equipment of the branches `user` works for."""
    qs = Resource.objects.filter(branch__in=branches_for(user), is_active=True)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs.select_related("branch", "resource_type")


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    free: bool
    past: bool = False


@dataclass(frozen=True)
class ResourceDay:
    resource: Resource
    rule: BookingRule
    hours: DayHours
    slots: list[Slot]
    bookings: list[Booking]

    @property
    def free_slots(self) -> list[Slot]:
        return [s for s in self.slots if s.free]


def day_view(
    resources: list[Resource], day: date, *, at: datetime, with_bookings: bool = False
) -> list[ResourceDay]:
    """Each resource's slots on `day` (from its rule, within its branch's real hours that
    day) and whether each is free at `at`: not past, and clear of every active booking and
    its gap. With `with_bookings` (the staff day page) each also carries the day's bookings
    with their patrons; the OPAC needs only the times. A fixed number of queries whatever
    the number of resources."""
    if not resources:
        return []
    tz = timezone.get_current_timezone()
    calendars = calendars_for({r.branch_id: r.branch for r in resources}.values(), day, day)
    rule_of = rules.rules_for(resources)
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    # A day's bookings plus the widest gap either side.
    widest = timedelta(minutes=max((r.buffer_minutes for r in rule_of.values()), default=0))
    active = Booking.objects.filter(
        resource__in=resources,
        status__in=ACTIVE_STATUSES,
        start__lt=day_start + timedelta(days=1) + widest,
        end__gt=day_start - widest,
    ).order_by("start")
    spans: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    booked: dict[int, list[Booking]] = defaultdict(list)
    if with_bookings:
        for b in active.select_related("patron"):
            spans[b.resource_id].append((b.start, b.end))
            booked[b.resource_id].append(b)
    else:
        # Times only: building model instances was most of the cost of this page.
        for resource_id, b_start, b_end in active.values_list("resource_id", "start", "end"):
            spans[resource_id].append((b_start, b_end))
    out = []
    for resource in resources:
        rule = rule_of[resource.pk]
        hours = calendars[resource.branch_id].day(day)
        # Bookings widened by the gap, in order of start; slots come in order too, so one
        # pass over both is enough.
        taken = [(b_start - rule.buffer, b_end + rule.buffer) for b_start, b_end in spans[resource.pk]]
        first = 0
        slots = []
        for start, end in rules.slots(rule, hours, tz):
            while first < len(taken) and taken[first][1] <= start:
                first += 1  # ended before this slot, so before every later one too
            clash = False
            for b_start, b_end in taken[first:]:
                if b_start >= end:
                    break
                if b_end > start:
                    clash = True
                    break
            past = start < at
            slots.append(Slot(start, end, free=not clash and not past, past=past))
        out.append(ResourceDay(resource, rule, hours, slots, booked[resource.pk]))
    return out


def lengths(rule: BookingRule) -> list[int]:
    """The booking lengths offered, in minutes: whole slots up to the longest allowed."""
    return list(range(rule.slot_minutes, rule.max_minutes + 1, rule.slot_minutes))


class BookingFilters(TypedDict, total=False):
    """The filters of `bookings_for_staff`, as the staff list collects them."""

    branch: Branch | None
    start: date | None
    end: date | None
    status: str | None
    kind: str | None


def bookings_for_staff(
    user: User,
    *,
    branch: Branch | None = None,
    start: date | None = None,
    end: date | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[Booking]:
    """Bookings of the branches `user` works for, from `start` to `end` (local dates,
    inclusive), oldest first."""
    tz = timezone.get_current_timezone()
    qs = Booking.objects.filter(resource__branch__in=branches_for(user))
    if branch is not None:
        qs = qs.filter(resource__branch=branch)
    if start is not None:
        qs = qs.filter(start__gte=datetime.combine(start, datetime.min.time(), tzinfo=tz))
    if end is not None:
        qs = qs.filter(start__lt=datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz))
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(resource__kind=kind)
    return qs.select_related("resource__branch", "patron", "booked_by").order_by("start", "resource_id")


def waiting_for_approval(user: User) -> QuerySet[Booking]:
    return bookings_for_staff(user, status=BookingStatus.REQUESTED)


def bookings_for_patron(patron: Patron, *, at: datetime) -> QuerySet[Booking]:
    """The patron's bookings that have not ended yet, soonest first."""
    return (
        Booking.objects.filter(patron=patron, end__gt=at)
        .select_related("resource__branch")
        .order_by("start")
    )


@dataclass(frozen=True)
class RoomUse:
    """Minutes of room and equipment time over a period: booked (by patrons, groups and
    events, once confirmed), used (checked in), released because nobody came, cancelled
    before use, and asked for but refused (unmet demand), with how many bookings each."""

    minutes_booked: int
    bookings: int
    minutes_used: int
    minutes_released: int
    minutes_cancelled: int
    minutes_refused: int
    refusals: int

    @property
    def hours_booked(self) -> Decimal:
        return (Decimal(self.minutes_booked) / 60).quantize(Decimal("0.1"))


def room_use(
    *, start: date, end: date, network_id: int | None = None, branch_ids: list[int] | None = None
) -> RoomUse:
    """Room use from `start` to `end` (local days, both included) at `branch_ids` (None: the
    whole network), by the day each thing happened, from the history's daily roll-ups (what
    `history.rollup.roll_up` has counted)."""
    found = history.counts(
        start=start, end=end, network_id=network_id, branch_ids=branch_ids,
        kinds=kinds.BOOKING_KINDS, by=("kind",),
    )
    none = history.Total(0, Decimal(0))

    def minutes(*of: Kind) -> int:
        return int(sum((found.get((k.key,), none).amount for k in of), Decimal(0)))

    def number(*of: Kind) -> int:
        return sum(found.get((k.key,), none).quantity for k in of)

    return RoomUse(
        minutes_booked=minutes(*kinds.MINUTES_BOOKED),
        bookings=number(*kinds.MINUTES_BOOKED),
        minutes_used=minutes(kinds.CHECKED_IN),
        minutes_released=minutes(kinds.RELEASED),
        minutes_cancelled=minutes(kinds.CANCELLED),
        minutes_refused=minutes(kinds.REFUSED),
        refusals=number(kinds.REFUSED),
    )
