"""Which notices go out, to whom, in which language, and only once: due soon, overdue (first,
second, third), hold ready, hold expired and the fines summary. Each is written to the e-mail
outbox with its log and history entry, and sent by the outbox's task once that commits (at
once here, into Django's in-memory mail); test_outbox.py keeps them in the database queue,
test_run_scheduled.py sends through a real SMTP server."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from bibliohub.circulation import notices, services
from bibliohub.circulation.models import HoldStatus
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.mail.messages import render_message
from bibliohub.patrons.models import NoticeLog, NoticePolicy
from tests.portal.world import register

Kind = NoticeLog.Kind


def _sent(now):
    """Queue the notices due at `now` and commit: the outbox's task sends them at once."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return notices.queue_notices(at=now, actor=Actor.for_job("notices"))


def test_a_loan_due_in_two_days_gets_a_reminder_once(reader, make_item, lend, now):
    lend(reader, make_item("Lalka"), days_ago=19)
    report = _sent(now)
    assert report.queued[Kind.DUE_SOON] == 1 and report.total == 1
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "Lalka" in message.body
    (sent,) = Entry.objects.filter(domain="circulation", kind="notice_sent")
    assert (sent.patron_id, sent.channel, sent.detail) == (
        reader.pk,
        "job",
        {"notice": "due_soon", "about": 1},
    )
    assert "anna@example.org" not in str(sent.detail)
    assert _sent(now).total == 0
    assert _sent(now + timedelta(hours=6)).total == 0
    assert len(mail.outbox) == 1


def test_loans_due_later_get_nothing_yet(reader, make_item, lend, now):
    lend(reader, make_item(), days_ago=1)
    assert _sent(now).total == 0 and not mail.outbox


def test_a_renewed_loan_is_reminded_again_before_its_new_due_date(reader, make_item, lend, now):
    loan = lend(reader, make_item("Lalka"), days_ago=19)
    _sent(now)
    services.renew(loan=loan, branch=loan.branch, actor=Actor.for_patron(reader), at=now)
    loan.refresh_from_db()
    assert _sent(now).total == 0
    later = loan.due_at - timedelta(days=1)
    assert _sent(later).queued[Kind.DUE_SOON] == 1


def test_the_items_due_soon_go_in_one_message(reader, make_item, lend, now):
    lend(reader, make_item("Lalka"), days_ago=19)
    lend(reader, make_item("Chłopi"), days_ago=20)
    _sent(now)
    (message,) = mail.outbox
    assert "Lalka" in message.body and "Chłopi" in message.body
    assert "2" in message.subject


@pytest.mark.parametrize(
    ("days_overdue", "kind"),
    [(1, Kind.OVERDUE_1), (7, Kind.OVERDUE_2), (10, Kind.OVERDUE_2), (19, Kind.OVERDUE_3)],
)
def test_the_overdue_notice_reached_is_the_one_sent(
    reader, make_item, lend, now, days_overdue, kind
):
    lend(reader, make_item(), days_ago=21 + days_overdue)
    report = _sent(now)
    assert report.queued[kind] == 1 and report.total == 1
    assert NoticeLog.objects.get().kind == kind


def test_overdue_notices_follow_one_another_then_stop(reader, make_item, lend, now):
    loan = lend(reader, make_item(), days_ago=20)
    due_day = timezone.localtime(loan.due_at)
    kinds = []
    for day in range(0, 25):
        report = _sent(due_day + timedelta(days=day, hours=1))
        kinds += [k for k, n in report.queued.items() if n]
    assert kinds == [Kind.OVERDUE_1, Kind.OVERDUE_2, Kind.OVERDUE_3]
    subjects = [m.subject for m in mail.outbox]
    # The reader asked for Polish.
    assert subjects[0].startswith("Przetrzymanie od")
    assert subjects[1].startswith("Drugie upomnienie")
    assert subjects[2].startswith("Ostatnie upomnienie")


def test_the_network_sets_the_days(reader, make_item, lend, now, network):
    NoticePolicy.objects.create(
        network=network,
        due_soon_days=0,
        first_overdue_days=3,
        second_overdue_days=10,
        third_overdue_days=20,
    )
    lend(reader, make_item(), days_ago=19)  # due in two days
    lend(reader, make_item(), days_ago=23)  # two days overdue
    assert _sent(now).total == 0


def test_a_hold_ready_says_where_and_until_when(
    reader, other_reader, make_item, lend, ready_hold, riverside, now
):
    item = make_item("Solaris", branch=riverside)
    hold = ready_hold(reader, item, pickup=riverside)
    assert hold.status == HoldStatus.READY
    report = _sent(now)
    assert report.queued[Kind.HOLD_READY] == 1
    (message,) = mail.outbox
    assert "Riverside Branch" in message.subject and "Solaris" in message.subject
    assert "czeka na odbiór w filii Riverside Branch" in message.body  # in the reader's Polish
    expiry = timezone.localtime(hold.expires_at)
    assert str(expiry.day) in message.body and str(expiry.year) in message.body
    assert _sent(now).total == 0


def test_an_expired_hold_is_told_once(reader, make_item, ready_hold, now):
    hold = ready_hold(reader, make_item("Solaris"), days_ago=10)
    _sent(now - timedelta(days=10))
    services.expire_holds(at=now, actor=Actor.for_job("holds_expired"))
    hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED
    report = _sent(now)
    assert report.queued[Kind.HOLD_EXPIRED] == 1 and report.total == 1
    assert "Solaris" in mail.outbox[-1].subject
    assert _sent(now + timedelta(days=1)).total == 0


def test_fines_over_the_threshold_get_a_summary_once_a_month(
    reader, other_reader, central, central_librarian, now
):
    for patron, amount in ((reader, "6.00"), (other_reader, "5.00")):
        services.charge_fine(
            patron=patron,
            amount=Decimal(amount),
            note="Lost card",
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=now - timedelta(days=1),
        )
    report = _sent(now)
    assert report.queued[Kind.FINES] == 1  # 5.00 is not over the threshold of 5.00
    assert mail.outbox[0].to == ["anna@example.org"]
    assert "6,00" in mail.outbox[0].subject  # Polish decimal comma
    assert _sent(now + timedelta(days=29)).total == 0
    assert _sent(now + timedelta(days=31)).queued[Kind.FINES] == 1


def test_a_childs_notices_go_to_the_guardian_when_the_child_has_no_address(
    reader, child_category, central, central_librarian, make_item, lend, now
):
    child = register(
        "Wiśniewska",
        "Zosia",
        "P1009",
        category=child_category,
        branch=central,
        staff=central_librarian,
        pin=None,
        language="pl",
    )
    child.guardian = reader
    child.save(update_fields=["guardian"])
    lend(child, make_item("Akademia pana Kleksa"), days_ago=19)
    _sent(now)
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "Zosia" in message.body and "P1009" in message.body


def test_patrons_without_an_address_get_nothing(
    adult_category, central, central_librarian, default_rule, make_item, lend, now
):
    patron = register(
        "Bez",
        "Adresu",
        "P1010",
        category=adult_category,
        branch=central,
        staff=central_librarian,
        pin=None,
    )
    lend(patron, make_item(), days_ago=19)
    assert _sent(now).total == 0 and not NoticeLog.objects.exists()


LANGUAGES = ["en", "vi", "zh-hans", "uk", "pl"]


def test_every_notice_renders_in_each_of_the_five_languages(
    reader, make_item, lend, ready_hold, central, central_librarian, now
):
    ready_hold(reader, make_item("Solaris"))  # before an overdue loan would block the hold
    lend(reader, make_item("Lalka"), days_ago=19)
    lend(reader, make_item("Chłopi"), days_ago=25)
    services.charge_fine(
        patron=reader,
        amount=Decimal("7.00"),
        note="",
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=now,
    )
    pending = list(notices.pending_notices(at=now))
    assert {n.kind for n in pending} == {Kind.DUE_SOON, Kind.OVERDUE_1, Kind.HOLD_READY, Kind.FINES}
    for notice in pending:
        subjects = {}
        for language in LANGUAGES:
            subject, body, _ = render_message(
                notice.template, notices.context_for(notice), language=language
            )
            assert subject and "{%" not in subject and "Anna" in body
            subjects[language] = subject
        # Every subject carries a date, written the way each language writes dates.
        assert len(set(subjects.values())) == len(LANGUAGES), subjects


def test_the_subject_carries_the_date_in_the_patrons_language(reader, make_item, lend, now):
    loan = lend(reader, make_item("Lalka"), days_ago=19)
    (notice,) = notices.pending_notices(at=now)
    due: date = timezone.localdate(loan.due_at)
    subjects = {
        language: render_message(notice.template, notices.context_for(notice), language=language)[0]
        for language in LANGUAGES
    }
    assert f"{due.year}年{due.month}月{due.day}日" in subjects["zh-hans"]
    polish_months = [
        "stycznia",
        "lutego",
        "marca",
        "kwietnia",
        "maja",
        "czerwca",
        "lipca",
        "sierpnia",
        "września",
        "października",
        "listopada",
        "grudnia",
    ]
    assert polish_months[due.month - 1] in subjects["pl"]
