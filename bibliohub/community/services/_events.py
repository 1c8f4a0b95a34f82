from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bibliohub.accounts.models import User
from bibliohub.community.models import CommunityEvent, Partner, Volunteer
from bibliohub.libraries.models import Branch, Network


def record(
    kind: str,
    *,
    network: Network | int,
    at: datetime,
    branch: Branch | None = None,
    staff: User | None = None,
    partner: Partner | None = None,
    volunteer: Volunteer | None = None,
    detail: dict[str, Any] | None = None,
) -> CommunityEvent:
    return CommunityEvent.objects.create(
        kind=kind,
        at=at,
        network_id=network if isinstance(network, int) else network.pk,
        branch=branch,
        staff=staff,
        partner=partner,
        volunteer=volunteer,
        detail=detail or {},
    )


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
