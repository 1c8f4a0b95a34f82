"""Volunteers: profiles and consent, shifts and sign-ups, hours logged and confirmed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from bibliohub.community.errors import CommunityRefused, Reason
from bibliohub.community.kinds import (
    CONSENT_GIVEN,
    CONSENT_WITHDRAWN,
    HOURS_CONFIRMED,
    HOURS_LOGGED,
    HOURS_REJECTED,
    SHIFT_SAVED,
    SIGNED_UP,
    SIGNUP_CANCELLED,
    SKILL_SAVED,
    VOLUNTEER_SAVED,
)
from bibliohub.community.models import (
    HoursEntry,
    HoursStatus,
    Shift,
    ShiftSignup,
    SignupStatus,
    Skill,
    Volunteer,
)
from bibliohub.community.services._events import iso, record
from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.history.kinds import Kind
from bibliohub.history.services import changed_fields
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron


@dataclass
class VolunteerDetails:
    name: str
    branches: list[Branch]
    email: str = ""
    phone: str = ""
    language: str = "en"
    skills: list[Skill] = field(default_factory=list)
    available_days: list[int] = field(default_factory=list)
    availability: str = ""
    is_active: bool = True


_FIELDS = ("name", "email", "phone", "language", "available_days", "availability", "is_active")


@transaction.atomic
def register_volunteer(
    *,
    network: Network,
    details: VolunteerDetails,
    patron: Patron | None = None,
    consent: bool,
    actor: Actor,
    at: datetime,
) -> Volunteer:
    """Create a volunteer, linked to `patron` when they have a card, and return it. Blank
    name, e-mail, phone and language are taken from the patron. `consent` records that they
    agreed to the library keeping their details today; without it the profile exists but no
    shift or hours can be added.

    Records VOLUNTEER_SAVED (and CONSENT_GIVEN), about the patron when they have a card.
    Raises ValidationError for a missing name or a malformed e-mail, or when the patron is
    already a volunteer."""
    if patron is not None:
        details.name = details.name or patron.full_name
        details.email = details.email or patron.email
        details.phone = details.phone or patron.phone
        details.language = details.language or patron.language
    volunteer = Volunteer(network=network, patron=patron, created_at=at)
    _apply(volunteer, details)
    volunteer.consented_at = at if consent else None
    volunteer.full_clean()
    volunteer.save()
    _set_relations(volunteer, details)
    record(
        VOLUNTEER_SAVED, network=network, at=at, actor=actor, volunteer=volunteer,
        detail={"created": True, "patron": patron is not None},
    )
    if consent:
        record(CONSENT_GIVEN, network=network, at=at, actor=actor, volunteer=volunteer)
    return volunteer


@transaction.atomic
def update_volunteer(
    volunteer: Volunteer, *, details: VolunteerDetails, actor: Actor, at: datetime
) -> Volunteer:
    """Change a volunteer's details, branches, skills and availability and return them.
    Records VOLUNTEER_SAVED."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    _apply(volunteer, details)
    volunteer.full_clean()
    volunteer.save()
    _set_relations(volunteer, details)
    record(
        VOLUNTEER_SAVED, network=volunteer.network_id, at=at, actor=actor,
        volunteer=volunteer, detail={"created": False, "active": volunteer.is_active},
    )
    return volunteer


@transaction.atomic
def set_consent(volunteer: Volunteer, *, given: bool, actor: Actor, at: datetime) -> Volunteer:
    """Record that the volunteer agreed to, or withdrew from, the library keeping their
    details (CONSENT_GIVEN, CONSENT_WITHDRAWN). Withdrawing cancels their sign-ups for shifts
    still to come (nobody may call them about those any more), each recorded as
    SIGNUP_CANCELLED; logged hours stay, for the totals."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if given == volunteer.has_consented:
        return volunteer
    volunteer.consented_at = at if given else None
    volunteer.save(update_fields=["consented_at"])
    cancelled = []
    if not given:
        cancelled = list(
            ShiftSignup.objects.filter(
                volunteer=volunteer, status=SignupStatus.SIGNED_UP, shift__starts_at__gt=at
            ).select_related("shift__branch")
        )
        ShiftSignup.objects.filter(pk__in=[s.pk for s in cancelled]).update(
            status=SignupStatus.CANCELLED, cancelled_at=at
        )
    record(
        CONSENT_GIVEN if given else CONSENT_WITHDRAWN, network=volunteer.network_id,
        at=at, actor=actor, volunteer=volunteer, detail={"signups_cancelled": len(cancelled)},
    )
    for signup in cancelled:
        _signup_cancelled(signup, volunteer=volunteer, actor=actor, at=at, why="consent_withdrawn")
    return volunteer


@transaction.atomic
def save_shift(
    shift: Shift | None,
    *,
    branch: Branch,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int = 1,
    description: str = "",
    skills: list[Skill] | None = None,
    actor: Actor,
    at: datetime,
) -> Shift:
    """Create a shift at `branch` (or change `shift`) and return it. Lowering the capacity
    below the number already signed up keeps everyone signed up; it only closes the shift
    to more.

    Records SHIFT_SAVED. Raises ValidationError when it ends before it starts or needs
    nobody."""
    creating = shift is None
    shift = shift or Shift(branch=branch)
    shift.branch, shift.title, shift.description = branch, title, description
    shift.starts_at, shift.ends_at, shift.capacity = starts_at, ends_at, capacity
    shift.full_clean()
    shift.save()
    shift.skills.set(skills or [])
    record(
        SHIFT_SAVED, network=branch.network_id, at=at, branch=branch, actor=actor, obj=shift,
        detail={
            "shift": shift.pk, "created": creating, "starts_at": iso(starts_at),
            "ends_at": iso(ends_at), "capacity": capacity,
        },
    )
    return shift


@transaction.atomic
def cancel_shift(shift: Shift, *, actor: Actor, at: datetime) -> Shift:
    """Cancel a shift and every live sign-up for it: records SHIFT_SAVED (cancelled) and
    SIGNUP_CANCELLED for each volunteer who was signed up."""
    shift = Shift.objects.select_for_update().select_related("branch").get(pk=shift.pk)
    if shift.is_cancelled:
        return shift
    shift.is_cancelled = True
    shift.save(update_fields=["is_cancelled"])
    cancelled = list(
        shift.signups.filter(status=SignupStatus.SIGNED_UP).select_related("shift__branch", "volunteer")
    )
    shift.signups.filter(pk__in=[s.pk for s in cancelled]).update(
        status=SignupStatus.CANCELLED, cancelled_at=at
    )
    record(
        SHIFT_SAVED, network=shift.branch.network_id, at=at, branch=shift.branch, actor=actor,
        obj=shift, detail={"shift": shift.pk, "cancelled": True, "signups_cancelled": len(cancelled)},
    )
    for signup in cancelled:
        _signup_cancelled(signup, volunteer=signup.volunteer, actor=actor, at=at, why="shift_cancelled")
    return shift


def _signup_cancelled(
    signup: ShiftSignup, *, volunteer: Volunteer, actor: Actor, at: datetime, why: str = ""
) -> None:
    detail: dict[str, object] = {"shift": signup.shift_id, "signup": signup.pk}
    if why:
        detail["because"] = why
    record(
        SIGNUP_CANCELLED, network=signup.shift.branch.network_id, at=at, branch=signup.shift.branch,
        actor=actor, volunteer=volunteer, detail=detail,
    )


def sign_up(shift: Shift, *, volunteer: Volunteer, actor: Actor, at: datetime) -> ShiftSignup:
    """Sign `volunteer` up for `shift` and return the sign-up. Records SIGNED_UP.

    Raises CommunityRefused with every reason: no consent, an inactive volunteer, a
    cancelled, started or full shift, already signed up."""
    with transaction.atomic():
        # Two volunteers taking the last place at once: the shift row is the lock, and the
        # count of sign-ups is read only after it is held.
        shift = Shift.objects.select_for_update().select_related("branch").get(pk=shift.pk)
        volunteer = Volunteer.objects.get(pk=volunteer.pk)
        reasons: list[Reason] = []
        if volunteer.network_id != shift.branch.network_id:
            reasons.append(Reason.OTHER_NETWORK)
        if not volunteer.has_consented:
            reasons.append(Reason.NO_CONSENT)
        if not volunteer.is_active:
            reasons.append(Reason.VOLUNTEER_INACTIVE)
        if shift.is_cancelled:
            reasons.append(Reason.SHIFT_CANCELLED)
        if shift.starts_at <= at:
            reasons.append(Reason.SHIFT_OVER)
        live = shift.signups.filter(status=SignupStatus.SIGNED_UP)
        if live.filter(volunteer=volunteer).exists():
            reasons.append(Reason.ALREADY_SIGNED_UP)
        elif live.count() >= shift.capacity:
            reasons.append(Reason.SHIFT_FULL)
        if reasons:
            raise CommunityRefused(reasons)
        signup = ShiftSignup.objects.create(shift=shift, volunteer=volunteer, created_at=at)
        record(
            SIGNED_UP, network=shift.branch.network_id, at=at, branch=shift.branch,
            actor=actor, volunteer=volunteer, detail={"shift": shift.pk, "signup": signup.pk},
        )
        return signup


@transaction.atomic
def cancel_signup(signup: ShiftSignup, *, actor: Actor, at: datetime) -> ShiftSignup:
    """Take a volunteer off a shift, freeing their place. Records SIGNUP_CANCELLED.

    Raises CommunityRefused(NOT_SIGNED_UP) when the sign-up was already cancelled."""
    signup = (
        ShiftSignup.objects.select_for_update()
        .select_related("shift__branch", "volunteer")
        .get(pk=signup.pk)
    )
    if signup.status != SignupStatus.SIGNED_UP:
        raise CommunityRefused([Reason.NOT_SIGNED_UP])
    signup.status, signup.cancelled_at = SignupStatus.CANCELLED, at
    signup.save(update_fields=["status", "cancelled_at"])
    _signup_cancelled(signup, volunteer=signup.volunteer, actor=actor, at=at)
    return signup


@transaction.atomic
def log_hours(
    *,
    volunteer: Volunteer,
    branch: Branch,
    on: date,
    minutes: int,
    description: str = "",
    shift: Shift | None = None,
    actor: Actor,
    at: datetime,
) -> HoursEntry:
    """Log time `volunteer` gave at `branch` on `on`, waiting for a member of staff to
    confirm it, and return the entry. With a `shift`, the shift's branch is used. Records
    HOURS_LOGGED with the time in hours (what they did, in words, stays on the entry).

    Raises CommunityRefused (no consent, a day still to come) or ValidationError (minutes
    outside one day)."""
    # Consent as it is now, not as the caller's copy last saw it.
    volunteer = Volunteer.objects.get(pk=volunteer.pk)
    reasons: list[Reason] = []
    if not volunteer.has_consented:
        reasons.append(Reason.NO_CONSENT)
    if on > timezone.localdate(at):
        reasons.append(Reason.IN_THE_FUTURE)
    if reasons:
        raise CommunityRefused(reasons)
    branch = shift.branch if shift is not None else branch
    entry = HoursEntry(
        volunteer=volunteer, branch=branch, shift=shift, on=on, minutes=minutes,
        description=description, logged_at=at, logged_by_id=actor.staff_id,
    )
    entry.full_clean()
    entry.save()
    record(
        HOURS_LOGGED, network=volunteer.network_id, at=at, branch=branch, actor=actor,
        volunteer=volunteer, amount=hours(minutes),
        detail={"entry": entry.pk, "on": iso(on), "minutes": minutes},
    )
    return entry


def confirm_hours(entry: HoursEntry, *, actor: Actor, at: datetime, note: str = "") -> HoursEntry:
    """Confirm logged hours: from now on they count in the totals (the plan's volunteer
    hours are the HOURS_CONFIRMED entries' hours).

    Raises CommunityRefused(ALREADY_DECIDED) when they were confirmed or refused before."""
    return _decide(entry, HoursStatus.CONFIRMED, HOURS_CONFIRMED, actor=actor, at=at, note=note)


def reject_hours(entry: HoursEntry, *, actor: Actor, at: datetime, note: str = "") -> HoursEntry:
    """Refuse logged hours (a mistake, a day not worked); they never count. Records
    HOURS_REJECTED.

    Raises CommunityRefused(ALREADY_DECIDED) when they were confirmed or refused before."""
    return _decide(entry, HoursStatus.REJECTED, HOURS_REJECTED, actor=actor, at=at, note=note)


def hours(minutes: int) -> Decimal:
    """Minutes as hours, as the history keeps them (to the hundredth)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)


@transaction.atomic
def _decide(
    entry: HoursEntry, status: HoursStatus, kind: Kind, *, actor: Actor, at: datetime, note: str
) -> HoursEntry:
    # Two managers confirming the same entry: the second sees it decided and is refused.
    entry = (
        HoursEntry.objects.select_for_update(of=("self",))
        .select_related("volunteer", "branch")
        .get(pk=entry.pk)
    )
    if entry.status != HoursStatus.LOGGED:
        raise CommunityRefused([Reason.ALREADY_DECIDED])
    entry.status, entry.decided_at, entry.decided_by_id, entry.note = status, at, actor.staff_id, note
    entry.save(update_fields=["status", "decided_at", "decided_by", "note"])
    record(
        kind, network=entry.volunteer.network_id, at=at, branch=entry.branch, actor=actor,
        volunteer=entry.volunteer, amount=hours(entry.minutes),
        detail={"entry": entry.pk, "on": iso(entry.on), "minutes": entry.minutes},
    )
    return entry


@transaction.atomic
def save_skill(skill: Skill, *, actor: Actor, at: datetime) -> Skill:
    """Create or rename a skill volunteers may have (reading to children, IT help). Records
    SKILL_SAVED with its code and the fields changed."""
    fields = changed_fields(skill)
    created = skill.pk is None
    skill.full_clean()
    skill.save()
    history.record(SKILL_SAVED, at=at, actor=actor, obj=skill,
                   detail={"created": created, "fields": fields, "code": skill.code})
    return skill


def _apply(volunteer: Volunteer, details: VolunteerDetails) -> None:
    for name in _FIELDS:
        setattr(volunteer, name, getattr(details, name))
    volunteer.available_days = sorted({int(d) for d in details.available_days if 0 <= int(d) <= 6})


def _set_relations(volunteer: Volunteer, details: VolunteerDetails) -> None:
    volunteer.branches.set(details.branches)
    volunteer.skills.set(details.skills)
