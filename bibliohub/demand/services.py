"""The only writers of purchase suggestions, title requests, zero-result searches and the
unmet demand the acquisitions report counts. Each service is one transaction and records
one history entry (codes and ids only: never the title asked for, the reason given or the
text searched); a suggestion's patron is told of each step by e-mail, in their language,
through the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone

from bibliohub.accounts import access
from bibliohub.catalog.models import Format, Item, Record
from bibliohub.circulation.errors import HoldRefused, InvalidOperation
from bibliohub.circulation.kinds import CHECKOUT_REFUSED, HOLD_REFUSED, RENEWAL_REFUSED
from bibliohub.circulation.models import Hold, HoldStatus
from bibliohub.circulation.services import place_hold
from bibliohub.demand import kinds, rules
from bibliohub.demand.errors import DemandReason, DemandRefused
from bibliohub.demand.models import (
    NEXT_STATES,
    Cursor,
    DeclineReason,
    DemandSource,
    Suggestion,
    SuggestionState,
    TitleRequest,
    UnmetDemand,
    ZeroResultSearch,
)
from bibliohub.history import Actor, ActorKind, Kind, privacy
from bibliohub.history.models import Entry
from bibliohub.history.services import record
from bibliohub.libraries.models import Branch
from bibliohub.mail import services as mail
from bibliohub.patrons.models import Patron

# The refusals the history records that count as unmet demand for a title.
REFUSALS = (CHECKOUT_REFUSED, RENEWAL_REFUSED, HOLD_REFUSED)
# How long a hold may wait for a copy before it counts as unmet demand, by default.
HOLD_WAIT_DAYS = 30


# --- who may ----------------------------------------------------------------------------


def _require_for_patron(actor: Actor, branch: Branch, patron: Patron | None) -> None:
    """A patron acts for themselves; staff for the branches they act for; the public for
    nobody in particular."""
    if actor.patron_id is not None:
        if patron is None or patron.pk != actor.patron_id:
            raise access.NotPermitted([access.AccessReason.NOT_ALLOWED])
        return
    if actor.staff_id is not None or patron is not None:
        access.require_actor_branch(actor, branch)


def _person(network_id: int, patron: Patron | None, *, origin: str, at: datetime) -> str:
    """Whom a row of unmet demand counts as: the patron's pseudonym of the year, else the
    row itself (someone unknown is one person per request)."""
    if patron is not None:
        found = privacy.pseudonym(
            network_id=network_id, patron_id=patron.pk, day=timezone.localdate(at), at=at
        )
        if found:
            return found
    return f"anon:{origin}"


def _add_demand(
    *,
    source: str,
    origin: str,
    network_id: int,
    branch_id: int,
    person: str,
    at: datetime,
    record_id: int | None = None,
    isbn: str = "",
    title: str = "",
    author: str = "",
    subjects: list[str] | None = None,
    day: date | None = None,
) -> bool:
    """One row of unmet demand, once per origin, for `day` (else the local day of `at`);
    False when it was there already."""
    key = rules.title_key(record_id=record_id, isbn=isbn, title=title, author=author)
    if not key:
        return False
    _row, created = UnmetDemand.objects.get_or_create(
        origin=origin,
        defaults={
            "network_id": network_id, "branch_id": branch_id,
            "day": day or timezone.localdate(at),
            "source": source, "title_key": key, "title": title[:500] or isbn,
            "author": author[:300], "subjects": subjects or [], "record_id": record_id,
            "person": person,
        },
    )
    return created


def _titles(record_ids: Iterable[int | None]) -> dict[int, tuple[str, str, list[str]]]:
    """Title, first author and subjects of each catalogue record, in one query."""
    wanted = {r for r in record_ids if r is not None}
    return {
        row["pk"]: (
            row["title"],
            (row["authors"] or [""])[0],
            list(row["subjects"] or [])[:10],
        )
        for row in Record.objects.filter(pk__in=wanted).values("pk", "title", "authors", "subjects")
    }


def _record_facts(record_id: int | None) -> tuple[str, str, list[str]]:
    return _titles([record_id]).get(record_id or 0, ("", "", []))


# --- purchase suggestions -----------------------------------------------------------------


def _check(*, title: str, isbn: str, format: str, record: Record | None) -> str:
    """The ISBN as 13 digits; raises DemandRefused keyed by field."""
    problems: dict[str, list[DemandReason]] = {}
    compact, isbn_problems = rules.check_isbn(isbn)
    if isbn_problems:
        problems["isbn"] = isbn_problems
    if not title.strip() and record is None:
        problems["title"] = [DemandReason.NO_TITLE]
    if format not in Format.values:
        problems["format"] = [DemandReason.UNKNOWN_FORMAT]
    if problems:
        raise DemandRefused(fields=problems)
    return compact


def _tell(suggestion: Suggestion, *, actor: Actor, at: datetime) -> None:
    """Write the message about the suggestion's state to its patron, in their language,
    into the outbox in the caller's transaction (nothing without a patron or an e-mail)."""
    patron = suggestion.patron
    if patron is None or not patron.email:
        return
    mail.queue(
        "demand/email/suggestion", {"suggestion": suggestion, "patron": patron},
        to=patron.email, language=patron.language, at=at, actor=actor,
        branch=suggestion.branch, patron=patron,
    )


@transaction.atomic
def suggest(
    *,
    branch: Branch,
    title: str,
    author: str = "",
    isbn: str = "",
    format: str = Format.BOOK,
    language: str = "",
    reason: str = "",
    wants_hold: bool = True,
    patron: Patron | None = None,
    record: Record | None = None,
    actor: Actor,
    at: datetime,
) -> Suggestion:
    """Record a suggestion to buy a title, for `branch` (where the patron would collect
    it), from `patron` (in the portal: the patron acting; at the desk: staff for them) or
    from staff; tell the patron it was received. `record` is the catalogue's title it was
    suggested from (more copies of it). Counts as unmet demand for the title.

    Raises DemandRefused keyed by field (title, isbn, format) and NotPermitted for a
    patron suggesting for someone else or staff for another branch."""
    _require_for_patron(actor, branch, patron)
    compact = _check(title=title, isbn=isbn, format=format, record=record)
    if record is not None and not title.strip():
        title = record.title
    suggestion = Suggestion.objects.create(
        network_id=branch.network_id, branch=branch, patron=patron, title=title.strip()[:500],
        author=author.strip()[:300], isbn=compact, format=format, language=language[:8],
        reason=reason.strip(), wants_hold=wants_hold and patron is not None,
        channel=actor.channel, created_by_id=actor.staff_id, created_at=at, changed_at=at,
        record=record,
    )
    _title, record_author, subjects = (
        _record_facts(record.pk) if record is not None else ("", "", [])
    )
    _add_demand(
        source=DemandSource.SUGGESTION, origin=f"suggestion:{suggestion.pk}",
        network_id=branch.network_id, branch_id=branch.pk,
        person=_person(branch.network_id, patron, origin=f"suggestion:{suggestion.pk}", at=at),
        at=at, record_id=record.pk if record is not None else None, isbn=compact,
        title=suggestion.title, author=suggestion.author or record_author, subjects=subjects,
    )
    _entry(
        kinds.SUGGESTED, suggestion, actor=actor, at=at,
        detail={"isbn": bool(compact), "wants_hold": suggestion.wants_hold},
    )
    _tell(suggestion, actor=actor, at=at)
    return suggestion


def _entry(
    kind: Kind, suggestion: Suggestion, *, actor: Actor, at: datetime,
    detail: dict[str, object] | None = None,
) -> None:
    record(
        kind,
        at=at, actor=actor, branch=suggestion.branch, patron=suggestion.patron, obj=suggestion,
        record_id=suggestion.record_id, format=suggestion.format,
        language=suggestion.language, detail={"state": suggestion.state, **(detail or {})},
    )


def _locked(suggestion: Suggestion, actor: Actor, *, to: str) -> Suggestion:
    """The suggestion, locked, once staff of its branch may move it to state `to`."""
    locked = (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("branch", "patron")
        .get(pk=suggestion.pk)
    )
    if actor.staff_id is None and actor.kind not in (ActorKind.JOB, ActorKind.SYSTEM):
        raise access.NotPermitted([access.AccessReason.NOT_ALLOWED])
    access.require_actor_branch(actor, locked.branch)
    if to not in NEXT_STATES[locked.state]:
        raise DemandRefused([DemandReason.WRONG_STATE])
    return locked


def _move(suggestion: Suggestion, to: str, *, at: datetime, fields: tuple[str, ...] = ()) -> None:
    suggestion.state = to
    suggestion.changed_at = at
    suggestion.save(update_fields=["state", "changed_at", *fields])


@transaction.atomic
def accept(suggestion: Suggestion, *, actor: Actor, at: datetime) -> Suggestion:
    """The library means to buy it; the patron is told. Raises DemandRefused(WRONG_STATE)."""
    suggestion = _locked(suggestion, actor, to=SuggestionState.ACCEPTED)
    _move(suggestion, SuggestionState.ACCEPTED, at=at)
    _entry(kinds.ACCEPTED, suggestion, actor=actor, at=at)
    _tell(suggestion, actor=actor, at=at)
    return suggestion


@transaction.atomic
def decline(
    suggestion: Suggestion, *, reason: str, note: str = "", actor: Actor, at: datetime
) -> Suggestion:
    """The library will not buy it, for `reason` (a DeclineReason), with an optional note
    to the patron, who is told. Raises DemandRefused(WRONG_STATE, NO_DECLINE_REASON)."""
    suggestion = _locked(suggestion, actor, to=SuggestionState.DECLINED)
    if reason not in DeclineReason.values:
        raise DemandRefused(fields={"reason": [DemandReason.NO_DECLINE_REASON]})
    suggestion.decline_reason = reason
    suggestion.decline_note = note.strip()
    _move(suggestion, SuggestionState.DECLINED, at=at, fields=("decline_reason", "decline_note"))
    _entry(kinds.DECLINED, suggestion, actor=actor, at=at, detail={"reason": reason})
    _tell(suggestion, actor=actor, at=at)
    return suggestion


@transaction.atomic
def mark_ordered(suggestion: Suggestion, *, actor: Actor, at: datetime) -> Suggestion:
    """A copy is on order; the patron is told. Raises DemandRefused(WRONG_STATE)."""
    suggestion = _locked(suggestion, actor, to=SuggestionState.ORDERED)
    suggestion.ordered_at = at
    _move(suggestion, SuggestionState.ORDERED, at=at, fields=("ordered_at",))
    _entry(kinds.ORDERED, suggestion, actor=actor, at=at)
    _tell(suggestion, actor=actor, at=at)
    return suggestion


@transaction.atomic
def receive(
    suggestion: Suggestion, *, record: Record, actor: Actor, at: datetime
) -> Suggestion:
    """The copy has arrived and is catalogued as `record`: when the patron wanted it, a
    hold is placed for them on that title at the suggestion's branch (through
    circulation's place_hold, as the library acting for them); the patron is told either
    way. A hold refused by the rules (their card blocked, say) does not stop receipt: the
    entry says so and the message says the copy is on the shelf. Raises
    DemandRefused(WRONG_STATE)."""
    suggestion = _locked(suggestion, actor, to=SuggestionState.RECEIVED)
    suggestion.record = record
    suggestion.received_at = at
    hold_outcome = "not_wanted"
    if suggestion.wants_hold and suggestion.patron is not None:
        try:
            # place_hold records a refusal before raising it: the receipt goes on regardless.
            hold = place_hold(
                patron=suggestion.patron, record=record, pickup_branch=suggestion.branch,
                actor=actor, at=at,
            )
        except (HoldRefused, InvalidOperation):
            hold_outcome = "refused"
        else:
            suggestion.hold_id = hold.pk
            hold_outcome = "placed"
    _move(suggestion, SuggestionState.RECEIVED, at=at,
          fields=("record", "received_at", "hold_id"))
    _entry(kinds.RECEIVED, suggestion, actor=actor, at=at, detail={"hold": hold_outcome})
    _tell(suggestion, actor=actor, at=at)
    return suggestion


@transaction.atomic
def close(suggestion: Suggestion, *, actor: Actor, at: datetime) -> Suggestion:
    """Close a received or declined suggestion; the patron is told it is done. Raises
    DemandRefused(WRONG_STATE)."""
    suggestion = _locked(suggestion, actor, to=SuggestionState.CLOSED)
    _move(suggestion, SuggestionState.CLOSED, at=at)
    _entry(kinds.CLOSED, suggestion, actor=actor, at=at)
    _tell(suggestion, actor=actor, at=at)
    return suggestion


# --- requests for titles not held -----------------------------------------------------------


@transaction.atomic
def request_title(
    *,
    branch: Branch,
    isbn: str = "",
    title: str = "",
    author: str = "",
    subject: str = "",
    patron: Patron | None = None,
    actor: Actor,
    at: datetime,
) -> TitleRequest:
    """Record that someone asked at `branch` for a title the library does not have: an
    ISBN, or the title and author they said. Counts as unmet demand for it. Raises
    DemandRefused keyed by field (isbn; NOTHING_ASKED for neither) and NotPermitted for
    staff of another branch."""
    access.require_actor_branch(actor, branch)
    compact, problems = rules.check_isbn(isbn)
    if problems:
        raise DemandRefused(fields={"isbn": problems})
    if not compact and not title.strip():
        raise DemandRefused(fields={"": [DemandReason.NOTHING_ASKED]})
    asked = TitleRequest.objects.create(
        network_id=branch.network_id, branch=branch, patron=patron, isbn=compact,
        title=title.strip()[:500], author=author.strip()[:300], subject=subject.strip()[:200],
        channel=actor.channel, created_by_id=actor.staff_id, created_at=at,
    )
    origin = f"request:{asked.pk}"
    _add_demand(
        source=DemandSource.TITLE_REQUEST, origin=origin, network_id=branch.network_id,
        branch_id=branch.pk, person=_person(branch.network_id, patron, origin=origin, at=at),
        at=at, isbn=compact, title=asked.title, author=asked.author,
        subjects=[asked.subject] if asked.subject else [],
    )
    record(
        kinds.TITLE_REQUESTED, at=at, actor=actor, branch=branch, patron=patron, obj=asked,
        detail={"isbn": bool(compact)},
    )
    return asked


# --- searches that found nothing -----------------------------------------------------------


@transaction.atomic
def record_zero_result_search(*, text: str, network_id: int, actor: Actor, at: datetime) -> bool:
    """Count one catalogue search for `text` that found nothing, in the month of `at`:
    its normalised text only. The entry is nobody's whoever searched (the public, on the
    actor's channel) and keeps a digest of the text, not the text. Returns False for a
    text with no words (nothing counted)."""
    text = rules.normalised(text)
    if not text:
        return False
    month = timezone.localdate(at).replace(day=1)
    counted = ZeroResultSearch.objects.filter(network_id=network_id, month=month, text=text)
    if not counted.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ZeroResultSearch.objects.create(
                    network_id=network_id, month=month, text=text, count=1
                )
        except IntegrityError:  # another search created it meanwhile
            counted.update(count=F("count") + 1)
    record(
        kinds.ZERO_RESULT_SEARCH, at=at, actor=Actor.for_public(channel=actor.channel),
        network=network_id, detail={"query": rules.text_digest(text)},
    )
    return True


# --- gathering unmet demand ----------------------------------------------------------------


def _collect_refusals(*, at: datetime, batch: int = 5000) -> int:
    cursor, _created = Cursor.objects.select_for_update().get_or_create(name="refusals")
    entries = list(
        Entry.objects.filter(
            pk__gt=cursor.last_id,
            domain=CHECKOUT_REFUSED.domain,
            kind__in=[k.code for k in REFUSALS],
            record_id__isnull=False,
        )
        .order_by("pk")
        .values("pk", "network_id", "branch_id", "record_id", "pseudonym", "day")[:batch]
    )
    added = 0
    last = cursor.last_id
    titles = _titles(entry["record_id"] for entry in entries)
    for entry in entries:
        last = entry["pk"]
        origin = f"entry:{entry['pk']}"
        title, author, subjects = titles.get(entry["record_id"] or 0, ("", "", []))
        added += _add_demand(
            source=DemandSource.REFUSAL, origin=origin, network_id=entry["network_id"] or 0,
            branch_id=entry["branch_id"] or 0, person=entry["pseudonym"] or f"anon:{origin}",
            at=at, record_id=entry["record_id"], title=title, author=author, subjects=subjects,
            day=entry["day"],
        )
    cursor.last_id = last
    cursor.save(update_fields=["last_id"])
    return added


def _collect_holds(*, at: datetime, wait_days: int) -> int:
    """Holds waiting longer than `wait_days`, and holds on titles with more of them
    waiting than copies: each counts once, the first day it is found."""
    waiting = Hold.objects.filter(status=HoldStatus.WAITING).select_related("pickup_branch")
    since = at - timedelta(days=wait_days)
    old = set(waiting.filter(placed_at__lt=since).values_list("pk", flat=True))
    queued = dict(
        waiting.values("record_id").annotate(n=Count("pk")).values_list("record_id", "n")
    )
    copies = dict(
        Item.objects.filter(record_id__in=list(queued)).values("record_id")
        .annotate(n=Count("pk")).values_list("record_id", "n")
    )
    crowded = {r for r, n in queued.items() if n > copies.get(r, 0)}
    added = 0
    found = list(waiting.filter(pk__in=old) | waiting.filter(record_id__in=crowded))
    titles = _titles(hold.record_id for hold in found)
    for hold in found:
        origin = f"hold:{hold.pk}"
        title, author, subjects = titles.get(hold.record_id, ("", "", []))
        network_id = hold.pickup_branch.network_id
        added += _add_demand(
            source=DemandSource.HOLD_WAIT if hold.pk in old else DemandSource.HOLD_QUEUE,
            origin=origin, network_id=network_id, branch_id=hold.pickup_branch_id,
            person=privacy.pseudonym(
                network_id=network_id, patron_id=hold.patron_id,
                day=timezone.localdate(at), at=at,
            ) or f"anon:{origin}",
            at=at, record_id=hold.record_id, title=title, author=author, subjects=subjects,
        )
    return added


@transaction.atomic
def collect_unmet_demand(
    *, actor: Actor, at: datetime, hold_wait_days: int = HOLD_WAIT_DAYS
) -> dict[str, int]:
    """Add to the unmet demand the refusals the history recorded since the last run (those
    about a title), holds waiting longer than `hold_wait_days`, and holds on titles with
    more holds than copies; each once. Safe to run again; returns what was added."""
    found = {
        "refusals": _collect_refusals(at=at),
        "holds": _collect_holds(at=at, wait_days=hold_wait_days),
    }
    if any(found.values()):
        record(kinds.COLLECTED, at=at, actor=actor, detail=found)
    return found
