"""Reads of the catalogue shared by the OPAC, the API and search results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, Q

from bibliohub.catalog.models import AVAILABLE_STATUSES, GONE_STATUSES, Item
from bibliohub.libraries.models import Branch
from bibliohub.search.types import BranchAvailability


def availability_for(record_ids: Iterable[int]) -> dict[int, list[BranchAvailability]]:
    """Per record, per branch holding it: how many copies are on the shelf now and how many
    the branch has (withdrawn and lost copies not counted). One query for a page of hits."""
    ids = list(record_ids)
    if not ids:
        return {}
    rows = (
        Item.objects.filter(record_id__in=ids)
        .exclude(status__in=GONE_STATUSES)
        .values("record_id", "branch_id")
        .annotate(total=Count("id"), available=Count("id", filter=Q(status__in=AVAILABLE_STATUSES)))
    )
    branches = {b.pk: b for b in Branch.objects.all()}
    result: dict[int, list[BranchAvailability]] = defaultdict(list)
    for row in rows:
        branch = branches[row["branch_id"]]
        result[row["record_id"]].append(
            BranchAvailability(
                branch_code=branch.code,
                branch_name=branch.display_name(),
                available=row["available"],
                total=row["total"],
            )
        )
    order = {b.pk: i for i, b in enumerate(branches.values())}
    code_order = {b.code: order[b.pk] for b in branches.values()}
    return {rid: sorted(av, key=lambda a: code_order[a.branch_code]) for rid, av in result.items()}
