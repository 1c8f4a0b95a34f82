"""The patrons' daily count, a service of the scheduled job (patrons.jobs): the registered
users (patrons whose card is valid that day) of each home branch by category, and the
students by class, as they were each day, whatever becomes of the patrons afterwards."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db.models import Count, Q

from bibliohub.history import Actor
from bibliohub.history.services import Group, record_census
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.kinds import CARDS_VALID, STUDENTS
from bibliohub.patrons.models import Patron, PatronStatus


def count_patrons(network: Network, *, day: date, actor: Actor, at: datetime) -> int:
    """Count the patrons of `network` whose card is valid on `day` (confirmed, the card
    valid through its expiry day or without one), by home branch and category, and those of
    them with a class, by class; record them as the counts of `day` (CARDS_VALID,
    STUDENTS). Returns how many entries were written."""
    valid = Patron.objects.filter(network=network, status=PatronStatus.ACTIVE).filter(
        Q(card_expires_on__isnull=True) | Q(card_expires_on__gte=day)
    )
    cards: dict[int, dict[Group, int]] = defaultdict(dict)
    for branch_id, category_id, n in (
        valid.values_list("home_branch_id", "category_id").annotate(n=Count("pk")).order_by()
    ):
        cards[branch_id][Group(category_id=category_id)] = n
    students: dict[int, dict[Group, int]] = defaultdict(dict)
    for branch_id, school_class, n in (
        valid.exclude(school_class="")
        .values_list("home_branch_id", "school_class")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        group = Group(school_class=school_class.strip()[:40])
        students[branch_id][group] = students[branch_id].get(group, 0) + n
    written = 0
    for branch in Branch.objects.filter(network=network, is_active=True).order_by("pk"):
        for kind, counts in ((CARDS_VALID, cards), (STUDENTS, students)):
            written += record_census(
                kind, day=day, counts=counts[branch.pk], branch=branch, actor=actor, at=at
            )
    return written
