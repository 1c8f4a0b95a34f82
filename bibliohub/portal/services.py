"""What the portal itself changes: a patron's PIN. Everything else the portal does goes
through the patrons and circulation services, with staff=None."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bibliohub.accounts.models import User
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron, PatronEvent

# Short enough to type on a self-check keypad; long ones are welcome.
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 64


@transaction.atomic
def set_pin(
    patron: Patron,
    *,
    pin: str,
    at: datetime,
    branch: Branch | None = None,
    staff: User | None = None,
) -> Patron:
    """Replace the patron's PIN with `pin`, hashed (by the patron in the portal, or at a desk).
    Sessions signed in with the old PIN end (see portal.session). Returns the patron and
    records a PIN_SET event (without the PIN). The caller checks the PIN's length."""
    patron = Patron.objects.select_for_update().select_related("category").get(pk=patron.pk)
    patron.hash_pin(pin)
    patron.save(update_fields=["pin"])
    PatronEvent.objects.create(
        kind=PatronEvent.Kind.PIN_SET,
        at=at,
        patron=patron,
        branch=branch,
        staff=staff,
        category=patron.category,
        age_band=patron.category.age_band,
    )
    return patron
