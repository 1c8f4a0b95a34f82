"""The catalogue's daily count of the copies each branch holds, a service of the scheduled
job (catalog.jobs): the collection at the start of a period, the copies that could be lent
during it, by item type and by the title's language, format and audience, as they were,
not as they are when a report is read."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db.models import Count

from bibliohub.catalog.kinds import (
    COPIES_HELD,
    COPIES_LOANABLE,
    COPY_BACK_IN_USE,
    COPY_OUT_OF_USE,
)
from bibliohub.catalog.models import Item, ItemStatus, OutOfUse
from bibliohub.catalog.services import Material
from bibliohub.history import Actor
from bibliohub.history.services import Draft, Group, draft, record_census, record_many
from bibliohub.libraries.models import Branch, Network

# Statuses of copies that are part of the collection, and of those that can be lent.
GONE = frozenset({ItemStatus.WITHDRAWN, ItemStatus.LOST})
LOANABLE = frozenset(
    {ItemStatus.AVAILABLE, ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF, ItemStatus.IN_TRANSIT}
)
# Copies still in the collection's records that cannot be lent: lost, missing, damaged, being
# processed, for use in the library only.
OUT_OF_USE = frozenset(ItemStatus) - LOANABLE - {ItemStatus.WITHDRAWN}


def count_copies(network: Network, *, day: date, actor: Actor, at: datetime) -> int:
    """Count the copies every active branch of `network` holds and can lend, as they are
    now, as the count of `day`, and record them (COPIES_HELD, COPIES_LOANABLE; counting a
    day again records only what changed); and record each copy that could be lent at the
    last count and can no longer be, and each that can be again (`record_use_changes`). One
    grouped query for the whole network. Returns how many entries were written."""
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
    return written + record_use_changes(network, day=day, actor=actor, at=at)


def record_use_changes(network: Network, *, day: date, actor: Actor, at: datetime) -> int:
    """Compare the copies of `network` that cannot be lent now (neither loanable nor
    withdrawn) with those found at the last count (OutOfUse), and record, as of `day`, each
    copy that left lending (COPY_OUT_OF_USE) and each that came back (COPY_BACK_IN_USE). A
    copy withdrawn or deleted since is not back: it only leaves the rows (its withdrawal is
    in the history already). Returns how many entries were written."""
    out_now = {
        pk: (branch_id, record_id, item_type_id)
        for pk, branch_id, record_id, item_type_id in Item.objects.filter(
            branch__network=network, status__in=OUT_OF_USE
        ).values_list("pk", "branch_id", "record_id", "item_type_id")
    }
    known = set(
        OutOfUse.objects.filter(item__branch__network=network).values_list("item_id", flat=True)
    )
    left = sorted(set(out_now) - known)
    gone = sorted(known - set(out_now))
    back: dict[int, tuple[int, int, int]] = {}
    for start in range(0, len(gone), 500):
        back.update(
            (pk, (branch_id, record_id, item_type_id))
            for pk, branch_id, record_id, item_type_id in Item.objects.filter(
                pk__in=gone[start : start + 500], status__in=LOANABLE
            ).values_list("pk", "branch_id", "record_id", "item_type_id")
        )
    branches = {branch.pk: branch for branch in Branch.objects.filter(network=network)}
    drafts: list[Draft] = []
    for kind, copies in ((COPY_OUT_OF_USE, {pk: out_now[pk] for pk in left}), (COPY_BACK_IN_USE, back)):
        for pk, (branch_id, record_id, item_type_id) in sorted(copies.items()):
            drafts.append(
                draft(
                    kind, at=at, day=day, actor=actor, branch=branches.get(branch_id),
                    network=network.pk, item_id=pk, record_id=record_id,
                    item_type_id=item_type_id,
                )
            )
    record_many(drafts)
    for start in range(0, len(gone), 500):
        OutOfUse.objects.filter(pk__in=gone[start : start + 500]).delete()
    OutOfUse.objects.bulk_create([OutOfUse(item_id=pk) for pk in left], batch_size=1000)
    return len(drafts)
