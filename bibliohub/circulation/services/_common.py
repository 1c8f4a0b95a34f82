"""What every circulation service shares: the material facts its history entries carry,
override checks, money, local times and the one writer of an item's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.catalog.models import Item
from bibliohub.circulation.errors import OverrideNotAllowed, RefusalReason
from bibliohub.circulation.rules import DUE_TIME
from bibliohub.db import repeated_cursor
from bibliohub.history import Actor
from bibliohub.libraries.models import Network
from bibliohub.search.indexing import refresh_holdings

# What a copy's entries carry of its title, for the figures grouped by the material's
# language, format and audience (read with the copy, see with_material). The first language
# comes out of the JSON list in the query itself, as text: nothing to decode per checkout.
_MATERIAL: dict[str, Any] = {
    "material_language": lambda path: KeyTextTransform("0", f"{path}record__languages"),
    "material_format": lambda path: F(f"{path}record__format"),
    "material_audience": lambda path: F(f"{path}record__audience"),
}


def with_material(items: QuerySet[Any], *, path: str = "") -> QuerySet[Any]:
    """`items` (or, with `path` such as "item__", the rows that lead to a copy) with the
    title's first language, format and audience as annotations: the facts a loan's entries
    keep, read in the same query as the copy instead of one more per loan."""
    return items.annotate(**{name: make(path) for name, make in _MATERIAL.items()})


@dataclass(frozen=True, slots=True)
class Material:
    """The dimensions the roll-ups group loans by: the copy's item type, and its title's
    first language, format and audience."""

    item_type_id: int | None = None
    language: str = ""
    format: str = ""
    audience: str = ""

    def as_record_arguments(self) -> dict[str, Any]:
        return {
            "item_type_id": self.item_type_id,
            "language": self.language,
            "format": self.format,
            "audience": self.audience,
        }


def material_of(row: Any, *, item_type_id: int | None) -> Material:
    """The Material of a copy (or a loan) read through with_material."""
    return Material(
        item_type_id=item_type_id,
        language=(getattr(row, "material_language", None) or "")[:8],
        format=getattr(row, "material_format", "") or "",
        audience=getattr(row, "material_audience", "") or "",
    )


def check_override(actor: Actor, override_reason: str | None) -> str:
    """The override reason, stripped, or "" for none. Raises OverrideNotAllowed for an
    override by anyone but staff (a terminal, a patron online, a job) or with a blank
    reason."""
    if override_reason is None:
        return ""
    if not actor.may_override:
        raise OverrideNotAllowed(_("Only library staff can override a refusal."))
    if not override_reason.strip():
        raise OverrideNotAllowed(_("Say why the refusal is overridden."))
    return override_reason.strip()


def can_override(reasons: list[RefusalReason], override_reason: str) -> bool:
    return bool(override_reason) and all(r.overridable for r in reasons)


def override_detail(reasons: list[RefusalReason], override_reason: str) -> dict[str, Any]:
    """What an entry keeps of an override: that there was one (the reasons overridden are
    the entry's reasons). The reason staff typed stays on the loan or hold it concerns:
    free text may name a person, and the history outlives erasure."""
    return {"override": True} if reasons and override_reason else {}


def currency_of(network_id: int) -> str:
    """The currency the network's fines and payments are in (Network.currency): read only
    for entries that carry an amount."""
    return Network.objects.filter(pk=network_id).values_list("currency", flat=True).first() or ""


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, DUE_TIME, tzinfo=timezone.get_current_timezone())


def days_after(at: datetime, days: int) -> datetime:
    """The end of the local day `days` after `at`."""
    return end_of_day(timezone.localdate(at) + timedelta(days=days))


def save_item_status(item: Item, status: str) -> str:
    """Change the copy's status and, in the same transaction, its record's holdings in the
    search index, so that "available now" in the OPAC follows the desk. In the transaction,
    not after it: a second transaction would cost a checkout a second durable commit.
    Returns the status, which the caller's history entry keeps (detail "item_status"): no
    status changes without an entry saying so."""
    item.status = status
    # What item.save(update_fields=["status"]) writes, without building the query each time.
    with repeated_cursor() as cursor:
        cursor.execute(_SET_ITEM_STATUS, [status, item.pk])
    refresh_holdings([item.record_id])
    return status


_SET_ITEM_STATUS = 'UPDATE "{}" SET "{}" = %s WHERE "{}" = %s'.format(
    Item._meta.db_table, Item._meta.get_field("status").column, Item._meta.pk.column
)
