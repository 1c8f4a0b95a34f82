"""Reading the history: figures from the daily roll-ups (never the raw entries, in a page),
and timelines of entries for the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Coalesce

from bibliohub.history.actors import Channel
from bibliohub.history.kinds import Kind
from bibliohub.history.models import (
    CHANNEL_BITS,
    NETWORK_WIDE,
    WHOLE_YEAR,
    Counter,
    DayBreakdown,
    DayCount,
    Dimension,
    DistinctPattern,
    DistinctYear,
    Entry,
)

# Channels that make a patron an e-service user.
E_SERVICE_BITS = CHANNEL_BITS[Channel.ONLINE] | CHANNEL_BITS[Channel.API]

GROUPS = ("network", "branch", "day", "month", "year", "kind")


@dataclass(frozen=True, slots=True)
class Total:
    quantity: int
    amount: Decimal


def _kinds_filter(kinds: Iterable[Kind] | None) -> Q:
    if kinds is None:
        return Q()
    condition = Q(pk__in=[])
    by_domain: dict[str, list[str]] = {}
    for kind in kinds:
        by_domain.setdefault(kind.domain, []).append(kind.code)
    for domain, codes in by_domain.items():
        condition |= Q(domain=domain, kind__in=codes)
    return condition


def _scope(
    queryset: QuerySet,
    *,
    start: date,
    end: date,
    network_id: int | None,
    branch_ids: Iterable[int] | None,
) -> QuerySet:
    queryset = queryset.filter(day__gte=start, day__lte=end)
    if network_id is not None:
        queryset = queryset.filter(network_id=network_id)
    if branch_ids is not None:
        queryset = queryset.filter(branch_id__in=list(branch_ids))
    return queryset


def _grouped(queryset: QuerySet, by: Sequence[str], *, extra: Sequence[str] = ()) -> QuerySet:
    """`queryset` grouped by the columns `by` needs (months and years by the stored first
    day of the month: a plain column on both databases)."""
    unknown = set(by) - set(GROUPS)
    if unknown:
        raise ValueError(f"cannot group by {', '.join(sorted(unknown))}")
    columns = {
        "network": ["network_id"],
        "branch": ["branch_id"],
        "day": ["day"],
        "month": ["month"],
        "year": ["month"],
        "kind": ["domain", "kind"],
    }
    names = list(dict.fromkeys(c for group in by for c in columns[group]))
    return queryset.values(*names, *extra)


def _key(row: dict, by: Sequence[str]) -> tuple:
    key: list = []
    for group in by:
        if group == "network":
            key.append(row["network_id"])
        elif group == "branch":
            key.append(row["branch_id"])
        elif group == "day":
            key.append(row["day"])
        elif group == "month":
            key.append(row["month"])
        elif group == "year":
            key.append(row["month"].year)
        elif group == "kind":
            key.append(f"{row['domain']}.{row['kind']}")
    return tuple(key)


def _totals(rows: Iterable[dict], by: Sequence[str], *, extra: str = "") -> dict[tuple, Total]:
    """Rows with q and a summed under their keys (years gather their months)."""
    found: dict[tuple, Total] = {}
    for row in rows:
        key = _key(row, by) + ((row[extra],) if extra else ())
        before = found.get(key)
        quantity, amount = row["q"] or 0, Decimal(row["a"] or 0)
        found[key] = (
            Total(quantity, amount)
            if before is None
            else Total(before.quantity + quantity, before.amount + amount)
        )
    return found


def counts(
    *,
    start: date,
    end: date,
    kinds: Iterable[Kind] | None = None,
    network_id: int | None = None,
    branch_ids: Iterable[int] | None = None,
    by: Sequence[str] = ("branch", "month", "kind"),
) -> dict[tuple, Total]:
    """Totals of `kinds` (all kinds if None) from `start` to `end` (local days, both
    included), from the daily roll-ups, keyed by the groups of `by` in order: network and
    branch ids (0 for entries without one), the day, the first day of the month, the year,
    and the kind as "domain.code". Entries not yet rolled up are not in it (see
    rollup.roll_up)."""
    queryset = _scope(
        DayCount.objects.filter(_kinds_filter(kinds)),
        start=start,
        end=end,
        network_id=network_id,
        branch_ids=branch_ids,
    )
    if not by:
        row = queryset.aggregate(q=Sum("quantity"), a=Sum("amount"))
        return {(): Total(row["q"] or 0, Decimal(row["a"] or 0))} if row["q"] is not None else {}
    rows = _grouped(queryset, by).annotate(q=Sum("quantity"), a=Sum("amount")).order_by()
    return _totals(rows, by)


def total(
    kinds: Iterable[Kind],
    *,
    start: date,
    end: date,
    network_id: int | None = None,
    branch_ids: Iterable[int] | None = None,
) -> Total:
    """One figure: the entries of `kinds` in the period, summed."""
    found = counts(
        start=start, end=end, kinds=kinds, network_id=network_id, branch_ids=branch_ids, by=()
    )
    return found.get((), Total(0, Decimal(0)))


def breakdown(
    kinds: Iterable[Kind],
    dimension: Dimension,
    *,
    start: date,
    end: date,
    network_id: int | None = None,
    branch_ids: Iterable[int] | None = None,
    by: Sequence[str] = (),
) -> dict[tuple, Total]:
    """Totals of `kinds` by the values of `dimension` (as text: "7" for seven-year-olds, a
    category id, a channel), each key the groups of `by` followed by the value. Entries
    without a value of the dimension are left out (the unknown part is the total minus the
    sum)."""
    queryset = _scope(
        DayBreakdown.objects.filter(_kinds_filter(kinds), dimension=dimension),
        start=start,
        end=end,
        network_id=network_id,
        branch_ids=branch_ids,
    )
    rows = (
        _grouped(queryset, by, extra=("value",))
        .annotate(q=Sum("quantity"), a=Sum("amount"))
        .order_by()
    )
    return {
        (*_key(row, by), row["value"]): Total(row["q"] or 0, Decimal(row["a"] or 0)) for row in rows
    }


@dataclass(frozen=True, slots=True)
class Level:
    """What a census found at a branch: the day it counted on and the level that day."""

    day: date
    total: Total


def levels(
    kinds: Iterable[Kind],
    *,
    day: date,
    since: date,
    network_id: int | None = None,
    branch_ids: Iterable[int] | None = None,
) -> dict[tuple[int, str], Level]:
    """The levels the censuses of `kinds` (kinds marked `census`) found at each branch on
    `day`, or on the latest day before it that they counted on, not before `since`: keyed
    by (branch id, "domain.code"). A branch with no census in that window is not in it (the
    level is not known, which is not zero)."""
    queryset = _scope(
        DayCount.objects.filter(_kinds_filter(kinds)),
        start=since,
        end=day,
        network_id=network_id,
        branch_ids=branch_ids,
    )
    found: dict[tuple[int, str], Level] = {}
    rows = queryset.values_list("branch_id", "domain", "kind", "day", "quantity", "amount")
    for branch_id, domain, kind, counted, quantity, amount in rows.order_by("day"):
        found[(branch_id, f"{domain}.{kind}")] = Level(counted, Total(quantity, Decimal(amount)))
    return found


def level_breakdown(
    kinds: Iterable[Kind],
    dimension: Dimension,
    *,
    found: dict[tuple[int, str], Level],
    network_id: int | None = None,
) -> dict[tuple[int, str, str], Total]:
    """The levels of `found` (from `levels`) by the values of `dimension`: keyed by (branch
    id, "domain.code", value), each from the day its census counted on."""
    kinds = list(kinds)
    days = {level.day for level in found.values()}
    if not days:
        return {}
    queryset = DayBreakdown.objects.filter(
        _kinds_filter(kinds), dimension=dimension, day__in=sorted(days)
    )
    if network_id is not None:
        queryset = queryset.filter(network_id=network_id)
    result: dict[tuple[int, str, str], Total] = {}
    rows = queryset.values_list("branch_id", "domain", "kind", "day", "value", "quantity", "amount")
    for branch_id, domain, kind, counted, value, quantity, amount in rows:
        key = f"{domain}.{kind}"
        level = found.get((branch_id, key))
        if level is not None and level.day == counted:
            result[(branch_id, key, value)] = Total(quantity, Decimal(amount))
    return result


def months_mask(start: date, end: date) -> int:
    """The months from `start` to `end` (one year) as DistinctYear keeps them: bit 0 is
    January. Raises ValueError for a period across two years: pseudonyms change with the
    year, so distinct users are counted within one."""
    if start.year != end.year:
        raise ValueError("distinct users, copies and partners are counted within one year")
    return sum(1 << (m - 1) for m in range(start.month, end.month + 1))


@dataclass(frozen=True, slots=True)
class Distinct:
    """Distinct patrons, copies or partners of some months at one place: `seen` in any of
    them, `online` (patrons who used a service online in them) and `regular` (seen in at
    least the months asked for, in the year)."""

    seen: int
    online: int = 0
    regular: int = 0


def distinct(
    counter: str,
    *,
    network_id: int,
    year: int,
    mask: int = WHOLE_YEAR,
    min_months: int | None = None,
) -> dict[int, Distinct]:
    """Of `counter` (Counter.USER, Counter.COPY, or an object type such as
    "community.partner"), the distinct ones seen in the months of `mask` of `year`, per
    branch id (0 for entries without one, NETWORK_WIDE for the whole network), from
    DistinctPattern: one grouped query over the year's patterns of months, whatever the
    period."""
    queryset = DistinctPattern.objects.filter(counter=counter, network_id=network_id, year=year)
    if mask & WHOLE_YEAR != WHOLE_YEAR:
        queryset = queryset.annotate(met=F("months").bitand(mask)).filter(met__gt=0)
    online = Sum("number", filter=Q(online_months__gt=0))
    if mask & WHOLE_YEAR != WHOLE_YEAR:
        queryset = queryset.annotate(online_met=F("online_months").bitand(mask))
        online = Sum("number", filter=Q(online_met__gt=0))
    aggregates: dict = {"n": Sum("number"), "o": online}
    if min_months is not None:
        aggregates["r"] = Sum("number", filter=Q(month_count__gte=min_months))
    rows = queryset.values("branch_id").annotate(**aggregates).order_by()
    return {
        row["branch_id"]: Distinct(row["n"] or 0, row["o"] or 0, row.get("r") or 0)
        for row in rows
        if row["n"]
    }


def lent_and_gone(
    *,
    network_id: int,
    year: int,
    mask: int,
    until: int,
    branch_ids: Iterable[int],
) -> dict[int, int]:
    """The distinct copies lent in the months of `mask` of `year` at each of `branch_ids`
    (NETWORK_WIDE for the whole network) that could no longer be lent at the end of the last
    month of `until` (the months of the same year up to a period's end), per branch id: those
    withdrawn anywhere in the network in a month of `until` (a withdrawal is final), and
    those out of use (lost, missing, damaged) at the end of it — taken out of use in a later
    month than they were last back in use. A copy taken out and put back in the same month
    counts as back: the daily count that finds both cannot tell which came last. Driven by the
    year's withdrawals and copies out of use, few beside the copies lent: each is looked up in
    the counting key of the copies lent, branch by branch."""
    branches = sorted(set(branch_ids))
    if not branches:
        return {}

    def network_wide(counter: Counter) -> QuerySet[DistinctYear]:
        return DistinctYear.objects.filter(
            counter=counter, network_id=network_id, year=year, branch_id=NETWORK_WIDE
        )

    withdrawn = (
        network_wide(Counter.COPY_WITHDRAWN)
        .annotate(met=F("months").bitand(until))
        .filter(met__gt=0)
        .values("value")
    )
    back = (
        network_wide(Counter.COPY_BACK_IN_USE)
        .filter(value=OuterRef("value"))
        .annotate(met=F("months").bitand(until))
        .values("met")[:1]
    )
    # Out at the end: the latest month out is after the latest month back, that is the
    # months out that are not months back make a larger number than the months back.
    out = (
        network_wide(Counter.COPY_OUT_OF_USE)
        .annotate(
            met=F("months").bitand(until),
            met_back=Coalesce(Subquery(back, output_field=IntegerField()), 0),
        )
        .filter(met__gt=0)
        .annotate(
            only_out=F("met")
            - CombinedExpression(F("met"), Combinable.BITAND, F("met_back"), IntegerField())
        )
        .filter(only_out__gt=F("met_back"))
        .values("value")
    )
    rows = (
        DistinctYear.objects.filter(
            Q(value__in=withdrawn) | Q(value__in=out),
            counter=Counter.COPY,
            network_id=network_id,
            year=year,
            branch_id__in=branches,
        )
        .annotate(met=F("months").bitand(mask))
        .filter(met__gt=0)
        .values_list("branch_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def distinct_parts(
    counter: str,
    column: str,
    *,
    network_id: int,
    year: int,
    mask: int = WHOLE_YEAR,
) -> dict[tuple[int, str], int]:
    """Of `counter`, the distinct ones seen in the months of `mask` of `year` by the value of
    `column` ("category_id" or "age": a patron's as first seen in the year), keyed by
    (branch id, value as text); those without a value are left out."""
    if column not in ("category_id", "age"):
        raise ValueError(f"cannot count distinct {counter} by {column}")
    queryset = DistinctYear.objects.filter(
        counter=counter, network_id=network_id, year=year, **{f"{column}__isnull": False}
    )
    if mask & WHOLE_YEAR != WHOLE_YEAR:
        queryset = queryset.annotate(met=F("months").bitand(mask)).filter(met__gt=0)
    rows = queryset.values_list("branch_id", column).annotate(n=Count("pk")).order_by()
    return {(branch_id, str(value)): n for branch_id, value, n in rows}


def distinct_users(
    *,
    start: date,
    end: date,
    network_id: int,
    branch_ids: Iterable[int] | None = None,
    channels: int | None = None,
    by_branch: bool = False,
) -> dict[int, int] | int:
    """Distinct patrons who used a service in the months from `start` to `end` (whole
    months, within one year: pseudonyms change with the year), optionally only online
    (`channels` E_SERVICE_BITS), per branch if `by_branch`, else in the whole network (or
    at any of `branch_ids`)."""
    if channels is not None and channels != E_SERVICE_BITS:
        raise ValueError("users are told apart by channel as e-service users only")
    found = distinct(
        Counter.USER, network_id=network_id, year=start.year, mask=months_mask(start, end)
    )

    def count(d: Distinct) -> int:
        return d.online if channels is not None else d.seen

    if by_branch:
        return {
            branch: count(d)
            for branch, d in found.items()
            if branch != NETWORK_WIDE and (branch_ids is None or branch in set(branch_ids))
            and count(d)
        }
    if branch_ids is None:
        everywhere = found.get(NETWORK_WIDE)
        return count(everywhere) if everywhere is not None else 0
    # Patrons seen at several of the branches asked for are counted once.
    queryset = DistinctYear.objects.filter(
        counter=Counter.USER,
        network_id=network_id,
        year=start.year,
        branch_id__in=list(branch_ids),
    ).annotate(met=F("online_months" if channels else "months").bitand(months_mask(start, end)))
    return queryset.filter(met__gt=0).values("value").distinct().count()


def regular_users(
    *,
    year: int,
    network_id: int,
    min_months: int,
    branch_ids: Iterable[int] | None = None,
) -> int:
    """Patrons who used a service in at least `min_months` different months of `year`: in
    the whole network, or at one of `branch_ids` (counted at each, once)."""
    found = distinct(Counter.USER, network_id=network_id, year=year, min_months=min_months)
    if branch_ids is None:
        everywhere = found.get(NETWORK_WIDE)
        return everywhere.regular if everywhere is not None else 0
    return sum(d.regular for branch, d in found.items() if branch in set(branch_ids))


def entries(
    *,
    patron_id: int | None = None,
    item_id: int | None = None,
    record_id: int | None = None,
    staff_id: int | None = None,
    branch_ids: Iterable[int] | None = None,
    domain: str = "",
    kind: str = "",
    channel: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Entry]:
    """The entries that match every filter given, newest first: a patron's, a copy's, a
    title's, a staff member's or some branches' timeline. Who may see which entries is the
    caller's to decide (accounts.access)."""
    queryset = Entry.objects.all()
    if patron_id is not None:
        queryset = queryset.filter(patron_id=patron_id)
    if item_id is not None:
        queryset = queryset.filter(item_id=item_id)
    if record_id is not None:
        queryset = queryset.filter(record_id=record_id)
    if staff_id is not None:
        queryset = queryset.filter(staff_id=staff_id)
    if branch_ids is not None:
        queryset = queryset.filter(branch_id__in=list(branch_ids))
    if domain:
        queryset = queryset.filter(domain=domain)
    if kind:
        queryset = queryset.filter(kind=kind)
    if channel:
        queryset = queryset.filter(channel=channel)
    if since is not None:
        queryset = queryset.filter(at__gte=since)
    if until is not None:
        queryset = queryset.filter(at__lt=until)
    return queryset.order_by("-at", "-id")
