from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from bibliohub.community import kinds as Kind
from bibliohub.community.models import (
    ActivityKind,
    Direction,
    PartnerKind,
    ReferralOutcome,
)
from bibliohub.community.services import partners
from bibliohub.history import Actor, Channel

from .conftest import AT, entries


def test_saving_a_partner_keeps_its_branches_and_records_who_added_it(school, central, manager):
    assert list(school.branches.all()) == [central]
    assert school.display_name("uk") == "Школа № 5"
    [entry] = entries(Kind.PARTNER_SAVED, about=school)
    assert (entry.staff_id, entry.channel, entry.network_id) == (manager.pk, Channel.DESK, school.network_id)
    assert entry.detail == {"created": True, "type": "school", "since": "2025-02-01", "active": True,
                            "branches": ["central"]}


def test_changing_a_partner_replaces_its_branches(school, network, central, riverside, manager):
    details = partners.PartnerDetails(
        name="School No. 5", kind=PartnerKind.SCHOOL, since=date(2025, 2, 1),
        branches=[riverside], is_active=False,
    )
    partners.save_partner(school, network=network, details=details, actor=Actor.for_staff(manager), at=AT)
    school.refresh_from_db()
    assert list(school.branches.all()) == [riverside]
    assert not school.is_active
    assert len(entries(Kind.PARTNER_SAVED, about=school)) == 2


def test_a_partner_needs_a_known_type(network, central, manager):
    details = partners.PartnerDetails(
        name="Somewhere", kind="circus", since=date(2026, 1, 1), branches=[central]
    )
    with pytest.raises(ValidationError):
        partners.save_partner(None, network=network, details=details, actor=Actor.for_staff(manager), at=AT)


def test_a_new_main_contact_replaces_the_previous_one(school, manager):
    first = partners.save_contact(None, partner=school, name="Head teacher", is_primary=True,
                                  actor=Actor.for_staff(manager), at=AT)
    second = partners.save_contact(None, partner=school, name="Librarian", is_primary=True,
                                   email="lib@school5.example.org", actor=Actor.for_staff(manager), at=AT)
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary
    assert [c.name for c in school.contacts.all()] == ["Librarian", "Head teacher"]
    # About the school; the contact's name and address stay on the contact.
    assert [e.detail for e in entries(Kind.CONTACT_SAVED, about=school)] == [
        {"contact": first.pk, "primary": True}, {"contact": second.pk, "primary": True}]


def test_an_agreement_keeps_its_document_and_cannot_end_before_it_starts(school, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agreement = partners.save_agreement(
        None, partner=school, title="Memorandum of cooperation", starts_on=date(2025, 2, 1),
        ends_on=date(2027, 1, 31), document=ContentFile(b"%PDF-1.4", name="memo.pdf"),
        actor=Actor.for_staff(manager), at=AT,
    )
    assert agreement.document.name.startswith("community/agreements/memo")
    [saved] = entries(Kind.AGREEMENT_SAVED, about=school)
    assert saved.detail["document"] is True and "title" not in saved.detail
    with pytest.raises(ValidationError):
        partners.save_agreement(None, partner=school, title="Backwards", starts_on=date(2026, 2, 1),
                                ends_on=date(2026, 1, 1), actor=Actor.for_staff(manager), at=AT)


def test_a_donation_in_kind_is_recorded_with_its_value(bakery, central, central_librarian):
    activity = partners.record_activity(
        partner=bakery, kind=ActivityKind.DONATION, on=date(2026, 11, 20), branch=central,
        description="Cakes for the reading marathon", value=Decimal("1500.00"), currency="uah",
        actor=Actor.for_staff(central_librarian), at=AT,
    )
    assert activity.currency == "UAH"
    [entry] = entries(Kind.ACTIVITY_RECORDED, about=bakery)
    assert entry.branch_id == central.pk
    assert (entry.amount, entry.currency) == (Decimal("1500.00"), "UAH")
    assert entry.detail == {"activity": activity.pk, "type": "donation", "on": "2026-11-20"}


def test_a_referral_is_logged_open_and_its_outcome_recorded_later(ngo, riverside, riverside_librarian):
    referral = partners.log_referral(
        partner=ngo, branch=riverside, direction=Direction.TO_PARTNER, on=date(2026, 11, 30),
        reason="Needs legal advice on residence papers", actor=Actor.for_staff(riverside_librarian), at=AT,
    )
    assert referral.outcome == ReferralOutcome.OPEN
    partners.set_referral_outcome(referral, outcome=ReferralOutcome.HELPED, note="Got an appointment",
                                  actor=Actor.for_staff(riverside_librarian), at=AT)
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.HELPED
    [logged] = entries(Kind.REFERRAL_LOGGED, about=ngo)
    assert (logged.branch_id, logged.staff_id) == (riverside.pk, riverside_librarian.pk)
    assert "Needs legal advice" not in str(logged.detail)
    [outcome] = entries(Kind.REFERRAL_OUTCOME, about=ngo)
    assert outcome.detail == {"referral": referral.pk, "from": "open", "to": "helped"}
