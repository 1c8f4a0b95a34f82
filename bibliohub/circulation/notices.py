"""Notices by e-mail, in each patron's language: due soon, overdue (first, second, third),
hold ready, hold expired, and a fines summary. `run-scheduled` calls `queue_notices` once a
day (or more often: every notice is queued once, as NoticeLog remembers what went out).

A child without an e-mail address of their own gets their notices through their guardian's.
A notice goes through the e-mail outbox (docs/mail.md): its NoticeLog rows, its history
entry and its outbox message are written in one transaction, so it is never logged but lost
nor sent but unlogged; the mail worker sends it, retrying while the mail server does not
answer. "Sent" in the notice log means handed to the outbox; the outbox page tells whether
the message has gone out."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from bibliohub.circulation.kinds import NOTICE_SENT
from bibliohub.circulation.models import Fine, Hold, HoldStatus, Loan
from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.libraries.models import Network
from bibliohub.mail import services as mail
from bibliohub.patrons.models import NoticeLog, NoticePolicy, Patron, PatronStatus

logger = logging.getLogger(__name__)

Kind = NoticeLog.Kind
OVERDUE_KINDS = (Kind.OVERDUE_1, Kind.OVERDUE_2, Kind.OVERDUE_3)
# Templates in circulation/templates/circulation/email/: <name>_subject.txt and <name>.txt.
TEMPLATES: dict[str, str] = {
    Kind.DUE_SOON: "circulation/email/due_soon",
    Kind.OVERDUE_1: "circulation/email/overdue",
    Kind.OVERDUE_2: "circulation/email/overdue",
    Kind.OVERDUE_3: "circulation/email/overdue",
    Kind.HOLD_READY: "circulation/email/hold_ready",
    Kind.HOLD_EXPIRED: "circulation/email/hold_expired",
    Kind.FINES: "circulation/email/fines",
}
# An expired hold is worth telling about for a week; older ones (say, on the first run after
# an upgrade) are news to nobody.
HOLD_EXPIRED_LOOKBACK = timedelta(days=7)
_CHUNK = 500


@dataclass(frozen=True)
class NoticeSettings:
    due_soon_days: int
    overdue_days: tuple[int, int, int]
    fines_threshold: Decimal
    fines_repeat_days: int

    @classmethod
    def of(cls, policy: NoticePolicy) -> NoticeSettings:
        return cls(
            due_soon_days=policy.due_soon_days,
            overdue_days=(
                policy.first_overdue_days,
                policy.second_overdue_days,
                policy.third_overdue_days,
            ),
            fines_threshold=Decimal(policy.fines_threshold),
            fines_repeat_days=policy.fines_repeat_days,
        )


def notice_settings() -> dict[int, NoticeSettings]:
    """The notice settings of every network: its NoticePolicy, else the defaults."""
    policies = {p.network_id: p for p in NoticePolicy.objects.all()}
    return {
        network_id: NoticeSettings.of(policies.get(network_id) or NoticePolicy())
        for network_id in Network.objects.values_list("pk", flat=True)
    }


def overdue_level(days_overdue: int, overdue_days: tuple[int, int, int]) -> int:
    """0 before the first overdue notice is due, else 1, 2 or 3: the latest notice reached."""
    return sum(1 for days in overdue_days if days_overdue >= days)


@dataclass
class Notice:
    """One message to one address, about one or more loans or holds (`keys`)."""

    kind: str
    patron: Patron
    to: str
    keys: list[str]
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return TEMPLATES[self.kind]


@dataclass
class NoticeReport:
    queued: dict[str, int] = field(default_factory=lambda: {k.value: 0 for k in Kind})
    # Notices another run logged and queued between this run's look and its write.
    skipped: int = 0

    @property
    def total(self) -> int:
        return sum(self.queued.values())


def recipient(patron: Patron) -> str:
    """Where the patron's notices go: their own address, else their guardian's."""
    if patron.email:
        return patron.email
    guardian = patron.guardian
    return guardian.email if guardian is not None else ""


def _with_address() -> Q:
    return ~Q(patron__email="") | (
        Q(patron__guardian__isnull=False) & ~Q(patron__guardian__email="")
    )


def _loan_key(loan: Loan) -> str:
    # The due date is part of the key: after a renewal the loan is a new reason to remind.
    return f"loan:{loan.pk}:{loan.due_at.isoformat()}"


def _already_sent(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    pairs = list(pairs)
    sent: set[tuple[str, str]] = set()
    for start in range(0, len(pairs), _CHUNK):
        keys = {key for _, key in pairs[start : start + _CHUNK]}
        sent.update(NoticeLog.objects.filter(key__in=keys).values_list("kind", "key"))
    return sent


def _patron_fields() -> list[str]:
    return ["patron__network", "patron__guardian", "patron__home_branch"]


def loan_notices(*, at: datetime, settings: dict[int, NoticeSettings]) -> list[Notice]:
    """Due-soon and overdue notices not sent yet, one message per patron and kind."""
    if not settings:
        return []
    today = timezone.localdate(at)
    horizon = today + timedelta(days=max(s.due_soon_days for s in settings.values()))
    loans = (
        Loan.objects.filter(
            returned_at__isnull=True,
            patron__isnull=False,
            patron__status=PatronStatus.ACTIVE,
            due_at__lt=datetime.combine(
                horizon + timedelta(days=1),
                datetime.min.time(),
                tzinfo=timezone.get_current_timezone(),
            ),
        )
        .filter(_with_address())
        .select_related("item__record", "branch", *_patron_fields())
        .defer("item__record__marc")
        .order_by("patron_id", "due_at", "pk")
    )
    wanted: list[tuple[str, Loan]] = []
    for loan in loans:
        rules = settings[loan.patron.network_id]  # type: ignore[union-attr]
        due_day = timezone.localdate(loan.due_at)
        if loan.due_at >= at:
            if rules.due_soon_days and (due_day - today).days <= rules.due_soon_days:
                wanted.append((Kind.DUE_SOON, loan))
        elif level := overdue_level((today - due_day).days, rules.overdue_days):
            wanted.append((OVERDUE_KINDS[level - 1], loan))
    sent = _already_sent((kind, _loan_key(loan)) for kind, loan in wanted)
    grouped: dict[tuple[int, str], list[Loan]] = defaultdict(list)
    for kind, loan in wanted:
        if (kind, _loan_key(loan)) not in sent:
            grouped[(loan.patron_id, kind)].append(loan)  # type: ignore[index]
    notices = []
    for (_, kind), group in grouped.items():
        patron = group[0].patron
        assert patron is not None
        notices.append(
            Notice(
                kind=kind,
                patron=patron,
                to=recipient(patron),
                keys=[_loan_key(loan) for loan in group],
                context={
                    "loans": group,
                    "level": OVERDUE_KINDS.index(kind) + 1 if kind in OVERDUE_KINDS else None,
                    "first_due": min(loan.due_at for loan in group),
                },
            )
        )
    return notices


def hold_notices(*, at: datetime) -> list[Notice]:
    """Hold-ready and hold-expired notices not sent yet, one message per hold."""
    ready = Hold.objects.filter(status=HoldStatus.READY, ready_at__isnull=False)
    expired = Hold.objects.filter(
        status=HoldStatus.EXPIRED, closed_at__gte=at - HOLD_EXPIRED_LOOKBACK
    )
    wanted: list[tuple[str, Hold, str]] = []
    for kind, holds in ((Kind.HOLD_READY, ready), (Kind.HOLD_EXPIRED, expired)):
        for hold in (
            holds.filter(patron__status=PatronStatus.ACTIVE)
            .filter(_with_address())
            .select_related("record", "pickup_branch", "assigned_item", *_patron_fields())
            .defer("record__marc")
            .order_by("pk")
        ):
            moment = hold.ready_at if kind == Kind.HOLD_READY else hold.closed_at
            assert moment is not None
            wanted.append((kind, hold, f"hold:{hold.pk}:{moment.isoformat()}"))
    sent = _already_sent((kind, key) for kind, _, key in wanted)
    return [
        Notice(
            kind=kind,
            patron=hold.patron,
            to=recipient(hold.patron),
            keys=[key],
            context={"hold": hold},
        )
        for kind, hold, key in wanted
        if (kind, key) not in sent
    ]


def fines_notices(*, at: datetime, settings: dict[int, NoticeSettings]) -> list[Notice]:
    """A summary for each patron owing more than their network's threshold, at most once per
    the network's repeat period."""
    owed = dict(
        Fine.objects.filter(settled_at__isnull=True, waived_at__isnull=True, patron__isnull=False)
        .values("patron")
        .annotate(owed=Sum(F("amount") - F("paid")))
        .values_list("patron", "owed")
    )
    if not owed:
        return []
    patrons = (
        Patron.objects.filter(pk__in=list(owed), status=PatronStatus.ACTIVE)
        .select_related("network", "guardian", "home_branch")
        .order_by("pk")
    )
    longest = max(s.fines_repeat_days for s in settings.values())
    recent: dict[int, datetime] = {}
    for patron_id, sent_at in NoticeLog.objects.filter(
        kind=Kind.FINES, patron_id__in=list(owed), sent_at__gt=at - timedelta(days=longest)
    ).values_list("patron_id", "sent_at"):
        recent[patron_id] = max(sent_at, recent.get(patron_id, sent_at))
    notices = []
    for patron in patrons:
        rules = settings[patron.network_id]
        amount = Decimal(owed[patron.pk]).quantize(Decimal("0.01"))
        last = recent.get(patron.pk)
        if amount <= rules.fines_threshold or not recipient(patron):
            continue
        if last is not None and last > at - timedelta(days=rules.fines_repeat_days):
            continue
        fines = list(
            Fine.objects.filter(patron=patron, settled_at__isnull=True, waived_at__isnull=True)
            .select_related("item__record")
            .defer("item__record__marc")
            .order_by("created_at", "pk")
        )
        notices.append(
            Notice(
                kind=Kind.FINES,
                patron=patron,
                to=recipient(patron),
                keys=[f"fines:{patron.pk}:{timezone.localdate(at).isoformat()}"],
                context={"fines": fines, "total": amount, "as_of": at},
            )
        )
    return notices


def pending_notices(*, at: datetime) -> Iterator[Notice]:
    """Every notice due at `at` and not sent yet."""
    settings = notice_settings()
    yield from loan_notices(at=at, settings=settings)
    yield from hold_notices(at=at)
    yield from fines_notices(at=at, settings=settings)


def context_for(notice: Notice) -> dict[str, Any]:
    patron = notice.patron
    return {
        **notice.context,
        "kind": notice.kind,
        "patron": patron,
        "network": patron.network,
        "for_child": not patron.email,
    }


def queue_notices(*, at: datetime, actor: Actor) -> NoticeReport:
    """Write every notice due at `at` and not yet logged to the e-mail outbox, each in its
    patron's language. For each notice, one transaction (a savepoint within a commit of up
    to `_NOTICES_PER_COMMIT` notices) writes its NoticeLog rows (one per loan or hold it is
    about; "sent" there means handed to the outbox), the NOTICE_SENT history entry (the kind
    of notice and how many loans or holds; never the address) and the outbox message, which
    the mail worker sends after the commit (docs/mail.md). So a notice is never logged
    without its message nor queued without its log, and a rerun (or a second run at the
    same time) queues nothing twice: a key already logged rolls that notice back. Returns
    the counts per kind of the notices queued."""
    report = NoticeReport()
    pending = iter(pending_notices(at=at))
    while batch := list(islice(pending, _NOTICES_PER_COMMIT)):
        with transaction.atomic():
            for notice in batch:
                if _queue_one(notice, at=at, actor=actor):
                    report.queued[notice.kind] += 1
                else:
                    report.skipped += 1
    return report


# A commit per notice would spend most of a large run waiting for the disk; a commit per
# few dozen keeps each lock on the database short.
_NOTICES_PER_COMMIT = 50


def _queue_one(notice: Notice, *, at: datetime, actor: Actor) -> bool:
    """Log, record and queue `notice` in one savepoint; False if another run logged it."""
    try:
        with transaction.atomic():
            NoticeLog.objects.bulk_create(
                [
                    NoticeLog(
                        patron=notice.patron, kind=notice.kind, key=key, email=notice.to, sent_at=at
                    )
                    for key in notice.keys
                ]
            )
            history.record(
                NOTICE_SENT,
                at=at,
                actor=actor,
                patron=notice.patron,
                detail={"notice": notice.kind, "about": len(notice.keys)},
            )
            mail.queue(
                notice.template,
                context_for(notice),
                to=notice.to,
                language=notice.patron.language,
                at=at,
                actor=actor,
                branch=notice.patron.home_branch,
                patron=notice.patron,
            )
    except IntegrityError:
        # Logged by another run since this one looked: that run queued it.
        logger.info("notice %s to patron %s: already queued", notice.kind, notice.patron.pk)
        return False
    return True
