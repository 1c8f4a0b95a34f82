"""Lending and returning: checkout, checkin, renewals, and loans that end otherwise (lost,
claimed returned), or copies taken out of circulation (damaged).

Which branch's rule applies: the branch of the desk or terminal that lends the item (Koha's
default), whatever the item's own branch or the patron's home branch; a renewal keeps the
rule of the branch that lent the item, wherever it is renewed. Whether the patron may borrow
at all is decided by the rule for their category and any item type at that branch
(rules.borrowing_refusals, the same answer the desk, the portal and SIP2 give); the loan
itself by the most specific rule for the item's type.

Every entry about a loan names the loan (`obj`), so that anonymising it forgets who borrowed
it in every entry, and carries what the figures group loans by: the item type and the
title's language, format and audience."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.accounts import access
from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.circulation import rules, selectors
from bibliohub.circulation.errors import (
    CheckoutRefused,
    InvalidOperation,
    RefusalReason,
    RenewalRefused,
)
from bibliohub.circulation.kinds import (
    CHECKIN,
    CHECKOUT,
    CHECKOUT_REFUSED,
    CLAIMS_RETURNED,
    DAMAGED,
    LOST,
    RENEW,
    RENEWAL_REFUSED,
)
from bibliohub.circulation.models import (
    Fine,
    FineKind,
    Hold,
    HoldStatus,
    Loan,
    LoanOutcome,
)
from bibliohub.circulation.prepared import PreparedQuery
from bibliohub.circulation.services import transfers
from bibliohub.circulation.services._common import (
    can_override,
    check_override,
    currency_of,
    material_of,
    override_detail,
    save_item_status,
    with_material,
)
from bibliohub.circulation.services.fines import (
    LostFound,
    accrue_overdue,
    charge,
    settle_found_copy,
)
from bibliohub.db import insert
from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.history.services import forget_objects
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron


def _policy(*, branch: Branch | int, category: int | None, item_type: int) -> rules.Policy | None:
    try:
        return rules.load_policy(branch=branch, category=category, item_type=item_type)
    except rules.NoRuleApplies:
        return None


# The conflict target of the loan_one_open_per_item constraint (circulation/models.py).
_ONE_OPEN_LOAN_PER_ITEM = '("item_id") WHERE "returned_at" IS NULL'


def _locked_item_query(*, item_id: int):
    # Only the copy's row is locked (not its title's, nor its branch's); the title's facts
    # come in the same statement. No ordering: one row, and the item's default ordering
    # would join the branches for nothing.
    return with_material(
        Item.objects.select_for_update(of=("self",)).filter(pk=item_id).order_by()
    )


# Built once (see circulation/prepared.py): every checkout reads and locks its copy.
_LOCKED_ITEM = PreparedQuery(_locked_item_query, item_id=int)


def _locked_item(item_id: int) -> Item:
    """The copy as the database has it now, its row locked to the end of the transaction,
    with its title's facts (with_material). Raises Item.DoesNotExist."""
    found = _LOCKED_ITEM.instances(item_id=item_id)
    if not found:
        raise Item.DoesNotExist("Item matching query does not exist.")
    return found[0]


def checkout(
    *,
    patron: Patron,
    item: Item,
    branch: Branch,
    actor: Actor,
    at: datetime,
    override_reason: str | None = None,
) -> Loan:
    """Lend `item` to `patron` at `branch` and return the open loan, due by the rule of
    `branch` (see the module docstring). Fills the patron's own hold on the title, if the
    copy was for it. Records CHECKOUT (with the reasons overridden, if any, and the copy's
    new status).

    Refused with CheckoutRefused carrying every reason; the refusal is recorded all the same
    as CHECKOUT_REFUSED (unmet demand is counted from them). When the copy is out
    (ITEM_ALREADY_ON_LOAN), the refusal carries the record id to place a hold on. Staff may
    override overridable reasons with `override_reason`, which the loan keeps; anyone else
    never: OverrideNotAllowed. Of two desks lending the same copy at once, exactly one wins;
    the other is refused with ITEM_ALREADY_ON_LOAN."""
    lent = _lend(
        patron=patron,
        item=item,
        branch=branch,
        actor=actor,
        at=at,
        override_reason=override_reason,
        own_copy_renews=False,
    )
    assert isinstance(lent, Loan)
    return lent


@dataclass(frozen=True)
class Lent:
    """What checkout_or_renew did: lent the copy, or renewed the patron's loan of it."""

    loan: Loan
    renewed: bool


def checkout_or_renew(
    *,
    patron: Patron,
    item: Item,
    branch: Branch,
    actor: Actor,
    at: datetime,
    renew_own_copy: bool = True,
) -> Lent:
    """Lend `item` to `patron` as checkout does, except when the patron already has this very
    copy: then it is a renewal of their loan (SIP2's checkout of a copy the patron holds),
    which records RENEW or RENEWAL_REFUSED and no checkout refusal (the reader is not
    refused a copy they have: that is no unmet demand). With renew_own_copy=False (a
    self-check that may not renew) that case is refused with ALREADY_ON_LOAN_TO_PATRON,
    recorded neither. No overrides: for terminals and the portal.

    Raises CheckoutRefused, RenewalRefused (both recorded) as checkout and renew do."""
    lent = _lend(
        patron=patron,
        item=item,
        branch=branch,
        actor=actor,
        at=at,
        override_reason=None,
        own_copy_renews=True,
    )
    if isinstance(lent, Loan):
        return Lent(lent, renewed=False)
    if not renew_own_copy:
        raise CheckoutRefused([RefusalReason.ALREADY_ON_LOAN_TO_PATRON], record_id=item.record_id)
    return Lent(renew(loan=lent.loan, branch=branch, actor=actor, at=at), renewed=True)


@dataclass(frozen=True)
class _OwnCopy:
    loan: Loan


def _lend(
    *,
    patron: Patron,
    item: Item,
    branch: Branch,
    actor: Actor,
    at: datetime,
    override_reason: str | None,
    own_copy_renews: bool,
) -> Loan | _OwnCopy:
    override = check_override(actor, override_reason)
    refusal: CheckoutRefused | None = None
    with transaction.atomic():
        # The item first, then the patron, everywhere: two desks wait for each other here
        # instead of deadlocking.
        item = _locked_item(item.pk)
        patron = selectors.fresh_patron(patron, lock=True)
        if own_copy_renews and item.status == ItemStatus.ON_LOAN:
            current = selectors.open_loan_for(item)
            if current is not None and current.patron_id == patron.pk:
                return _OwnCopy(current)  # renewed in its own transaction, by renew()
        policies = rules.load_policies(
            branch=branch, category=patron.category_id, item_type=item.item_type_id
        )
        policy = policies.item
        # Loans of the item's type are counted only under a rule that limits them: the count
        # reads every open loan's index entry, the others do not need to.
        type_limited = policy is not None and policy.max_loans_of_type is not None
        state = selectors.state_for(
            patron, at=at, item_type_id=item.item_type_id if type_limited else None
        )
        terms = (
            rules.load_terms(branch, timezone.localdate(at))
            if any(p is not None and p.due_at_end_of_term for p in (policy, policies.patron))
            else []
        )
        hold = (
            selectors.first_hold_for_item(item, at=at)
            if item.status in (ItemStatus.AVAILABLE, ItemStatus.ON_HOLD_SHELF)
            else None
        )
        borrowing = rules.borrowing_refusals(
            policies.patron,
            state,
            borrowing_open=policies.patron is None
            or rules.borrowing_open(policies.patron, terms=terms, at=at, branch=branch),
        )
        reasons = rules.checkout_refusals(
            policy,
            patron=state,
            borrowing=borrowing,
            item_status=item.status,
            held_for_another=hold is not None and hold.patron_id != patron.pk,
            borrowing_open=policy is None
            or rules.borrowing_open(policy, terms=terms, at=at, branch=branch),
        )
        material = material_of(item, item_type_id=item.item_type_id)
        loan = None
        if reasons and not can_override(reasons, override):
            refusal = CheckoutRefused(reasons, record_id=item.record_id)
        else:
            assert policy is not None  # NO_RULE cannot be overridden
            due_at = rules.due_date(
                policy,
                branch_calendar=rules.load_calendar(policy, branch=branch, start=at),
                start=at,
                terms=terms,
                branch=branch,
            )
            loan = Loan(
                item=item,
                patron=patron,
                branch=branch,
                staff_id=actor.staff_id,
                desk=actor.desk[:50],
                item_type_id=item.item_type_id,
                checked_out_at=at,
                due_at=due_at,
                category_id=patron.category_id,
                age_band=patron.category.age_band,
                home_branch_id=patron.home_branch_id,
                override_reason=override[:255] if reasons else "",
            )
            # The partial unique index on open loans is the last word when two desks race:
            # the loser's row is not inserted, and its transaction goes on to record the
            # refusal (no savepoint: two statements fewer per loan on PostgreSQL).
            if not insert(loan, unless_conflict=_ONE_OPEN_LOAN_PER_ITEM):
                loan = None
                refusal = CheckoutRefused(
                    [RefusalReason.ITEM_ALREADY_ON_LOAN], record_id=item.record_id
                )
        if loan is not None:
            detail: dict[str, object] = {"item_status": save_item_status(item, ItemStatus.ON_LOAN)}
            if hold is not None and hold.patron_id == patron.pk:
                hold.status = HoldStatus.FULFILLED
                hold.assigned_item = item
                hold.closed_at = at
                hold.save(update_fields=["status", "assigned_item", "closed_at"])
                detail["hold"] = hold.pk
            elif hold is not None and hold.assigned_item_id == item.pk:
                # Lent past another reader's hold by override: that reader goes back to
                # waiting, at their place in the queue, for the next copy.
                hold.status = HoldStatus.WAITING
                hold.assigned_item = None
                hold.ready_at = hold.expires_at = None
                hold.save(update_fields=["status", "assigned_item", "ready_at", "expires_at"])
                detail["hold_back_to_waiting"] = hold.pk
            history.record(
                CHECKOUT,
                at=at,
                actor=actor,
                branch=branch,
                patron=patron,
                item=item,
                obj=loan,
                item_type_id=material.item_type_id,
                language=material.language,
                format=material.format,
                audience=material.audience,
                reasons=[r.value for r in reasons],
                detail={**detail, **override_detail(reasons, override)},
            )
        else:
            assert refusal is not None
            history.record(
                CHECKOUT_REFUSED,
                at=at,
                actor=actor,
                branch=branch,
                patron=patron,
                item=item,
                item_type_id=material.item_type_id,
                language=material.language,
                format=material.format,
                audience=material.audience,
                reasons=refusal.codes,
                detail={"override_asked": True} if override else None,
            )
    if refusal is not None:
        raise refusal
    assert loan is not None
    return loan


@dataclass(frozen=True)
class CheckinResult:
    """What a return did: the loan it closed (None if the item was not out), the overdue
    fine it settled on, the transfer it ended if the item was in transit (`received`), and
    where the item goes next: to `hold`, with `transfer` when that is elsewhere, or home with
    `transfer` (see transfers.route_item)."""

    item: Item
    loan: Loan | None
    fine: Fine | None
    hold: Hold | None
    transfer: transfers.Transfer | None
    received: transfers.Transfer | None = None
    # A copy marked lost that turned up: its charge cancelled or owed back.
    found: LostFound | None = None

    @property
    def patron(self) -> Patron | None:
        """The borrower, unless the loan was anonymised at once."""
        return self.loan.patron if self.loan is not None else None


def _loan_patron_facts(loan: Loan, patron: Patron | None) -> dict[str, object]:
    """What an entry about `loan` says of its patron: the patron, or, once the loan no
    longer names one (anonymised, erased), the category and age group the loan kept."""
    if patron is not None:
        return {"patron": patron}
    return {"category_id": loan.category_id, "age": None, "age_band": loan.age_band}


@transaction.atomic
def checkin(*, item: Item, branch: Branch, actor: Actor, at: datetime) -> CheckinResult:
    """Take `item` back at `branch` (any branch) and say where it goes. Closes its open
    loan, with the overdue fine by the rule of the lending branch; for a copy marked lost,
    cancels or refunds its lost charge (fines.settle_found_copy); receives it if it was in
    transit; then the first hold it can fill takes it (hold shelf here, or in transit to the
    pickup branch); else an item of another branch goes in transit home; else it is back on
    the shelf. Records CHECKIN with the copy's new status (and the entries of what
    followed). A patron without a reading history whose network forgets returned loans at
    once (delay 0) is unlinked from the loan now, after the entry was recorded with them, so
    it keeps their category, age and pseudonym. An item that was not on loan is still
    received and routed."""
    item = (
        with_material(Item.objects.select_for_update(of=("self",)).select_related("branch"))
        .get(pk=item.pk)
    )
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .select_related("patron")
        .filter(item=item, returned_at__isnull=True)
        .first()
    )
    status_before = item.status
    fine = None
    if loan is not None:
        fine = accrue_overdue(loan, at=at, actor=actor)
        loan.returned_at = at
        loan.returned_branch = branch
        loan.outcome = LoanOutcome.RETURNED
        loan.save(update_fields=["returned_at", "returned_branch", "outcome"])
    found = (
        settle_found_copy(item, at=at, branch=branch, actor=actor)
        if item.status == ItemStatus.LOST
        else None
    )
    received = transfers.receive(item, branch=branch, actor=actor, at=at)
    routing = transfers.route_item(item, branch=branch, actor=actor, at=at)
    if received is not None:
        transfers.record_received(
            received, item=item, branch=branch, actor=actor, at=at, routing=routing
        )
    patron = loan.patron if loan is not None else None
    material = material_of(item, item_type_id=item.item_type_id)
    detail: dict[str, object] = {"item_status": item.status} if item.status != status_before else {}
    if fine is not None:
        detail["fine"] = fine.pk
    history.record(
        CHECKIN,
        at=at,
        actor=actor,
        branch=branch,
        item=item,
        obj=loan,
        item_type_id=loan.item_type_id if loan is not None else material.item_type_id,
        language=material.language,
        format=material.format,
        audience=material.audience,
        amount=fine.amount if fine is not None else None,
        currency=currency_of(branch.network_id) if fine is not None else "",
        detail=detail,
        **(_loan_patron_facts(loan, patron) if loan is not None else {}),  # type: ignore[arg-type]
    )
    if (
        loan is not None
        and patron is not None
        and not patron.reading_history
        and selectors.anonymise_delay(branch.network_id) == 0
    ):
        _anonymise(loan, at=at)
    return CheckinResult(
        item=item,
        loan=loan,
        fine=fine,
        hold=routing.hold,
        transfer=routing.transfer,
        received=received,
        found=found,
    )


def _anonymise(loan: Loan, *, at: datetime) -> None:
    forget_objects(Loan, [loan.pk])
    loan.patron = None
    loan.anonymised_at = at
    loan.override_reason = ""
    loan.save(update_fields=["patron", "anonymised_at", "override_reason"])


def _locked_loan_query(*, loan_id: int):
    return with_material(
        Loan.objects.select_for_update(of=("self",))
        .select_related("item", "branch")
        .filter(pk=loan_id),
        path="item__",
    )


def renew(
    *,
    loan: Loan,
    branch: Branch,
    actor: Actor,
    at: datetime,
    override_reason: str | None = None,
) -> Loan:
    """Extend `loan` by its rule's renewal period and return it: from its due date, or from
    `at`, as the rule's renewal base says (rules.renewal_start). The rule is that of the
    branch that lent the item. Records RENEW.

    Refused with RenewalRefused carrying every reason (the patron's blocks, other overdue
    items, no renewals left, too soon: the due date would not move, a reader waiting for the
    title), recorded as RENEWAL_REFUSED. Staff may override overridable reasons (the loan
    keeps why); anyone else never (OverrideNotAllowed)."""
    override = check_override(actor, override_reason)
    refusal: RenewalRefused | None = None
    with transaction.atomic():
        loan = _locked_loan_query(loan_id=loan.pk).get()
        item = loan.item
        material = material_of(loan, item_type_id=loan.item_type_id)
        patron = None
        renewed_due_at: datetime | None = None
        if loan.patron_id is None:
            reasons = [RefusalReason.NOT_ON_LOAN]
            policy = None
        else:
            patron, state = selectors.patron_state(loan.patron_id, at=at)
            if loan.returned_at is None and loan.due_at < at:
                state = replace(state, overdue_loans=state.overdue_loans - 1)
            policies = rules.load_policies(
                branch=loan.branch_id, category=patron.category_id, item_type=loan.item_type_id
            )
            policy = policies.item
            hold_waiting = _holds_block_renewal(
                loan, item=item, patron=patron, policy=policy, at=at
            )
            if policy is not None and policy.renews and loan.returned_at is None:
                renewed_due_at = rules.load_due_date(
                    policy,
                    branch=loan.branch,
                    start=rules.renewal_start(policy, due_at=loan.due_at, at=at),
                    renewal=True,
                )
            reasons = rules.renewal_refusals(
                policy,
                patron=rules.patron_refusals(policies.patron, state),
                renewals=loan.renewals,
                loan_open=loan.returned_at is None,
                hold_waiting=hold_waiting,
                moves_due_date=renewed_due_at is not None and renewed_due_at > loan.due_at,
            )
        facts = _loan_patron_facts(loan, patron)
        if reasons and not can_override(reasons, override):
            refusal = RenewalRefused(reasons, record_id=item.record_id)
            history.record(
                RENEWAL_REFUSED,
                at=at,
                actor=actor,
                branch=branch,
                item=item,
                obj=loan,
                item_type_id=material.item_type_id,
                language=material.language,
                format=material.format,
                audience=material.audience,
                reasons=refusal.codes,
                detail={"override_asked": True} if override else None,
                **facts,  # type: ignore[arg-type]
            )
        else:
            # Not on loan, no rule, nothing to renew for and too soon cannot be overridden:
            # a renewal that goes through has a later due date.
            assert renewed_due_at is not None and renewed_due_at > loan.due_at
            loan.due_at = renewed_due_at
            loan.renewals += 1
            fields = ["due_at", "renewals"]
            if reasons:
                loan.override_reason = override[:255]
                fields.append("override_reason")
            loan.save(update_fields=fields)
            history.record(
                RENEW,
                at=at,
                actor=actor,
                branch=branch,
                item=item,
                obj=loan,
                item_type_id=material.item_type_id,
                language=material.language,
                format=material.format,
                audience=material.audience,
                reasons=[r.value for r in reasons],
                detail=override_detail(reasons, override),
                **facts,  # type: ignore[arg-type]
            )
    if refusal is not None:
        raise refusal
    return loan


def _holds_block_renewal(
    loan: Loan, *, item: Item, patron: Patron, policy: rules.Policy | None, at: datetime
) -> bool:
    """Whether other readers' waiting holds stop this renewal (see rules.hold_blocks_renewal).
    One query; copies of another item type than the loan's are holdable if their rule at the
    lending branch lends them and allows holds, which costs a query per such type, only when
    the copies of the loan's own type are not enough."""
    found = selectors.renewal_holds(item, patron_id=patron.pk, at=at)
    free = 0
    if policy is not None and policy.is_loanable and policy.holds_allowed:
        free = found.free_same_type
    if (
        found.free_other_types
        and found.on_title > free
        and not found.on_this_copy
        and policy is not None
        and policy.renew_if_other_copies
    ):
        for item_type_id, n in selectors.free_copies_by_type(item).items():
            if item_type_id == item.item_type_id:
                continue
            other = _policy(
                branch=loan.branch_id, category=patron.category_id, item_type=item_type_id
            )
            if other is not None and other.is_loanable and other.holds_allowed:
                free += n
    return rules.hold_blocks_renewal(
        policy,
        rules.HoldsOnTitle(
            on_this_copy=found.on_this_copy, on_title=found.on_title, other_copies=free
        ),
    )


@dataclass(frozen=True)
class RenewAllResult:
    renewed: list[Loan]
    refused: list[tuple[Loan, list[RefusalReason]]]


def renew_all(*, patron: Patron, branch: Branch, actor: Actor, at: datetime) -> RenewAllResult:
    """Renew every current loan of `patron`, each on its own (one transaction and one entry
    each), and say which were renewed and which refused with their reasons."""
    renewed: list[Loan] = []
    refused: list[tuple[Loan, list[RefusalReason]]] = []
    for loan in list(selectors.loans_for(patron)):
        try:
            renewed.append(renew(loan=loan, branch=branch, actor=actor, at=at))
        except RenewalRefused as e:
            refused.append((loan, e.reasons))
    return RenewAllResult(renewed, refused)


def auto_renew(
    *, at: datetime, actor: Actor, within: timedelta = timedelta(days=1)
) -> RenewAllResult:
    """Renew the loans that asked for automatic renewal and fall due within `within` of
    `at` (scheduled daily, `actor` being the job). Refusals are recorded as usual; nothing
    is overridden."""
    renewed: list[Loan] = []
    refused: list[tuple[Loan, list[RefusalReason]]] = []
    due = Loan.objects.filter(
        returned_at__isnull=True, auto_renew=True, due_at__lte=at + within
    ).select_related("branch")
    for loan in list(due):
        try:
            renewed.append(renew(loan=loan, branch=loan.branch, actor=actor, at=at))
        except RenewalRefused as e:
            refused.append((loan, e.reasons))
    return RenewAllResult(renewed, refused)


def _close_open_loan(loan: Loan) -> Loan:
    loan = (
        with_material(
            Loan.objects.select_for_update(of=("self",))
            .select_related("item", "patron__category")
            .filter(pk=loan.pk),
            path="item__",
        )
        .get()
    )
    if loan.returned_at is not None:
        raise InvalidOperation(_("This loan has already ended."))
    return loan


def _loan_entry_material(loan: Loan) -> dict[str, object]:
    material = material_of(loan, item_type_id=loan.item_type_id)
    return {
        "item_type_id": material.item_type_id,
        "language": material.language,
        "format": material.format,
        "audience": material.audience,
    }


@transaction.atomic
def mark_lost(*, loan: Loan, branch: Branch, actor: Actor, at: datetime) -> Loan:
    """End `loan` as lost: the overdue fine stops growing at `at`, the item is lost, and its
    price (if known) is charged to the patron as a LOST fine. Records LOST with the copy's
    new status. Raises InvalidOperation for a loan that has ended."""
    loan = _close_open_loan(loan)
    item = Item.objects.select_for_update().get(pk=loan.item_id)
    accrue_overdue(loan, at=at, actor=actor)
    loan.returned_at = at
    loan.returned_branch = branch
    loan.outcome = LoanOutcome.LOST
    loan.save(update_fields=["returned_at", "returned_branch", "outcome"])
    detail: dict[str, object] = {"item_status": save_item_status(item, ItemStatus.LOST)}
    if item.price and loan.patron is not None:
        fine = charge(
            patron=loan.patron,
            kind=FineKind.LOST,
            amount=item.price,
            loan=loan,
            item=item,
            branch=branch,
            actor=actor,
            at=at,
        )
        detail["fine"] = fine.pk
    history.record(
        LOST,
        at=at,
        actor=actor,
        branch=branch,
        item=item,
        obj=loan,
        detail=detail,
        **_loan_entry_material(loan),  # type: ignore[arg-type]
        **_loan_patron_facts(loan, loan.patron),  # type: ignore[arg-type]
    )
    return loan


@transaction.atomic
def claims_returned(*, loan: Loan, branch: Branch, actor: Actor, at: datetime) -> Loan:
    """End `loan` because the patron says they returned the item: the overdue fine stops
    at `at` and the item is missing until it turns up (a checkin then routes it). Records
    CLAIMS_RETURNED with the copy's new status. Raises InvalidOperation for a loan that has
    ended."""
    loan = _close_open_loan(loan)
    item = Item.objects.select_for_update().get(pk=loan.item_id)
    accrue_overdue(loan, at=at, actor=actor)
    loan.returned_at = at
    loan.returned_branch = branch
    loan.outcome = LoanOutcome.CLAIMS_RETURNED
    loan.save(update_fields=["returned_at", "returned_branch", "outcome"])
    history.record(
        CLAIMS_RETURNED,
        at=at,
        actor=actor,
        branch=branch,
        item=item,
        obj=loan,
        detail={"item_status": save_item_status(item, ItemStatus.MISSING)},
        **_loan_entry_material(loan),  # type: ignore[arg-type]
        **_loan_patron_facts(loan, loan.patron),  # type: ignore[arg-type]
    )
    return loan


@transaction.atomic
def mark_damaged(
    *,
    item: Item,
    branch: Branch,
    actor: Actor,
    at: datetime,
    note: str = "",
    amount: Decimal | None = None,
) -> Item:
    """Take a damaged item out of circulation (found at a return or on the shelf). With an
    `amount`, its last borrower pays for it (selectors.last_loan): a DAMAGED fine for that
    loan, with `note` saying what happened. Records DAMAGED with the copy's new status.
    Raises NotPermitted (accounts.access) when `actor` may not act for the copy's branch (a
    librarian cannot take another branch's copy out of circulation and charge its borrower),
    InvalidOperation for an item still on loan (check it in first), and for an amount when
    no borrower is known (never lent, or the loan was anonymised)."""
    item = Item.objects.select_for_update().get(pk=item.pk)
    access.require_actor_branch(actor, item.branch_id)
    if item.status == ItemStatus.ON_LOAN:
        raise InvalidOperation(_("Check the item in before marking it damaged."))
    last = selectors.last_loan(item) if amount else None
    if amount and (last is None or last.patron is None):
        raise InvalidOperation(_("No borrower is known for this item, so nobody can be charged."))
    detail: dict[str, object] = {"item_status": save_item_status(item, ItemStatus.DAMAGED)}
    facts: dict[str, object] = {}
    if last is not None and last.patron is not None and amount:
        fine = charge(
            patron=last.patron,
            kind=FineKind.DAMAGED,
            amount=amount,
            loan=last,
            item=item,
            branch=branch,
            actor=actor,
            at=at,
            note=note,
        )
        detail["fine"] = fine.pk
        facts = {"patron": last.patron, "obj": last}
    history.record(
        DAMAGED,
        at=at,
        actor=actor,
        branch=branch,
        item=item,
        detail=detail,
        **facts,  # type: ignore[arg-type]
    )
    return item

