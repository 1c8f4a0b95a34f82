"""Circulation policy as pure functions: which rule applies, why, and when a loan is due.

Rules, calendars and terms are passed in, so everything above the "Loading" section runs
without a database; the loaders at the end fetch exactly what one checkout needs (one query
for the candidate rules, two for the calendar, one for terms).

Which rule applies. A rule names a branch, a patron category and an item type, each of which
may be empty ("any"). Of the rules that match, the most specific wins, whole, in this order
(Koha's): branch + category + type, branch + category, branch + type, branch,
category + type, category, type, and the default rule with all three empty. The branch always
outweighs the rest, because branches set their own policy; within the same branch scope, a
rule for the patron category outweighs one for the item type.

When a loan is due. Day loans are due at 23:59 local time on their due day, hour loans at the
exact minute. The rule's calendar mode decides what closed days do:

    open days      day loans count only days the branch is open; hour loans end by closing
                   time (a loan that would run past closing, or into a lunch break, is due
                   when the branch closes)
    next open day  a due day on which the branch is closed moves to the next open day; an
                   hour loan that would end while closed is due when the branch next opens
    ignore         due exactly after the loan period

If the branch has no open day within a year (closed for renovation), the calendar is ignored
rather than refusing the loan. Under a rule "due at the end of term", a loan started during
a term is due on that term's due date whatever the loan period (not before the loan starts).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_CEILING, Decimal
from typing import Protocol

from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bibliohub.catalog.models import ItemStatus
from bibliohub.circulation.errors import FROM_BLOCK, RefusalReason
from bibliohub.circulation.models import (
    CalendarMode,
    CirculationRule,
    FineDays,
    LoanUnit,
    RenewalBase,
    Term,
)
from bibliohub.circulation.prepared import PreparedQuery
from bibliohub.libraries.hours import BranchCalendar, DayHours
from bibliohub.libraries.models import Branch, CalendarException, OpeningPeriod
from bibliohub.patrons.errors import BlockReason

# The minute a day loan falls due: the whole due day belongs to the patron.
DUE_TIME = time(23, 59)
# How far ahead the calendar is searched for an open day before it is ignored.
CALENDAR_HORIZON_DAYS = 366


@dataclass(frozen=True)
class Level:
    """One step of the specificity order: which parts a rule at this level names."""

    key: str
    branch: bool
    category: bool
    item_type: bool
    label: Promise


# fmt: off
SPECIFICITY: tuple[Level, ...] = (
    #      key                     branch category type
    Level("branch_category_type",  True,  True,  True,
          gettext_lazy("this branch, this patron category and this item type")),
    Level("branch_category",       True,  True,  False,
          gettext_lazy("this branch and this patron category, any item type")),
    Level("branch_type",           True,  False, True,
          gettext_lazy("this branch and this item type, any patron category")),
    Level("branch",                True,  False, False,
          gettext_lazy("this branch, any patron category and item type")),
    Level("category_type",         False, True,  True,
          gettext_lazy("this patron category and this item type, at any branch")),
    Level("category",              False, True,  False,
          gettext_lazy("this patron category, at any branch, any item type")),
    Level("type",                  False, False, True,
          gettext_lazy("this item type, at any branch, any patron category")),
    Level("default",               False, False, False,
          gettext_lazy("the default rule: any branch, patron category and item type")),
)
# fmt: on


@dataclass(frozen=True)
class Policy:
    """The values of the rule that applies, detached from the database row."""

    rule_id: int | None
    loan_period: int
    loan_unit: str
    renewals_allowed: int
    renewal_period: int | None
    max_loans: int | None
    max_loans_of_type: int | None
    holds_allowed: bool
    hold_pickup_days: int
    fine_per_day: Decimal
    grace_days: int
    fine_cap: Decimal | None
    max_fines_before_block: Decimal | None
    calendar_mode: str
    due_at_end_of_term: bool
    fine_days: str
    renew_if_other_copies: bool
    renewal_base: str = RenewalBase.DUE_DATE

    @classmethod
    def from_rule(cls, rule: CirculationRule) -> Policy:
        return cls(
            rule_id=rule.pk,
            loan_period=rule.loan_period,
            loan_unit=rule.loan_unit,
            renewals_allowed=rule.renewals_allowed,
            renewal_period=rule.renewal_period,
            max_loans=rule.max_loans,
            max_loans_of_type=rule.max_loans_of_type,
            holds_allowed=rule.holds_allowed,
            hold_pickup_days=rule.hold_pickup_days,
            fine_per_day=Decimal(rule.fine_per_day),
            grace_days=rule.grace_days,
            fine_cap=None if rule.fine_cap is None else Decimal(rule.fine_cap),
            max_fines_before_block=(
                None
                if rule.max_fines_before_block is None
                else Decimal(rule.max_fines_before_block)
            ),
            calendar_mode=rule.calendar_mode,
            due_at_end_of_term=rule.due_at_end_of_term,
            fine_days=rule.fine_days,
            renew_if_other_copies=rule.renew_if_other_copies,
            renewal_base=rule.renewal_base,
        )

    @property
    def is_loanable(self) -> bool:
        return self.loan_period > 0

    @property
    def renews(self) -> bool:
        """Whether a renewal under this policy has a period to give (its own, or the loan
        period's)."""
        return (self.renewal_period or self.loan_period) > 0

    @property
    def is_fine_free(self) -> bool:
        return self.fine_per_day == 0


class NoRuleApplies(LookupError):
    """No rule matches, not even a default one: the network has not set its rules up."""

    def __init__(self) -> None:
        super().__init__(_("No circulation rule applies. Add a default rule."))


@dataclass(frozen=True)
class Considered:
    level: Level
    rule_id: int | None  # the rule at this level that matches, if any


@dataclass(frozen=True)
class Explanation:
    """Which rule applies and why, for the "which rule applies" screen: every level in
    order, with the matching rule found there (if any), and the level that won."""

    policy: Policy
    level: Level
    considered: tuple[Considered, ...]

    @property
    def reason(self) -> str:
        return _(
            "Rule %(rule)s applies because it is the most specific rule that matches: "
            "it is set for %(level)s."
        ) % {"rule": self.policy.rule_id, "level": self.level.label}

    def lines(self) -> list[str]:
        """One line per level, most specific first, saying what was found there."""
        lines = []
        for c in self.considered:
            if c.rule_id is None:
                status = _("no rule")
            elif c.level == self.level:
                status = _("rule %(rule)s, applies") % {"rule": c.rule_id}
            else:
                status = _("rule %(rule)s, less specific, not used") % {"rule": c.rule_id}
            lines.append(f"{c.level.label}: {status}")
        return lines


def level_of(rule: CirculationRule) -> Level:
    """The specificity level a rule sits at, from which of its parts are set."""
    shape = (
        rule.branch_id is not None,
        rule.patron_category_id is not None,
        rule.item_type_id is not None,
    )
    return next(lv for lv in SPECIFICITY if (lv.branch, lv.category, lv.item_type) == shape)


def matches(
    rule: CirculationRule, *, branch: int | None, category: int | None, item_type: int | None
) -> bool:
    return (
        (rule.branch_id is None or rule.branch_id == branch)
        and (rule.patron_category_id is None or rule.patron_category_id == category)
        and (rule.item_type_id is None or rule.item_type_id == item_type)
    )


def explain_policy(
    *,
    branch: Branch | int | None,
    category: Model | int | None,
    item_type: Model | int | None,
    rules: Iterable[CirculationRule],
) -> Explanation:
    """The rule that applies to this branch, patron category and item type among `rules`,
    with every level considered. Raises NoRuleApplies when none matches."""
    ids = {"branch": _pk(branch), "category": _pk(category), "item_type": _pk(item_type)}
    found: dict[str, CirculationRule] = {}
    for rule in rules:
        if matches(rule, **ids):
            # One rule per combination is a database constraint; should two arrive anyway,
            # keep the first, so the answer does not depend on more than the input order.
            found.setdefault(level_of(rule).key, rule)
    considered = tuple(
        Considered(lv, found[lv.key].pk if lv.key in found else None) for lv in SPECIFICITY
    )
    for lv in SPECIFICITY:
        if lv.key in found:
            return Explanation(Policy.from_rule(found[lv.key]), lv, considered)
    raise NoRuleApplies()


def policy_for(
    *,
    branch: Branch | int | None,
    category: Model | int | None,
    item_type: Model | int | None,
    rules: Iterable[CirculationRule],
) -> Policy:
    """The policy of the most specific rule among `rules` for this branch, patron category
    and item type. Raises NoRuleApplies when none matches."""
    return explain_policy(branch=branch, category=category, item_type=item_type, rules=rules).policy


class Calendar(Protocol):
    """What due dates need of a branch calendar (libraries.hours.BranchCalendar fits)."""

    def day(self, day: date) -> DayHours: ...


def term_for(
    terms: Iterable[Term], day: date, *, branch: Branch | int | None = None
) -> Term | None:
    """The term containing `day` for `branch`: the branch's own term over a network-wide
    one. `terms` may hold other branches' terms; they are skipped."""
    branch_id = _pk(branch)
    candidates = [
        t
        for t in terms
        if t.contains(day)
        and (t.branch_id is None or branch_id is None or t.branch_id == branch_id)
    ]
    candidates.sort(key=lambda t: (t.branch_id is None, t.starts_on))
    return candidates[0] if candidates else None


def due_date(
    policy: Policy,
    *,
    branch_calendar: Calendar,
    start: datetime,
    renewal: bool = False,
    terms: Sequence[Term] = (),
    branch: Branch | int | None = None,
) -> datetime:
    """When a loan (or a renewal, with `renewal=True`) starting at the aware datetime `start`
    is due under `policy`, in the current time zone. See the module docstring for the
    calendar modes and terms. Raises ValueError for a policy that does not lend."""
    period = policy.renewal_period if renewal and policy.renewal_period else policy.loan_period
    if period <= 0:
        raise ValueError("this policy does not lend items")
    tz = timezone.get_current_timezone()
    local_start = timezone.localtime(start, tz)
    if policy.due_at_end_of_term:
        term = term_for(terms, local_start.date(), branch=branch)
        if term is not None:
            day = max(term.fixed_due_date, local_start.date())
            return datetime.combine(day, DUE_TIME, tzinfo=tz)
    if policy.loan_unit == LoanUnit.HOURS:
        return _hours_due(policy.calendar_mode, branch_calendar, local_start, period, tz)
    day = _days_due(policy.calendar_mode, branch_calendar, local_start.date(), period)
    return datetime.combine(day, DUE_TIME, tzinfo=tz)


def renewal_start(policy: Policy, *, due_at: datetime, at: datetime) -> datetime:
    """Where the period of a renewal made at `at` of a loan due at `due_at` starts, by the
    policy's renewal base: the due date (or `at`, for a loan already overdue, so that a
    renewal never leaves it overdue), or the moment of the renewal. due_date(...,
    renewal=True) from there gives the new due date."""
    if policy.renewal_base == RenewalBase.DUE_DATE:
        return max(due_at, at)
    return at


def _days_due(mode: str, cal: Calendar, start_day: date, days: int) -> date:
    plain = start_day + timedelta(days=days)
    if mode == CalendarMode.NEXT_OPEN_DAY:
        for offset in range(CALENDAR_HORIZON_DAYS + 1):
            candidate = plain + timedelta(days=offset)
            if cal.day(candidate).is_open:
                return candidate
        return plain
    if mode == CalendarMode.OPEN_DAYS:
        counted, day = 0, start_day
        for _step in range(days + CALENDAR_HORIZON_DAYS):
            day += timedelta(days=1)
            if cal.day(day).is_open:
                counted += 1
                if counted == days:
                    return day
        return plain
    return plain


def _hours_due(mode: str, cal: Calendar, start: datetime, hours: int, tz: tzinfo) -> datetime:
    due = timezone.localtime(start + timedelta(hours=hours), tz)
    if mode == CalendarMode.IGNORE or _open_at(cal, due):
        return due
    if mode == CalendarMode.OPEN_DAYS:
        closing = _last_closing(cal, after=start, until=due, tz=tz)
        if closing is not None:
            return closing
        # Lent while closed (an after-hours self-check) with no closing since: the first
        # moment the branch is open again is the earliest sensible due time.
    opening = _next_opening(cal, after=due, tz=tz)
    return opening if opening is not None else due


def _open_at(cal: Calendar, moment: datetime) -> bool:
    # Due exactly at closing time is still a time the item can be handed back.
    now = moment.time().replace(tzinfo=None)
    return any(opens <= now <= closes for opens, closes in cal.day(moment.date()).periods)


def _last_closing(
    cal: Calendar, *, after: datetime, until: datetime, tz: tzinfo
) -> datetime | None:
    day = until.date()
    while day >= after.date():
        for _opens, closes in sorted(cal.day(day).periods, reverse=True):
            moment = datetime.combine(day, closes, tzinfo=tz)
            if after < moment <= until:
                return moment
        day -= timedelta(days=1)
    return None


def _next_opening(cal: Calendar, *, after: datetime, tz: tzinfo) -> datetime | None:
    for offset in range(CALENDAR_HORIZON_DAYS + 1):
        day = after.date() + timedelta(days=offset)
        for opens, _closes in sorted(cal.day(day).periods):
            moment = datetime.combine(day, opens, tzinfo=tz)
            if moment > after:
                return moment
    return None


def _pk(value: Model | int | None) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return value.pk


# --- Loading ------------------------------------------------------------------------------


def _rules_query(
    *, branch: int | None, category: int | None, item_type: int | None
) -> QuerySet[CirculationRule]:
    q = Q()
    for name, value in zip(
        ("branch", "patron_category", "item_type"), (branch, category, item_type), strict=True
    ):
        q &= Q(**{f"{name}__isnull": True}) | (
            Q(**{f"{name}_id": value}) if value else Q(pk__in=[])
        )
    return CirculationRule.objects.filter(q).order_by("pk")


# Built once per shape (see prepared.py): every checkout asks for its rules.
_RULES = PreparedQuery(_rules_query, branch=int, category=int, item_type=int)


def load_rules(
    *, branch: Branch | int | None, category: Model | int | None, item_type: Model | int | None
) -> list[CirculationRule]:
    """The rules that could apply to this combination (at most one per level), in one query."""
    return list(
        _RULES.instances(
            branch=_pk(branch), category=_pk(category), item_type=_pk(item_type)
        )
    )


def load_policy(
    *, branch: Branch | int | None, category: Model | int | None, item_type: Model | int | None
) -> Policy:
    """policy_for over the rules in the database. Raises NoRuleApplies."""
    rules = load_rules(branch=branch, category=category, item_type=item_type)
    return policy_for(branch=branch, category=category, item_type=item_type, rules=rules)


@dataclass(frozen=True)
class Policies:
    """The two rules a loan is decided by: the patron's (the branch and their category, any
    item type: whether they may borrow at all, see borrowing_refusals) and the item's (the
    most specific rule for its item type: loan period, type limit, loanable). None where no
    rule applies."""

    patron: Policy | None
    item: Policy | None


def _or_none(rules: list[CirculationRule], **ids: Model | int | None) -> Policy | None:
    try:
        return policy_for(rules=rules, **ids)  # type: ignore[arg-type]
    except NoRuleApplies:
        return None


def load_policies(
    *, branch: Branch | int, category: Model | int | None, item_type: Model | int | None
) -> Policies:
    """The patron's and the item's policy at `branch`, from one query: the candidate rules
    for the item type include every rule for any item type."""
    rules = load_rules(branch=branch, category=category, item_type=item_type)
    patron = _or_none(rules, branch=branch, category=category, item_type=None)
    if item_type is None or all(rule.item_type_id is None for rule in rules):
        # No rule for the item type: the patron's rule decides the loan too (most networks,
        # most checkouts), without choosing it a second time.
        return Policies(patron=patron, item=patron)
    return Policies(
        patron=patron, item=_or_none(rules, branch=branch, category=category, item_type=item_type)
    )


def load_patron_policy(*, branch: Branch | int, category: Model | int | None) -> Policy | None:
    """The policy that decides whether a patron of `category` may borrow at `branch` at all
    (the rule for any item type), None where no rule applies."""
    return load_policies(branch=branch, category=category, item_type=None).patron


def load_explanation(
    *, branch: Branch | int | None, category: Model | int | None, item_type: Model | int | None
) -> Explanation:
    """explain_policy over the rules in the database. Raises NoRuleApplies."""
    rules = load_rules(branch=branch, category=category, item_type=item_type)
    return explain_policy(branch=branch, category=category, item_type=item_type, rules=rules)


def load_terms(branch: Branch, day: date) -> list[Term]:
    """The terms of the branch (its own and the network's) that contain `day`."""
    return list(
        Term.objects.filter(
            Q(branch=branch) | Q(branch__isnull=True),
            network_id=branch.network_id,
            starts_on__lte=day,
            ends_on__gte=day,
        )
    )


def _periods_query(*, branch: int) -> QuerySet[OpeningPeriod]:
    return OpeningPeriod.objects.filter(branch_id=branch)


def _exceptions_query(
    *, branch: int, network: int, start: date, end: date
) -> QuerySet[CalendarException]:
    # The rows libraries.hours reads for one branch: its own and its network's closures.
    return CalendarException.objects.filter(
        Q(branch_id=branch) | Q(branch__isnull=True, network_id=network),
        date__gte=start,
        date__lte=end,
    )


# Built once (see prepared.py): every checkout and renewal reads its branch calendar.
_PERIODS = PreparedQuery(_periods_query, branch=int)
_EXCEPTIONS = PreparedQuery(_exceptions_query, branch=int, network=int, start=date, end=date)


def load_calendar(
    policy: Policy, *, branch: Branch, start: datetime, renewal: bool = False
) -> BranchCalendar:
    """The branch calendar over just the days a due date under `policy` can need, in two
    queries."""
    first = timezone.localdate(start)
    period = policy.renewal_period if renewal and policy.renewal_period else policy.loan_period
    span_days = period if policy.loan_unit == LoanUnit.DAYS else period // 24 + 1
    last = first + timedelta(days=span_days + CALENDAR_HORIZON_DAYS + 1)
    return BranchCalendar(
        branch,
        first,
        last,
        periods=list(_PERIODS.instances(branch=branch.pk)),
        exceptions=list(
            _EXCEPTIONS.instances(
                branch=branch.pk,
                network=branch.network_id,
                start=first,
                end=last,
            )
        ),
    )


def load_fine_calendar(branch: Branch, *, due_at: datetime, at: datetime) -> BranchCalendar:
    """The lending branch's calendar from the due day to the day of `at`, for fined_days, in
    two queries whatever the number of days."""
    return BranchCalendar(
        branch,
        timezone.localdate(due_at),
        timezone.localdate(at),
        periods=list(_PERIODS.instances(branch=branch.pk)),
        exceptions=list(
            _EXCEPTIONS.instances(
                branch=branch.pk,
                network=branch.network_id,
                start=timezone.localdate(due_at),
                end=timezone.localdate(at),
            )
        ),
    )


def load_due_date(
    policy: Policy, *, branch: Branch, start: datetime, renewal: bool = False
) -> datetime:
    """due_date with the branch's calendar and terms loaded for just the days it can need."""
    terms = load_terms(branch, timezone.localdate(start)) if policy.due_at_end_of_term else []
    return due_date(
        policy,
        branch_calendar=load_calendar(policy, branch=branch, start=start, renewal=renewal),
        start=start,
        renewal=renewal,
        terms=terms,
        branch=branch,
    )


# --- Refusals and fines ---------------------------------------------------------------------
#
# Pure functions over the state one checkout, renewal or return needs; the services load that
# state (in a handful of indexed queries) and pass it in.


@dataclass(frozen=True)
class PatronState:
    """What limits and blocks need to know about a patron at one moment: the patron's own
    blocks (pending, expired card, manual block) and counts over their open loans and fines."""

    blocks: tuple[BlockReason, ...] = ()
    open_loans: int = 0
    open_loans_of_type: int = 0
    overdue_loans: int = 0
    fines_owed: Decimal = Decimal(0)


def patron_refusals(policy: Policy | None, state: PatronState) -> list[RefusalReason]:
    """The reasons a patron may not borrow, renew or place holds now: their blocks, overdue
    items, and fines over the limit of `policy`, the patron's policy (see Policies; owing
    exactly the limit still lets them borrow)."""
    reasons = [FROM_BLOCK[b] for b in state.blocks]
    if state.overdue_loans > 0:
        reasons.append(RefusalReason.OVERDUE)
    if (
        policy is not None
        and policy.max_fines_before_block is not None
        and state.fines_owed > policy.max_fines_before_block
    ):
        reasons.append(RefusalReason.FINES_OVER_LIMIT)
    return _unique(reasons)


# What stops borrowing but still lets a patron renew and place holds.
BORROWING_ONLY = frozenset({RefusalReason.LOAN_LIMIT, RefusalReason.OUTSIDE_BORROWING_WINDOW})


def borrowing_refusals(
    policy: Policy | None, state: PatronState, *, borrowing_open: bool = True
) -> list[RefusalReason]:
    """The one answer to "may this patron borrow here now, and why not": every reason that
    stops them borrowing anything at all, under `policy`, the patron's policy at the branch
    (the rule for their category and any item type, see Policies). Their blocks, overdue
    items and fines over the limit (patron_refusals, which also stop renewals and holds),
    then the loan limit and a school term's closed borrowing window (`borrowing_open`
    false), which stop only borrowing. Empty: they may borrow. The desk, the portal, SIP2's
    patron status and checkout itself all decide with this function."""
    reasons = patron_refusals(policy, state)
    if policy is not None and policy.max_loans is not None and state.open_loans >= policy.max_loans:
        reasons.append(RefusalReason.LOAN_LIMIT)
    if not borrowing_open:
        reasons.append(RefusalReason.OUTSIDE_BORROWING_WINDOW)
    return _unique(reasons)


def checkout_refusals(
    policy: Policy | None,
    *,
    patron: PatronState,
    borrowing: Sequence[RefusalReason],
    item_status: str,
    held_for_another: bool,
    borrowing_open: bool = True,
) -> list[RefusalReason]:
    """Every reason to refuse lending an item in `item_status` to a patron in `patron` state
    under `policy`, the item's policy (None: no rule applies), in a stable order: the
    patron's `borrowing` refusals first (borrowing_refusals, under the patron's policy), then
    the item's limits, then the item. `held_for_another`: the first hold this copy could
    fill is another reader's. `borrowing_open`: false outside a school term's borrowing
    window under the item's policy."""
    reasons = list(borrowing)
    if policy is None:
        reasons.append(RefusalReason.NO_RULE)
    else:
        if not borrowing_open:
            reasons.append(RefusalReason.OUTSIDE_BORROWING_WINDOW)
        if (
            policy.max_loans_of_type is not None
            and patron.open_loans_of_type >= policy.max_loans_of_type
        ):
            reasons.append(RefusalReason.TYPE_LIMIT)
        if not policy.is_loanable:
            reasons.append(RefusalReason.NOT_LOANABLE)
    if item_status == ItemStatus.ON_LOAN:
        reasons.append(RefusalReason.ITEM_ALREADY_ON_LOAN)
    elif item_status == ItemStatus.REFERENCE:
        reasons.append(RefusalReason.NOT_LOANABLE)
    elif item_status not in (ItemStatus.AVAILABLE, ItemStatus.ON_HOLD_SHELF):
        reasons.append(RefusalReason.ITEM_NOT_AVAILABLE)
    if held_for_another:
        reasons.append(RefusalReason.ITEM_ON_HOLD_FOR_ANOTHER)
    return _unique(reasons)


def renewal_refusals(
    policy: Policy | None,
    *,
    patron: Sequence[RefusalReason],
    renewals: int,
    loan_open: bool,
    hold_waiting: bool,
    moves_due_date: bool = True,
) -> list[RefusalReason]:
    """Every reason to refuse renewing a loan that has been renewed `renewals` times under
    `policy`, the loan's policy: the `patron` refusals first (patron_refusals under the
    patron's policy at the lending branch, with an overdue count that leaves out the loan
    being renewed: renewing an overdue item is how a reader sets it right, but other overdue
    items still block), then the loan's. `moves_due_date`: whether the new due date
    (due_date from renewal_start) would be later than the present one; a renewal that would
    not move it is too soon, since it would use up a renewal and give nothing."""
    reasons = list(patron)
    if not loan_open:
        reasons.append(RefusalReason.NOT_ON_LOAN)
    if policy is None:
        reasons.append(RefusalReason.NO_RULE)
    elif not policy.renews:
        reasons.append(RefusalReason.NOT_LOANABLE)
    else:
        if renewals >= policy.renewals_allowed:
            reasons.append(RefusalReason.NO_RENEWALS_LEFT)
        if loan_open and not moves_due_date:
            reasons.append(RefusalReason.TOO_SOON)
    if hold_waiting:
        reasons.append(RefusalReason.HOLD_WAITING)
    return _unique(reasons)


@dataclass(frozen=True)
class HoldsOnTitle:
    """What a renewal must know of other readers' waiting holds: those on the very copy on
    loan, those on its title (any copy), and the other copies that could fill them instead
    (on the shelf, holdable, not set aside or wanted for another hold)."""

    on_this_copy: int = 0
    on_title: int = 0
    other_copies: int = 0


def hold_blocks_renewal(policy: Policy | None, holds: HoldsOnTitle) -> bool:
    """Whether other readers' holds stop a renewal: a hold on this copy always does; holds on
    the title do unless the policy renews while other copies can fill every one of them
    (Koha's AllowRenewalIfOtherItemsAvailable)."""
    if holds.on_this_copy:
        return True
    if not holds.on_title:
        return False
    return not (
        policy is not None and policy.renew_if_other_copies and holds.other_copies >= holds.on_title
    )


def hold_refusals(
    policy: Policy | None,
    *,
    patron: Sequence[RefusalReason],
    already_held: bool,
    on_loan_to_patron: bool,
    holdable_copies: int,
) -> list[RefusalReason]:
    """Every reason to refuse a hold: the `patron` refusals (patron_refusals under the
    patron's policy at the pickup branch), `policy` (the copies' policy), a hold the patron
    already has on the title, the title already in their hands, and no copy to wait for."""
    reasons = list(patron)
    if policy is None:
        reasons.append(RefusalReason.NO_RULE)
    elif not policy.holds_allowed:
        reasons.append(RefusalReason.HOLDS_NOT_ALLOWED)
    if holdable_copies == 0:
        reasons.append(RefusalReason.NO_HOLDABLE_COPY)
    if already_held:
        reasons.append(RefusalReason.ALREADY_HELD)
    if on_loan_to_patron:
        reasons.append(RefusalReason.ALREADY_ON_LOAN_TO_PATRON)
    return _unique(reasons)


def days_overdue(*, due_at: datetime, at: datetime) -> int:
    """Started days past the due time: one minute late is one day."""
    if at <= due_at:
        return 0
    late = at - due_at
    return late.days + (1 if late % timedelta(days=1) else 0)


def fined_days(
    policy: Policy, *, due_at: datetime, at: datetime, calendar: Calendar | None = None
) -> int:
    """How many days of a loan due at `due_at` and returned (or still out) at `at` are fined.
    Every started day late, unless the policy fines only days the branch is open: then only
    the days on which the lending branch was open at some moment of the overdue time count
    (a closed day, and for hour loans the hours outside opening hours, cost nothing), and
    never more than every started day. `calendar` (of the lending branch, from the due day
    to the day of `at`) is required for that. Raises ValueError without it."""
    days = days_overdue(due_at=due_at, at=at)
    if days == 0 or policy.fine_days != FineDays.OPEN_DAYS:
        return days
    if calendar is None:
        raise ValueError("counting only open days needs the branch calendar")
    return _open_days_late(calendar, due_at=due_at, at=at, most=_days_worth_counting(policy, days))


def _days_worth_counting(policy: Policy, days: int) -> int:
    # Past the cap more days change nothing: a loan overdue for years stops counting there.
    if policy.fine_cap is None or policy.fine_per_day <= 0:
        return days
    to_cap = int((policy.fine_cap / policy.fine_per_day).to_integral_value(rounding=ROUND_CEILING))
    return min(days, max(to_cap, policy.grace_days + 1))


def _open_days_late(cal: Calendar, *, due_at: datetime, at: datetime, most: int) -> int:
    """The local days from the due day to the day of `at` with opening hours that overlap the
    overdue time (due_at, at], at most `most`."""
    tz = timezone.get_current_timezone()
    start, end = timezone.localtime(due_at, tz), timezone.localtime(at, tz)
    first, last = start.date(), end.date()
    counted, day = 0, first
    while day <= last and counted < most:
        periods = cal.day(day).periods
        if day != first and day != last:
            # A whole day inside the overdue time: any opening hours overlap it.
            counted += bool(periods)
        elif any(
            datetime.combine(day, opens, tzinfo=tz) < end
            and datetime.combine(day, closes, tzinfo=tz) > start
            for opens, closes in periods
        ):
            counted += 1
        day += timedelta(days=1)
    return counted


def fine_for(
    policy: Policy, *, due_at: datetime, at: datetime, calendar: Calendar | None = None
) -> Decimal:
    """The overdue fine for a loan due at `due_at` and returned (or still out) at `at`: nothing
    within the grace days; past them, the fine per day for every fined day (the grace days
    included), up to the cap. Which days are fined: see fined_days (a policy that fines
    only open days needs the lending branch's `calendar`)."""
    if policy.is_fine_free or at <= due_at:
        return Decimal("0.00")
    days = fined_days(policy, due_at=due_at, at=at, calendar=calendar)
    if days <= policy.grace_days:
        return Decimal("0.00")
    fine = policy.fine_per_day * days
    if policy.fine_cap is not None:
        fine = min(fine, policy.fine_cap)
    return fine.quantize(Decimal("0.01"))


def borrowing_open(
    policy: Policy, *, terms: Sequence[Term], at: datetime, branch: Branch | int | None
) -> bool:
    """Whether a school rule lets the patron borrow at `at`: inside a term, only within its
    borrowing window; outside every term (and under other rules), always."""
    if not policy.due_at_end_of_term:
        return True
    day = timezone.localdate(at)
    term = term_for(terms, day, branch=branch)
    return term is None or term.borrowing_open_on(day)


def _unique(reasons: list[RefusalReason]) -> list[RefusalReason]:
    return list(dict.fromkeys(reasons))
