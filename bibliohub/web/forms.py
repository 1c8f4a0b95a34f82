"""What the forms of every app share."""

from __future__ import annotations

from django import forms

from bibliohub.refusals import Refused


def show_refusal(form: forms.Form, refusal: Refused) -> None:
    """Put each of the refusal's wordings next to the field it belongs to (`Refused.errors`),
    or at the top of the form when the form has no such field."""
    for name, messages in refusal.errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
