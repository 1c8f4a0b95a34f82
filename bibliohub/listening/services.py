"""The only writers of complaints, suggestions and thanks. Each service is one transaction,
records one history entry per change (codes only: never the text, the answer or the
contact) and writes its e-mail, in the person's language, to the outbox in the same
transaction (sent once it commits)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bibliohub.accounts import access
from bibliohub.accounts.models import User
from bibliohub.history import Actor
from bibliohub.history.services import record
from bibliohub.libraries.models import Branch, Network
from bibliohub.listening import kinds, rules
from bibliohub.listening.errors import FeedbackReason, FeedbackRefused
from bibliohub.listening.models import (
    OPEN_STATES,
    BranchManager,
    Feedback,
    FeedbackChannel,
    FeedbackState,
    ListeningSettings,
    NumberSequence,
    SubmissionCount,
)
from bibliohub.mail import services as mail
from bibliohub.patrons.models import Patron

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def settings_for(network: Network | int) -> ListeningSettings:
    """The network's deadlines, or the defaults (unsaved) when it has none."""
    network_id = network.pk if isinstance(network, Network) else network
    found = ListeningSettings.objects.filter(network_id=network_id).first()
    return found or ListeningSettings(network_id=network_id)


@transaction.atomic
def save_settings(
    *, network: Network, response_days: int, quick_response_days: int, actor: Actor, at: datetime
) -> ListeningSettings:
    """Set the network's response deadlines (new items and reassessed ones use them)."""
    user = access.staff_of(actor)
    if actor.is_staff and (user is None or not access.can_manage_network(user)):
        raise access.NotPermitted([access.AccessReason.NOT_ALLOWED])
    found, _created = ListeningSettings.objects.update_or_create(
        network=network,
        defaults={"response_days": response_days, "quick_response_days": quick_response_days},
    )
    record(
        kinds.SETTINGS_SAVED, at=at, actor=actor, network=network.pk, obj=found,
        detail={"response_days": response_days, "quick_response_days": quick_response_days},
    )
    return found


@transaction.atomic
def set_branch_manager(*, branch: Branch, user: User, actor: Actor, at: datetime) -> BranchManager:
    """Make `user` the one warned about `branch`'s overdue items."""
    access.require_actor_branch(actor, branch)
    manager, _created = BranchManager.objects.update_or_create(branch=branch, defaults={"user": user})
    record(
        kinds.SETTINGS_SAVED, at=at, actor=actor, branch=branch, obj=manager,
        detail={"manager_id": user.pk},
    )
    return manager


# --- Receiving ----------------------------------------------------------------------------


def place_key(address: str) -> str:
    """A digest of a web address, so that floods are counted without keeping the address."""
    return salted_hmac("bibliohub.listening.place", address).hexdigest()


def _throttle(key: str, *, at: datetime) -> None:
    """Count one submission from `key`; refuse once the window's allowance is used up."""
    window = timedelta(minutes=settings.FEEDBACK_WINDOW_MINUTES)
    row, _created = SubmissionCount.objects.select_for_update().get_or_create(
        key=key, defaults={"since": at, "count": 0}
    )
    if row.since + window <= at:
        row.since, row.count = at, 0
    if row.count >= settings.FEEDBACK_PER_PLACE:
        raise FeedbackRefused([FeedbackReason.TOO_MANY])
    row.count += 1
    row.save(update_fields=["since", "count"])


def _next_number(network_id: int, year: int) -> str:
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(
        network_id=network_id, year=year
    )
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{year}-{sequence.last:04d}"


def _check(
    *, text: str, language: str, attachment: UploadedFile | None
) -> dict[str, list[FeedbackReason]]:
    problems: dict[str, list[FeedbackReason]] = {}
    if not text.strip():
        problems["text"] = [FeedbackReason.EMPTY_TEXT]
    if language not in LANGUAGES:
        problems["language"] = [FeedbackReason.UNKNOWN_LANGUAGE]
    if attachment is not None:
        head = attachment.read(16)
        attachment.seek(0)
        found = rules.attachment_problems(
            attachment.name or "", head, attachment.size or 0,
            max_bytes=settings.FEEDBACK_ATTACHMENT_MAX_BYTES,
        )
        if found:
            problems["attachment"] = found
    return problems


@transaction.atomic
def submit(
    *,
    branch: Branch,
    kind: str,
    topic: str,
    text: str,
    channel: str,
    language: str,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    attachment: UploadedFile | None = None,
    place: str = "",
    patron: Patron | None = None,
    actor: Actor,
    at: datetime,
) -> Feedback:
    """Receive a complaint, suggestion or thanks and give it its number at once; with a
    contact e-mail, acknowledge it at once too (an e-mail with the number). The deadline
    is the network's `response_days` from now. `patron` (signed in) is kept with an item
    that gives a contact, never with an anonymous one.

    `place` (a web address) counts the public form's submissions against the flood limit.
    Staff record spoken and paper items for their own branches only. Raises
    FeedbackRefused keyed by field (text, language, attachment) or TOO_MANY."""
    if channel != FeedbackChannel.FORM:
        access.require_actor_branch(actor, branch)
    if problems := _check(text=text, language=language, attachment=attachment):
        raise FeedbackRefused(fields=problems)
    if place:
        _throttle(place_key(place), at=at)
    days = settings_for(branch.network_id).response_days
    item = Feedback.objects.create(
        network_id=branch.network_id,
        number=_next_number(branch.network_id, timezone.localdate(at).year),
        kind=kind, topic=topic, branch=branch, text=text.strip(), channel=channel,
        contact_name=contact_name.strip(), contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(), language=language,
        received_at=at, received_by_id=actor.staff_id,
        deadline=rules.deadline(at, days=days),
        patron=patron if any(c.strip() for c in (contact_name, contact_email, contact_phone)) else None,
    )
    if attachment is not None:
        item.attachment.save(attachment.name or "attachment", attachment, save=True)
    record(
        kinds.SUBMITTED, at=at, actor=actor, branch=branch, obj=item, language=language,
        topic=rules.received_topic(item.kind, item.topic),
        detail=_facts(item) | {"attachment": attachment is not None, "contact": item.has_contact},
    )
    if item.contact_email:
        _acknowledge(item, actor=actor, at=at)
    return item


def _facts(item: Feedback) -> dict[str, object]:
    return {"number": item.number, "kind": item.kind, "topic": item.topic, "channel": item.channel}


def _mail(item: Feedback, what: str, *, actor: Actor, at: datetime) -> None:
    """Write the `what` message to the person who wrote, in their language, into the
    outbox in the caller's transaction (a rolled-back step sends nothing)."""
    if not item.contact_email:
        return
    mail.queue("listening/email/feedback", {"item": item, "what": what},
               to=item.contact_email, language=item.language, at=at, actor=actor,
               branch=item.branch)


def _locked(item: Feedback, actor: Actor) -> Feedback:
    locked = (
        Feedback.objects.select_for_update(of=("self",)).select_related("branch").get(pk=item.pk)
    )
    access.require_actor_branch(actor, locked.branch)
    return locked


def _move(item: Feedback, *, allowed: tuple[str, ...]) -> None:
    if item.state not in allowed:
        raise FeedbackRefused([FeedbackReason.WRONG_STATE])


def _acknowledge(item: Feedback, *, actor: Actor, at: datetime) -> None:
    item.state = FeedbackState.ACKNOWLEDGED
    item.acknowledged_at = at
    item.save(update_fields=["state", "acknowledged_at"])
    record(
        kinds.ACKNOWLEDGED, at=at, actor=actor, branch=item.branch, obj=item,
        detail={"number": item.number, "mailed": bool(item.contact_email)},
    )
    _mail(item, "acknowledged", actor=actor, at=at)


@transaction.atomic
def forget_patron(patron: Patron, *, actor: Actor, at: datetime) -> int:
    """The patron is being erased: the complaints, suggestions and thanks they sent signed in
    keep their text, state and answer (they count in the figures and the "you said, we did"
    page) but lose the name, e-mail and phone given with them and the link to the patron.
    Records CONTACT_ERASED for each; returns how many."""
    items = list(Feedback.objects.select_for_update().select_related("branch").filter(patron=patron))
    for item in items:
        item.contact_name = item.contact_email = item.contact_phone = ""
        item.patron = None
        item.save(update_fields=["contact_name", "contact_email", "contact_phone", "patron"])
        record(kinds.CONTACT_ERASED, at=at, actor=actor, branch=item.branch, obj=item,
               detail={"number": item.number})
    return len(items)


# --- Handling -----------------------------------------------------------------------------


@transaction.atomic
def acknowledge(item: Feedback, *, actor: Actor, at: datetime) -> Feedback:
    """Mark a received item acknowledged (told by phone, by letter, at the desk; with an
    e-mail address, the acknowledgement is mailed). Raises FeedbackRefused(WRONG_STATE)."""
    item = _locked(item, actor)
    _move(item, allowed=(FeedbackState.RECEIVED,))
    _acknowledge(item, actor=actor, at=at)
    return item


@transaction.atomic
def assess(
    item: Feedback, *, no_extra_study: bool, topic: str | None = None, actor: Actor, at: datetime
) -> Feedback:
    """Record the assessment: the topic (corrected if need be) and whether the item needs
    extra study. Without, the answer is due `quick_response_days` after receipt; with,
    `response_days`. Raises FeedbackRefused(WRONG_STATE)."""
    item = _locked(item, actor)
    _move(item, allowed=(FeedbackState.RECEIVED, FeedbackState.ACKNOWLEDGED, FeedbackState.ASSESSED))
    policy = settings_for(item.network_id)
    days = policy.quick_response_days if no_extra_study else policy.response_days
    item.no_extra_study = no_extra_study
    item.topic = topic or item.topic
    item.deadline = rules.deadline(item.received_at, days=days)
    item.state = FeedbackState.ASSESSED
    item.assessed_at = at
    item.save(update_fields=["no_extra_study", "topic", "deadline", "state", "assessed_at"])
    record(
        kinds.ASSESSED, at=at, actor=actor, branch=item.branch, obj=item,
        detail={"number": item.number, "topic": item.topic, "no_extra_study": no_extra_study,
                "days": days},
    )
    return item


@transaction.atomic
def assign(item: Feedback, *, assignee: User, actor: Actor, at: datetime) -> Feedback:
    """Give the item to `assignee`, a member of staff of its branch, to answer. Raises
    FeedbackRefused(WRONG_STATE, NOT_STAFF_OF_BRANCH)."""
    item = _locked(item, actor)
    _move(item, allowed=(FeedbackState.ASSESSED, FeedbackState.ASSIGNED))
    if not (access.is_staff_user(assignee) and access.can_act_on_branch(assignee, item.branch)):
        raise FeedbackRefused([FeedbackReason.NOT_STAFF_OF_BRANCH])
    item.assignee = assignee
    item.state = FeedbackState.ASSIGNED
    item.save(update_fields=["assignee", "state"])
    record(
        kinds.ASSIGNED, at=at, actor=actor, branch=item.branch, obj=item,
        detail={"number": item.number, "assignee_id": assignee.pk},
    )
    return item


@transaction.atomic
def answer(item: Feedback, *, text: str, actor: Actor, at: datetime) -> Feedback:
    """Record the answer and send it by e-mail, in the person's language, when they gave
    an address. Raises FeedbackRefused(WRONG_STATE, EMPTY_ANSWER)."""
    item = _locked(item, actor)
    _move(item, allowed=OPEN_STATES)
    if not text.strip():
        raise FeedbackRefused(fields={"text": [FeedbackReason.EMPTY_ANSWER]})
    item.answer = text.strip()
    item.answered_at = at
    item.answer_sent_at = at if item.contact_email else None
    item.state = FeedbackState.ANSWERED
    item.save(update_fields=["answer", "answered_at", "answer_sent_at", "state"])
    in_time = at <= item.deadline
    days = rules.days_to_answer(item.received_at, at)
    # The roll-ups count answers by kind, topic, in time or late and days taken, so that
    # the share in time and the median days are worked out from them (listening.indicators).
    record(
        kinds.ANSWERED, at=at, actor=actor, branch=item.branch, obj=item, language=item.language,
        topic=rules.answered_topic(item.kind, item.topic, in_time=in_time, days=days),
        amount=Decimal(days),
        detail={"number": item.number, "mailed": bool(item.contact_email),
                "in_time": in_time},
    )
    _mail(item, "answered", actor=actor, at=at)
    return item


@transaction.atomic
def close(item: Feedback, *, actor: Actor, at: datetime) -> Feedback:
    """Close an answered item, or one nobody can be answered about (no contact given).
    Raises FeedbackRefused(WRONG_STATE, NOT_ANSWERED)."""
    item = _locked(item, actor)
    _move(item, allowed=(*OPEN_STATES, FeedbackState.ANSWERED))
    if item.state != FeedbackState.ANSWERED and item.has_contact:
        raise FeedbackRefused([FeedbackReason.NOT_ANSWERED])
    item.state = FeedbackState.CLOSED
    item.closed_at = at
    item.save(update_fields=["state", "closed_at"])
    record(kinds.CLOSED, at=at, actor=actor, branch=item.branch, obj=item,
           detail={"number": item.number})
    return item


@transaction.atomic
def reopen(item: Feedback, *, actor: Actor, at: datetime) -> Feedback:
    """Take an answered or closed item up again (the person was not satisfied): back to
    its assignee, or to assessment when it has none, with a new deadline of
    `response_days` from now. Raises FeedbackRefused(WRONG_STATE)."""
    item = _locked(item, actor)
    _move(item, allowed=(FeedbackState.ANSWERED, FeedbackState.CLOSED))
    item.state = FeedbackState.ASSIGNED if item.assignee_id else FeedbackState.ASSESSED
    item.closed_at = None
    item.reopened += 1
    item.deadline = rules.deadline(at, days=settings_for(item.network_id).response_days)
    item.last_warned_on = None
    item.save(update_fields=["state", "closed_at", "reopened", "deadline", "last_warned_on"])
    record(kinds.REOPENED, at=at, actor=actor, branch=item.branch, obj=item,
           detail={"number": item.number, "times": item.reopened})
    return item


@transaction.atomic
def publish(
    item: Feedback, *, publish: bool, summary: str, actor: Actor, at: datetime
) -> Feedback:
    """Show (or stop showing) the item's `summary` on the public "you said, we did" page.
    Only answered or closed items are published. Raises FeedbackRefused(WRONG_STATE,
    EMPTY_SUMMARY)."""
    item = _locked(item, actor)
    if publish:
        _move(item, allowed=(FeedbackState.ANSWERED, FeedbackState.CLOSED))
        if not summary.strip():
            raise FeedbackRefused(fields={"summary": [FeedbackReason.EMPTY_SUMMARY]})
    item.publish = publish
    item.public_summary = summary.strip()
    item.published_at = at if publish else None
    item.save(update_fields=["publish", "public_summary", "published_at"])
    record(kinds.PUBLISHED, at=at, actor=actor, branch=item.branch, obj=item,
           detail={"number": item.number, "published": publish})
    return item


# --- Overdue ------------------------------------------------------------------------------


def _manager_address(branch: Branch) -> tuple[str, str]:
    manager = BranchManager.objects.filter(branch=branch).select_related("user").first()
    if manager is not None and manager.user.email:
        return manager.user.email, manager.user.language or settings.LANGUAGE_CODE
    return branch.email, settings.LANGUAGE_CODE


def warn_overdue(*, actor: Actor, at: datetime) -> int:
    """Warn the assignee and the branch manager (else the branch's address) of every item
    past its deadline and still open, once per item per day; return how many were
    reported. Each item is its own transaction, so one failure leaves the others done."""
    today = timezone.localdate(at)
    due = Feedback.objects.filter(state__in=OPEN_STATES, deadline__lt=at).exclude(
        last_warned_on=today
    )
    warned = 0
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            item = (
                Feedback.objects.select_for_update(of=("self",))
                .select_related("branch", "assignee")
                .get(pk=pk)
            )
            if item.last_warned_on == today or not item.is_overdue(at):
                continue
            item.last_warned_on = today
            item.save(update_fields=["last_warned_on"])
            recipients = []
            if item.assignee is not None and item.assignee.email:
                recipients.append(
                    (item.assignee.email, item.assignee.language or settings.LANGUAGE_CODE)
                )
            manager = _manager_address(item.branch)
            if manager[0] and manager[0] not in {to for to, _lang in recipients}:
                recipients.append(manager)
            record(
                kinds.OVERDUE_WARNED, at=at, actor=actor, branch=item.branch, obj=item,
                detail={"number": item.number, "state": item.state,
                        "days_late": (at - item.deadline).days, "warned": len(recipients)},
            )
            for to, language in recipients:
                mail.queue("listening/email/overdue", {"item": item, "site_url": settings.SITE_URL},
                           to=to, language=language, at=at, actor=actor, branch=item.branch)
            warned += 1
    return warned
