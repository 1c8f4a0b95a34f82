"""What every refusal in Bibliohub is: a `Refused` carrying every machine-readable reason at
once, so that a person can settle them all (or staff override them) in one go, and a message
in the language active when it was raised.

Each app declares its reasons as `Reasons` (text choices whose label is the default wording)
and raises a subclass of `Refused` with them; each interface turns the codes into its own
words: an HTML message, an HTTP 409 with the codes, a SIP2 screen message. A refusal of what
someone typed into a form can say which field each wording belongs to (`fields`), so that the
form shows it in place. This module sits at the bottom of the layers: it knows no app."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def _wording(reason: Any) -> str:
    return str(getattr(reason, "message", reason))


class Refused(Exception):
    """A refusal with every reason (`reasons`: members of a `Reasons` class, or plain codes or
    wordings for a reason without a class) and one `message` (by default the reasons'
    wordings, in the language active now).

    `fields` keys the reasons by the form field they belong to ("" for the whole); given
    alone, its reasons are the refusal's reasons, in order. `errors` gives the wordings keyed
    the same way (every one under "" when no field was said), as a form wants them."""

    def __init__(
        self,
        reasons: Iterable[Any] = (),
        *,
        message: str | None = None,
        fields: Mapping[str, Iterable[Any]] | None = None,
    ) -> None:
        self.fields = {name: list(given) for name, given in (fields or {}).items()}
        self.reasons = list(reasons) or [r for given in self.fields.values() for r in given]
        if message is None and self.fields:
            message = "; ".join(
                f"{name or 'change'}: {' '.join(map(_wording, given))}"
                for name, given in self.fields.items()
            )
        self.message = message if message is not None else " ".join(self.messages)
        super().__init__(self.message)

    @property
    def codes(self) -> list[str]:
        """The reasons as codes, for the API, logs and the history."""
        return [str(getattr(r, "value", r)) for r in self.reasons]

    @property
    def messages(self) -> list[str]:
        """One wording per reason."""
        return [_wording(r) for r in self.reasons]

    @property
    def errors(self) -> dict[str, list[str]]:
        """The wordings by the form field they belong to ("" for the whole)."""
        if not self.fields:
            return {"": self.messages} if self.reasons else {}
        return {name: [_wording(r) for r in given] for name, given in self.fields.items()}

    @property
    def overridable(self) -> bool:
        """Whether staff may go ahead past every reason."""
        return bool(self.reasons) and all(getattr(r, "overridable", False) for r in self.reasons)
