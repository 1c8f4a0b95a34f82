"""What every circulation service shares: the event row, override checks, local times."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item
from bibliohub.circulation.errors import OverrideNotAllowed, RefusalReason
from bibliohub.circulation.models import CirculationEvent, Hold, Loan
from bibliohub.circulation.rules import DUE_TIME
from bibliohub.db import insert, repeated_cursor
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron

Kind = CirculationEvent.Kind


def record_event(
    kind: str,
    *,
    at: datetime,
    branch: Branch | None,
    staff: User | None,
    desk: str = "",
    item: Item | None = None,
    record_id: int | None = None,
    patron: Patron | None = None,
    loan: Loan | None = None,
    hold: Hold | None = None,
    action: str = "",
    reasons: Sequence[RefusalReason] = (),
    override_reason: str = "",
    amount: Decimal | None = None,
    detail: dict[str, Any] | None = None,
) -> CirculationEvent:
    """Append one circulation event. Category and age band come from the patron (whose
    category must be loaded) or, for an anonymised loan, from the loan."""
    category_id, age_band = None, ""
    if patron is not None:
        category_id, age_band = patron.category_id, patron.category.age_band
    elif loan is not None:
        category_id, age_band = loan.category_id, loan.age_band
    if record_id is None and item is not None:
        record_id = item.record_id
    event = CirculationEvent(
        kind=kind,
        at=at,
        branch=branch,
        desk=desk,
        staff=staff,
        item=item,
        record_id=record_id,
        patron=patron,
        loan=loan,
        hold=hold,
        category_id=category_id,
        age_band=age_band,
        action=action,
        reasons=[r.value for r in reasons],
        override_reason=override_reason,
        amount=amount,
        detail=detail or {},
    )
    insert(event)  # one prepared INSERT: every circulation action appends one of these
    return event


def check_override(staff: User | None, override_reason: str | None) -> str:
    """The override reason, stripped, or "" for none. Raises OverrideNotAllowed for an
    override from a terminal (staff=None) or with a blank reason."""
    if override_reason is None:
        return ""
    if staff is None:
        raise OverrideNotAllowed(_("A self-check terminal cannot override a refusal."))
    if not override_reason.strip():
        raise OverrideNotAllowed(_("Say why the refusal is overridden."))
    return override_reason.strip()


def can_override(reasons: Sequence[RefusalReason], override_reason: str) -> bool:
    return bool(override_reason) and all(r.overridable for r in reasons)


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, DUE_TIME, tzinfo=timezone.get_current_timezone())


def days_after(at: datetime, days: int) -> datetime:
    """The end of the local day `days` after `at`."""
    return end_of_day(timezone.localdate(at) + timedelta(days=days))


def save_item_status(item: Item, status: str) -> None:
    """Change the copy's status and, in the same transaction, its record's holdings in the
    search index, so that "available now" in the OPAC follows the desk. In the transaction,
    not after it: a second transaction would cost a checkout a second durable commit."""
    from bibliohub.search.indexing import refresh_holdings  # search reads circulation's result

    item.status = status
    # What item.save(update_fields=["status"]) writes, without building the query each time.
    with repeated_cursor() as cursor:
        cursor.execute(_SET_ITEM_STATUS, [status, item.pk])
    refresh_holdings([item.record_id])


_SET_ITEM_STATUS = 'UPDATE "{}" SET "{}" = %s WHERE "{}" = %s'.format(
    Item._meta.db_table, Item._meta.get_field("status").column, Item._meta.pk.column
)
