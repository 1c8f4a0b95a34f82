"""Forgetting who borrowed what: returned loans lose their patron after the network's delay,
unless the patron opted into a reading history."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from bibliohub.circulation import selectors
from bibliohub.circulation.kinds import ANONYMISED
from bibliohub.circulation.models import Loan
from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.history.services import forget_objects
from bibliohub.libraries.models import Network


@transaction.atomic
def anonymise_returned_loans(
    *, at: datetime, actor: Actor, delay_days: int | None = None
) -> int:
    """Unlink patrons from loans returned at least `delay_days` before `at` (None: each
    network's own delay, see selectors.anonymise_delay), and from every history entry about
    those loans (history.services.forget_objects), except for patrons keeping a reading
    history. The loans keep the category, age band and branches; the entries keep category,
    age and pseudonym, so no figure changes. Clears the reasons staff typed for overriding
    (they may be about the person). Returns how many loans were anonymised; records one
    ANONYMISED per network that had any."""
    total = 0
    for network_id in Network.objects.values_list("pk", flat=True):
        days = selectors.anonymise_delay(network_id) if delay_days is None else delay_days
        loans = Loan.objects.filter(
            patron__isnull=False,
            patron__network_id=network_id,
            patron__reading_history=False,
            returned_at__isnull=False,
            returned_at__lte=at - timedelta(days=days),
        )
        ids = list(loans.values_list("pk", flat=True))
        if not ids:
            continue
        forget_objects(Loan, ids)
        for start in range(0, len(ids), 500):
            Loan.objects.filter(pk__in=ids[start : start + 500]).update(
                patron=None, anonymised_at=at, override_reason=""
            )
        total += len(ids)
        history.record(
            ANONYMISED,
            at=at,
            actor=actor,
            network=network_id,
            detail={"loans": len(ids), "delay_days": days},
        )
    return total
