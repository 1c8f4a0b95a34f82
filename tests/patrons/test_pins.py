"""One PIN policy for every channel (patrons.pins): wrong PINs counted per card and per place
in the database, whatever the connection or process; a lock after the network's number of
wrong PINs, for its minutes; a place held back after too many wrong PINs whatever the cards;
the network's shortest PIN where PINs are set. Services only: the portal and the self-check
machines have their own tests of the same policy."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.patrons import pins
from bibliohub.patrons.errors import InvalidPatronData, PinRefusal, PinRefused
from bibliohub.patrons.models import Patron, PinAttempts, PinPolicy
from tests.concurrency import race

from .conftest import AT

PIN = "4321"
HOME = pins.Place.address("192.0.2.10")
ELSEWHERE = pins.Place.address("198.51.100.7")
PUBLIC = Actor.for_public()


@pytest.fixture
def reader(adult, central_librarian) -> Patron:
    return pins.set_pin(adult, pin=PIN, actor=Actor.for_staff(central_librarian), at=AT)


def attempt(patron: Patron, pin: str, *, place=HOME, at=AT, card: str | None = None):
    """The patron, or the refusal."""
    try:
        return pins.check_pin(
            pin,
            card=card or patron.card_barcode,
            holders=[patron] if card is None else [],
            place=place,
            actor=PUBLIC,
            at=at,
        )
    except PinRefused as refused:
        return refused


def test_the_right_pin_is_taken(reader):
    assert attempt(reader, PIN) == reader


def test_five_wrong_pins_lock_the_card_then_even_the_right_pin_waits(reader):
    for guess in ("0000", "1111", "2222", "3333"):
        assert attempt(reader, guess).reasons == [PinRefusal.WRONG_PIN]
    fifth = attempt(reader, "5555")
    assert fifth.reasons == [PinRefusal.WRONG_PIN, PinRefusal.CARD_LOCKED]
    assert fifth.until == AT + timedelta(minutes=15)
    right = attempt(reader, PIN, at=AT + timedelta(minutes=1))
    assert right.reasons == [PinRefusal.CARD_LOCKED] and right.until == fifth.until


def test_the_lock_holds_from_any_place_and_ends_after_its_minutes(reader):
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        attempt(reader, guess)
    assert attempt(reader, PIN, place=ELSEWHERE).reasons == [PinRefusal.CARD_LOCKED]
    assert attempt(reader, PIN, place=ELSEWHERE, at=AT + timedelta(minutes=15)) == reader


def test_wrong_pins_on_two_machines_count_together(reader):
    kiosk, portal = pins.Place.terminal(1), HOME
    for i, guess in enumerate(("0000", "1111", "2222", "3333")):
        attempt(reader, guess, place=kiosk if i % 2 else portal)
    assert PinRefusal.CARD_LOCKED in attempt(reader, "5555", place=pins.Place.terminal(2)).reasons


def test_the_lock_is_recorded_once_without_the_pin_the_card_or_the_address(reader):
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        attempt(reader, guess)
    attempt(reader, PIN)  # refused while locked: not recorded again
    entry = Entry.objects.get(kind="pin_locked")
    assert (entry.patron_id, entry.actor, entry.channel) == (reader.pk, "public", "online")
    assert entry.branch_id == reader.home_branch_id
    assert entry.detail == {
        "failures": 5,
        "minutes": 15,
        "until": (AT + timedelta(minutes=15)).isoformat(),
    }
    recorded = str(entry.detail) + str(entry.reasons) + entry.source
    for secret in ("5555", PIN, reader.card_barcode, "192.0.2.10"):
        assert secret not in recorded
    assert not PinAttempts.objects.filter(key__contains=reader.card_barcode).exists()


def test_a_right_pin_forgets_the_wrong_ones(reader):
    for guess in ("0000", "1111", "2222", "3333"):
        attempt(reader, guess)
    assert attempt(reader, PIN) == reader
    for guess in ("0000", "1111", "2222", "3333"):
        assert attempt(reader, guess).reasons == [PinRefusal.WRONG_PIN]


def test_wrong_pins_older_than_the_lock_period_are_forgotten(reader):
    for guess in ("0000", "1111", "2222", "3333"):
        attempt(reader, guess)
    later = AT + timedelta(minutes=16)
    assert attempt(reader, "5555", at=later).reasons == [PinRefusal.WRONG_PIN]


def test_the_networks_policy_sets_the_count_and_the_minutes(reader, network, manager):
    pins.save_pin_policy(
        PinPolicy(network=network, failures_before_lock=3, lock_minutes=60),
        actor=Actor.for_staff(manager),
        at=AT,
    )
    for guess in ("0000", "1111"):
        attempt(reader, guess)
    third = attempt(reader, "2222")
    assert PinRefusal.CARD_LOCKED in third.reasons and third.until == AT + timedelta(hours=1)
    saved = Entry.objects.get(kind="pin_policy_saved")
    assert saved.detail["failures_before_lock"] == 3 and saved.network_id == network.pk


def test_spraying_one_pin_over_many_cards_from_one_place_is_held_back(reader, settings):
    settings.PIN_PLACE_FAILURES = 20
    outcomes = [attempt(reader, "1234", card=f"C{n:05d}") for n in range(20)]
    assert all(o.reasons[0] == PinRefusal.WRONG_PIN for o in outcomes)
    assert PinRefusal.TOO_MANY_HERE in outcomes[-1].reasons
    # Held back now, whatever the card, even a real one with its right PIN...
    held = attempt(reader, PIN)
    assert held.reasons == [PinRefusal.TOO_MANY_HERE]
    assert held.until == AT + timedelta(minutes=settings.PIN_PLACE_MINUTES)
    # ...but only there.
    assert attempt(reader, PIN, place=ELSEWHERE) == reader
    entry = Entry.objects.get(kind="pin_throttled")
    assert entry.patron_id is None and entry.detail["place"] == "address"
    assert "192.0.2.10" not in str(entry.detail)


def test_right_pins_do_not_count_against_a_place(reader, settings):
    settings.PIN_PLACE_FAILURES = 3
    for _ in range(10):
        assert attempt(reader, PIN) == reader
    assert attempt(reader, "0000").reasons == [PinRefusal.WRONG_PIN]


def test_an_unknown_card_answers_as_a_wrong_pin_and_is_counted_too(reader):
    for guess in ("0000", "1111", "2222", "3333"):
        assert attempt(reader, guess, card="NOSUCHCARD").reasons == [PinRefusal.WRONG_PIN]
    # A lock on a card nobody holds looks like any other: nothing to tell them apart.
    assert PinRefusal.CARD_LOCKED in attempt(reader, "5555", card="NOSUCHCARD").reasons
    entry = Entry.objects.get(kind="pin_locked")
    assert entry.patron_id is None and entry.network_id == reader.network_id


def test_setting_a_pin_at_the_desk_unlocks_the_card(reader, central, central_librarian):
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        attempt(reader, guess)
    assert pins.locked_until(reader.card_barcode, at=AT) == AT + timedelta(minutes=15)
    reader = pins.set_pin(
        reader, pin="97531", actor=Actor.for_staff(central_librarian), at=AT, branch=central
    )
    assert pins.locked_until(reader.card_barcode, at=AT) is None
    assert attempt(reader, "97531") == reader


def test_the_network_may_ask_for_longer_pins_and_shorter_ones_keep_working(
    reader, network, manager, central_librarian
):
    pins.save_pin_policy(
        PinPolicy(network=network, min_length=6), actor=Actor.for_staff(manager), at=AT
    )
    with pytest.raises(InvalidPatronData) as refused:
        pins.set_pin(reader, pin="12345", actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.errors == {"pin": ["Choose a PIN of at least 6 characters."]}
    assert attempt(reader, PIN) == reader  # the four-digit PIN chosen before still works
    assert pins.is_shorter_than_policy(PIN, network=network)
    reader = pins.set_pin(reader, pin="135790", actor=Actor.for_staff(central_librarian), at=AT)
    assert attempt(reader, "135790") == reader


def test_no_pin_is_longer_than_the_longest(reader, central_librarian):
    with pytest.raises(InvalidPatronData):
        pins.set_pin(reader, pin="1" * 65, actor=Actor.for_staff(central_librarian), at=AT)


def test_spent_counts_are_forgotten_by_the_scheduled_job(reader):
    attempt(reader, "0000")
    for guess in ("0000", "1111", "2222", "3333", "5555"):
        attempt(reader, guess, card="LOCKEDCARD", place=ELSEWHERE)
    # An hour on, the lock of the other card is over and nothing is counted for it...
    assert pins.forget_old_attempts(at=AT + timedelta(hours=1)) == 1
    # ...a day on, no count is still running (the reader's card, the two addresses).
    assert pins.forget_old_attempts(at=AT + timedelta(days=1, minutes=1)) == 3
    assert not PinAttempts.objects.exists()


@pytest.mark.parametrize("attempt_number", range(2))
def test_guesses_from_many_processes_at_once_share_one_count(
    on_a_database_file, attempt_number, reader, monkeypatch
):
    """Eight guesses sent at once from eight connections (as separate server processes
    would): only the network's five are checked at all, the card is locked once."""
    hashed: list[str] = []
    lock = threading.Lock()
    original = Patron.pin_matches

    def counted(self, raw_pin):
        with lock:
            hashed.append(raw_pin)
        return original(self, raw_pin)

    monkeypatch.setattr(Patron, "pin_matches", counted)
    guesses = [f"{n:04d}" for n in range(8)]
    outcomes = race(
        *(
            (lambda guess=guess, n=n: attempt(reader, guess, place=pins.Place.terminal(n)))
            for n, guess in enumerate(guesses)
        )
    )
    assert all(isinstance(o, PinRefused) for o in outcomes), outcomes
    assert len(hashed) == 5
    assert sum(PinRefusal.WRONG_PIN in o.reasons for o in outcomes) == 5
    assert Entry.objects.filter(kind="pin_locked").count() == 1
    assert attempt(reader, PIN).reasons == [PinRefusal.CARD_LOCKED]
