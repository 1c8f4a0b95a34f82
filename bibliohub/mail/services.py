"""The outbox's writers: write a message in the caller's transaction, deliver it (one worker
at a time, with retries and back-off), send a failed one again.

A message is claimed before it is sent: one UPDATE moves it from "queued" to "sending" only
if it is still queued and due, so of two workers (or a worker and the scheduled job) racing
for it exactly one sends it. A message left "sending" by a worker that died mid-send is
never sent again by itself (it may have gone out): the scheduled job marks it failed after
`MAIL_SENDING_TIMEOUT`, for staff to look at and resend."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F

from bibliohub.history import Actor
from bibliohub.history.services import record
from bibliohub.mail import kinds
from bibliohub.mail.errors import MailRefused, Reason
from bibliohub.mail.messages import render_message
from bibliohub.mail.models import Message, State

log = logging.getLogger(__name__)

WORKER = "mail"  # the job name the worker and the scheduled job act as in the history


def max_attempts() -> int:
    return int(getattr(settings, "MAIL_MAX_ATTEMPTS", 5))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: the base delay doubled at
    each failure (1, 2, 4, 8 … minutes with the default base of 60 seconds)."""
    base = float(getattr(settings, "MAIL_RETRY_SECONDS", 60))
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def _about(message: Message) -> dict[str, object]:
    # No address, subject or text: the history outlives the message and its recipient.
    return {"message": message.pk, "kind": message.kind, "attempts": message.attempts}


def _enqueue_on_commit(message_id: int, *, run_after: datetime | None = None) -> None:
    from bibliohub.mail.tasks import send_message_task

    def enqueue() -> None:
        try:
            task = send_message_task
            if run_after is not None:
                if not task.get_backend().supports_defer:
                    return  # a backend that cannot wait: the scheduled job sends the retry
                task = task.using(run_after=run_after)
            task.enqueue(message_id)
        except Exception as error:  # the row stays queued; the scheduled job sends it
            log.warning("mail %s: not handed to the task queue (%s); the scheduled job will send it",
                        message_id, error)

    transaction.on_commit(enqueue)


@transaction.atomic
def queue(
    template_prefix: str,
    context: Mapping[str, object],
    *,
    to: str,
    language: str,
    at: datetime,
    actor: Actor,
    reply_to: str = "",
    branch: models.Model | None = None,
    network_id: int | None = None,
    patron: models.Model | None = None,
) -> Message:
    """Write the message `template_prefix` (rendered now, in `language`) to `to` into the
    outbox, in the caller's transaction, and hand it to the task queue once that commits: it
    is sent if and only if what caused it is. Returns the queued message; records QUEUED in
    `branch` (else in `network_id`, else in the network of `patron`, whom the entry does not
    name: the message is the library's, not a service the patron used)."""
    subject, body, html = render_message(template_prefix, context, language=language)
    if branch is not None:
        network_id = getattr(branch, "network_id", network_id)
    if network_id is None and patron is not None:
        network_id = getattr(patron, "network_id", None)
    message = Message.objects.create(
        to=to, reply_to=reply_to or "", language=language or "", kind=template_prefix,
        subject=subject[:998], body=body, html=html or "", created_at=at,
        network_id=network_id, branch_id=branch.pk if branch is not None else None,
    )
    record(kinds.QUEUED, at=at, actor=actor, branch=branch, network=network_id,  # type: ignore[arg-type]
           obj=message, detail=_about(message))
    _enqueue_on_commit(message.pk)
    return message


def _due(at: datetime) -> models.QuerySet[Message]:
    # A message waits for its next attempt only after a failure: a first attempt (or one
    # staff asked for) has none and is due at once.
    return Message.objects.filter(state=State.QUEUED).filter(
        models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=at))


def _claim(message_id: int, *, at: datetime) -> Message | None:
    """Move the message from queued to sending if it is queued and due; the message if this
    caller won it, None if another has it or it is not due. One UPDATE, so that of two
    callers racing for it (the row is locked by the first) exactly one wins."""
    with transaction.atomic():
        won = _due(at).filter(pk=message_id).update(state=State.SENDING, claimed_at=at, attempts=F("attempts") + 1)
        return Message.objects.get(pk=message_id) if won else None


def _send(message: Message) -> None:
    email = EmailMultiAlternatives(
        message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to],
        reply_to=[message.reply_to] if message.reply_to else None,
    )
    if message.html:
        email.attach_alternative(message.html, "text/html")
    email.send()


def deliver(message_id: int, *, at: datetime) -> str | None:
    """Send the message `message_id` if it is queued and due, and no one else is sending it.

    Returns its new state ("sent"; "queued" again with its next attempt after a back-off;
    "failed" after `MAIL_MAX_ATTEMPTS`), or None if it was not this caller's to send. A
    failure is logged as one warning line, never raised: the outbox keeps the message."""
    message = _claim(message_id, at=at)
    if message is None:
        return None
    actor = Actor.for_job(WORKER)
    try:
        _send(message)
    except Exception as error:  # whatever the backend raises: the outbox keeps the message
        reason = f"{error.__class__.__name__}: {error}"[:500]
        with transaction.atomic():
            message.last_error = reason
            if message.attempts >= max_attempts():
                message.state = State.FAILED
                message.next_attempt_at = None
                record(kinds.FAILED, at=at, actor=actor, network=message.network_id,
                       obj=message, detail=_about(message))
            else:
                message.state = State.QUEUED
                message.next_attempt_at = at + retry_delay(message.attempts)
                _enqueue_on_commit(message.pk, run_after=message.next_attempt_at)
            message.save(update_fields=["state", "last_error", "next_attempt_at"])
        log.warning("mail %s (%s): attempt %s failed, %s: %s", message.pk, message.kind,
                    message.attempts, message.state, reason)
        return message.state
    with transaction.atomic():
        message.state = State.SENT
        message.sent_at = at
        message.next_attempt_at = None
        message.last_error = ""
        message.save(update_fields=["state", "sent_at", "next_attempt_at", "last_error"])
        record(kinds.SENT, at=at, actor=actor, network=message.network_id, obj=message,
               detail=_about(message))
    return message.state


def send_due(*, at: datetime, limit: int = 500) -> dict[str, int]:
    """Send the queued messages due at `at` (oldest first, at most `limit`) and mark failed
    those left "sending" longer than `MAIL_SENDING_TIMEOUT` seconds by a worker that died.
    Safe beside running workers: each message is claimed before it is sent. Returns counts."""
    counts = {"sent": 0, "retrying": 0, "failed": 0, "abandoned": abandon_stale(at=at)}
    due = _due(at).order_by("pk").values_list("pk", flat=True)[:limit]
    for pk in list(due):
        state = deliver(pk, at=at)
        if state == State.SENT:
            counts["sent"] += 1
        elif state == State.QUEUED:
            counts["retrying"] += 1
        elif state == State.FAILED:
            counts["failed"] += 1
    return counts


@transaction.atomic
def abandon_stale(*, at: datetime) -> int:
    """Mark failed the messages a worker claimed more than `MAIL_SENDING_TIMEOUT` seconds
    before `at` and never finished (it died mid-send: the message may have gone out, so it
    is not sent again unless staff say so). Returns how many."""
    timeout = timedelta(seconds=float(getattr(settings, "MAIL_SENDING_TIMEOUT", 3600)))
    stale = list(Message.objects.select_for_update().filter(
        state=State.SENDING, claimed_at__lt=at - timeout))
    actor = Actor.for_job(WORKER)
    for message in stale:
        message.state = State.FAILED
        message.last_error = "interrupted while sending: it may or may not have been delivered"
        message.save(update_fields=["state", "last_error"])
        record(kinds.FAILED, at=at, actor=actor, network=message.network_id, obj=message,
               detail=_about(message))
    return len(stale)


@transaction.atomic
def resend(message: Message, *, at: datetime, actor: Actor) -> Message:
    """Queue `message` again (a failed one, or a queued one now rather than at its next
    attempt) with its attempts counted afresh, and hand it to the task queue on commit.

    Raises MailRefused (ALREADY_SENT, BEING_SENT): a message is never sent twice."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.state == State.SENT:
        raise MailRefused([Reason.ALREADY_SENT])
    if message.state == State.SENDING:
        raise MailRefused([Reason.BEING_SENT])
    message.state = State.QUEUED
    message.attempts = 0
    message.next_attempt_at = None
    message.save(update_fields=["state", "attempts", "next_attempt_at"])
    record(kinds.RESENT, at=at, actor=actor, network=message.network_id, obj=message,
           detail=_about(message))
    _enqueue_on_commit(message.pk)
    return message
