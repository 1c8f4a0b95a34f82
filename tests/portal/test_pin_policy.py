"""The portal under the one PIN policy (patrons.pins): the network's shortest PIN when one is
chosen online, shorter PINs chosen before still working, and an address that sprays one PIN
over many cards held back."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.patrons import pins
from bibliohub.patrons.models import Patron, PinPolicy
from bibliohub.portal import session
from tests.portal.world import PIN


def _longer_pins(network, manager, length: int = 6) -> None:
    pins.save_pin_policy(
        PinPolicy(network=network, min_length=length),
        actor=Actor.for_staff(manager),
        at=timezone.now(),
    )


def _sign_in(client, card: str = "P1001", pin: str = PIN, **extra):
    return client.post(reverse("portal:sign-in"), {"card_number": card, "pin": pin}, **extra)


def test_registering_online_asks_for_the_networks_shortest_pin(
    client, network, manager, central, adult_category
):
    _longer_pins(network, manager)
    form = {
        "given_names": "Jan", "family_name": "Nowak", "language": "pl",
        "home_branch": central.pk, "category": adult_category.pk,
        "pin": "5791", "pin_again": "5791",
    }  # fmt: skip
    refused = client.post(reverse("portal:register"), form)
    assert "Choose a PIN of at least 6 characters." in refused.content.decode()
    assert not Patron.objects.filter(family_name="Nowak").exists()  # no registration without it
    client.post(reverse("portal:register"), {**form, "pin": "579135", "pin_again": "579135"})
    assert Patron.objects.get(family_name="Nowak").pin_matches("579135")


def test_a_shorter_pin_chosen_before_still_signs_in_with_a_suggestion_to_change_it(
    client, reader, network, manager
):
    _longer_pins(network, manager)
    response = _sign_in(client, follow=True)
    assert client.session[session.PATRON_ID] == reader.pk
    # The reader reads Polish: the suggestion comes in her language.
    assert "Twoja biblioteka wymaga teraz dłuższych PIN-ów." in response.content.decode()


def test_changing_my_pin_asks_for_the_networks_shortest_pin(signed_in, reader, network, manager):
    _longer_pins(network, manager)
    refused = signed_in.post(
        reverse("portal:change-pin"), {"current_pin": PIN, "pin": "9753", "pin_again": "9753"}
    )
    assert "Choose a PIN of at least 6 characters." in refused.content.decode()
    reader.refresh_from_db()
    assert reader.pin_matches(PIN)


def test_one_pin_sprayed_over_many_cards_from_one_address_is_held_back(
    client, reader, settings
):
    settings.PIN_PLACE_FAILURES = 10
    for n in range(10):
        # A different card each time: no card is tried twice, so no card lock helps here.
        _sign_in(client, card=f"C{n:05d}", pin="1234", REMOTE_ADDR="203.0.113.9")
    held = _sign_in(client, REMOTE_ADDR="203.0.113.9")  # even the right card and PIN
    assert held.status_code == 429
    assert 'data-refusal="too_many_here"' in held.content.decode()
    assert "Too many sign-ins have failed from your connection" in held.content.decode()
    assert _sign_in(client, REMOTE_ADDR="198.51.100.1").status_code == 302
    entry = Entry.objects.get(kind="pin_throttled")
    assert (entry.actor, entry.detail["place"]) == ("public", "address")
    assert "203.0.113.9" not in str(entry.detail)


def test_the_pin_policy_is_set_in_the_administration_through_its_service(
    client, admin_user, network
):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        "/admin/patrons/pinpolicy/add/",
        {"network": network.pk, "min_length": 6, "failures_before_lock": 4, "lock_minutes": 30},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert pins.policy_for(network).failures_before_lock == 4
    entry = Entry.objects.get(kind="pin_policy_saved")
    assert (entry.channel, entry.staff_id, entry.detail["min_length"]) == ("admin", admin_user.pk, 6)
    too_short = client.post(
        "/admin/patrons/pinpolicy/add/",
        {"network": network.pk, "min_length": 3, "failures_before_lock": 4, "lock_minutes": 30},
    )
    assert too_short.status_code == 200  # the form says what is wrong
