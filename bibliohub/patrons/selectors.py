"""Reads about patrons, shared by the desk, the OPAC, the API and circulation."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.errors import BlockReason, ErasureRefusal
from bibliohub.patrons.models import Block, Patron, PatronStatus


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


def blocks_for(patron: Patron, *, at: datetime) -> list[BlockReason]:
    """Every reason the patron may not borrow at `at`, most fundamental first; empty when
    they may. Overdue items and fines over the limit come from circulation. One query (plus
    one for the fine limit when the patron owes something), so checkout can ask every time."""
    # Circulation owns loans and fines and depends on this app, so it is imported here, when
    # asked, rather than at the top.
    from bibliohub.circulation.selectors import blocks_for as with_loans

    return with_loans(patron, at=at)


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


def erasure_refusals(patron: Patron) -> list[ErasureRefusal]:
    """Why `patron` cannot be erased now (empty when they can), so a screen can say so before
    anyone presses the button: a guardian of an active child, open loans, unpaid fines."""
    from bibliohub.circulation.selectors import has_open_loans, has_unpaid_fines

    reasons: list[ErasureRefusal] = []
    if patron.wards.filter(status=PatronStatus.ACTIVE).exists():
        reasons.append(ErasureRefusal.GUARDIAN_OF_ACTIVE_CHILD)
    if has_open_loans(patron):
        reasons.append(ErasureRefusal.OPEN_LOANS)
    if has_unpaid_fines(patron):
        reasons.append(ErasureRefusal.UNPAID_FINES)
    return reasons
