"""What the portal itself changes: a patron's PIN. Everything else the portal does goes
through the patrons and circulation services, with the patron (or, for someone registering,
the public) as the actor, on the online channel."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bibliohub.history import Actor
from bibliohub.history.services import record
from bibliohub.libraries.models import Branch
from bibliohub.patrons.kinds import PIN_SET
from bibliohub.patrons.models import Patron

# Short enough to type on a self-check keypad; long ones are welcome.
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 64


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
    in with the old PIN end (see portal.session). Returns the patron and records PIN_SET
    (without the PIN). The caller checks the PIN's length."""
    patron = Patron.objects.select_for_update().select_related("category").get(pk=patron.pk)
    patron.hash_pin(pin)
    patron.save(update_fields=["pin"])
    record(PIN_SET, at=at, actor=actor, branch=branch, patron=patron)
    return patron
