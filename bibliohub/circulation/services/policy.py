"""Writers of the policy librarians edit: circulation rules and school terms. Each change is
kept as an event with the values saved, so "why was this due on the 3rd" can be answered
after the rule has changed again."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from bibliohub.accounts.models import User
from bibliohub.circulation.models import CirculationRule, Term
from bibliohub.circulation.services._common import Kind, record_event


def _values(instance: models.Model) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    return {key: plain(value) for key, value in model_to_dict(instance).items()}


@transaction.atomic
def save_rule(rule: CirculationRule, *, staff: User, at: datetime) -> CirculationRule:
    """Save a new or changed rule (validated by the caller's form) and record the change."""
    created = rule.pk is None
    rule.save()
    record_event(
        Kind.POLICY_CHANGED, at=at, branch=rule.branch, staff=staff,
        detail={"rule": rule.pk, "created": created, "values": _values(rule)},
    )
    return rule


@transaction.atomic
def save_term(term: Term, *, staff: User, at: datetime) -> Term:
    """Save a new or changed school term (validated by the caller's form) and record it."""
    created = term.pk is None
    term.save()
    record_event(
        Kind.POLICY_CHANGED, at=at, branch=term.branch, staff=staff,
        detail={"term": term.pk, "created": created, "values": _values(term)},
    )
    return term
