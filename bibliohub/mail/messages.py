"""E-mails in the recipient's language, rendered from a subject and a body template."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation


def render_message(
    template_prefix: str, context: Mapping[str, object], *, language: str
) -> tuple[str, str, str | None]:
    """Subject, plain-text body and optional HTML body of `template_prefix` (templates
    `<prefix>_subject.txt`, `<prefix>.txt` and, if it exists, `<prefix>.html`) in `language`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        body = render_to_string(f"{template_prefix}.txt", context)
        try:
            html = render_to_string(f"{template_prefix}.html", context)
        except TemplateDoesNotExist:  # the HTML part is optional
            html = None
    return subject, body, html


def send_message(
    template_prefix: str,
    context: Mapping[str, object],
    *,
    to: str,
    language: str,
    reply_to: str | None = None,
) -> None:
    """Send one message to `to` in `language`. Raises what the mail backend raises, so a
    scheduled job can record the failure and retry on its next run."""
    subject, body, html = render_message(template_prefix, context, language=language)
    message = EmailMultiAlternatives(
        subject, body, settings.DEFAULT_FROM_EMAIL, [to], reply_to=[reply_to] if reply_to else None
    )
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
