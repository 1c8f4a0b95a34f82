"""Daily roll-ups, kept current incrementally.

`roll_up` claims entries not yet counted, a batch at a time, and adds them to three tables
in the same transaction: DayCount (a kind's entries per day and branch), DayBreakdown (the
same by one dimension at a time: channel, patron category, age, item type, language,
audience, format, class, topic) and DistinctYear (who used a service, by pseudonym; which copies
were lent, and which withdrawn; which partners the library worked with: each once a year, with
the months it was seen in, at its branch and in the whole network). A batch is claimed
by one `UPDATE … RETURNING` that marks the entries it returns, so exactly the returned
entries are counted, once, even with entries committed meanwhile by other transactions
(PostgreSQL) and with two roll-ups running at once (each claims other rows: SKIP LOCKED).
Nothing is ever recounted whole; any period's figure is a sum of days."""

from __future__ import annotations

import collections
from decimal import Decimal
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from bibliohub.history import kinds
from bibliohub.history.actors import Channel
from bibliohub.history.models import (
    NETWORK_WIDE,
    Counter,
    DayBreakdown,
    DayCount,
    Dimension,
    DistinctPattern,
    DistinctYear,
    Entry,
)

BATCH = 20_000
# The PostgreSQL advisory lock the roll-ups take in turns to count distinct users.
_DISTINCT_LOCK = 7_031_101

_COLUMNS = (
    "day",
    "network_id",
    "branch_id",
    "domain",
    "kind",
    "channel",
    "category_id",
    "age",
    "age_band",
    "item_type_id",
    "language",
    "audience",
    "format",
    "pseudonym",
    "quantity",
    "amount",
    "school_class",
    "item_id",
    "object_type",
    "object_id",
    "topic",
)

# The dimensions of DayBreakdown, by the position of their column in _COLUMNS.
_DIMENSIONS = (
    (Dimension.CHANNEL, 5),
    (Dimension.CATEGORY, 6),
    (Dimension.AGE, 7),
    (Dimension.AGE_BAND, 8),
    (Dimension.ITEM_TYPE, 9),
    (Dimension.LANGUAGE, 10),
    (Dimension.AUDIENCE, 11),
    (Dimension.FORMAT, 12),
    (Dimension.SCHOOL_CLASS, 16),
    (Dimension.TOPIC, 20),
)
_PSEUDONYM, _QUANTITY, _AMOUNT, _ITEM, _OBJECT_TYPE, _OBJECT = 13, 14, 15, 17, 18, 19
# The channels through which a use of a service makes an e-service user.
E_SERVICE_CHANNELS = frozenset({Channel.ONLINE.value, Channel.API.value})


def roll_up(*, batch: int = BATCH, limit: int | None = None) -> int:
    """Count every entry not counted yet (at most `limit`), a transaction per batch, and
    return how many were counted. Safe to run at any time, from any number of processes."""
    done = 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        with transaction.atomic():
            rows = _claim(size)
            if rows:
                _add(rows)
        done += len(rows)
        if len(rows) < size:
            break
    return done


def pending() -> int:
    """How many entries wait to be counted."""
    return Entry.objects.filter(rolled_up=False).count()


def _claim(size: int) -> list[tuple[Any, ...]]:
    """Mark up to `size` entries not counted yet as counted and return their columns
    (_COLUMNS), in one statement."""
    table = connection.ops.quote_name(Entry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COLUMNS)
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    # "NOT rolled_up", as the partial index history_unrolled is written, so that both
    # databases find the batch through it.
    sql = (
        f'UPDATE {table} SET "rolled_up" = %s WHERE "id" IN ('
        f'SELECT "id" FROM {table} WHERE NOT "rolled_up" ORDER BY "at", "id" LIMIT %s{lock}'
        f") RETURNING {columns}"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # While the statistics still say most entries wait (a history just loaded or
            # migrated), PostgreSQL would walk the index on "at" past every entry already
            # counted and sort what is left, each batch: slower and slower. Without the
            # incremental sort, the partial index, in the batch's order already, is the way.
            cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute(sql, [True, size])
        return cursor.fetchall()


def _add(rows: list[tuple[Any, ...]]) -> None:
    """Add the claimed entries to the roll-ups. Tight on purpose: a busy network's day is a
    hundred thousand entries, each counted in up to ten places. Most entries count one and
    carry no amount: those are counted by C loops (`collections.Counter` over zipped columns), the few
    others one by one."""
    zero = Decimal(0)
    head = itemgetter(0, 1, 2, 3, 4)  # day, network, branch, domain, kind
    plain = [r for r in rows if r[_QUANTITY] == 1 and r[_AMOUNT] is None]
    weighted = [r for r in rows if not (r[_QUANTITY] == 1 and r[_AMOUNT] is None)]
    keys = list(map(head, plain))
    # Each key once as a small number: the columns are counted against it, not the tuple.
    numbers: dict[tuple, int] = {}
    ids = [numbers.setdefault(key, len(numbers)) for key in keys]
    by_id = list(numbers)
    # (day, network, branch, domain, kind) → [quantity, amount], and → {(dimension, value): …}
    counts: dict[tuple, list] = {}
    parts: dict[tuple, dict[tuple[str, str], list]] = {}

    def add(key: tuple, dimension: str | None, value: Any, quantity: int, amount: Decimal) -> None:
        if dimension is None:
            total = counts.get(key)
            if total is None:
                counts[key] = [quantity, amount]
            else:
                total[0] += quantity
                total[1] += amount
            return
        if value is None or value == "":
            return
        inner = parts.setdefault(key, {})
        part_key = (dimension, str(value)[:40])
        part = inner.get(part_key)
        if part is None:
            inner[part_key] = [quantity, amount]
        else:
            part[0] += quantity
            part[1] += amount

    dimensions = [(str(d.value), column) for d, column in _DIMENSIONS]
    for number, n in collections.Counter(ids).items():
        add(by_id[number], None, None, n, zero)
    for dimension, column in dimensions:
        for (number, value), n in collections.Counter(
            zip(ids, map(itemgetter(column), plain), strict=True)
        ).items():
            add(by_id[number], dimension, value, n, zero)
    for row in weighted:
        key, quantity, amount = head(row), row[_QUANTITY], row[_AMOUNT]
        if amount is None:
            amount = zero
        elif not isinstance(amount, Decimal):  # SQLite may give a float
            amount = Decimal(str(amount))
        add(key, None, None, quantity, amount)
        for dimension, column in dimensions:
            add(key, dimension, row[column], quantity, amount)

    day_rows, part_rows = [], []
    for key in sorted(counts, key=_order):
        day, network_id, branch_id, domain, kind = key
        full = (day, day.replace(day=1), network_id or 0, branch_id or 0, domain, kind)
        quantity, amount = counts[key]
        day_rows.append((*full, quantity, amount))
        for (dimension, value), (quantity, amount) in sorted(parts.get(key, {}).items()):
            part_rows.append((*full, dimension, value, quantity, amount))
    _upsert(
        DayCount,
        ("day", "month", "network_id", "branch_id", "domain", "kind"),
        day_rows,
        key=("day", "network_id", "branch_id", "domain", "kind"),
        add=("quantity", "amount"),
    )
    _upsert(
        DayBreakdown,
        ("day", "month", "network_id", "branch_id", "domain", "kind", "dimension", "value"),
        part_rows,
        key=("day", "network_id", "branch_id", "domain", "kind", "dimension", "value"),
        add=("quantity", "amount"),
    )
    _count_distinct(_distinct(rows))


def _order(key: tuple) -> tuple:
    day, network_id, branch_id, domain, kind = key
    return (day, network_id or 0, branch_id or 0, domain, kind)


def _distinct(rows: list[tuple[Any, ...]]) -> list[tuple]:
    """Who used a service, which copies were lent or withdrawn, which objects were worked
    with: each once a year with the months it was seen in (bits), at its branch and in the whole network (a
    patron who used two branches is one user of the network), with the category and age of
    the first entry that counted it."""
    registry = kinds.all_kinds()
    uses = {(k.domain, k.code) for k in registry if k.use}
    lends = {(k.domain, k.code) for k in registry if k.lends}
    withdraws = {(k.domain, k.code) for k in registry if k.withdraws}
    out_of_use = {(k.domain, k.code) for k in registry if k.out_of_use}
    back_in_use = {(k.domain, k.code) for k in registry if k.back_in_use}
    objects = {(k.domain, k.code) for k in registry if k.distinct_object}
    user, copy = Counter.USER.value, Counter.COPY.value
    withdrawn = Counter.COPY_WITHDRAWN.value
    out, back = Counter.COPY_OUT_OF_USE.value, Counter.COPY_BACK_IN_USE.value
    # (counter, network, year, branch, value) → [months, online months, category, age]
    seen: dict[tuple, list] = {}

    def once(counter: str, row: tuple, value: str, online: bool) -> None:
        day = row[0]
        key = (counter, row[1] or 0, day.year, row[2] or 0, value)
        bit = 1 << (day.month - 1)
        found = seen.get(key)
        if found is None:
            seen[key] = [bit, bit if online else 0, row[6], row[7]]
        else:
            found[0] |= bit
            if online:
                found[1] |= bit

    for row in rows:
        what = (row[3], row[4])
        if what in uses and row[_PSEUDONYM]:
            once(user, row, row[_PSEUDONYM], row[5] in E_SERVICE_CHANNELS)
        if what in lends and row[_ITEM] is not None:
            once(copy, row, str(row[_ITEM]), False)
        if what in withdraws and row[_ITEM] is not None:
            once(withdrawn, row, str(row[_ITEM]), False)
        if what in out_of_use and row[_ITEM] is not None:
            once(out, row, str(row[_ITEM]), False)
        if what in back_in_use and row[_ITEM] is not None:
            once(back, row, str(row[_ITEM]), False)
        if what in objects and row[_OBJECT] is not None and row[_OBJECT_TYPE]:
            once(row[_OBJECT_TYPE], row, str(row[_OBJECT]), False)
    # The whole network: in the order first seen, so that the first entry gives the category.
    network: dict[tuple, list] = {}
    for (counter, network_id, year, _branch, value), (months, online, category, age) in list(
        seen.items()
    ):
        key = (counter, network_id, year, NETWORK_WIDE, value)
        found = network.get(key)
        if found is None:
            network[key] = [months, online, category, age]
        else:
            found[0] |= months
            found[1] |= online
    seen.update(network)
    # In key order (two roll-ups then lock shared rows in the same order), sorting the values
    # within each (counter, network, year, branch): far fewer tuples to compare.
    groups: dict[tuple, list[str]] = {}
    for counter, network_id, year, branch_id, value in seen:
        groups.setdefault((counter, network_id, year, branch_id), []).append(value)
    rows_out = []
    for group in sorted(groups):
        is_user = group[0] == user
        for value in sorted(groups[group]):
            months, online, category, age = seen[(*group, value)]
            rows_out.append(
                (*group, value, months, _bits(months), online,
                 *((category, age) if is_user else (None, None)))
            )  # fmt: skip
    return rows_out


def _count_distinct(found: list[tuple]) -> None:
    """Add what `_distinct` found to DistinctYear, and move each row whose months change
    from its old pattern to its new one in DistinctPattern. Reads the rows first, so the
    roll-ups take turns here (a lock on PostgreSQL; SQLite has one writer anyway)."""
    if not found:
        return
    q = connection.ops.quote_name
    table = q(DistinctYear._meta.db_table)
    groups: dict[tuple, list[str]] = {}
    for row in found:
        groups.setdefault(row[:4], []).append(row[4])
    before: dict[tuple, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DISTINCT_LOCK])
        for group, values in groups.items():
            for start in range(0, len(values), 500):
                chunk = values[start : start + 500]
                cursor.execute(
                    f'SELECT "value", "months", "online_months" FROM {table} '
                    'WHERE "counter" = %s AND "network_id" = %s AND "year" = %s '
                    f'AND "branch_id" = %s AND "value" IN ({", ".join(["%s"] * len(chunk))})',
                    [*group, *chunk],
                )
                for value, months, online in cursor.fetchall():
                    before[(*group, value)] = (months, online)
    changed = []
    patterns: dict[tuple, int] = {}
    for row in found:
        group, months, online = row[:4], row[5], row[7]
        old = before.get(row[:5])
        if old is not None:
            months, online = old[0] | months, old[1] | online
            if (months, online) == old:
                continue
            patterns[(*group, *old)] = patterns.get((*group, *old), 0) - 1
        patterns[(*group, months, online)] = patterns.get((*group, months, online), 0) + 1
        changed.append(row)
    _upsert(
        DistinctYear,
        ("counter", "network_id", "year", "branch_id", "value"),
        changed,
        key=("counter", "network_id", "year", "branch_id", "value"),
        add=(),
        values=("months", "month_count", "online_months", "category_id", "age"),
        merge_bits=("months", "online_months"),
        count_bits=("month_count", "months"),
    )
    _upsert(
        DistinctPattern,
        ("counter", "network_id", "year", "branch_id", "months", "online_months"),
        [(*key, _bits(key[4]), number) for key, number in sorted(patterns.items()) if number],
        key=("counter", "network_id", "year", "branch_id", "months", "online_months"),
        add=("number",),
        values=("month_count", "number"),
    )


def _bits(months: int) -> int:
    return bin(months).count("1")


def _upsert(
    model: type[Model],
    columns: tuple[str, ...],
    rows: list[tuple],
    *,
    key: tuple[str, ...],
    add: tuple[str, ...],
    values: tuple[str, ...] | None = None,
    merge_bits: tuple[str, ...] = (),
    count_bits: tuple[str, str] | None = None,
) -> None:
    """INSERT … ON CONFLICT (`key`) DO UPDATE, which SQLite and PostgreSQL both speak (rows
    one by one on SQLite, where that is fast; on PostgreSQL thousands at once from arrays; the
    rows must have distinct keys): the
    `add` columns are added to the existing row's, the `merge_bits` columns or-ed into it,
    and the first column of `count_bits` set to the number of bits of the second once
    merged. Rows are sorted, so two roll-ups lock shared rows in the same order."""
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    value_columns = values if values is not None else add
    updates = [f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in add]
    for column in merge_bits:
        updates.append(f"{q(column)} = ({table}.{q(column)} | excluded.{q(column)})")
    if count_bits is not None:
        # The merged bits, counted one by one: neither database has a popcount both speak.
        target, source = count_bits
        merged = f"({table}.{q(source)} | excluded.{q(source)})"
        ones = " + ".join(f"(({merged} >> {i}) & 1)" for i in range(12))
        updates.append(f"{q(target)} = ({ones})")
    everything = (*columns, *value_columns)
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # One statement for thousands of rows: each column passed as one array.
        fields = {f.column: f for f in model._meta.concrete_fields}
        types = [fields[c].db_type(connection) for c in everything]
        source = "SELECT * FROM unnest(" + ", ".join(f"%s::{t}[]" for t in types) + ")"
    else:
        source = f"VALUES ({', '.join(['%s'] * len(everything))})"
    sql = (
        f"INSERT INTO {table} ({', '.join(q(c) for c in everything)}) {source} "
        f"ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET {', '.join(updates)}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            chunk = rows[start : start + 5000]
            if postgresql:
                cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
            else:
                cursor.executemany(sql, chunk)
