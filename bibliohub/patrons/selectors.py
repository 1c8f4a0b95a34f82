"""Reads about patrons, shared by the desk, the OPAC, the API and circulation. Whether a
patron may borrow is circulation's answer (`circulation.selectors.standing`, and
`blocks_for` in this app's words), since it counts loans and fines too."""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.errors import BlockReason, ErasureRefusal
from bibliohub.patrons.lookup import patron_query
from bibliohub.patrons.models import Block, Patron, PatronSearchTerm, PatronStatus


def active_blocks(patron: Patron, *, at: datetime) -> QuerySet[Block]:
    """The manual blocks in force at `at`: started, not ended, not lifted."""
    return patron.blocks.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at),
        Q(lifted_at__isnull=True) | Q(lifted_at__gt=at),
        starts_at__lte=at,
    )


def own_blocks(patron: Patron, *, at: datetime, manual_block: bool) -> list[BlockReason]:
    """The blocks that come from the patron's own record (pending, expired card) and, as
    `manual_block` says, a manual block in force; most fundamental first. For callers that
    learn about manual blocks within a larger query (circulation's checkout)."""
    reasons: list[BlockReason] = []
    if patron.status == PatronStatus.PENDING:
        reasons.append(BlockReason.PENDING)
    if patron.card_expired_on(timezone.localdate(at)):
        reasons.append(BlockReason.CARD_EXPIRED)
    if manual_block:
        reasons.append(BlockReason.MANUAL_BLOCK)
    return reasons


def patron_by_card(card_barcode: str, *, network: Network | int) -> Patron | None:
    """The patron holding this card in the network, with category and home branch."""
    if not card_barcode.strip():
        return None
    network_id = network if isinstance(network, int) else network.pk
    return (
        Patron.objects.select_related("category", "home_branch")
        .filter(network_id=network_id, card_barcode=card_barcode.strip())
        .first()
    )


# A search that finds more patrons than this finds only this many: staff type more of the
# name, and no page pays for sorting the whole network by name.
MAX_FOUND = 1000


def find_patrons(text: str, *, network: Network | int) -> QuerySet[Patron]:
    """The patrons of `network` that `text` finds, as the desk types it: names and a class
    however they are written (any order, with or without spaces, accents or capitals:
    "周子涵", "Nguyen thi lan", "Lan Nguyễn", "8 a"), each word typed starting one of the
    patron's keys, or a card number or an e-mail address (see patrons.lookup). At most
    MAX_FOUND of them, ordered by name, with category and home branch.

    The keys are looked up first, each word a range of the key index, and the patrons
    fetched by id: two queries whose cost follows the number of patrons found, not the
    number registered (a single query lets the planner scan every patron of the network)."""
    network_id = network if isinstance(network, int) else network.pk
    query = patron_query(text)
    if query.is_empty:
        return Patron.objects.none()
    found = []
    if query.words:
        # The range of the longest word, each further word's patrons among them.
        first, *others = sorted(query.words, key=lambda forms: -min(map(len, forms)))
        every_word = _any_starts(first)
        for alternatives in others:
            every_word &= Q(
                patron_id__in=PatronSearchTerm.objects.filter(_any_starts(alternatives)).values(
                    "patron_id"
                )
            )
        found.append(every_word)
    if query.whole:
        found.append(_any_starts(query.whole))
    ids = list(
        PatronSearchTerm.objects.filter(reduce(operator.or_, found))
        .values_list("patron_id", flat=True)
        .distinct()[:MAX_FOUND]
    )
    return (
        Patron.objects.filter(network_id=network_id, pk__in=ids)
        .select_related("category", "home_branch")
        .order_by("family_name", "given_names", "pk")
    )


def _any_starts(prefixes: tuple[str, ...]) -> Q:
    """Terms that start with any of `prefixes`, as a range of the term index."""
    found = Q()
    for prefix in prefixes:
        if connection.vendor == "postgresql":
            # LIKE 'x%' uses the text_pattern_ops index under any collation; a range would
            # follow the database's collation, which need not keep prefixes together.
            found |= Q(term__startswith=prefix)
        else:
            # SQLite compares text byte by byte (UTF-8 keeps code point order); its LIKE is
            # case-insensitive and could not use the index.
            found |= Q(term__gte=prefix, term__lt=prefix + "\U0010ffff")
    return found


def pending_registrations(*, branches: QuerySet[Branch] | None = None) -> QuerySet[Patron]:
    """Self-registrations waiting for staff, oldest first, for the given home branches (all
    when None)."""
    qs = Patron.objects.filter(status=PatronStatus.PENDING).select_related(
        "category", "home_branch"
    )
    if branches is not None:
        qs = qs.filter(home_branch__in=branches)
    return qs.order_by("created_at", "pk")


def patrons_in_class(branch: Branch, school_class: str) -> QuerySet[Patron]:
    """The students of one class or grade at a (school) branch, by name."""
    return Patron.objects.filter(home_branch=branch, school_class=school_class).select_related(
        "category"
    )


# What the apps above this one hold of a patron that belongs in their data export (the
# complaints they sent, their purchase suggestions, their survey answers that name them):
# each app registers a section by name when it is ready, and export_patron_data adds what
# each gives, JSON-serialisable.
ExportSection = Callable[[Patron], Any]
_export_sections: dict[str, ExportSection] = {}


def register_export_section(name: str, section: ExportSection) -> None:
    """Have export_patron_data add `section(patron)` under `name`. Registering a name again
    replaces its section."""
    _export_sections[name] = section


def export_sections(patron: Patron) -> dict[str, Any]:
    """What the registered sections hold of `patron`, by name, in the order registered."""
    return {name: section(patron) for name, section in _export_sections.items()}


# What the apps above this one hold of a patron and stops an erasure (circulation: loans and
# fines). They depend on patrons, not the other way round, so each registers its check when
# it is ready; erasure_refusals asks them all.
ErasureCheck = Callable[[Patron], Iterable[ErasureRefusal]]
_erasure_checks: list[ErasureCheck] = []


def register_erasure_check(check: ErasureCheck) -> None:
    """Have erasure_refusals (and so erase_patron) ask `check` too. Registering the same
    check again changes nothing."""
    if check not in _erasure_checks:
        _erasure_checks.append(check)


def erasure_refusals(patron: Patron) -> list[ErasureRefusal]:
    """Why `patron` cannot be erased now (empty when they can), so a screen can say so before
    anyone presses the button: a guardian of an active child, then what the registered checks
    give (open loans, unpaid fines)."""
    reasons: list[ErasureRefusal] = []
    if patron.wards.filter(status=PatronStatus.ACTIVE).exists():
        reasons.append(ErasureRefusal.GUARDIAN_OF_ACTIVE_CHILD)
    for check in _erasure_checks:
        reasons.extend(check(patron))
    return reasons
