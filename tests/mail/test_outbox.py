"""The outbox: a message is written with what caused it and rolled back with it, sent by a
worker with retries and back-off, marked failed after the last attempt, sent again by staff,
and never sent twice — through the task queue's database backend and a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Network
from bibliohub.mail import kinds, services
from bibliohub.mail.errors import MailRefused, Reason
from bibliohub.mail.models import Message, State
from tests.concurrency import race

AT = datetime(2026, 12, 7, 9, 0, tzinfo=ZoneInfo("Europe/Kyiv"))
STAFF_ACTOR = Actor.system("tests")


class Sink:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 10
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def no_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def rendered(monkeypatch):
    monkeypatch.setattr(services, "render_message",
                        lambda prefix, context, *, language: (f"Hello ({language})", "Dear reader", None))


def _queue(**extra) -> Message:
    return services.queue("tests/hello", {}, to="reader@example.org", language="uk", at=AT,
                          actor=STAFF_ACTOR, **extra)


def test_a_message_is_written_with_its_cause_and_queued_for_the_worker_on_commit(
    db, rendered, database_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            network = Network.objects.create(name="Network")
            message = _queue(network_id=network.pk)
        assert not DBTaskResult.objects.exists()  # not before the commit
    assert (message.state, message.subject, message.language) == (State.QUEUED, "Hello (uk)", "uk")
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "bibliohub.mail.tasks.send_message_task"
    assert task.args_kwargs["args"] == [message.pk]
    [entry] = Entry.objects.filter(domain="mail", kind=kinds.QUEUED.code)
    assert entry.network_id == network.pk
    assert "reader@example.org" not in str(entry.detail) and "Dear" not in str(entry.detail)


def test_a_message_is_rolled_back_with_its_cause(db, rendered, database_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        Network.objects.create(name="Network")
        _queue()
        raise RuntimeError("the cause fails")
    assert not Network.objects.exists()
    assert not Message.objects.exists() and not DBTaskResult.objects.exists()
    assert mail.outbox == []


def test_the_worker_command_sends_what_is_queued_through_a_real_smtp_server(
    transactional_db, rendered, database_queue, smtp
):
    # (On a database without a test transaction: the worker closes connections as it goes.)
    message = _queue()
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 1 and message.sent_at is not None
    [received] = smtp.messages
    assert received["To"] == "reader@example.org" and received["Subject"] == "Hello (uk)"
    assert Entry.objects.filter(domain="mail", kind=kinds.SENT.code).count() == 1
    # Another run, or the scheduled job, sends nothing twice.
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert services.send_due(at=AT + timedelta(days=1))["sent"] == 0
    assert len(smtp.messages) == 1


def test_without_a_mail_server_the_message_waits_with_one_warning_and_no_traceback(
    db, rendered, no_mail_server, caplog
):
    message = _queue()
    with caplog.at_level(logging.WARNING):
        assert services.deliver(message.pk, at=AT) == State.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1 and "ConnectionRefusedError" in message.last_error
    [line] = [r for r in caplog.records if r.name == "bibliohub.mail.services"]
    assert line.levelno == logging.WARNING and line.exc_info is None
    assert "reader@example.org" not in line.getMessage()


def test_failures_are_retried_with_a_doubling_delay_then_the_message_is_failed(db, rendered, settings, monkeypatch):
    settings.MAIL_MAX_ATTEMPTS, settings.MAIL_RETRY_SECONDS = 3, 60
    monkeypatch.setattr(services, "_send", lambda message: (_ for _ in ()).throw(OSError("no route")))
    message = _queue()
    assert services.deliver(message.pk, at=AT) == State.QUEUED
    message.refresh_from_db()
    assert message.next_attempt_at == AT + timedelta(seconds=60)
    assert services.deliver(message.pk, at=AT + timedelta(seconds=59)) is None  # not due yet
    assert services.send_due(at=AT + timedelta(seconds=60))["retrying"] == 1
    message.refresh_from_db()
    assert (message.attempts, message.next_attempt_at) == (2, AT + timedelta(seconds=180))
    assert services.send_due(at=AT + timedelta(seconds=180))["failed"] == 1
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_attempt_at) == (State.FAILED, 3, None)
    assert services.send_due(at=AT + timedelta(days=1)) == {"sent": 0, "retrying": 0, "failed": 0, "abandoned": 0}
    [failed] = Entry.objects.filter(domain="mail", kind=kinds.FAILED.code)
    assert failed.detail == {"message": message.pk, "kind": "tests/hello", "attempts": 3}


def test_a_message_a_worker_left_sending_is_failed_for_staff_not_sent_again(db, rendered, settings):
    message = _queue()
    Message.objects.filter(pk=message.pk).update(state=State.SENDING, claimed_at=AT, attempts=1)
    assert services.send_due(at=AT + timedelta(minutes=30))["abandoned"] == 0
    assert services.send_due(at=AT + timedelta(hours=2))["abandoned"] == 1
    message.refresh_from_db()
    assert message.state == State.FAILED and mail.outbox == []


def test_staff_send_a_failed_message_again_from_the_outbox_page(
    client, manager, rendered, django_capture_on_commit_callbacks
):
    message = _queue()
    Message.objects.filter(pk=message.pk).update(state=State.FAILED, attempts=5, last_error="OSError: down")
    client.force_login(manager)
    page = client.get(reverse("staff:mail:outbox"), {"state": "failed"})
    assert page.status_code == 200 and b"reader@example.org" in page.content
    assert b"reader@example.org" not in client.get(reverse("staff:mail:outbox"), {"state": "sent"}).content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("staff:mail:resend", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == State.SENT and [m.to for m in mail.outbox] == [["reader@example.org"]]
    [resent] = Entry.objects.filter(domain="mail", kind=kinds.RESENT.code)
    assert resent.staff_id == manager.pk
    # A message sent is never sent again.
    client.post(reverse("staff:mail:resend", args=[message.pk]))
    assert len(mail.outbox) == 1
    with pytest.raises(MailRefused) as refused:
        services.resend(message, at=AT, actor=Actor.for_staff(manager))
    assert refused.value.reasons == [Reason.ALREADY_SENT]


def test_a_branch_librarian_cannot_see_the_outbox(client, central_librarian):
    client.force_login(central_librarian)
    assert client.get(reverse("staff:mail:outbox")).status_code == 403


@pytest.mark.parametrize("workers", [2, 4])
def test_workers_racing_for_one_message_send_it_once(on_a_database_file, database_queue, rendered, workers):
    message = _queue()
    sent: list[str] = []
    original = services._send

    def counting(m):
        sent.append(m.to)
        original(m)

    services._send = counting
    try:
        outcomes = race(*[lambda: services.deliver(message.pk, at=AT)] * workers)
    finally:
        services._send = original
    assert sorted(map(str, outcomes)) == sorted(["None"] * (workers - 1) + [State.SENT])
    assert sent == ["reader@example.org"]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (State.SENT, 1)
