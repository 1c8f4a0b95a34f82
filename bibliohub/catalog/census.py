"""The catalogue's daily count of the copies each branch holds, a service of the scheduled
job (catalog.jobs): the collection at the start of a period, the copies that could be lent
during it, by item type and by the title's language, format and audience, as they were,
not as they are when a report is read."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db.models import Count

from bibliohub.catalog.kinds import COPIES_HELD, COPIES_LOANABLE
from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.catalog.services import Material
from bibliohub.history import Actor
from bibliohub.history.services import Group, record_census
from bibliohub.libraries.models import Branch, Network

# Statuses of copies that are part of the collection, and of those that can be lent.
GONE = frozenset({ItemStatus.WITHDRAWN, ItemStatus.LOST})
LOANABLE = frozenset(
    {ItemStatus.AVAILABLE, ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF, ItemStatus.IN_TRANSIT}
)


def count_copies(network: Network, *, day: date, actor: Actor, at: datetime) -> int:
    """Count the copies every active branch of `network` holds and can lend, as they are
    now, as the count of `day`, and record them (COPIES_HELD, COPIES_LOANABLE; counting a
    day again records only what changed). One grouped query for the whole network. Returns
    how many entries were written."""
    held: dict[int, dict[Group, int]] = defaultdict(lambda: defaultdict(int))
    loanable: dict[int, dict[Group, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        Item.objects.filter(branch__network=network)
        .exclude(status__in=GONE)
        .values_list(
            "branch_id",
            "status",
            "item_type_id",
            "record__languages",
            "record__format",
            "record__audience",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    for branch_id, status, item_type_id, languages, format, audience, n in rows:
        material = Material.of(languages=languages or [], format=format, audience=audience)
        group = Group(
            item_type_id=item_type_id,
            language=material.language,
            format=material.format,
            audience=material.audience,
        )
        held[branch_id][group] += n
        if status in LOANABLE:
            loanable[branch_id][group] += n
    written = 0
    for branch in Branch.objects.filter(network=network, is_active=True).order_by("pk"):
        for kind, counts in ((COPIES_HELD, held), (COPIES_LOANABLE, loanable)):
            written += record_census(
                kind, day=day, counts=dict(counts[branch.pk]), branch=branch, actor=actor, at=at
            )
    return written
