"""Patron PINs, one policy for every way in: the portal, every self-check machine, the desk
and the set-pin command.

Guessing is held back twice, in the database, so that every server process, every
connection and every channel counts together:

- per card: after the network's `failures_before_lock` wrong PINs within `lock_minutes`,
  the card is locked for `lock_minutes`, whatever machine or page the next try comes from
  (reconnecting a self-check or switching to the portal does not start a new count);
- per place: a web address (the portal) or a self-check terminal that gives
  `PIN_PLACE_FAILURES` wrong PINs within `PIN_PLACE_MINUTES`, whatever the cards, waits that
  long (one PIN sprayed over many card numbers finds no accounts). These two are deployment
  facts (how many readers share one address behind a school's router, how busy a machine
  is), so they are settings; the rest is the library's policy (PinPolicy), which librarians
  edit.

An attempt is counted before the slow hash is computed and forgiven if the PIN was right:
a burst of guesses sent at once gets no more tries than the same guesses one by one. A right
PIN forgets the card's wrong ones. Each lock and each place held back is recorded in the
history (without the PIN, the card number or the address); a plain wrong PIN is not.

A PIN is chosen or changed only through `set_pin`, which checks it against the network's
shortest length; PINs chosen before a longer length was asked for keep working until they
are changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext

from bibliohub.history import Actor
from bibliohub.history.services import changed_fields, record
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.errors import InvalidPatronData, PinRefusal, PinRefused
from bibliohub.patrons.kinds import PIN_LOCKED, PIN_POLICY_SAVED, PIN_SET, PIN_THROTTLED
from bibliohub.patrons.models import MAX_PIN_LENGTH, Patron, PinAttempts, PinPolicy

# Counters older than this are certainly spent: no lock or window lasts longer
# (PinPolicy.lock_minutes is at most a day; the place window is a setting of minutes).
_LONGEST_WINDOW = timedelta(days=1)


# --- Policy -------------------------------------------------------------------------------


def policy_for(network: Network | int | None) -> PinPolicy:
    """The PIN policy of `network`, or the defaults (unsaved) when it has none. Without a
    network (a card number nobody holds, typed in the portal), the installation's first
    network's."""
    network_id = network.pk if isinstance(network, Network) else network
    if network_id is None:
        network_id = Network.objects.order_by("pk").values_list("pk", flat=True).first()
    if network_id is None:
        return PinPolicy()
    found = PinPolicy.objects.filter(network_id=network_id).first()
    return found if found is not None else PinPolicy(network_id=network_id)


@transaction.atomic
def save_pin_policy(policy: PinPolicy, *, actor: Actor, at: datetime) -> PinPolicy:
    """Create or change a network's PIN policy. Records PIN_POLICY_SAVED for the network
    with the names of the fields that changed and the values now in force (numbers)."""
    fields = changed_fields(policy)
    created = policy.pk is None
    policy.save()
    record(
        PIN_POLICY_SAVED,
        at=at,
        actor=actor,
        network=policy.network_id,
        obj=policy,
        detail={
            "created": created,
            "fields": fields,
            "min_length": policy.min_length,
            "failures_before_lock": policy.failures_before_lock,
            "lock_minutes": policy.lock_minutes,
        },
    )
    return policy


def pin_problems(pin: str, *, network: Network | int | None) -> list[str]:
    """What is wrong with `pin` as a new PIN in `network` (empty when nothing): shorter
    than the network asks, or longer than any PIN may be."""
    shortest = policy_for(network).min_length
    problems = []
    if len(pin) < shortest:
        problems.append(
            ngettext(
                "Choose a PIN of at least %(count)d character.",
                "Choose a PIN of at least %(count)d characters.",
                shortest,
            )
            % {"count": shortest}
        )
    if len(pin) > MAX_PIN_LENGTH:
        problems.append(
            ngettext(
                "A PIN has at most %(count)d character.",
                "A PIN has at most %(count)d characters.",
                MAX_PIN_LENGTH,
            )
            % {"count": MAX_PIN_LENGTH}
        )
    return problems


def is_shorter_than_policy(pin: str, *, network: Network | int | None) -> bool:
    """Whether a PIN that was just accepted is shorter than the network now asks: it keeps
    working, and the portal suggests choosing a new one."""
    return len(pin) < policy_for(network).min_length


@transaction.atomic
def set_pin(
    patron: Patron,
    *,
    pin: str,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
) -> Patron:
    """Replace the patron's PIN with `pin`, hashed (by the patron in the portal, by someone
    registering online, at a desk of `branch`, or with the set-pin command). Sessions signed
    in with the old PIN end (see portal.session), and the wrong PINs counted for the card
    are forgotten (a locked card is unlocked: whoever sets a PIN has shown who they are).
    Returns the patron and records PIN_SET (without the PIN).

    Raises InvalidPatronData ("pin") for a PIN shorter than the network's policy asks or
    longer than MAX_PIN_LENGTH."""
    if problems := pin_problems(pin, network=patron.network_id):
        raise InvalidPatronData({"pin": problems})
    patron = Patron.objects.select_for_update().select_related("category").get(pk=patron.pk)
    patron.hash_pin(pin)
    patron.save(update_fields=["pin"])
    if patron.card_barcode:
        PinAttempts.objects.filter(key=card_key(patron.card_barcode)).delete()
    record(PIN_SET, at=at, actor=actor, branch=branch, patron=patron)
    return patron


# --- Counting wrong PINs ------------------------------------------------------------------


def _digest(value: str) -> str:
    # Keyed, so the table holds no card number or address that could be read back.
    return salted_hmac("bibliohub.patrons.pins", value, algorithm="sha256").hexdigest()[:40]


def card_key(card: str) -> str:
    return "card:" + _digest(card.strip())


@dataclass(frozen=True)
class Place:
    """Where PINs are typed: a web address (the portal) or a self-check terminal. Wrong
    PINs from one place count together, whatever the cards."""

    kind: str  # "address" or "terminal"
    key: str

    @classmethod
    def address(cls, address: str) -> Place:
        return cls("address", "address:" + _digest(address))

    @classmethod
    def terminal(cls, terminal_id: int) -> Place:
        return cls("terminal", f"terminal:{terminal_id}")


@dataclass(frozen=True)
class _Limit:
    reason: PinRefusal
    key: str
    failures: int
    period: timedelta


def _limits(card: str, place: Place, policy: PinPolicy) -> tuple[_Limit, _Limit]:
    return (
        _Limit(
            PinRefusal.CARD_LOCKED,
            card_key(card),
            policy.failures_before_lock,
            timedelta(minutes=policy.lock_minutes),
        ),
        _Limit(
            PinRefusal.TOO_MANY_HERE,
            place.key,
            settings.PIN_PLACE_FAILURES,
            timedelta(minutes=settings.PIN_PLACE_MINUTES),
        ),
    )


@transaction.atomic
def _reserve(limits: Sequence[_Limit], *, at: datetime) -> PinRefused | None:
    """Count one attempt against every limit, or none and say why not: a card or place
    locked, or whose last allowed attempts are being checked right now."""
    rows = []
    reasons: list[PinRefusal] = []
    until: datetime | None = None
    for limit in limits:
        # Locked, so that two processes counting the same card take turns (on SQLite the
        # transaction holds the database's write lock from its start).
        row, _created = PinAttempts.objects.select_for_update().get_or_create(key=limit.key)
        if row.locked_until is not None and row.locked_until > at:
            reasons.append(limit.reason)
            until = max(until or row.locked_until, row.locked_until)
            continue
        if row.since is None or row.since + limit.period <= at:
            row.failures, row.since, row.locked_until = 0, at, None
        if row.failures >= limit.failures:
            reasons.append(limit.reason)
            ends = row.since + limit.period
            until = max(until or ends, ends)
            continue
        rows.append(row)
    if reasons:
        return PinRefused(reasons, until=until)
    for row in rows:
        row.failures += 1
        row.save(update_fields=["failures", "since", "locked_until"])
    return None


@transaction.atomic
def _forgive(limits: Sequence[_Limit], *, at: datetime) -> None:
    """The PIN was right: the card's count starts again, the place's attempt is taken
    back (only wrong PINs count against a place)."""
    card, place = limits
    PinAttempts.objects.filter(key=card.key).delete()
    row = PinAttempts.objects.select_for_update().filter(key=place.key).first()
    if row is not None and row.failures > 0 and row.locked_until is None:
        row.failures -= 1
        row.save(update_fields=["failures"])


@transaction.atomic
def _lock_spent(limits: Sequence[_Limit], *, at: datetime) -> list[tuple[_Limit, datetime]]:
    """The PIN was wrong: lock each card or place that has used up its attempts (unless
    another attempt has locked it already). Returns what this attempt locked, and until
    when."""
    locked = []
    for limit in limits:
        row = PinAttempts.objects.select_for_update().filter(key=limit.key).first()
        if row is None or (row.locked_until is not None and row.locked_until > at):
            continue
        if row.failures >= limit.failures:
            row.locked_until = at + limit.period
            row.failures, row.since = 0, None
            row.save(update_fields=["failures", "since", "locked_until"])
            locked.append((limit, row.locked_until))
    return locked


def check_pin(
    pin: str,
    *,
    card: str,
    holders: Sequence[Patron],
    place: Place,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
) -> Patron:
    """The patron among `holders` (those holding `card`: one, several in several networks,
    or none for a card nobody holds) whose PIN is `pin`.

    First, without computing the slow hash, the card and the place must not be locked:
    otherwise PinRefused with CARD_LOCKED and/or TOO_MANY_HERE and `until`, even for a
    right PIN. A wrong PIN (or a card nobody holds, or whose holders have no PIN: hashed
    anyway, to take as long) raises PinRefused with WRONG_PIN, plus CARD_LOCKED and/or
    TOO_MANY_HERE when this one used up the attempts; those locks are recorded
    (PIN_LOCKED at `branch`, else the holder's home branch; PIN_THROTTLED), as `actor`.
    A right PIN forgets the card's wrong ones. Interfaces that may say a card has no PIN
    (a logged-in self-check, which already knows the card) check `has_pin` first."""
    holder_network = holders[0].network_id if holders else None
    policy = policy_for(holder_network)
    limits = _limits(card, place, policy)
    if refused := _reserve(limits, at=at):
        raise refused
    found = next((p for p in holders if p.pin_matches(pin)), None)
    if found is None and not any(p.has_pin for p in holders):
        make_password(pin)  # as slow as a wrong PIN: the answer does not tell
    if found is not None:
        _forgive(limits, at=at)
        return found
    locked = _lock_spent(limits, at=at)
    holder = holders[0] if len(holders) == 1 else None
    for limit, until in locked:
        detail = {
            "failures": limit.failures,
            "minutes": int(limit.period.total_seconds() // 60),
            "until": until.isoformat(),
        }
        if limit.reason == PinRefusal.CARD_LOCKED:
            record(
                PIN_LOCKED,
                at=at,
                actor=actor,
                branch=branch or (holder.home_branch if holder is not None else None),
                network=policy.network_id,
                patron=holder,
                detail=detail,
            )
        else:
            record(
                PIN_THROTTLED,
                at=at,
                actor=actor,
                branch=branch,
                network=policy.network_id,
                detail={"place": place.kind, **detail},
            )
    reasons = [PinRefusal.WRONG_PIN, *(limit.reason for limit, _until in locked)]
    return_until = max((until for _limit, until in locked), default=None)
    raise PinRefused(reasons, until=return_until)


def locked_until(card: str, *, at: datetime) -> datetime | None:
    """Until when the card is locked after wrong PINs (None when it is not), for the desk."""
    row = PinAttempts.objects.filter(key=card_key(card), locked_until__gt=at).first()
    return row.locked_until if row is not None else None


def forget_old_attempts(*, at: datetime) -> int:
    """Remove the counts that have run out (no lock in force, nothing counted within the
    longest window), and return how many. A scheduled job; safe to run at any time."""
    deleted, _by_model = (
        PinAttempts.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=at))
        .filter(Q(since__isnull=True) | Q(since__lte=at - _LONGEST_WINDOW))
        .delete()
    )
    return deleted
