"""`bibliohub run-scheduled` end to end: the jobs run in order, the notices are written to the
e-mail outbox and its job sends them through a real SMTP server (aiosmtpd on a free loopback
port); a second run sends nothing twice."""

from __future__ import annotations

import email
import email.policy
import json
import socket
from datetime import datetime, timedelta
from io import StringIO

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.utils import timezone

from bibliohub.circulation.models import HoldStatus, Loan
from bibliohub.mail.models import Message, State
from bibliohub.patrons.models import NoticeLog


class Sink:
    """Keeps every message the server accepts."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        )
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
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "biblioteka@example.org"
    try:
        yield sink
    finally:
        controller.stop()


def _subject(message: email.message.EmailMessage) -> str:
    # A long subject with non-ASCII words arrives folded into encoded words.
    return " ".join(str(message["Subject"]).split())


# The months as a Polish date names them: "4 grudnia 2026".
POLISH_MONTHS = (
    "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca",
    "lipca", "sierpnia", "września", "października", "listopada", "grudnia",
)  # fmt: skip


def _in_polish(moment: datetime) -> str:
    day = timezone.localdate(moment)
    return f"{day.day} {POLISH_MONTHS[day.month - 1]} {day.year}"


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("run_scheduled", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_run_scheduled_sends_the_notices_through_smtp_once(
    smtp, reader, other_reader, make_item, lend, ready_hold, central
):
    hold = ready_hold(other_reader, make_item("Solaris"))
    due_soon = lend(reader, make_item("Lalka"), days_ago=19)  # due in two days
    overdue = lend(reader, make_item("Chłopi"), days_ago=23)  # two days overdue
    outcome = _run("--at", timezone.now().isoformat())
    assert outcome["notices"]["queued"] == 3 and outcome["mail"]["sent"] == 3
    assert outcome["fines"]["loans_owing"] == 0  # still within the two days' grace
    by_address: dict[str, list[str]] = {}
    for message in smtp.messages:
        by_address.setdefault(message["To"], []).append(_subject(message))
        assert message["From"] == "biblioteka@example.org"
    assert sorted(by_address) == ["anna@example.org", "minh@example.org"]
    anna = sorted(by_address["anna@example.org"])
    # Anna reads Polish: subjects, and the due dates with Polish month names.
    assert anna[0].startswith("Przetrzymanie od") and _in_polish(overdue.due_at) in anna[0]
    assert anna[1].startswith("Zbliża się termin zwrotu") and _in_polish(due_soon.due_at) in anna[1]
    (minh,) = by_address["minh@example.org"]
    assert "Solaris" in minh and "tháng" in minh  # the date as Vietnamese write it
    body = next(m for m in smtp.messages if "Solaris" in _subject(m)).get_content()
    assert "Central Library" in body or "Thư viện Trung tâm" in body
    assert NoticeLog.objects.count() == 3

    again = _run("--at", (timezone.now() + timedelta(minutes=5)).isoformat())
    assert again["notices"]["queued"] == 0 and again["mail"]["sent"] == 0
    assert len(smtp.messages) == 3
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY


def test_the_jobs_run_in_order_and_say_what_they_did(
    smtp, reader, other_reader, make_item, lend, ready_hold
):
    hold = ready_hold(reader, make_item("Solaris"), days_ago=10)
    renewing = lend(reader, make_item("Lalka"), days_ago=30)  # nine days overdue
    Loan.objects.filter(pk=renewing.pk).update(auto_renew=True)
    lend(other_reader, make_item("Chłopi"), days_ago=30)
    out = StringIO()
    call_command("run_scheduled", stdout=out)
    text = out.getvalue()
    assert "automatic renewals: 1 renewed, 0 refused" in text
    assert "holds expired: 1" in text
    # Renewed first, so only the other loan is fined and told it is overdue.
    assert "loans owing overdue fines: 1" in text
    assert "notices: 2 queued (overdue_2 1, hold_expired 1)" in text
    assert "room bookings: 0 released unused, 0 reminded" in text
    assert "event reminders: 0" in text
    hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED
    subjects = {m["To"]: _subject(m) for m in smtp.messages}
    assert subjects["minh@example.org"].startswith("Nhắc lần hai")  # Minh reads Vietnamese
    assert "Solaris" in subjects["anna@example.org"]


def test_returned_loans_are_anonymised_after_the_delay(
    smtp, reader, make_item, lend, central, central_librarian
):
    from bibliohub.circulation import services
    from bibliohub.history import Actor

    item = make_item()
    loan = lend(reader, item, days_ago=40)
    services.checkin(
        item=item,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=timezone.now() - timedelta(days=31),
    )
    assert _run("--anonymise-after-days", "40")["anonymised"]["loans"] == 0
    assert _run()["anonymised"]["loans"] == 1  # the network's default: 30 days
    loan.refresh_from_db()
    assert loan.patron_id is None


def test_an_unreachable_mail_server_keeps_the_notice_waiting_in_the_outbox(
    settings, reader, make_item, lend, caplog
):
    lend(reader, make_item("Lalka"), days_ago=19)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _free_port()  # nothing listens there
    settings.EMAIL_TIMEOUT = 5
    with pytest.raises(CommandError, match="e-mails not sent"):
        call_command("run_scheduled", stdout=StringIO())
    # Logged and queued together; the message waits for its next attempt, nothing is lost.
    (logged,) = NoticeLog.objects.all()
    (message,) = Message.objects.all()
    assert logged.kind == "due_soon" and message.kind == "circulation/email/due_soon"
    assert message.state == State.QUEUED and message.attempts == 1 and message.next_attempt_at
    assert message.to == "anna@example.org" and "Lalka" in message.body
    assert "Traceback" not in caplog.text
    # The next run queues it no second time.
    assert (
        _run("--at", (timezone.now() + timedelta(seconds=1)).isoformat())["notices"]["queued"] == 0
    )
    assert Message.objects.count() == 1


def test_a_bad_at_is_refused_in_one_line():
    with pytest.raises(CommandError, match="not an ISO 8601"):
        call_command("run_scheduled", "--at", "yesterday", stdout=StringIO())
