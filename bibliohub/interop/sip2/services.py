"""The writers of the self-check terminal accounts: the administration and the demo loader
save them here, and each change is in the history (domain "interop")."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.history.services import changed_fields
from bibliohub.interop.kinds import TERMINAL_DELETED, TERMINAL_SAVED
from bibliohub.interop.sip2.models import SelfCheckTerminal


@transaction.atomic
def save_terminal(
    terminal: SelfCheckTerminal,
    *,
    actor: Actor,
    at: datetime,
    password: str | None = None,
) -> SelfCheckTerminal:
    """Create or change a terminal account (a new `password` is stored hashed) and return
    it. Records TERMINAL_SAVED at the terminal's branch with its login and the names of the
    fields changed ("password" when it changed; never a value of it), and, when they
    changed, the personal details the terminal may now receive (their codes)."""
    if password:
        terminal.set_password(password)
    fields = changed_fields(terminal)
    created = terminal.pk is None
    terminal.save()
    detail: dict[str, object] = {"created": created, "login": terminal.login, "fields": fields}
    if created or "personal_fields" in fields:
        detail["personal_fields"] = list(terminal.personal_fields or [])
    history.record(
        TERMINAL_SAVED,
        at=at,
        actor=actor,
        branch=terminal.branch,
        obj=terminal,
        detail=detail,
    )
    return terminal


@transaction.atomic
def delete_terminal(terminal: SelfCheckTerminal, *, actor: Actor, at: datetime) -> None:
    """Delete a terminal account: the machine can no longer log in (what it did stays in
    the history under its id and login). Records TERMINAL_DELETED."""
    history.record(
        TERMINAL_DELETED,
        at=at,
        actor=actor,
        branch=terminal.branch,
        obj=terminal,
        detail={"login": terminal.login},
    )
    terminal.delete()
