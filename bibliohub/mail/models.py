"""The outbox: every e-mail the network sends is one row, written in the transaction of what
caused it and sent afterwards by a worker (docs/mail.md)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class State(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("e-mail state", "Waiting to be sent")
    # Claimed by one worker, which is talking to the mail server: no other takes it.
    SENDING = "sending", pgettext_lazy("e-mail state", "Being sent")
    SENT = "sent", pgettext_lazy("e-mail state", "Sent")
    FAILED = "failed", pgettext_lazy("e-mail state", "Failed")


class Message(models.Model):
    """One e-mail to one address, rendered when it was written (in the recipient's language),
    and what became of it. `kind` names the message (its template) for staff; `attempts`,
    `next_attempt_at` and `last_error` are the worker's bookkeeping."""

    to = models.EmailField(_("to"))
    reply_to = models.EmailField(_("reply to"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    kind = models.CharField(_("kind"), max_length=100)
    # Where it was written from, by id (this app knows no other): the history entries of its
    # sending land in the same network and branch.
    network_id = models.IntegerField(_("network"), null=True, blank=True)
    branch_id = models.IntegerField(_("branch"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("written"))
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="mail_due"),
            models.Index(fields=["-created_at"], name="mail_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
