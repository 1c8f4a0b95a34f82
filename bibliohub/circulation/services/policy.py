"""Writers of the policy librarians edit: circulation rules, school terms and the privacy
policy. Each change is recorded with the values saved, so "why was this due on the 3rd" can
be answered after the rule has changed again."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.forms.models import model_to_dict

from bibliohub.circulation.kinds import POLICY_CHANGED, PRIVACY_CHANGED
from bibliohub.circulation.models import CirculationRule, PrivacyPolicy, Term
from bibliohub.history import Actor
from bibliohub.history import services as history
from bibliohub.history.services import changed_fields

# Free text typed by a person (a rule's note, a term's names) is not kept in the history,
# which outlives everything: the entry names the field as changed, the value stays on the row.
_TEXT = frozenset({"note", "name", "names"})


def _values(instance: models.Model) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    return {
        key: plain(value) for key, value in model_to_dict(instance).items() if key not in _TEXT
    }


@transaction.atomic
def save_rule(rule: CirculationRule, *, actor: Actor, at: datetime) -> CirculationRule:
    """Save a new or changed rule (validated by the caller's form) and record POLICY_CHANGED
    with the fields changed and the values saved."""
    fields = changed_fields(rule)
    created = rule.pk is None
    rule.save()
    history.record(
        POLICY_CHANGED,
        at=at,
        actor=actor,
        branch=rule.branch,
        network=rule.branch.network_id if rule.branch else None,
        obj=rule,
        detail={
            "rule": rule.pk,
            "created": created,
            "fields": fields,
            "values": _values(rule),
        },
    )
    return rule


@transaction.atomic
def delete_rule(rule: CirculationRule, *, actor: Actor, at: datetime) -> None:
    """Delete a rule (the next most specific one applies instead). Records POLICY_CHANGED
    with the values it had."""
    history.record(
        POLICY_CHANGED,
        at=at,
        actor=actor,
        branch=rule.branch,
        network=rule.branch.network_id if rule.branch else None,
        obj=rule,
        detail={"rule": rule.pk, "deleted": True, "values": _values(rule)},
    )
    rule.delete()


@transaction.atomic
def save_term(term: Term, *, actor: Actor, at: datetime) -> Term:
    """Save a new or changed school term (validated by the caller's form) and record
    POLICY_CHANGED with the fields changed and the dates saved."""
    fields = changed_fields(term)
    created = term.pk is None
    term.save()
    history.record(
        POLICY_CHANGED,
        at=at,
        actor=actor,
        branch=term.branch,
        network=term.network_id,
        obj=term,
        detail={"term": term.pk, "created": created, "fields": fields, "values": _values(term)},
    )
    return term


@transaction.atomic
def delete_term(term: Term, *, actor: Actor, at: datetime) -> None:
    """Delete a school term. Records POLICY_CHANGED with the dates it had."""
    history.record(
        POLICY_CHANGED,
        at=at,
        actor=actor,
        branch=term.branch,
        network=term.network_id,
        obj=term,
        detail={"term": term.pk, "deleted": True, "values": _values(term)},
    )
    term.delete()


@transaction.atomic
def save_privacy_policy(policy: PrivacyPolicy, *, actor: Actor, at: datetime) -> PrivacyPolicy:
    """Set how long the network keeps who borrowed a returned loan. Records PRIVACY_CHANGED
    with the delay saved."""
    created = policy.pk is None
    policy.save()
    history.record(
        PRIVACY_CHANGED,
        at=at,
        actor=actor,
        network=policy.network_id,
        obj=policy,
        detail={"created": created, "anonymise_after_days": policy.anonymise_after_days},
    )
    return policy
