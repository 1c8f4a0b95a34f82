"""Who did something and through which channel: what every service is told by the interface
that calls it, and what every history entry keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.db import models
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """The way in: statistics count e-service users by the online channel, and the audit
    log tells a change made at the desk from one made in the administration screens."""

    DESK = "desk", pgettext_lazy("channel", "Staff screens")
    SELF_CHECK = "selfcheck", pgettext_lazy("channel", "Self-check")
    ONLINE = "online", pgettext_lazy("channel", "Online catalogue and portal")
    API = "api", pgettext_lazy("channel", "REST API")
    IMPORT = "import", pgettext_lazy("channel", "Import")
    JOB = "job", pgettext_lazy("channel", "Scheduled job")
    ADMIN = "admin", pgettext_lazy("channel", "Administration")


class ActorKind(models.TextChoices):
    STAFF = "staff", pgettext_lazy("actor", "Staff member")
    TERMINAL = "terminal", pgettext_lazy("actor", "Self-check terminal")
    PATRON = "patron", pgettext_lazy("actor", "Patron")
    PUBLIC = "public", pgettext_lazy("actor", "Member of the public")
    JOB = "job", pgettext_lazy("actor", "Scheduled job")
    IMPORT = "import", pgettext_lazy("actor", "Import")
    SYSTEM = "system", pgettext_lazy("actor", "System")
    DEVICE = "device", pgettext_lazy("actor", "Counting device")


class _HasPk(Protocol):
    @property
    def pk(self) -> int | None: ...


class _Terminal(Protocol):
    @property
    def pk(self) -> int | None: ...

    login: str


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, through which channel, and a short name of the place or the job (the desk,
    the terminal's login, the job, the imported file). Interfaces build one per request and
    pass it to the services; services never guess it.

    Only a member of staff may override a refusal (`may_override`); a terminal, a patron or
    a job never can."""

    kind: ActorKind
    channel: Channel
    staff_id: int | None = None
    terminal_id: int | None = None
    patron_id: int | None = None
    source: str = ""

    @classmethod
    def for_staff(cls, user: _HasPk, *, channel: Channel = Channel.DESK, source: str = "") -> Actor:
        """A member of staff, at the staff screens unless `channel` says otherwise (the
        administration screens, the REST API)."""
        if user.pk is None:
            raise ValueError("a member of staff who acts must be saved")
        return cls(ActorKind.STAFF, channel, staff_id=user.pk, source=source)

    @classmethod
    def for_terminal(cls, terminal: _Terminal) -> Actor:
        """A self-check terminal (SIP2): no staff member, never an override."""
        return cls(
            ActorKind.TERMINAL, Channel.SELF_CHECK, terminal_id=terminal.pk, source=terminal.login
        )

    @classmethod
    def for_patron(cls, patron: _HasPk, *, channel: Channel = Channel.ONLINE) -> Actor:
        """A patron acting for themselves in the online catalogue and portal (or the API)."""
        return cls(ActorKind.PATRON, channel, patron_id=patron.pk)

    @classmethod
    def for_public(cls, *, channel: Channel = Channel.ONLINE) -> Actor:
        """Someone who is not signed in: a guest registering for an event, a visitor asking
        for a mentor."""
        return cls(ActorKind.PUBLIC, channel)

    @classmethod
    def for_job(cls, name: str) -> Actor:
        """A scheduled job, by its name in the job registry."""
        return cls(ActorKind.JOB, Channel.JOB, source=name)

    @classmethod
    def for_import(cls, *, source: str, staff: _HasPk | None = None) -> Actor:
        """An import of a file (MARC records, patrons from CSV), run by `staff` from the
        staff screens or from the command line (no staff member)."""
        return cls(
            ActorKind.IMPORT,
            Channel.IMPORT,
            staff_id=staff.pk if staff is not None else None,
            source=source[:100],
        )

    @classmethod
    def for_device(cls, name: str) -> Actor:
        """A device that reports counts through the REST API (a gate counter), by its
        name."""
        return cls(ActorKind.DEVICE, Channel.API, source=name[:100])

    @classmethod
    def system(cls, source: str) -> Actor:
        """The installation itself: the demo loader, a data migration, a maintenance
        command run by an administrator on the server."""
        return cls(ActorKind.SYSTEM, Channel.ADMIN, source=source)

    @property
    def is_staff(self) -> bool:
        return self.kind == ActorKind.STAFF

    @property
    def may_override(self) -> bool:
        """Whether this actor may lend, renew or hold past a refusal that policy allows to
        be overridden: staff only."""
        return self.kind == ActorKind.STAFF

    @property
    def desk(self) -> str:
        """What the circulation tables keep as the desk: the place, or the channel."""
        return self.source or self.channel.value
