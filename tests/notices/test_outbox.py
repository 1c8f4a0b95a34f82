"""Notices go through the e-mail outbox: the notice log, its history entry and the outbox
message are written in one transaction, handed to the task queue (here the database queue,
as in production) only once that commits, and never queued twice for the same loan or hold."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from bibliohub.circulation import notices
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.mail import services as outbox
from bibliohub.mail.models import Message, State
from bibliohub.patrons.models import NoticeLog

JOB = Actor.for_job("notices")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queue(now):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notices.queue_notices(at=now, actor=JOB)


def test_the_log_its_entry_and_the_message_are_written_together_and_sent_later(
    database_queue, reader, make_item, lend, now
):
    lend(reader, make_item("Lalka"), days_ago=19)
    report = _queue(now)
    assert report.queued["due_soon"] == 1
    (logged,) = NoticeLog.objects.all()
    (message,) = Message.objects.all()
    assert (logged.kind, logged.email, logged.sent_at) == ("due_soon", "anna@example.org", now)
    assert (message.state, message.to, message.language) == (State.QUEUED, "anna@example.org", "pl")
    assert message.kind == "circulation/email/due_soon" and "Lalka" in message.body
    assert message.subject.startswith("Zbliża się termin zwrotu")
    assert message.branch_id == reader.home_branch_id
    [task] = DBTaskResult.objects.all()
    assert task.args_kwargs["args"] == [message.pk]
    assert Entry.objects.filter(domain="circulation", kind="notice_sent").count() == 1
    assert Entry.objects.filter(domain="mail", kind="queued", patron_id=None).count() == 1
    assert mail.outbox == []  # queued, not sent: no worker has run
    # A rerun queues nothing more; the worker (or the scheduled job) sends it once.
    assert _queue(now).total == 0 and Message.objects.count() == 1
    assert outbox.send_due(at=now)["sent"] == 1
    assert [m.to for m in mail.outbox] == [["anna@example.org"]]
    assert outbox.send_due(at=now)["sent"] == 0


def test_a_notice_whose_message_cannot_be_written_is_not_logged_either(
    database_queue, reader, make_item, lend, now, monkeypatch
):
    lend(reader, make_item("Lalka"), days_ago=19)

    def broken(*args, **kwargs):
        raise RuntimeError("the outbox is not there")

    monkeypatch.setattr(notices.mail, "queue", broken)
    with pytest.raises(RuntimeError):
        _queue(now)
    assert not NoticeLog.objects.exists()
    assert not Entry.objects.filter(kind="notice_sent").exists()
    monkeypatch.undo()
    assert _queue(now).queued["due_soon"] == 1  # the next run queues it


def test_a_notice_another_run_logged_meanwhile_is_not_queued_twice(
    database_queue, reader, make_item, lend, now, monkeypatch
):
    lend(reader, make_item("Lalka"), days_ago=19)
    (pending,) = notices.pending_notices(at=now)
    _queue(now)
    # A second run that looked before the first one wrote: the same notice, already logged.
    monkeypatch.setattr(notices, "pending_notices", lambda *, at: iter([pending]))
    report = _queue(now)
    assert report.total == 0 and report.skipped == 1
    assert Message.objects.count() == 1 and NoticeLog.objects.count() == 1
    assert DBTaskResult.objects.count() == 1
    assert Entry.objects.filter(kind="notice_sent").count() == 1


def test_the_notice_log_says_queued_where_staff_read_it(
    database_queue, reader, make_item, lend, now, client, admin_user
):
    lend(reader, make_item("Lalka"), days_ago=19)
    _queue(now)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    page = client.get(reverse("admin:patrons_noticelog_changelist"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Queued for sending" in page.content.decode()
