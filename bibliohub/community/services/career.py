"""The business and career service: the curated page of links per branch, the database of
local businesses and mentors, and mentoring requests from the public."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from bibliohub.community.errors import CommunityRefused, Reason
from bibliohub.community.kinds import (
    CONSENT_GIVEN,
    CONSENT_WITHDRAWN,
    MENTOR_SAVED,
    MENTORING_CLOSED,
    MENTORING_LOGGED,
    MENTORING_MATCHED,
    MENTORING_REQUESTED,
    RESOURCE_SAVED,
)
from bibliohub.community.models import (
    CareerResource,
    ContactPreference,
    Mentor,
    MentoringRequest,
    MentorKind,
    Partner,
    RequestStatus,
    Topic,
)
from bibliohub.community.services._events import iso, record
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.mail import services as mail
from bibliohub.patrons.models import Patron

log = logging.getLogger(__name__)


@dataclass
class ResourceDetails:
    topic: Topic | str
    title: str
    url: str
    titles: dict[str, str] = field(default_factory=dict)
    description: str = ""
    descriptions: dict[str, str] = field(default_factory=dict)
    sort_order: int = 0
    is_published: bool = True


@transaction.atomic
def save_resource(
    resource: CareerResource | None,
    *,
    branch: Branch,
    details: ResourceDetails,
    actor: Actor,
    at: datetime,
) -> CareerResource:
    """Add a link to `branch`'s business and career page (or change `resource`) and return
    it. Records RESOURCE_SAVED. Raises ValidationError for a missing title or a malformed
    link."""
    creating = resource is None
    resource = resource or CareerResource(branch=branch)
    resource.branch = branch
    for name in ("topic", "title", "titles", "url", "description", "descriptions", "sort_order",
                 "is_published"):
        setattr(resource, name, getattr(details, name))
    resource.full_clean()
    resource.save()
    record(
        RESOURCE_SAVED, network=branch.network_id, at=at, branch=branch, actor=actor,
        obj=resource,
        detail={"resource": resource.pk, "created": creating, "topic": resource.topic,
                "published": resource.is_published},
    )
    return resource


@dataclass
class MentorDetails:
    kind: MentorKind | str
    name: str
    branches: list[Branch]
    organisation: str = ""
    partner: Partner | None = None
    topics: list[str] = field(default_factory=list)
    expertise: str = ""
    languages: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    contact_preference: ContactPreference | str = ContactPreference.LIBRARY
    takes_requests: bool = True
    is_active: bool = True


@transaction.atomic
def save_mentor(
    mentor: Mentor | None,
    *,
    network: Network,
    details: MentorDetails,
    public_consent: bool | None = None,
    actor: Actor,
    at: datetime,
) -> Mentor:
    """Add a business or mentor to the database (or change `mentor`) and return it.
    `public_consent` True records that they agreed today to be listed publicly, False that
    they withdrew, None leaves it as it was. Records MENTOR_SAVED (and CONSENT_GIVEN or
    CONSENT_WITHDRAWN), without the mentor's name or contact details.

    Raises ValidationError for a missing name or a malformed address or link."""
    creating = mentor is None
    mentor = mentor or Mentor(network=network, created_at=at)
    for name in ("kind", "name", "organisation", "partner", "expertise", "languages", "email",
                 "phone", "website", "contact_preference", "takes_requests", "is_active"):
        setattr(mentor, name, getattr(details, name))
    mentor.topics = [t for t in details.topics if t in Topic.values]
    consent_changed = public_consent is not None and public_consent != (
        mentor.public_consent_at is not None
    )
    if consent_changed:
        mentor.public_consent_at = at if public_consent else None
    mentor.full_clean()
    mentor.save()
    mentor.branches.set(details.branches)
    record(
        MENTOR_SAVED, network=network, at=at, actor=actor, obj=mentor,
        detail={
            "mentor": mentor.pk, "created": creating, "type": mentor.kind,
            "contact": mentor.contact_preference, "active": mentor.is_active,
            "public_consent": iso(mentor.public_consent_at),
        },
    )
    if consent_changed:
        record(
            CONSENT_GIVEN if public_consent else CONSENT_WITHDRAWN, network=network,
            at=at, actor=actor, obj=mentor, detail={"mentor": mentor.pk},
        )
    return mentor


@transaction.atomic
def request_mentoring(
    *,
    branch: Branch,
    topic: Topic | str,
    message: str,
    name: str = "",
    email: str = "",
    phone: str = "",
    language: str = "",
    patron: Patron | None = None,
    wished_mentor: Mentor | None = None,
    actor: Actor,
    at: datetime,
    notify: bool = True,
) -> MentoringRequest:
    """Ask `branch` for a mentoring appointment and return the request. A signed-in patron's
    name, e-mail and language fill what is left blank. The person gets an acknowledgement
    by e-mail in their language after the commit, unless `notify` is False. Records
    MENTORING_REQUESTED, about the patron if there is one (the name, the contact details
    and the message stay on the request).

    Raises CommunityRefused when the wished-for mentor is not publicly listed or not taking
    requests; ValidationError without a name or an e-mail address."""
    if wished_mentor is not None:
        reasons = []
        if not wished_mentor.is_public or wished_mentor.network_id != branch.network_id:
            reasons.append(Reason.MENTOR_NOT_LISTED)
        elif not wished_mentor.takes_requests:
            reasons.append(Reason.MENTOR_NOT_TAKING_REQUESTS)
        if reasons:
            raise CommunityRefused(reasons)
    if patron is not None:
        name = name or patron.full_name
        email = email or patron.email
        phone = phone or patron.phone
        language = language or patron.language
    request = MentoringRequest(
        branch=branch, patron=patron, name=name, email=email, phone=phone,
        language=language or "en", topic=topic, message=message, wished_mentor=wished_mentor,
        created_at=at,
    )
    request.full_clean()
    request.save()
    record(
        MENTORING_REQUESTED, network=branch.network_id, at=at, branch=branch, actor=actor,
        obj=request, patron=patron,
        detail={"request": request.pk, "topic": request.topic, "patron": bool(patron),
                "wished_mentor": wished_mentor.pk if wished_mentor else None},
    )
    if notify:
        _notify(request, "received", actor=actor, at=at)
    return request


@transaction.atomic
def match_request(
    request: MentoringRequest,
    *,
    mentor: Mentor,
    appointment_at: datetime,
    actor: Actor,
    at: datetime,
    notify: bool = True,
) -> MentoringRequest:
    """Match a request to `mentor` with an appointment (or move an arranged one) and return
    it; the person is told by e-mail unless `notify` is False. Staff may match any active
    mentor of the network, listed publicly or not: the mentor's contact details are not
    passed on unless their contact preference allows it.

    Records MENTORING_MATCHED. Raises CommunityRefused when the request is finished or the
    mentor inactive."""
    request = _locked(request)
    mentor = Mentor.objects.get(pk=mentor.pk)
    reasons = []
    if request.status in {RequestStatus.MET, RequestStatus.CLOSED}:
        reasons.append(Reason.REQUEST_FINISHED)
    if not mentor.is_active:
        reasons.append(Reason.MENTOR_INACTIVE)
    if mentor.network_id != request.branch.network_id:
        reasons.append(Reason.OTHER_NETWORK)
    if reasons:
        raise CommunityRefused(reasons)
    request.status, request.mentor, request.appointment_at = (
        RequestStatus.MATCHED, mentor, appointment_at,
    )
    request.save(update_fields=["status", "mentor", "appointment_at"])
    record(
        MENTORING_MATCHED, network=request.branch.network_id, at=at, branch=request.branch,
        actor=actor, obj=request, patron=request.patron,
        detail={"request": request.pk, "mentor": mentor.pk, "appointment": iso(appointment_at)},
    )
    if notify:
        _notify(request, "matched", actor=actor, at=at)
    return request


@transaction.atomic
def log_meeting(
    request: MentoringRequest, *, outcome: str, actor: Actor, at: datetime
) -> MentoringRequest:
    """Record that the arranged meeting took place and how it went (on the request; the
    history has MENTORING_LOGGED, about the patron).

    Raises CommunityRefused when no appointment was arranged or the request is finished."""
    request = _locked(request)
    if request.status != RequestStatus.MATCHED:
        finished = request.status in {RequestStatus.MET, RequestStatus.CLOSED}
        raise CommunityRefused(
            [Reason.REQUEST_FINISHED if finished else Reason.REQUEST_NOT_MATCHED]
        )
    request.status, request.outcome = RequestStatus.MET, outcome
    request.save(update_fields=["status", "outcome"])
    record(
        MENTORING_LOGGED, network=request.branch.network_id, at=at, branch=request.branch,
        actor=actor, obj=request, patron=request.patron,
        detail={"request": request.pk, "mentor": request.mentor_id},
    )
    return request


@transaction.atomic
def close_request(
    request: MentoringRequest, *, note: str = "", actor: Actor, at: datetime
) -> MentoringRequest:
    """Close a request that will not lead to a meeting (withdrawn, no mentor found). Records
    MENTORING_CLOSED (the note stays on the request).

    Raises CommunityRefused when it is already finished."""
    request = _locked(request)
    if request.status in {RequestStatus.MET, RequestStatus.CLOSED}:
        raise CommunityRefused([Reason.REQUEST_FINISHED])
    request.status, request.outcome = RequestStatus.CLOSED, note
    request.save(update_fields=["status", "outcome"])
    record(
        MENTORING_CLOSED, network=request.branch.network_id, at=at, branch=request.branch,
        actor=actor, obj=request, patron=request.patron, detail={"request": request.pk},
    )
    return request


def _locked(request: MentoringRequest) -> MentoringRequest:
    return (
        MentoringRequest.objects.select_for_update(of=("self",))
        .select_related("branch", "patron")
        .get(pk=request.pk)
    )


def _notify(request: MentoringRequest, what: str, *, actor: Actor, at: datetime) -> None:
    """Write the `what` message (received, matched) to the person to the outbox, in the
    caller's transaction."""
    mentor = request.mentor
    context = {
        "request": request,
        "what": what,
        "branch": request.branch,
        "mentor_name": mentor.name if mentor else "",
        # Only what the mentor chose to share goes out; otherwise the library passes messages.
        "mentor_email": mentor.public_email if mentor else "",
        "mentor_phone": mentor.public_phone if mentor else "",
    }
    mail.queue("community/email/mentoring", context, to=request.email, language=request.language,
               at=at, actor=actor, branch=request.branch, patron=request.patron)
