"""The only writers of opening hours and dated calendar exceptions. Permission checks (which
branches a member of staff may change, network-wide closures for managers) are done by the
callers through bibliohub.accounts.access."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from itertools import pairwise

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.history import Actor
from bibliohub.history.services import changed_fields, record
from bibliohub.libraries.kinds import (
    BRANCH_SAVED,
    EXCEPTION_ADDED,
    EXCEPTION_REMOVED,
    HOURS_SET,
    LOCATION_DELETED,
    LOCATION_SAVED,
    NETWORK_SAVED,
)
from bibliohub.libraries.models import (
    Branch,
    CalendarException,
    Location,
    Network,
    OpeningPeriod,
    Weekday,
)
from bibliohub.refusals import Refused

Period = tuple[time, time]


class CalendarChangeRefused(Refused):
    """A change to the hours that cannot be made; messages keyed by the form field they belong
    to ("" for the change as a whole)."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__(fields=errors)


def week_field(weekday: int) -> str:
    """The form field name that holds one weekday's periods."""
    return f"day_{weekday}"


def week_problems(week: Mapping[int, Sequence[Period]]) -> dict[str, list[str]]:
    """What is wrong with a regular week, keyed by the day's field: a period that closes
    before it opens, or two periods of one day that overlap. Empty when the week is fine."""
    errors: dict[str, list[str]] = {}
    for weekday, periods in week.items():
        day_name = Weekday(weekday).label
        ordered = sorted(periods)
        for opens, closes in ordered:
            if closes <= opens:
                errors.setdefault(week_field(weekday), []).append(
                    _("%(day)s: %(opens)s–%(closes)s closes before it opens.")
                    % {"day": day_name, "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"}
                )
        for (_o1, c1), (o2, _c2) in pairwise(ordered):
            if o2 < c1:
                errors.setdefault(week_field(weekday), []).append(
                    _("%(day)s: two periods overlap.") % {"day": day_name}
                )
    return errors


@transaction.atomic
def set_weekly_hours(
    branch: Branch, *, week: Mapping[int, Sequence[Period]], actor: Actor, at: datetime
) -> list[OpeningPeriod]:
    """Replace the regular week of `branch` with `week` (weekday 0 = Monday -> its periods; a
    day left out or empty is closed). Returns the new periods in order.

    Raises CalendarChangeRefused with week_problems() when a period closes before it opens or
    two periods of one day overlap. Records HOURS_SET with the new week.
    """
    if errors := week_problems(week):
        raise CalendarChangeRefused(errors)
    rows = [
        OpeningPeriod(branch=branch, weekday=weekday, opens=o, closes=c)
        for weekday in Weekday.values
        for o, c in sorted(week.get(weekday, ()))
    ]
    # Lock the branch row so that two people saving the week at once cannot interleave
    # their delete and insert.
    Branch.objects.select_for_update().filter(pk=branch.pk).first()
    OpeningPeriod.objects.filter(branch=branch).delete()
    OpeningPeriod.objects.bulk_create(rows)
    record(
        HOURS_SET,
        at=at,
        actor=actor,
        branch=branch,
        detail={"week": [[r.weekday, f"{r.opens:%H:%M}", f"{r.closes:%H:%M}"] for r in rows]},
    )
    return list(OpeningPeriod.objects.filter(branch=branch))


@transaction.atomic
def add_calendar_exception(
    *,
    network: Network,
    branch: Branch | None,
    day: date,
    closed: bool,
    opens: time | None = None,
    closes: time | None = None,
    reason: str = "",
    actor: Actor,
    at: datetime,
) -> CalendarException:
    """Add a dated change to the regular week: closed all day (closed=True) or open
    `opens`–`closes`, for one branch or, with branch=None, for every branch of `network`.
    Returns the new exception.

    Raises CalendarChangeRefused for a day already past (due dates were computed from it), a
    second exception for the same day and scope, or missing or reversed hours. Records
    EXCEPTION_ADDED (for the network, without a branch, when it applies to every branch).
    """
    errors: dict[str, list[str]] = {}
    if day < timezone.localdate(at):
        errors["date"] = [_("This day is already past.")]
    if not closed:
        if opens is None:
            errors["opens"] = [_("Enter the opening time.")]
        if closes is None:
            errors["closes"] = [_("Enter the closing time.")]
        if opens is not None and closes is not None and closes <= opens:
            errors["closes"] = [_("The closing time must be after the opening time.")]
    same_day = CalendarException.objects.filter(network=network, date=day, branch=branch)
    if same_day.exists():
        errors.setdefault("date", []).append(
            _("There is already a change for this day; remove it first.")
        )
    if errors:
        raise CalendarChangeRefused(errors)
    exception = CalendarException.objects.create(
        network=network, branch=branch, date=day, closed=closed,
        opens=None if closed else opens, closes=None if closed else closes, reason=reason.strip(),
    )
    record(
        EXCEPTION_ADDED,
        at=at,
        actor=actor,
        branch=branch,
        network=network.pk,
        obj=exception,
        detail=_exception_detail(exception),
    )
    return exception


@transaction.atomic
def remove_calendar_exception(
    exception: CalendarException, *, actor: Actor, at: datetime
) -> None:
    """Delete a dated exception, so the regular week applies again that day. Raises
    CalendarChangeRefused for a day already past. Records EXCEPTION_REMOVED."""
    if exception.date < timezone.localdate(at):
        raise CalendarChangeRefused({"": [_("This day is already past and cannot be changed.")]})
    record(
        EXCEPTION_REMOVED,
        at=at,
        actor=actor,
        branch=exception.branch,
        network=exception.network_id,
        obj=exception,
        detail=_exception_detail(exception),
    )
    exception.delete()


@transaction.atomic
def save_network(network: Network, *, actor: Actor, at: datetime) -> Network:
    """Create or change the network's details. Records NETWORK_SAVED with the names of the
    fields that changed."""
    fields = changed_fields(network)
    created = network.pk is None
    network.save()
    record(
        NETWORK_SAVED,
        at=at,
        actor=actor,
        network=network.pk,
        obj=network,
        detail={"created": created, "fields": fields},
    )
    return network


@transaction.atomic
def save_branch(branch: Branch, *, actor: Actor, at: datetime) -> Branch:
    """Create or change a branch: its code, names, address, contact, order and whether it is
    active. Records BRANCH_SAVED with the names of the fields that changed."""
    fields = changed_fields(branch)
    created = branch.pk is None
    branch.save()
    record(
        BRANCH_SAVED,
        at=at,
        actor=actor,
        branch=branch,
        obj=branch,
        detail={"created": created, "fields": fields},
    )
    return branch


@transaction.atomic
def save_location(location: Location, *, actor: Actor, at: datetime) -> Location:
    """Create or change a shelving location of a branch. Records LOCATION_SAVED."""
    fields = changed_fields(location)
    created = location.pk is None
    location.save()
    record(
        LOCATION_SAVED,
        at=at,
        actor=actor,
        branch=location.branch,
        obj=location,
        detail={"created": created, "fields": fields, "code": location.code},
    )
    return location


@transaction.atomic
def delete_location(location: Location, *, actor: Actor, at: datetime) -> None:
    """Delete a shelving location (copies shelved there lose their location). Records
    LOCATION_DELETED with its code."""
    record(
        LOCATION_DELETED,
        at=at,
        actor=actor,
        branch=location.branch,
        obj=location,
        detail={"code": location.code},
    )
    location.delete()


def _exception_detail(exception: CalendarException) -> dict[str, object]:
    return {
        "date": exception.date.isoformat(),
        "closed": exception.closed,
        "opens": f"{exception.opens:%H:%M}" if exception.opens else None,
        "closes": f"{exception.closes:%H:%M}" if exception.closes else None,
        "reason": exception.reason,
    }
