"""How the planning services write to the history: an entry about a programme or a SWOT
analysis names it as its object; the branch is its branch unless the entry says which."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bibliohub.history import Actor
from bibliohub.history.kinds import Kind
from bibliohub.history.services import record as history_record
from bibliohub.libraries.models import Branch
from bibliohub.planning.models import Programme, Swot


def record(
    kind: Kind,
    *,
    about: Programme | Swot,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
    format: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    history_record(
        kind,
        at=at,
        actor=actor,
        branch=branch or about.branch,
        network=about.network_id,
        obj=about,
        format=format,
        detail=detail,
    )


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
