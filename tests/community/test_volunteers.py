from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bibliohub.community import kinds as Kind
from bibliohub.community.errors import CommunityRefused, Reason
from bibliohub.community.models import HoursStatus, SignupStatus
from bibliohub.community.selectors import hours_totals, open_shifts_for
from bibliohub.community.services import volunteers
from bibliohub.history import Actor

from .conftest import AT, entries, local


@pytest.fixture
def shelving(central, central_librarian):
    return volunteers.save_shift(
        None, branch=central, title="Shelving returns", starts_at=local(2026, 12, 5, 10),
        ends_at=local(2026, 12, 5, 13), capacity=1, actor=Actor.for_staff(central_librarian), at=AT,
    )


def test_a_volunteer_with_a_card_takes_name_and_contact_from_the_patron(network, central, reader, central_librarian):
    volunteer = volunteers.register_volunteer(
        network=network, patron=reader, consent=True, actor=Actor.for_staff(central_librarian), at=AT,
        details=volunteers.VolunteerDetails(name="", language="", branches=[central]),
    )
    assert volunteer.name == "Iryna Kovalenko"
    assert volunteer.email == "iryna@example.org" and volunteer.language == "uk"
    assert volunteer.consented_at == AT
    saved, consent = entries(about=volunteer)
    assert (saved.kind, consent.kind) == (Kind.VOLUNTEER_SAVED.code, Kind.CONSENT_GIVEN.code)
    # About the patron too (not their card number): they have a card.
    assert (saved.patron_id, saved.category_id, saved.detail) == (
        reader.pk, reader.category_id, {"created": True, "patron": True})


def test_a_patron_can_be_only_one_volunteer(network, central, reader, central_librarian):
    details = volunteers.VolunteerDetails(name="", branches=[central])
    volunteers.register_volunteer(network=network, patron=reader, consent=True, details=details,
                                  actor=Actor.for_staff(central_librarian), at=AT)
    with pytest.raises(ValidationError):
        volunteers.register_volunteer(network=network, patron=reader, consent=True, details=details,
                                      actor=Actor.for_staff(central_librarian), at=AT)


def test_availability_keeps_only_real_weekdays_in_order(network, central, central_librarian):
    volunteer = volunteers.register_volunteer(
        network=network, consent=True, actor=Actor.for_staff(central_librarian), at=AT,
        details=volunteers.VolunteerDetails(name="X", branches=[central], available_days=[5, 1, 9, 1]),
    )
    assert volunteer.available_days == [1, 5]


def test_a_volunteer_without_consent_cannot_sign_up_or_log_hours(bohdan, shelving, central, central_librarian):
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=bohdan, actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.NO_CONSENT]
    with pytest.raises(CommunityRefused) as refused:
        volunteers.log_hours(volunteer=bohdan, branch=central, on=date(2026, 11, 30), minutes=60,
                             actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.NO_CONSENT]


def test_once_consent_is_given_the_volunteer_can_sign_up(bohdan, shelving, central_librarian):
    volunteers.set_consent(bohdan, given=True, actor=Actor.for_staff(central_librarian), at=AT)
    signup = volunteers.sign_up(shelving, volunteer=bohdan, actor=Actor.for_staff(central_librarian), at=AT)
    assert signup.status == SignupStatus.SIGNED_UP
    assert entries(Kind.CONSENT_GIVEN, about=bohdan)


def test_withdrawing_consent_cancels_sign_ups_still_to_come(anna, shelving, central_librarian):
    signup = volunteers.sign_up(shelving, volunteer=anna, actor=Actor.for_staff(central_librarian), at=AT)
    volunteers.set_consent(anna, given=False, actor=Actor.system("tests"), at=AT + timedelta(hours=1))
    signup.refresh_from_db()
    anna.refresh_from_db()
    assert signup.status == SignupStatus.CANCELLED and anna.consented_at is None
    [withdrawn] = entries(Kind.CONSENT_WITHDRAWN, about=anna)
    assert withdrawn.detail == {"signups_cancelled": 1}
    [cancelled] = entries(Kind.SIGNUP_CANCELLED, about=anna)
    assert cancelled.detail == {"shift": shelving.pk, "signup": signup.pk, "because": "consent_withdrawn"}


def test_a_full_shift_refuses_the_next_volunteer_until_a_place_frees_up(anna, bohdan, shelving, central_librarian):
    volunteers.set_consent(bohdan, given=True, actor=Actor.for_staff(central_librarian), at=AT)
    first = volunteers.sign_up(shelving, volunteer=anna, actor=Actor.for_staff(central_librarian), at=AT)
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=bohdan, actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.SHIFT_FULL]
    assert list(open_shifts_for(bohdan, at=AT)) == []
    volunteers.cancel_signup(first, actor=Actor.for_staff(central_librarian), at=AT)
    assert list(open_shifts_for(bohdan, at=AT)) == [shelving]
    volunteers.sign_up(shelving, volunteer=bohdan, actor=Actor.for_staff(central_librarian), at=AT)


def test_signing_up_twice_or_for_a_started_or_cancelled_shift_is_refused(anna, shelving, central_librarian):
    volunteers.sign_up(shelving, volunteer=anna, actor=Actor.for_staff(central_librarian), at=AT)
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=anna, actor=Actor.for_staff(central_librarian), at=AT)
    assert Reason.ALREADY_SIGNED_UP in refused.value.reasons
    volunteers.cancel_shift(shelving, actor=Actor.for_staff(central_librarian), at=AT)
    assert shelving.signups.get().status == SignupStatus.CANCELLED
    assert [e.detail.get("because") for e in entries(Kind.SIGNUP_CANCELLED, about=anna)] == ["shift_cancelled"]
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=anna, actor=Actor.system("tests"), at=local(2026, 12, 5, 11))
    assert set(refused.value.reasons) == {Reason.SHIFT_CANCELLED, Reason.SHIFT_OVER}


def test_a_shift_must_end_after_it_starts(central, central_librarian):
    with pytest.raises(ValidationError):
        volunteers.save_shift(None, branch=central, title="Backwards", starts_at=local(2026, 12, 5, 13),
                              ends_at=local(2026, 12, 5, 10), actor=Actor.for_staff(central_librarian), at=AT)


def test_hours_cannot_be_logged_for_a_day_still_to_come(anna, central, central_librarian):
    with pytest.raises(CommunityRefused) as refused:
        volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 12, 2), minutes=60,
                             actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.IN_THE_FUTURE]


def test_logged_hours_wait_for_confirmation_and_are_decided_only_once(anna, central, central_librarian, manager):
    entry = volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 28), minutes=90,
                                 description="Story time helper", actor=Actor.for_staff(central_librarian), at=AT)
    assert entry.status == HoursStatus.LOGGED
    volunteers.confirm_hours(entry, actor=Actor.for_staff(manager), at=AT)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.CONFIRMED and entry.decided_by == manager
    with pytest.raises(CommunityRefused) as refused:
        volunteers.reject_hours(entry, actor=Actor.for_staff(central_librarian), at=AT)
    assert refused.value.reasons == [Reason.ALREADY_DECIDED]
    [logged] = entries(Kind.HOURS_LOGGED, about=anna)
    [confirmed] = entries(Kind.HOURS_CONFIRMED, about=anna)
    assert (logged.amount, confirmed.amount) == (Decimal("1.50"), Decimal("1.50"))  # hours
    assert confirmed.detail["minutes"] == 90 and confirmed.staff_id == manager.pk
    assert confirmed.branch_id == central.pk


def test_hours_logged_for_a_shift_count_at_the_shift_branch(anna, riverside, central, central_librarian, shelving):
    entry = volunteers.log_hours(volunteer=anna, branch=riverside, on=date(2026, 11, 28), minutes=60,
                                 shift=shelving, actor=Actor.for_staff(central_librarian), at=AT)
    assert entry.branch == central


def test_totals_count_only_confirmed_hours_per_volunteer_branch_and_year(
    anna, bohdan, central, riverside, central_librarian, manager
):
    volunteers.set_consent(bohdan, given=True, actor=Actor.system("tests"), at=AT)
    log = volunteers.log_hours

    def confirmed(volunteer, branch, day, minutes):
        entry = log(volunteer=volunteer, branch=branch, on=day, minutes=minutes, actor=Actor.system("tests"), at=AT)
        return volunteers.confirm_hours(entry, actor=Actor.for_staff(manager), at=AT)

    confirmed(anna, central, date(2025, 6, 1), 120)
    confirmed(anna, central, date(2026, 3, 1), 90)
    confirmed(anna, riverside, date(2026, 4, 1), 30)
    confirmed(bohdan, central, date(2026, 5, 1), 60)
    log(volunteer=anna, branch=central, on=date(2026, 6, 1), minutes=300, actor=Actor.system("tests"), at=AT)
    refused = log(volunteer=bohdan, branch=central, on=date(2026, 6, 1), minutes=400, actor=Actor.system("tests"), at=AT)
    volunteers.reject_hours(refused, actor=Actor.for_staff(manager), at=AT)

    by_volunteer = hours_totals(branches=[central, riverside], by="volunteer", year=2026)
    assert [(t.label, t.minutes, t.entries) for t in by_volunteer] == [
        ("Anna Shevchenko", 120, 2), ("Bohdan Melnyk", 60, 1),
    ]
    assert by_volunteer[0].hours == 2
    by_branch = hours_totals(branches=[central, riverside], by="branch")
    assert [(t.label, t.minutes) for t in by_branch] == [("Central Library", 270), ("Riverside Branch", 30)]
    by_year = hours_totals(branches=[central], by="year")
    assert [(t.label, t.minutes) for t in by_year] == [("2025", 120), ("2026", 150)]
    # A librarian's totals cover only the branches given.
    assert [t.minutes for t in hours_totals(branches=[riverside], by="volunteer")] == [30]
