"""The only writers of the history: `record` appends an entry (every app's services call it,
in their own transaction), `forget_patron` and `forget_objects` clear who it was (erasure,
anonymised loans), and `roll_up` adds new entries to the daily counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from bibliohub.db import insert
from bibliohub.history import privacy
from bibliohub.history.actors import Actor
from bibliohub.history.kinds import KEYS_DESTROYED, Kind
from bibliohub.history.models import Entry


class PatronLike(Protocol):
    """What the history reads of a patron: the id (cleared later), the network (whose key
    makes the pseudonym), the category and the date of birth (the age at that moment)."""

    @property
    def pk(self) -> Any: ...

    network_id: int
    category_id: int
    date_of_birth: date | None


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


def record(
    kind: Kind,
    *,
    at: datetime,
    actor: Actor,
    branch: BranchLike | None = None,
    network: int | None = None,
    patron: PatronLike | None = None,
    category_id: int | object | None = _DEFAULT,
    age: int | object | None = _DEFAULT,
    age_band: str = "",
    record_id: int | None = None,
    item: ItemLike | None = None,
    item_type_id: int | None = None,
    language: str = "",
    audience: str = "",
    format: str = "",
    obj: models.Model | None = None,
    quantity: int = 1,
    amount: Decimal | None = None,
    currency: str = "",
    reasons: Sequence[str] = (),
    detail: Mapping[str, Any] | None = None,
) -> Entry:
    """Append one entry of `kind`, done by `actor` at `at`, and return it.

    The network is the branch's, else `network`, else the patron's. About a patron, the
    entry keeps their id, category, age in whole years on that day and pseudonym for the
    year; `category_id` and `age` given explicitly take precedence (a loan whose patron was
    already anonymised keeps what the loan kept); `age_band` is an age group recorded where
    the age is not known (a guest at an event). A copy gives its title and item type.
    `obj` is any other object it touched (a loan, a booking), named by app and model.
    `reasons` are machine-readable codes (a refusal's); `detail` is a small JSON object and
    must hold no personal data: it outlives erasure."""
    if not isinstance(at, datetime) or timezone.is_naive(at):
        raise ValueError("history entries need an aware datetime")
    day = timezone.localdate(at, timezone.get_default_timezone())
    network_id = branch.network_id if branch is not None else network
    if network_id is None and patron is not None:
        network_id = patron.network_id
    entry = _new_entry(
        at=at,
        day=day,
        network_id=network_id,
        branch_id=branch.pk if branch is not None else None,
        domain=kind.domain,
        kind=kind.code,
        channel=actor.channel,
        actor=actor.kind,
        staff_id=actor.staff_id,
        terminal_id=actor.terminal_id,
        source=actor.source,
        record_id=record_id,
        item_type_id=item_type_id,
        age_band=age_band,
        language=language,
        audience=audience,
        format=format,
        quantity=quantity,
        amount=amount,
        currency=currency,
        reasons=list(reasons),
        detail=dict(detail) if detail else {},
    )
    if patron is not None:
        entry.patron_id = patron.pk
        entry.category_id = patron.category_id
        entry.age = privacy.age_on(patron.date_of_birth, day)
        entry.pseudonym = privacy.pseudonym(
            network_id=patron.network_id, patron_id=patron.pk, day=day, at=at
        )
    elif actor.patron_id is not None and network_id is not None:
        entry.patron_id = actor.patron_id
        entry.pseudonym = privacy.pseudonym(
            network_id=network_id, patron_id=actor.patron_id, day=day, at=at
        )
    if category_id is not _DEFAULT:
        entry.category_id = category_id  # type: ignore[assignment]
    if age is not _DEFAULT:
        entry.age = age  # type: ignore[assignment]
    if item is not None:
        entry.item_id = item.pk
        entry.record_id = entry.record_id or item.record_id
        entry.item_type_id = entry.item_type_id or item.item_type_id
    if obj is not None:
        entry.object_type = obj._meta.label_lower
        entry.object_id = obj.pk
    insert(entry)  # one prepared INSERT: a checkout appends one of these
    return entry


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
    *, network_id: int, through_year: int, actor: Actor, at: datetime
) -> list[int]:
    """Destroy the network's pseudonym keys of `through_year` and before (privacy.destroy_keys)
    and return those years: their pseudonyms stay countable and can no longer be linked to
    anyone. Records a KEYS_DESTROYED entry when there were any."""
    years = privacy.destroy_keys(network_id=network_id, through_year=through_year, at=at)
    if years:
        record(KEYS_DESTROYED, at=at, actor=actor, network=network_id, detail={"years": years})
    return years
