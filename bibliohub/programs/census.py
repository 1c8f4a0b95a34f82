"""Counting the dates of programmes held, a service of the scheduled job (programs.jobs):
once a date is over it is recorded as HELD on the day it took place, with the programme's
audience and format, so that the programmes of any period are a sum of days."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from bibliohub.history import Actor
from bibliohub.programs.models import EventKind, Format, Occurrence, OccurrenceStatus
from bibliohub.programs.services import record_held


@transaction.atomic
def count_held(*, actor: Actor, at: datetime) -> int:
    """Record HELD for every date of a programme that has ended by `at` and was not
    cancelled, once each (the date keeps when it was counted). Reading activities and
    contests are not programmes, and a recorded presentation is not a session held
    (IMLS counts them apart). Returns how many dates were counted."""
    dates = (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("event", "event__branch")
        .filter(
            status=OccurrenceStatus.SCHEDULED,
            ends_at__lte=at,
            held_counted_at__isnull=True,
            event__kind=EventKind.PROGRAMME,
        )
        .exclude(event__format=Format.RECORDED)
        .order_by("starts_at", "pk")
    )
    counted = 0
    for occurrence in dates:
        record_held(occurrence, quantity=1, actor=actor, at=at)
        occurrence.held_counted_at = at
        occurrence.save(update_fields=["held_counted_at"])
        counted += 1
    return counted
