"""The only writers of the history: `record` appends an entry (every app's services call it,
in their own transaction), `record_many` many entries at once (`draft` makes them, as
`record` would), `forget_patron` and `forget_objects` clear who it was (erasure,
anonymised loans), and `roll_up` adds new entries to the daily counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass
from datetime import date, datetime, tzinfo
from decimal import Decimal
from itertools import chain
from typing import Any, Protocol

from django.db import connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.db import insert
from bibliohub.history import indicators, privacy
from bibliohub.history.actors import Actor
from bibliohub.history.kinds import KEYS_DESTROYED, PARAMETER_SET, Kind
from bibliohub.history.models import Census, Entry, IndicatorSetting


class PatronLike(Protocol):
    """What the history reads of a patron: the id (cleared later), the network (whose key
    makes the pseudonym), the category and the date of birth (the age at that moment)."""

    @property
    def pk(self) -> Any: ...

    network_id: int
    category_id: int
    date_of_birth: date | None
    school_class: str


class BranchLike(Protocol):
    @property
    def pk(self) -> Any: ...

    network_id: int


class ItemLike(Protocol):
    @property
    def pk(self) -> Any: ...

    record_id: int
    item_type_id: int


_DEFAULT = object()

# An entry's values in the order of COLUMNS, made by `draft` and written by `record_many`:
# every field of Entry but its id and the roll-up's mark.
Draft = tuple[Any, ...]
COLUMNS = (
    "at",
    "day",
    "network_id",
    "branch_id",
    "domain",
    "kind",
    "channel",
    "actor",
    "staff_id",
    "terminal_id",
    "source",
    "patron_id",
    "pseudonym",
    "category_id",
    "age",
    "age_band",
    "school_class",
    "record_id",
    "item_id",
    "item_type_id",
    "language",
    "audience",
    "format",
    "topic",
    "object_type",
    "object_id",
    "quantity",
    "amount",
    "currency",
    "reasons",
    "detail",
)


def record(
    kind: Kind,
    *,
    at: datetime,
    actor: Actor,
    day: date | None = None,
    branch: BranchLike | None = None,
    network: int | None = None,
    patron: PatronLike | None = None,
    category_id: int | object | None = _DEFAULT,
    age: int | object | None = _DEFAULT,
    age_band: str = "",
    school_class: str | None = None,
    record_id: int | None = None,
    item: ItemLike | None = None,
    item_id: int | None = None,
    item_type_id: int | None = None,
    language: str = "",
    audience: str = "",
    format: str = "",
    topic: str = "",
    obj: models.Model | None = None,
    quantity: int = 1,
    amount: Decimal | None = None,
    currency: str = "",
    reasons: Sequence[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> Entry:
    """Append one entry of `kind`, done by `actor` at `at`, and return it. It counts for
    the local day of `at`, or for `day` when it is a count made later for the day it counts
    (the visits of Monday entered on Tuesday) or a census.

    The network is the branch's, else `network`, else the patron's. About a patron, the
    entry keeps their id, category, age in whole years on that day and pseudonym for the
    year; `category_id` and `age` given explicitly take precedence (a loan whose patron was
    already anonymised keeps what the loan kept); `age_band` is an age group recorded where
    the age is not known (a guest at an event); the patron's class at school
    (`school_class`, taken from the patron unless given) is kept too. A copy (`item`) gives its title and item
    type; `item_id` names a copy by its id where no instance is at hand.
    `obj` is any other object it touched (a loan, a booking), named by app and model.
    `topic` is what it was about in the app's own terms, a dotted code of at most 40
    characters that the app's indicators break figures down by ("complaint.building").
    `reasons` are machine-readable codes (a refusal's); `detail` is a small JSON object and
    must hold no personal data: it outlives erasure. Raises ValueError for a naive `at`."""
    values = draft(
        kind,
        at=at,
        actor=actor,
        day=day,
        branch=branch,
        network=network,
        patron=patron,
        category_id=category_id,
        age=age,
        age_band=age_band,
        school_class=school_class,
        record_id=record_id,
        item=item,
        item_id=item_id,
        item_type_id=item_type_id,
        language=language,
        audience=audience,
        format=format,
        topic=topic,
        obj=obj,
        quantity=quantity,
        amount=amount,
        currency=currency,
        reasons=reasons,
        detail=detail,
    )
    entry = _new_entry(**dict(zip(COLUMNS, values, strict=True)))
    insert(entry)  # one prepared INSERT: a checkout appends one of these
    return entry


def draft(
    kind: Kind,
    *,
    at: datetime,
    actor: Actor,
    day: date | None = None,
    branch: BranchLike | None = None,
    network: int | None = None,
    patron: PatronLike | None = None,
    category_id: int | object | None = _DEFAULT,
    age: int | object | None = _DEFAULT,
    age_band: str = "",
    school_class: str | None = None,
    record_id: int | None = None,
    item: ItemLike | None = None,
    item_id: int | None = None,
    item_type_id: int | None = None,
    language: str = "",
    audience: str = "",
    format: str = "",
    topic: str = "",
    obj: models.Model | None = None,
    quantity: int = 1,
    amount: Decimal | None = None,
    currency: str = "",
    reasons: Sequence[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> Draft:
    """The entry that `record` would append with the same arguments, as its values in the
    order of COLUMNS, not written yet: `record_many` writes many of them at once. Raises
    ValueError for a naive `at`."""
    counted = _local_day(at)
    if day is None:
        day = counted
    network_id = branch.network_id if branch is not None else network
    if network_id is None and patron is not None:
        network_id = patron.network_id
    patron_id = None
    pseudonym = ""
    patron_category = patron_age = None
    if patron is not None:
        patron_id = patron.pk
        patron_category = patron.category_id
        patron_age = privacy.age_on(patron.date_of_birth, day)
        if school_class is None:
            school_class = patron.school_class
        pseudonym = privacy.pseudonym(
            network_id=patron.network_id, patron_id=patron.pk, day=day, at=at
        )
    elif actor.patron_id is not None and network_id is not None:
        patron_id = actor.patron_id
        pseudonym = privacy.pseudonym(
            network_id=network_id, patron_id=actor.patron_id, day=day, at=at
        )
    if item is not None:
        item_id = item.pk
        record_id = record_id or item.record_id
        item_type_id = item_type_id or item.item_type_id
    return (
        at,
        day,
        network_id,
        branch.pk if branch is not None else None,
        kind.domain,
        kind.code,
        actor.channel,
        actor.kind,
        actor.staff_id,
        actor.terminal_id,
        actor.source,
        patron_id,
        pseudonym,
        patron_category if category_id is _DEFAULT else category_id,
        patron_age if age is _DEFAULT else age,
        age_band,
        (school_class or "").strip()[:40] or None,
        record_id,
        item_id,
        item_type_id,
        language,
        audience,
        format,
        topic[:40] or None,
        obj._meta.label_lower if obj is not None else "",
        obj.pk if obj is not None else None,
        quantity,
        amount,
        currency,
        list(reasons),
        dict(detail) if detail else {},
    )


# The local day of the last moment asked for, with the time zone it was worked out in: the
# entries of an import's batch all share one moment.
_last_day: tuple[datetime, tzinfo, date] | None = None


def _local_day(at: datetime) -> date:
    """The network's local day of `at` (BIBLIOHUB_TIME_ZONE)."""
    global _last_day
    zone = timezone.get_default_timezone()
    last = _last_day
    if last is not None and last[0] is at and last[1] is zone:
        return last[2]
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise ValueError("history entries need an aware datetime")
    day = timezone.localdate(at, zone)
    _last_day = (at, zone, day)
    return day


def record_many(drafts: Sequence[Draft]) -> int:
    """Append the entries of `drafts` (made by `draft`) in the caller's transaction and
    return how many there were: for many entries at once, such as an import's batch, which
    `record` would write one statement each. They are written by multi-row INSERTs of up
    to _ROWS entries; their ids are left to the database and not returned."""
    if not drafts:
        return 0
    ops = connection.ops
    columns = [
        _adapted(name, values, ops)
        for name, values in zip(COLUMNS, zip(*drafts, strict=True), strict=True)
    ]
    columns.append([False] * len(drafts))  # rolled_up
    # Not a prepared statement (db.repeated_cursor): its text changes with what the entries
    # share, and PostgreSQL would keep a plan of thousands of parameters for each.
    with connection.cursor() as cursor:
        for start in range(0, len(drafts), _ROWS):
            cursor.execute(*_insert_many([values[start : start + _ROWS] for values in columns]))
    return len(drafts)


_NAMES = (*COLUMNS, "rolled_up")
_FIELDS = {f.name: f for f in Entry._meta.concrete_fields}
_NULLABLE = frozenset(name for name in COLUMNS if _FIELDS[name].null)
_MAX_PARAMETERS = 30_000  # below SQLite's 32,766 and PostgreSQL's 65,535
_ROWS = _MAX_PARAMETERS // len(_NAMES)


def _adapted(name: str, values: tuple[Any, ...], ops: Any) -> Sequence[Any]:
    """The values of column `name` as the database takes them; a moment or a day that every
    entry shares (an import's batch) is adapted once."""
    if name in ("at", "day"):
        adapt = ops.adapt_datetimefield_value if name == "at" else ops.adapt_datefield_value
        if values.count(values[0]) == len(values):
            return [adapt(values[0])] * len(values)
        return [adapt(v) for v in values]
    if name == "amount":
        return [None if v is None else ops.adapt_decimalfield_value(v, 12, 2) for v in values]
    if name in ("reasons", "detail"):
        empty = ops.adapt_json_value(type(values[0])(), None)
        return [ops.adapt_json_value(v, None) if v else empty for v in values]
    return values


def _insert_many(columns: list[Sequence[Any]]) -> tuple[str, list[Any]]:
    """One INSERT of the entries whose values `columns` holds, column by column, and its
    parameters. What every entry shares (the moment, the actor, the kind of thing, the empty
    parts) is bound once, in the SELECT, and a column no entry fills is left out (NULL); only
    the rest is bound for each entry, in a VALUES list: seven values or so for an entry of
    an import, not thirty. Measured on SQLite, such an entry costs 7 µs so, 11 µs with one
    INSERT run for each and the empty columns left out, 14.5 µs with all of them."""
    count = len(columns[0])
    shared_names: list[str] = []
    shared: list[Any] = []
    own_names: list[str] = []
    own: list[Sequence[Any]] = []
    for name, values in zip(_NAMES, columns, strict=True):
        first = values[0]
        if values.count(first) != count:
            own_names.append(name)
            own.append(values)
        elif first is not None or name not in _NULLABLE:
            shared_names.append(name)
            shared.append(first)
    if not own:  # a VALUES list needs a column
        own_names.append(shared_names.pop(0))
        own.append([shared.pop(0)] * count)
    q = connection.ops.quote_name
    names = ", ".join(q(_FIELDS[n].column) for n in (*shared_names, *own_names))
    row = "(" + ", ".join(["%s"] * len(own)) + ")"
    sql = (
        f"INSERT INTO {q(Entry._meta.db_table)} ({names}) "
        f"SELECT {'%s, ' * len(shared)}v.* FROM (VALUES {', '.join([row] * count)}) AS v"
    )
    return sql, [*shared, *chain.from_iterable(zip(*own, strict=True))]


# Every field of a new entry, at its default (the JSON fields' are always given anew).
_BLANK = {field.attname: field.get_default() for field in Entry._meta.concrete_fields}


def _new_entry(**values: Any) -> Entry:
    """A new Entry with these values and the defaults for the rest, made without
    Model.__init__ (as Django makes an instance it unpickles): a checkout records one, and
    going through __init__ field by field cost a fifth of recording it."""
    entry = Entry.__new__(Entry)
    entry.__dict__.update(_BLANK)
    entry.__dict__.update(values)
    entry._state = ModelState()
    return entry


def changed_fields(obj: models.Model) -> list[str]:
    """The names of the fields of `obj` that differ from its saved row (every field of a new
    object): what a "saved" entry records, names only, since values may be personal."""
    fields = [f for f in obj._meta.concrete_fields if not f.primary_key]
    stored = (
        type(obj)._default_manager.filter(pk=obj.pk).values(*(f.attname for f in fields)).first()
        if obj.pk is not None
        else None
    )
    if stored is None:
        return [f.name for f in fields]
    return [f.name for f in fields if stored[f.attname] != f.value_from_object(obj)]


def object_type(model: type[models.Model]) -> str:
    """How entries name objects of `model` ("circulation.loan")."""
    return model._meta.label_lower


def forget_patron(patron_id: int) -> int:
    """Clear the patron from every entry about them (erasure). Category, age, branch and
    pseudonym stay, so no figure changes. Returns how many entries changed."""
    return Entry.objects.filter(patron_id=patron_id).update(patron_id=None)


def forget_objects(model: type[models.Model], ids: Iterable[int]) -> int:
    """Clear the patron from the entries about these objects (anonymised loans): who
    borrowed what is forgotten, what was borrowed, when and by whom in figures is not."""
    ids = list(ids)
    changed = 0
    for start in range(0, len(ids), 500):
        changed += Entry.objects.filter(
            object_type=object_type(model),
            object_id__in=ids[start : start + 500],
            patron_id__isnull=False,
        ).update(patron_id=None)
    return changed


@transaction.atomic
def destroy_pseudonym_keys(
    *,
    network_id: int,
    actor: Actor,
    at: datetime,
    through_year: int | None = None,
    years: Iterable[int] | None = None,
) -> list[int]:
    """Destroy the network's pseudonym keys of `through_year` and before, or of `years`
    (privacy.destroy_keys), and return the years destroyed: their pseudonyms stay countable
    and can no longer be linked to anyone. Records a KEYS_DESTROYED entry when there were
    any."""
    if through_year is None and years is None:
        raise ValueError("say which years")
    years = privacy.destroy_keys(
        network_id=network_id, through_year=through_year, years=years, at=at
    )
    if years:
        record(KEYS_DESTROYED, at=at, actor=actor, network=network_id, detail={"years": years})
    return years


# --- censuses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """What a census counts by, as the entry's dimensions (none: one level for the branch):
    the copies of one item type and language, the cards of one category, the students of
    one class."""

    category_id: int | None = None
    age_band: str = ""
    item_type_id: int | None = None
    language: str = ""
    audience: str = ""
    format: str = ""
    school_class: str = ""


def _group_order(group: Group) -> tuple[str, ...]:
    return tuple("" if v is None else str(v) for v in astuple(group))


@transaction.atomic
def record_census(
    kind: Kind,
    *,
    day: date,
    counts: Mapping[Group, int | tuple[int, Decimal]],
    actor: Actor,
    at: datetime,
    branch: BranchLike | None = None,
    network: int | None = None,
) -> int:
    """Record what a daily count of `kind` (a kind marked `census`) found at `branch` (or,
    without one, in `network`) on `day`: for each group, how many (and, with a tuple, an
    amount: hours open). The entries of the day then add up to these counts, group by group: the
    first count of a day writes an entry per group (one entry of nothing when it found
    nothing, so that "counted, none" is told from "not counted"), and counting the same day
    again writes only the differences. Returns how many entries were written. Raises
    ValueError for a kind that is not a census."""
    if not kind.census:
        raise ValueError(f"{kind.key} is not a census")
    network_id = branch.network_id if branch is not None else network
    if network_id is None:
        raise ValueError("a census is of a branch or a network")
    branch_id = branch.pk if branch is not None else 0
    census, created = Census.objects.get_or_create(
        kind=kind.key,
        network_id=network_id,
        branch_id=branch_id,
        day=day,
        defaults={"counted_at": at},
    )
    if not created:
        census = Census.objects.select_for_update().get(pk=census.pk)
    before = {Group(*group): (quantity, Decimal(amount)) for group, quantity, amount in census.counts}
    now: dict[Group, tuple[int, Decimal]] = {}
    for group, count in counts.items():
        quantity, amount = count if isinstance(count, tuple) else (count, Decimal(0))
        now[group] = (quantity, Decimal(amount))
    drafts = []
    for group in sorted(set(before) | set(now), key=_group_order):
        was, was_amount = before.get(group, (0, Decimal(0)))
        is_, is_amount = now.get(group, (0, Decimal(0)))
        if is_ - was or is_amount - was_amount:
            drafts.append(_census_draft(
                kind, group, day=day, at=at, actor=actor, branch=branch, network=network_id,
                quantity=is_ - was, amount=is_amount - was_amount,
            ))
    if created and not drafts:
        drafts.append(_census_draft(
            kind, Group(), day=day, at=at, actor=actor, branch=branch, network=network_id,
            quantity=0, amount=Decimal(0),
        ))
    record_many(drafts)
    census.counts = [
        [list(astuple(group)), quantity, str(amount)]
        for group, (quantity, amount) in sorted(now.items(), key=lambda kv: _group_order(kv[0]))
    ]
    census.counted_at = at
    census.save(update_fields=["counts", "counted_at"])
    return len(drafts)


def _census_draft(
    kind: Kind,
    group: Group,
    *,
    day: date,
    at: datetime,
    actor: Actor,
    branch: BranchLike | None,
    network: int,
    quantity: int,
    amount: Decimal,
) -> Draft:
    return draft(
        kind,
        at=at,
        day=day,
        actor=actor,
        branch=branch,
        network=network,
        category_id=group.category_id,
        age=None,
        age_band=group.age_band,
        school_class=group.school_class or None,
        item_type_id=group.item_type_id,
        language=group.language,
        audience=group.audience,
        format=group.format,
        quantity=quantity,
        amount=amount or None,
    )


def counted_days(kind: Kind, *, network_id: int, branch_id: int, since: date) -> set[date]:
    """The days from `since` on that a census of `kind` has counted at the branch (0: the
    network without a branch)."""
    return set(
        Census.objects.filter(
            kind=kind.key, network_id=network_id, branch_id=branch_id, day__gte=since
        ).values_list("day", flat=True)
    )


# --- the library's settings of indicators -------------------------------------------------


class SettingRefused(ValueError):
    """A setting of an indicator that cannot be made, with the reason in words."""


@transaction.atomic
def set_indicator_setting(
    *, network_id: int, code: str, name: str, value: Decimal, actor: Actor, at: datetime
) -> IndicatorSetting:
    """Set the library's choice `value` for setting `name` of indicator `code` (the months of
    use that make a regular user) and return it. Figures computed from now on use it;
    frozen figures keep the setting they were computed with. Records PARAMETER_SET with
    the value before and after. Raises SettingRefused for an unknown indicator or setting
    or a value out of its range."""
    indicator = indicators.get(code)
    setting = next((s for s in indicator.settings if s.name == name), None) if indicator else None
    if indicator is None or setting is None:
        raise SettingRefused(_("There is no such setting."))
    if value < setting.minimum or (setting.maximum is not None and value > setting.maximum):
        raise SettingRefused(
            _("Choose a value from %(low)s to %(high)s.")
            % {"low": setting.minimum, "high": setting.maximum if setting.maximum is not None else "…"}
        )
    row = IndicatorSetting.objects.select_for_update().filter(
        network_id=network_id, code=code, name=name
    ).first()
    before = str(row.value) if row is not None else None
    if row is None:
        row = IndicatorSetting(network_id=network_id, code=code, name=name)
    row.value = value
    row.changed_at = at
    row.save()
    record(
        PARAMETER_SET,
        at=at,
        actor=actor,
        network=network_id,
        obj=row,
        detail={"indicator": code, "setting": name, "before": before, "after": str(value)},
    )
    return row
