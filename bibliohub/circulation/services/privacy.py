"""Forgetting who borrowed what: returned loans lose their patron after the network's delay,
unless the patron opted into a reading history."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from bibliohub.circulation import selectors
from bibliohub.circulation.models import CirculationEvent, Loan
from bibliohub.circulation.services._common import Kind, record_event
from bibliohub.libraries.models import Network


@transaction.atomic
def anonymise_returned_loans(*, at: datetime, delay_days: int | None = None) -> int:
    """Unlink patrons from loans returned at least `delay_days` before `at` (None: each
    network's own delay, see selectors.anonymise_delay), and from those loans' events,
    except for patrons keeping a reading history. The category, age band and branches stay
    for statistics. Returns how many loans were anonymised; records one ANONYMISED event
    per network that had any."""
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
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            CirculationEvent.objects.filter(loan_id__in=chunk).update(patron=None)
            Loan.objects.filter(pk__in=chunk).update(patron=None, anonymised_at=at)
        total += len(ids)
        record_event(
            Kind.ANONYMISED,
            at=at,
            branch=None,
            staff=None,
            detail={"network": network_id, "loans": len(ids), "delay_days": days},
        )
    return total
