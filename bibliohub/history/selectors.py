"""Reading the history: figures from the daily roll-ups (never the raw entries, in a page),
and timelines of entries for the audit log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from bibliohub.history.actors import Channel
from bibliohub.history.kinds import Kind
from bibliohub.history.models import (
    CHANNEL_BITS,
    ActiveUserMonth,
    DayBreakdown,
    DayCount,
    Dimension,
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


def _months(start: date, end: date) -> tuple[date, date]:
    return start.replace(day=1), end.replace(day=1)


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
    months, within one year: pseudonyms change with the year), optionally only through
    `channels` (bits of CHANNEL_BITS, e.g. E_SERVICE_BITS), per branch if `by_branch`."""
    first, last = _months(start, end)
    if first.year != last.year:
        raise ValueError("distinct users are counted within one year")
    queryset = ActiveUserMonth.objects.filter(
        network_id=network_id, month__gte=first, month__lte=last
    )
    if branch_ids is not None:
        queryset = queryset.filter(branch_id__in=list(branch_ids))
    if channels is not None:
        queryset = queryset.annotate(used=F("channels").bitand(channels)).filter(used__gt=0)
    if by_branch:
        return {
            row["branch_id"]: row["n"]
            for row in queryset.values("branch_id")
            .annotate(n=Count("pseudonym", distinct=True))
            .order_by()
        }
    return queryset.aggregate(n=Count("pseudonym", distinct=True))["n"] or 0


def regular_users(
    *,
    year: int,
    network_id: int,
    min_months: int,
    branch_ids: Iterable[int] | None = None,
) -> int:
    """Patrons who used a service in at least `min_months` different months of `year`."""
    queryset = ActiveUserMonth.objects.filter(network_id=network_id, month__year=year)
    if branch_ids is not None:
        queryset = queryset.filter(branch_id__in=list(branch_ids))
    return (
        queryset.values("pseudonym")
        .annotate(months=Count("month", distinct=True))
        .filter(months__gte=min_months)
        .count()
    )


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
