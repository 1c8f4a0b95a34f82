"""Patron sign-in for the OPAC. A patron is not a Django user: the session holds the patron's
id and a hash of their PIN hash, apart from staff authentication, so a librarian signed in to
the staff screens and a patron signed in to the portal never stand in for each other. Wrong
PINs are counted by the one PIN policy of every channel (patrons.pins): per card, whatever
the address or the self-check machine, and per address, whatever the cards."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from bibliohub.history import Actor
from bibliohub.patrons import pins
from bibliohub.patrons.models import Patron, PatronStatus

PATRON_ID = "portal_patron_id"
PIN_HASH = "portal_pin_hash"


def _pin_hash(patron: Patron) -> str:
    # Changing the PIN changes this, which ends every other session of the patron (as Django
    # does for staff passwords).
    return salted_hmac("bibliohub.portal.session", patron.pin, algorithm="sha256").hexdigest()


def client_address(request: HttpRequest) -> str:
    """The reader's address, as the staff login's lockout reads it (behind the proxies that
    BIBLIOHUB_PROXY_COUNT says stand in front)."""
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR", "")


def authenticate(request: HttpRequest, *, card_number: str, pin: str) -> Patron:
    """The active patron with this card and PIN. Raises PinRefused (patrons.errors) with
    the reasons: a wrong PIN or an unknown card alike (WRONG_PIN), a card locked after wrong
    PINs on any channel (CARD_LOCKED), this address held back after wrong PINs whatever the
    cards (TOO_MANY_HERE); the failure is counted and any lock recorded, as someone not
    signed in."""
    card_number = card_number.strip()
    # Card numbers are unique within a network; the PIN tells apart the rare holder of the
    # same number in another network of the same installation.
    holders = []
    if card_number:
        holders = list(
            Patron.objects.select_related("category", "home_branch").filter(
                card_barcode=card_number, status=PatronStatus.ACTIVE
            )
        )
    return pins.check_pin(
        pin,
        card=card_number,
        holders=holders,
        place=pins.Place.address(client_address(request)),
        actor=Actor.for_public(),
        at=timezone.now(),
    )


def sign_in(request: HttpRequest, patron: Patron) -> None:
    """Keep `patron` signed in on this session, under a new session key (so a key planted
    before sign-in is worth nothing after it)."""
    request.session.cycle_key()
    request.session[PATRON_ID] = patron.pk
    request.session[PIN_HASH] = _pin_hash(patron)


def sign_out(request: HttpRequest) -> None:
    """End the patron's sign-in, leaving a staff login on the same browser alone."""
    request.session.pop(PATRON_ID, None)
    request.session.pop(PIN_HASH, None)
    request.session.cycle_key()


def current_patron(request: HttpRequest) -> Patron | None:
    """The signed-in patron, still active and with the PIN they signed in with, else None."""
    if hasattr(request, "_portal_patron"):
        return request._portal_patron  # type: ignore[attr-defined]
    patron = None
    patron_id = request.session.get(PATRON_ID)
    if patron_id is not None:
        patron = (
            Patron.objects.select_related("category", "home_branch")
            .filter(pk=patron_id, status=PatronStatus.ACTIVE)
            .first()
        )
        if patron is None or not constant_time_compare(
            request.session.get(PIN_HASH, ""), _pin_hash(patron)
        ):
            patron = None
            request.session.pop(PATRON_ID, None)
            request.session.pop(PIN_HASH, None)
    request._portal_patron = patron  # type: ignore[attr-defined]
    return patron


def patron_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Run `view(request, patron, ...)` for a signed-in patron; send anyone else to sign in
    and back."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        patron = current_patron(request)
        if patron is None:
            next_url = (
                request.get_full_path() if request.method == "GET" else reverse("portal:loans")
            )
            return HttpResponseRedirect(
                f"{reverse('portal:sign-in')}?{urlencode({'next': next_url})}"
            )
        return view(request, patron, *args, **kwargs)

    return wrapper
