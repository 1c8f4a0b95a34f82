"""What every refusal in Bibliohub is: a `Refused` carrying every machine-readable reason at
once, so that a person can settle them all (or staff override them) in one go, and a message
in the language active when it was raised.

Each app declares its reasons as `Reasons` (text choices whose label is the default wording)
and raises a subclass of `Refused` with them; each interface turns the codes into its own
words: an HTML message, an HTTP 409 with the codes, a SIP2 screen message. This module sits at
the bottom of the layers: it knows no app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


class Reasons(models.TextChoices):
    """Base of every app's refusal reasons: a code, and a label that is the default wording.
    `overridable` says whether staff may go ahead anyway (nothing is, unless the app's
    reasons say otherwise)."""

    @property
    def message(self) -> str:
        return str(self.label)

    @property
    def overridable(self) -> bool:
        return False


class Refused(Exception):
    """A refusal with every reason (`reasons`: members of a `Reasons` class, or plain codes
    for a reason without a class) and one `message` (by default the reasons' wordings, in
    the language active now)."""

    def __init__(self, reasons: Iterable[Any], *, message: str | None = None) -> None:
        self.reasons = list(reasons)
        self.message = message if message is not None else " ".join(self.messages)
        super().__init__(self.message)

    @property
    def codes(self) -> list[str]:
        """The reasons as codes, for the API, logs and the history."""
        return [str(getattr(r, "value", r)) for r in self.reasons]

    @property
    def messages(self) -> list[str]:
        """One wording per reason."""
        return [str(getattr(r, "message", r)) for r in self.reasons]

    @property
    def overridable(self) -> bool:
        """Whether staff may go ahead past every reason."""
        return bool(self.reasons) and all(getattr(r, "overridable", False) for r in self.reasons)
