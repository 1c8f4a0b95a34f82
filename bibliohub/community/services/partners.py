"""Partner organisations, their contacts and agreements, what the library does with them, and
referrals of people between the library and a partner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.files import File
from django.db import transaction

from bibliohub.community.kinds import (
    ACTIVITY_RECORDED,
    AGREEMENT_SAVED,
    CONTACT_SAVED,
    PARTNER_SAVED,
    REFERRAL_LOGGED,
    REFERRAL_OUTCOME,
)
from bibliohub.community.models import (
    ActivityKind,
    Agreement,
    Direction,
    Partner,
    PartnerActivity,
    PartnerContact,
    PartnerKind,
    Referral,
    ReferralOutcome,
)
from bibliohub.community.services._events import iso, record
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network


@dataclass
class PartnerDetails:
    name: str
    kind: PartnerKind | str
    since: date
    branches: list[Branch]
    names: dict[str, str] = field(default_factory=dict)
    description: str = ""
    offers: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    is_active: bool = True


@transaction.atomic
def save_partner(
    partner: Partner | None,
    *,
    network: Network,
    details: PartnerDetails,
    actor: Actor,
    at: datetime,
) -> Partner:
    """Create a partner (`partner` None) or change one, and return it. `details.branches`
    replaces the partner's branches. Records PARTNER_SAVED.

    Raises ValidationError for a missing name, an unknown type or a malformed address."""
    creating = partner is None
    partner = partner or Partner(network=network)
    for name in (
        "name", "kind", "since", "names", "description", "offers", "website", "email", "phone",
        "address", "is_active",
    ):
        setattr(partner, name, getattr(details, name))
    partner.full_clean()
    partner.save()
    partner.branches.set(details.branches)
    record(
        PARTNER_SAVED, network=partner.network_id, at=at, actor=actor, partner=partner,
        detail={
            "created": creating, "type": partner.kind, "since": iso(partner.since),
            "active": partner.is_active, "branches": sorted(b.code for b in details.branches),
        },
    )
    return partner


@transaction.atomic
def save_contact(
    contact: PartnerContact | None,
    *,
    partner: Partner,
    name: str,
    role: str = "",
    email: str = "",
    phone: str = "",
    is_primary: bool = False,
    actor: Actor,
    at: datetime,
) -> PartnerContact:
    """Add a contact person to `partner` (or change `contact`) and return it. A new main
    contact makes the previous one an ordinary contact. Records CONTACT_SAVED (without the
    person's name or details)."""
    contact = contact or PartnerContact(partner=partner)
    contact.name, contact.role, contact.email, contact.phone = name, role, email, phone
    contact.is_primary = is_primary
    contact.full_clean()
    contact.save()
    if is_primary:
        partner.contacts.exclude(pk=contact.pk).update(is_primary=False)
    record(
        CONTACT_SAVED, network=partner.network_id, at=at, actor=actor, partner=partner,
        detail={"contact": contact.pk, "primary": is_primary},
    )
    return contact


@transaction.atomic
def save_agreement(
    agreement: Agreement | None,
    *,
    partner: Partner,
    title: str,
    starts_on: date,
    ends_on: date | None = None,
    signed_on: date | None = None,
    document: File | None = None,
    notes: str = "",
    actor: Actor,
    at: datetime,
) -> Agreement:
    """Add an agreement with `partner` (or change `agreement`) and return it. A new
    `document` replaces the stored one; None keeps it.

    Records AGREEMENT_SAVED with its dates (its title and notes stay on the agreement).
    Raises ValidationError when the agreement ends before it starts."""
    agreement = agreement or Agreement(partner=partner)
    agreement.title, agreement.notes = title, notes
    agreement.starts_on, agreement.ends_on, agreement.signed_on = starts_on, ends_on, signed_on
    if document is not None:
        agreement.document = document
    agreement.full_clean()
    agreement.save()
    record(
        AGREEMENT_SAVED, network=partner.network_id, at=at, actor=actor, partner=partner,
        detail={
            "agreement": agreement.pk, "starts_on": iso(starts_on), "ends_on": iso(ends_on),
            "signed_on": iso(signed_on), "document": bool(agreement.document),
        },
    )
    return agreement


@transaction.atomic
def record_activity(
    *,
    partner: Partner,
    kind: ActivityKind | str,
    on: date,
    description: str,
    branch: Branch | None = None,
    value: Decimal | None = None,
    currency: str = "",
    actor: Actor,
    at: datetime,
) -> PartnerActivity:
    """Record something done with `partner` (a donation in kind with its value, a service,
    joint promotion or project) and return it. Records ACTIVITY_RECORDED about the partner,
    the estimated value as its amount (what happened, in words, stays on the activity), on
    the day it took place: the partner counts as active then, however late it is entered."""
    activity = PartnerActivity(
        partner=partner, kind=kind, on=on, description=description, branch=branch,
        value=value, currency=currency.upper(), staff_id=actor.staff_id,
    )
    activity.full_clean()
    activity.save()
    record(
        ACTIVITY_RECORDED, network=partner.network_id, at=at, branch=branch, actor=actor,
        partner=partner, amount=value, currency=activity.currency if value is not None else "",
        detail={"activity": activity.pk, "type": activity.kind, "on": iso(on)}, day=on,
    )
    return activity


@transaction.atomic
def log_referral(
    *,
    partner: Partner,
    branch: Branch,
    direction: Direction | str,
    on: date,
    reason: str,
    actor: Actor,
    at: datetime,
) -> Referral:
    """Log a person sent from `branch` to `partner` or from `partner` to `branch`, and return
    the referral with its outcome still open. Records REFERRAL_LOGGED about the partner (the
    reason stays on the referral), on the day the referral was made."""
    referral = Referral(
        partner=partner, branch=branch, direction=direction, on=on, reason=reason,
        staff_id=actor.staff_id,
    )
    referral.full_clean()
    referral.save()
    record(
        REFERRAL_LOGGED, network=partner.network_id, at=at, branch=branch, actor=actor,
        partner=partner,
        detail={"referral": referral.pk, "direction": referral.direction, "on": iso(on)},
        day=on,
    )
    return referral


@transaction.atomic
def set_referral_outcome(
    referral: Referral,
    *,
    outcome: ReferralOutcome | str,
    note: str = "",
    actor: Actor,
    at: datetime,
) -> Referral:
    """Record how a referral ended (or reopen it with OPEN) and return it. Records
    REFERRAL_OUTCOME with the outcomes before and after (the note stays on the referral)."""
    referral = Referral.objects.select_for_update().select_related("partner").get(pk=referral.pk)
    previous = referral.outcome
    referral.outcome, referral.outcome_note = outcome, note
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_note"])
    record(
        REFERRAL_OUTCOME, network=referral.partner.network_id, at=at,
        branch=referral.branch, actor=actor, partner=referral.partner,
        detail={"referral": referral.pk, "from": previous, "to": referral.outcome},
    )
    return referral
