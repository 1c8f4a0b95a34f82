"""`bibliohub demo` leaves a newcomer mail to read without a mail server: a room booked and an
event registration by readers, and the morning's notices, waiting in the e-mail outbox in the
readers' languages, written through the services like any other."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from bibliohub.accounts.models import User
from bibliohub.history import Channel
from bibliohub.history.models import Entry
from bibliohub.mail.models import Message, State
from bibliohub.patrons.models import NoticeLog
from bibliohub.spaces.models import Booking

RECORDS = 120


@pytest.fixture
def database_queue(settings):
    # As `make run` has it: the task queue is a table, and no worker runs.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _demo() -> None:
    call_command("demo", "--records", str(RECORDS), "--json", stdout=StringIO())


@pytest.mark.django_db
def test_the_demo_leaves_mail_in_the_outbox_in_the_readers_languages(database_queue, client):
    _demo()
    messages = {m.kind: m for m in Message.objects.all()}
    by_kind = {kind: (m.to, m.language) for kind, m in messages.items()}
    assert by_kind["spaces/email/booking"] == ("anna.lewandowska@example.org", "pl")
    assert by_kind["programs/email/registered"] == ("quocbao.dang@example.org", "vi")
    assert by_kind["circulation/email/due_soon"] == ("oksana.shevchenko@example.org", "uk")
    assert by_kind["circulation/email/hold_ready"] == ("wang.fang@example.org", "zh-hans")
    assert by_kind["circulation/email/overdue"][0] == "emily.thompson@example.org"
    assert messages["circulation/email/due_soon"].subject.startswith("Незабаром повернення")
    assert "Pokój do nauki 1" in messages["spaces/email/booking"].subject
    assert {m.state for m in Message.objects.all()} == {State.QUEUED} and mail.outbox == []
    # Written through the services: each notice logged with its entry, each message queued.
    assert NoticeLog.objects.filter(kind="due_soon").count() == 1
    queued = Entry.objects.filter(domain="mail", kind="queued")
    assert queued.count() == Message.objects.count()
    booking = Booking.objects.get(patron__email="anna.lewandowska@example.org")
    assert Entry.objects.filter(
        domain="spaces", object_id=booking.pk, channel=Channel.ONLINE
    ).exists()

    # The manager reads them at /staff/mail/.
    client.force_login(User.objects.get(username="manager"))
    page = client.get(reverse("staff:mail:outbox")).content.decode()
    assert "Незабаром повернення" in page and "Pokój do nauki 1" in page

    before = Message.objects.count()
    _demo()
    assert Message.objects.count() == before  # a second run queues nothing again
