"""Reads: the staff list within a user's branches, one item for a member of staff, and
the published "you said, we did" summaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from bibliohub.accounts import access
from bibliohub.accounts.models import Role, User
from bibliohub.libraries.models import Branch
from bibliohub.listening.models import OPEN_STATES, Feedback
from bibliohub.patrons.models import Patron


def feedback_for_staff(
    user: User,
    *,
    at: datetime,
    branch: Branch | None = None,
    state: str | None = None,
    kind: str | None = None,
    topic: str | None = None,
    overdue: bool = False,
) -> QuerySet[Feedback]:
    """Items of the branches `user` acts for, newest first, filtered."""
    items = Feedback.objects.filter(branch__in=access.branches_for(user)).select_related(
        "branch", "assignee"
    )
    if branch is not None:
        items = items.filter(branch=branch)
    if state:
        items = items.filter(state=state)
    if kind:
        items = items.filter(kind=kind)
    if topic:
        items = items.filter(topic=topic)
    if overdue:
        items = items.filter(state__in=OPEN_STATES, deadline__lt=at)
    return items


def feedback_for_edit(user: User, pk: int) -> Feedback:
    """One item, 404 when there is none, 403 when it belongs to a branch `user` does not
    act for."""
    item = get_object_or_404(Feedback.objects.select_related("branch", "assignee"), pk=pk)
    access.require_branch(user, item.branch)
    return item


def published() -> QuerySet[Feedback]:
    """What the library chose to publish, newest first: only the public summaries are
    meant to be shown."""
    return (
        Feedback.objects.filter(publish=True)
        .exclude(public_summary="")
        .select_related("branch")
        .order_by("-published_at", "-pk")
    )


def assignable(item: Feedback) -> QuerySet[User]:
    """Members of staff who may answer `item`: those of its branch and the network-wide."""
    network_wide = Q(role__in=[Role.ADMINISTRATOR, Role.NETWORK_MANAGER]) | Q(is_superuser=True)
    return (
        User.objects.filter(is_active=True)
        .filter((Q(branches=item.branch) & ~Q(role__in=["", Role.MONITORING])) | network_wide)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def exported_for(patron: Patron) -> list[dict[str, Any]]:
    """The complaints, suggestions and thanks `patron` sent signed in (with their contact),
    for their data export: what they wrote, what became of it and the answer they got.
    Staff who handled them are not named."""
    return [
        {
            "number": item.number,
            "kind": item.kind,
            "topic": item.topic,
            "branch": item.branch.code,
            "text": item.text,
            "contact": {"name": item.contact_name, "email": item.contact_email,
                        "phone": item.contact_phone},
            "language": item.language,
            "received_at": _iso(item.received_at),
            "state": item.state,
            "answer": item.answer,
            "answered_at": _iso(item.answered_at),
            "closed_at": _iso(item.closed_at),
        }
        for item in Feedback.objects.filter(patron=patron).select_related("branch")
        .order_by("received_at", "pk")
    ]
