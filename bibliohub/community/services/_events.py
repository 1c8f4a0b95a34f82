"""How the community services write to the history: one entry per thing that happened, about
a partner, a volunteer or another object of the app."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

from bibliohub.community.models import Partner, Volunteer
from bibliohub.history import Actor
from bibliohub.history.kinds import Kind
from bibliohub.history.services import record as history_record
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron


def record(
    kind: Kind,
    *,
    network: Network | int,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
    partner: Partner | None = None,
    volunteer: Volunteer | None = None,
    obj: models.Model | None = None,
    patron: Patron | None = None,
    amount: Decimal | None = None,
    currency: str = "",
    detail: dict[str, Any] | None = None,
    day: date | None = None,
) -> None:
    """Append one entry of `kind`. Its object is `obj`, else the partner, else the volunteer;
    an entry about a volunteer with a card is about that patron too. `day` is the day it
    counts for when that is not the day it is recorded (an activity entered afterwards)."""
    if patron is None and volunteer is not None and volunteer.patron_id is not None:
        patron = volunteer.patron
    history_record(
        kind,
        at=at,
        day=day,
        actor=actor,
        branch=branch,
        network=network if isinstance(network, int) else network.pk,
        patron=patron,
        obj=obj or partner or volunteer,
        amount=amount,
        currency=currency,
        detail=detail,
    )


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
