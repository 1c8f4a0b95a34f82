"""Reads about loans, holds, transfers and fines, for the desk, the portal, SIP2 and the
services themselves. Lists come with what they show already joined (no N+1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.timezone import localdate

from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.circulation import rules
from bibliohub.circulation.errors import TO_BLOCK, RefusalReason
from bibliohub.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    Fine,
    Hold,
    HoldStatus,
    Loan,
    PrivacyPolicy,
    Refund,
    Transfer,
    WaivedBecause,
)
from bibliohub.circulation.prepared import PreparedQuery
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons import selectors as patron_selectors
from bibliohub.patrons.errors import BlockReason, ErasureRefusal
from bibliohub.patrons.models import Block, Patron

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _count_of(qs: QuerySet) -> Coalesce:
    # COUNT without GROUP BY, as a scalar subquery.
    return Coalesce(
        Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def patron_state_query(
    patron: Patron | int, *, at: datetime, item_type_id: int | None = None
) -> QuerySet[Patron]:
    """The patron row with the counts limits and blocks need, as annotations: `n_open`,
    `n_of_type`, `n_overdue`, `owed`, `manual_block`. Each count reads only the patron's
    entries of an index (loans: patron, returned_at, item_type, due_at), never the loans."""
    patron_id = patron if isinstance(patron, int) else patron.pk
    open_loans = Loan.objects.filter(patron_id=OuterRef("pk"), returned_at__isnull=True)
    owed = (
        Fine.objects.filter(patron_id=OuterRef("pk"), settled_at__isnull=True)
        .order_by()
        .values("patron")
        .annotate(s=Sum(F("amount") - F("paid")))
        .values("s")[:1]
    )
    manual = Block.objects.filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=at),
        Q(lifted_at__isnull=True) | Q(lifted_at__gt=at),
        patron_id=OuterRef("pk"),
        starts_at__lte=at,
    )
    return Patron.objects.filter(pk=patron_id).annotate(
        n_open=_count_of(open_loans),
        n_of_type=_count_of(open_loans.filter(item_type_id=item_type_id))
        if item_type_id
        else Value(0, output_field=IntegerField()),
        n_overdue=_count_of(open_loans.filter(due_at__lt=at)),
        owed=Coalesce(
            Subquery(owed),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        manual_block=Exists(manual),
    )


def _counts_query(
    *, patron_id: int, at: datetime, item_type_id: int | None
) -> QuerySet[Patron, tuple[Any, ...]]:
    # The names are annotations of patron_state_query, which the type checker cannot see.
    return patron_state_query(patron_id, at=at, item_type_id=item_type_id).values_list(  # type: ignore[misc]
        "n_open", "n_of_type", "n_overdue", "owed", "manual_block"
    )


# Built once: the ORM takes many times longer to build this query than the database takes
# to answer it (see prepared.py).
_COUNTS = PreparedQuery(_counts_query, patron_id=int, at=datetime, item_type_id=int)


def state_for(
    patron: Patron, *, at: datetime, item_type_id: int | None = None
) -> rules.PatronState:
    """The patron's blocks and counts at `at`, in one query over index entries; loans of
    `item_type_id` are counted only when it is given (otherwise 0)."""
    n_open, n_of_type, n_overdue, owed, manual = _COUNTS.rows(
        patron_id=patron.pk, at=at, item_type_id=item_type_id
    )[0]
    return rules.PatronState(
        blocks=tuple(patron_selectors.own_blocks(patron, at=at, manual_block=bool(manual))),
        open_loans=n_open,
        open_loans_of_type=n_of_type,
        overdue_loans=n_overdue,
        # SQLite answers a sum of decimals as a float: back to cents through its text.
        fines_owed=Decimal(str(owed or 0)).quantize(Decimal("0.01")),
    )


def _patron_query(*, patron_id: int) -> QuerySet[Patron]:
    return Patron.objects.select_related("category").filter(pk=patron_id)


def _locked_patron_query(*, patron_id: int) -> QuerySet[Patron]:
    return _patron_query(patron_id=patron_id).select_for_update(of=("self",))


# Built once: every checkout and renewal reads the patron (see prepared.py).
_PATRON = PreparedQuery(_patron_query, patron_id=int)
_LOCKED_PATRON = PreparedQuery(_locked_patron_query, patron_id=int)


def fresh_patron(patron: Patron | int, *, lock: bool = False) -> Patron:
    """The patron as the database has it now, with category; with lock=True the row stays
    locked to the end of the transaction (limits hold when two desks serve one patron).
    Raises Patron.DoesNotExist."""
    found = (_LOCKED_PATRON if lock else _PATRON).instances(
        patron_id=patron if isinstance(patron, int) else patron.pk
    )
    if not found:
        raise Patron.DoesNotExist("Patron matching query does not exist.")
    return found[0]


def patron_state(
    patron: Patron | int, *, at: datetime, item_type_id: int | None = None, lock: bool = False
) -> tuple[Patron, rules.PatronState]:
    """fresh_patron and state_for together: two queries."""
    row = fresh_patron(patron, lock=lock)
    return row, state_for(row, at=at, item_type_id=item_type_id)


@dataclass(frozen=True)
class Standing:
    """Whether a patron may borrow at a branch now, and why not (rules.borrowing_refusals):
    what the desk, the portal and SIP2's patron status show, and what checkout refuses."""

    reasons: list[RefusalReason]

    @property
    def may_borrow(self) -> bool:
        return not self.reasons

    @property
    def may_renew_and_hold(self) -> bool:
        """The loan limit and a closed borrowing window stop borrowing only."""
        return all(r in rules.BORROWING_ONLY for r in self.reasons)

    @property
    def messages(self) -> list[str]:
        return [r.message for r in self.reasons]


def standing(patron: Patron, *, branch: Branch | int, at: datetime) -> Standing:
    """May `patron` borrow at `branch` at `at`, and why not: rules.borrowing_refusals under
    the patron's policy at that branch, with the state checkout reads. Three queries (four
    under a school-term rule)."""
    state = state_for(patron, at=at)
    policy = rules.load_patron_policy(branch=branch, category=patron.category_id)
    open_now = True
    if policy is not None and policy.due_at_end_of_term:
        branch_row = branch if isinstance(branch, Branch) else Branch.objects.get(pk=branch)
        open_now = rules.borrowing_open(
            policy, terms=rules.load_terms(branch_row, localdate(at)), at=at, branch=branch_row
        )
    return Standing(rules.borrowing_refusals(policy, state, borrowing_open=open_now))


def blocks_for(patron: Patron, *, at: datetime) -> list[BlockReason]:
    """The patron's blocks at `at` as the patrons app names them: their own blocks first,
    then overdue items and fines over the limit, decided by the same function as checkout
    (rules.patron_refusals) under the patron's policy at their home branch. That rule is
    read only when they owe something (one query otherwise). For whether they may borrow at
    a given branch (the loan limit too), see standing()."""
    state = state_for(patron, at=at)
    policy = (
        rules.load_patron_policy(branch=patron.home_branch_id, category=patron.category_id)
        if state.fines_owed > 0
        else None
    )
    return [TO_BLOCK[r] for r in rules.patron_refusals(policy, state)]


def has_open_loans(patron: Patron) -> bool:
    return Loan.objects.filter(patron=patron, returned_at__isnull=True).exists()


def has_unpaid_fines(patron: Patron) -> bool:
    return Fine.objects.filter(patron=patron, settled_at__isnull=True).exists()


def erasure_refusals(patron: Patron) -> list[ErasureRefusal]:
    """What circulation holds that stops `patron` being erased: items on loan, unpaid fines.
    Registered with patrons.selectors.register_erasure_check when the app is ready."""
    reasons: list[ErasureRefusal] = []
    if has_open_loans(patron):
        reasons.append(ErasureRefusal.OPEN_LOANS)
    if has_unpaid_fines(patron):
        reasons.append(ErasureRefusal.UNPAID_FINES)
    return reasons


def open_loan_for(item: Item | int) -> Loan | None:
    """The loan the item is out on, if any, with its patron."""
    item_id = item if isinstance(item, int) else item.pk
    return (
        Loan.objects.select_related("patron")
        .filter(item_id=item_id, returned_at__isnull=True)
        .first()
    )


def last_loan(item: Item | int) -> Loan | None:
    """The copy's latest loan, with its patron (None once anonymised): whoever pays when
    the copy comes back damaged."""
    item_id = item if isinstance(item, int) else item.pk
    return (
        Loan.objects.select_related("patron__category")
        .filter(item_id=item_id)
        .order_by("-checked_out_at", "-pk")
        .first()
    )


def loans_for(patron: Patron) -> QuerySet[Loan]:
    """The patron's current loans, soonest due first, with item and title."""
    return (
        Loan.objects.filter(patron=patron, returned_at__isnull=True)
        .select_related("item__record", "branch")
        .order_by("due_at", "pk")
    )


def overdue_loans(branch: Branch | None, at: datetime) -> QuerySet[Loan]:
    """Loans overdue at `at`, made at `branch` (every branch when None), most overdue first."""
    qs = Loan.objects.filter(returned_at__isnull=True, due_at__lt=at)
    if branch is not None:
        qs = qs.filter(branch=branch)
    return qs.select_related("item__record", "patron", "branch").order_by("due_at", "pk")


def reading_history(patron: Patron) -> QuerySet[Loan]:
    """The patron's returned loans, latest first; empty unless they opted into a history
    (loans of everyone else are anonymised after return)."""
    if not patron.reading_history:
        return Loan.objects.none()
    return (
        Loan.objects.filter(patron=patron, returned_at__isnull=False)
        .select_related("item__record")
        .order_by("-returned_at", "-pk")
    )


def active_holds(patron: Patron) -> QuerySet[Hold]:
    """The patron's holds still to be filled or picked up, oldest first."""
    return (
        Hold.objects.filter(patron=patron, status__in=ACTIVE_HOLD_STATUSES)
        .select_related("record", "pickup_branch", "assigned_item")
        .order_by("placed_at", "pk")
    )


def holds_for(patron: Patron) -> QuerySet[Hold]:
    return active_holds(patron)


def queue(record_id: int) -> QuerySet[Hold]:
    """The waiting holds on a title in queue order: first placed, first served."""
    return Hold.objects.filter(record_id=record_id, status=HoldStatus.WAITING).order_by(
        "placed_at", "pk"
    )


def _ahead_of(record_id: Any, placed_at: Any, pk: Any) -> QuerySet[Hold]:
    # Values of one hold, or OuterRef()s to the holds of an outer query.
    return queue(record_id).filter(Q(placed_at__lt=placed_at) | Q(placed_at=placed_at, pk__lt=pk))


def queue_position(hold: Hold) -> int | None:
    """1 for the first in the queue of its title; None once the hold is no longer waiting."""
    if hold.status != HoldStatus.WAITING:
        return None
    return _ahead_of(hold.record_id, hold.placed_at, hold.pk).count() + 1


class QueuePosition(TypedDict):
    position: int | None


def with_queue_positions(holds: QuerySet[Hold]) -> QuerySet[WithAnnotations[Hold, QueuePosition]]:
    """`holds` with `position`, their queue_position, in the same query (a list of holds
    without one query more per hold)."""
    ahead = _ahead_of(OuterRef("record_id"), OuterRef("placed_at"), OuterRef("pk"))
    return holds.annotate(
        position=Case(
            When(status=HoldStatus.WAITING, then=_count_of(ahead) + 1),
            default=None,
            output_field=IntegerField(),
        )
    )


def _free_copies(*, record_id: int, item_id: int) -> QuerySet[Item]:
    """Copies of the title, other than `item_id`, that could fill a hold now: on the shelf,
    not set aside for a hold and not wanted by a hold on that very copy."""
    return (
        Item.objects.filter(record_id=record_id, status=ItemStatus.AVAILABLE)
        .exclude(pk=item_id)
        .exclude(
            Exists(
                Hold.objects.filter(
                    assigned_item_id=OuterRef("pk"),
                    status__in=[HoldStatus.IN_TRANSIT, HoldStatus.READY],
                )
            )
        )
        .exclude(Exists(Hold.objects.filter(item_id=OuterRef("pk"), status=HoldStatus.WAITING)))
    )


def _renewal_holds_query(
    *, item_id: int, record_id: int, patron_id: int, item_type_id: int, today: date
) -> QuerySet[Item, tuple[Any, ...]]:
    others = Hold.objects.filter(still_needed(today), status=HoldStatus.WAITING).exclude(
        patron_id=patron_id
    )
    free = _free_copies(record_id=record_id, item_id=item_id)
    return (
        Item.objects.filter(pk=item_id)
        .annotate(
            on_copy=_count_of(others.filter(item_id=item_id)),
            on_title=_count_of(others.filter(record_id=record_id, item__isnull=True)),
            free_same=_count_of(free.filter(item_type_id=item_type_id)),
            free_other=_count_of(free.exclude(item_type_id=item_type_id)),
        )
        .values_list("on_copy", "on_title", "free_same", "free_other")
    )


# Built once: a reader renewing a thousand loans at once asks this a thousand times.
_RENEWAL_HOLDS = PreparedQuery(
    _renewal_holds_query, item_id=int, record_id=int, patron_id=int, item_type_id=int, today=date
)


@dataclass(frozen=True)
class RenewalHolds:
    """Other readers' waiting holds on a copy on loan and its title, and the other copies on
    the shelf that could fill them: those of the loan's item type and those of other types
    (which need their own rule to say whether they may be held)."""

    on_this_copy: int
    on_title: int
    free_same_type: int
    free_other_types: int


def renewal_holds(item: Item, *, patron_id: int, at: datetime) -> RenewalHolds:
    """The holds (still needed at `at`) and free copies a renewal of `item` by `patron_id`
    must weigh, in one query."""
    (row,) = _RENEWAL_HOLDS.rows(
        item_id=item.pk,
        record_id=item.record_id,
        patron_id=patron_id,
        item_type_id=item.item_type_id,
        today=localdate(at),
    )
    return RenewalHolds(*(int(n) for n in row))


def free_copies_by_type(item: Item) -> dict[int, int]:
    """How many other copies of `item`'s title could fill a hold now, per item type."""
    return dict(
        _free_copies(record_id=item.record_id, item_id=item.pk)
        .order_by()
        .values("item_type_id")
        .annotate(n=Count("pk"))
        .values_list("item_type_id", "n")
    )


def holds_on_record(record_id: int) -> int:
    return Hold.objects.filter(record_id=record_id, status__in=ACTIVE_HOLD_STATUSES).count()


def still_needed(on: date) -> Q:
    """Holds whose reader still wants the title on the local day `on` (no "not needed
    after" day, or not past it)."""
    return Q(not_needed_after__isnull=True) | Q(not_needed_after__gte=on)


def _first_hold_query(*, item_id: int, record_id: int, today: date) -> QuerySet[Hold, tuple[int]]:
    return (
        Hold.objects.filter(
            Q(assigned_item_id=item_id, status__in=[HoldStatus.IN_TRANSIT, HoldStatus.READY])
            | (
                Q(record_id=record_id, status=HoldStatus.WAITING)
                & (Q(item__isnull=True) | Q(item_id=item_id))
                & still_needed(today)
            )
        )
        .order_by(
            Case(When(status=HoldStatus.WAITING, then=Value(1)), default=Value(0)),
            "placed_at",
            "pk",
        )
        .values_list("pk")[:1]
    )


_FIRST_HOLD = PreparedQuery(_first_hold_query, item_id=int, record_id=int, today=date)


def first_hold_for_item(item: Item, *, at: datetime) -> Hold | None:
    """The hold this copy should go to at `at`: one it is already set aside for, else the
    first in the queue that it can fill (a hold on the title, or on this very copy) and that
    is still needed. One query when there is none, as for most copies."""
    found = _FIRST_HOLD.rows(item_id=item.pk, record_id=item.record_id, today=localdate(at))
    if not found:
        return None
    return Hold.objects.select_related("patron__category", "pickup_branch").get(pk=found[0][0])


@dataclass(frozen=True)
class ToPull:
    hold: Hold
    items: list[Item]


def holds_to_pull(branch: Branch, *, at: datetime) -> list[ToPull]:
    """Waiting holds, still needed at `at`, that a copy on the shelves of `branch` can fill,
    in queue order, with those copies: the list staff take round the shelves. Each copy is
    offered to the first hold it can fill only."""
    available = Item.objects.filter(
        branch=branch, status=ItemStatus.AVAILABLE, record_id=OuterRef("record_id")
    )
    holds = list(
        Hold.objects.filter(still_needed(localdate(at)), status=HoldStatus.WAITING)
        .filter(Exists(available))
        .select_related("record", "patron", "pickup_branch", "item")
        .order_by("placed_at", "pk")
    )
    items: dict[int, list[Item]] = {}
    for item in Item.objects.filter(
        branch=branch, status=ItemStatus.AVAILABLE, record_id__in={h.record_id for h in holds}
    ).order_by("call_number", "barcode"):
        items.setdefault(item.record_id, []).append(item)
    taken: set[int] = set()
    result = []
    for hold in holds:
        fits = [
            i
            for i in items.get(hold.record_id, [])
            if i.pk not in taken and (hold.item_id is None or hold.item_id == i.pk)
        ]
        if fits:
            taken.add(fits[0].pk)
            result.append(ToPull(hold, fits))
    return result


def hold_shelf(branch: Branch) -> QuerySet[Hold]:
    """Holds ready for pickup at `branch`, those expiring first at the top."""
    return (
        Hold.objects.filter(pickup_branch=branch, status=HoldStatus.READY)
        .select_related("record", "patron", "assigned_item")
        .order_by("expires_at", "pk")
    )


def in_transit(branch: Branch, *, outgoing: bool = False) -> QuerySet[Transfer]:
    """Items on their way to `branch` (or, with outgoing=True, sent from it), oldest first."""
    qs = Transfer.objects.filter(received_at__isnull=True)
    qs = qs.filter(from_branch=branch) if outgoing else qs.filter(to_branch=branch)
    return qs.select_related("item__record", "from_branch", "to_branch", "hold").order_by(
        "sent_at", "pk"
    )


def fines_for(patron: Patron) -> QuerySet[Fine]:
    """The patron's unsettled fines, oldest first (the order payments settle them in)."""
    return (
        Fine.objects.filter(patron=patron, settled_at__isnull=True)
        .select_related("item__record")
        .order_by("created_at", "pk")
    )


def refunds_due(patron: Patron) -> QuerySet[Refund]:
    """What the library owes the patron back and has not paid out yet, oldest first."""
    return (
        Refund.objects.filter(patron=patron, paid_out_at__isnull=True)
        .select_related("item__record", "fine")
        .defer("item__record__marc")
        .order_by("created_at", "pk")
    )


def found_charges(patron: Patron, *, since: datetime) -> QuerySet[Fine]:
    """The patron's lost-item charges cancelled since `since` because the copy turned up,
    latest first."""
    return (
        Fine.objects.filter(patron=patron, waived_because=WaivedBecause.FOUND, waived_at__gte=since)
        .select_related("item__record")
        .defer("item__record__marc")
        .order_by("-waived_at", "-pk")
    )


def amount_owed(patron: Patron) -> Decimal:
    total = Fine.objects.filter(patron=patron, settled_at__isnull=True).aggregate(
        s=Sum(F("amount") - F("paid"))
    )["s"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def anonymise_delay(network: Network | int) -> int:
    """Days after return before a loan forgets its patron, for the network."""
    network_id = network if isinstance(network, int) else network.pk
    days = (
        PrivacyPolicy.objects.filter(network_id=network_id)
        .values_list("anonymise_after_days", flat=True)
        .first()
    )
    return PrivacyPolicy.DEFAULT_ANONYMISE_AFTER_DAYS if days is None else days
