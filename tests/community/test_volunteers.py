from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from bibliohub.community.errors import CommunityRefused, Reason
from bibliohub.community.models import CommunityEvent, HoursStatus, SignupStatus
from bibliohub.community.selectors import hours_totals, open_shifts_for
from bibliohub.community.services import volunteers

from .conftest import AT, local

Kind = CommunityEvent.Kind


@pytest.fixture
def shelving(central, central_librarian):
    return volunteers.save_shift(
        None, branch=central, title="Shelving returns", starts_at=local(2026, 12, 5, 10),
        ends_at=local(2026, 12, 5, 13), capacity=1, staff=central_librarian, at=AT,
    )


def test_a_volunteer_with_a_card_takes_name_and_contact_from_the_patron(network, central, reader, central_librarian):
    volunteer = volunteers.register_volunteer(
        network=network, patron=reader, consent=True, staff=central_librarian, at=AT,
        details=volunteers.VolunteerDetails(name="", language="", branches=[central]),
    )
    assert volunteer.name == "Iryna Kovalenko"
    assert volunteer.email == "iryna@example.org" and volunteer.language == "uk"
    assert volunteer.consented_at == AT
    kinds = set(CommunityEvent.objects.filter(volunteer=volunteer).values_list("kind", flat=True))
    assert kinds == {Kind.VOLUNTEER_SAVED, Kind.CONSENT_GIVEN}


def test_a_patron_can_be_only_one_volunteer(network, central, reader, central_librarian):
    details = volunteers.VolunteerDetails(name="", branches=[central])
    volunteers.register_volunteer(network=network, patron=reader, consent=True, details=details,
                                  staff=central_librarian, at=AT)
    with pytest.raises(ValidationError):
        volunteers.register_volunteer(network=network, patron=reader, consent=True, details=details,
                                      staff=central_librarian, at=AT)


def test_availability_keeps_only_real_weekdays_in_order(network, central, central_librarian):
    volunteer = volunteers.register_volunteer(
        network=network, consent=True, staff=central_librarian, at=AT,
        details=volunteers.VolunteerDetails(name="X", branches=[central], available_days=[5, 1, 9, 1]),
    )
    assert volunteer.available_days == [1, 5]


def test_a_volunteer_without_consent_cannot_sign_up_or_log_hours(bohdan, shelving, central, central_librarian):
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=bohdan, staff=central_librarian, at=AT)
    assert refused.value.reasons == [Reason.NO_CONSENT]
    with pytest.raises(CommunityRefused) as refused:
        volunteers.log_hours(volunteer=bohdan, branch=central, on=date(2026, 11, 30), minutes=60,
                             staff=central_librarian, at=AT)
    assert refused.value.reasons == [Reason.NO_CONSENT]


def test_once_consent_is_given_the_volunteer_can_sign_up(bohdan, shelving, central_librarian):
    volunteers.set_consent(bohdan, given=True, staff=central_librarian, at=AT)
    signup = volunteers.sign_up(shelving, volunteer=bohdan, staff=central_librarian, at=AT)
    assert signup.status == SignupStatus.SIGNED_UP
    assert CommunityEvent.objects.filter(kind=Kind.CONSENT_GIVEN, volunteer=bohdan).exists()


def test_withdrawing_consent_cancels_sign_ups_still_to_come(anna, shelving, central_librarian):
    signup = volunteers.sign_up(shelving, volunteer=anna, staff=central_librarian, at=AT)
    volunteers.set_consent(anna, given=False, staff=None, at=AT + timedelta(hours=1))
    signup.refresh_from_db()
    anna.refresh_from_db()
    assert signup.status == SignupStatus.CANCELLED and anna.consented_at is None
    event = CommunityEvent.objects.get(kind=Kind.CONSENT_WITHDRAWN, volunteer=anna)
    assert event.detail == {"signups_cancelled": 1}


def test_a_full_shift_refuses_the_next_volunteer_until_a_place_frees_up(anna, bohdan, shelving, central_librarian):
    volunteers.set_consent(bohdan, given=True, staff=central_librarian, at=AT)
    first = volunteers.sign_up(shelving, volunteer=anna, staff=central_librarian, at=AT)
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=bohdan, staff=central_librarian, at=AT)
    assert refused.value.reasons == [Reason.SHIFT_FULL]
    assert list(open_shifts_for(bohdan, at=AT)) == []
    volunteers.cancel_signup(first, staff=central_librarian, at=AT)
    assert list(open_shifts_for(bohdan, at=AT)) == [shelving]
    volunteers.sign_up(shelving, volunteer=bohdan, staff=central_librarian, at=AT)


def test_signing_up_twice_or_for_a_started_or_cancelled_shift_is_refused(anna, shelving, central_librarian):
    volunteers.sign_up(shelving, volunteer=anna, staff=central_librarian, at=AT)
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=anna, staff=central_librarian, at=AT)
    assert Reason.ALREADY_SIGNED_UP in refused.value.reasons
    volunteers.cancel_shift(shelving, staff=central_librarian, at=AT)
    assert shelving.signups.get().status == SignupStatus.CANCELLED
    with pytest.raises(CommunityRefused) as refused:
        volunteers.sign_up(shelving, volunteer=anna, staff=None, at=local(2026, 12, 5, 11))
    assert set(refused.value.reasons) == {Reason.SHIFT_CANCELLED, Reason.SHIFT_OVER}


def test_a_shift_must_end_after_it_starts(central, central_librarian):
    with pytest.raises(ValidationError):
        volunteers.save_shift(None, branch=central, title="Backwards", starts_at=local(2026, 12, 5, 13),
                              ends_at=local(2026, 12, 5, 10), staff=central_librarian, at=AT)


def test_hours_cannot_be_logged_for_a_day_still_to_come(anna, central, central_librarian):
    with pytest.raises(CommunityRefused) as refused:
        volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 12, 2), minutes=60,
                             staff=central_librarian, at=AT)
    assert refused.value.reasons == [Reason.IN_THE_FUTURE]


def test_logged_hours_wait_for_confirmation_and_are_decided_only_once(anna, central, central_librarian, manager):
    entry = volunteers.log_hours(volunteer=anna, branch=central, on=date(2026, 11, 28), minutes=90,
                                 description="Story time helper", staff=central_librarian, at=AT)
    assert entry.status == HoursStatus.LOGGED
    volunteers.confirm_hours(entry, staff=manager, at=AT)
    entry.refresh_from_db()
    assert entry.status == HoursStatus.CONFIRMED and entry.decided_by == manager
    with pytest.raises(CommunityRefused) as refused:
        volunteers.reject_hours(entry, staff=central_librarian, at=AT)
    assert refused.value.reasons == [Reason.ALREADY_DECIDED]
    event = CommunityEvent.objects.get(kind=Kind.HOURS_CONFIRMED)
    assert event.detail["minutes"] == 90 and event.staff == manager


def test_hours_logged_for_a_shift_count_at_the_shift_branch(anna, riverside, central, central_librarian, shelving):
    entry = volunteers.log_hours(volunteer=anna, branch=riverside, on=date(2026, 11, 28), minutes=60,
                                 shift=shelving, staff=central_librarian, at=AT)
    assert entry.branch == central


def test_totals_count_only_confirmed_hours_per_volunteer_branch_and_year(
    anna, bohdan, central, riverside, central_librarian, manager
):
    volunteers.set_consent(bohdan, given=True, staff=None, at=AT)
    log = volunteers.log_hours

    def confirmed(volunteer, branch, day, minutes):
        entry = log(volunteer=volunteer, branch=branch, on=day, minutes=minutes, staff=None, at=AT)
        return volunteers.confirm_hours(entry, staff=manager, at=AT)

    confirmed(anna, central, date(2025, 6, 1), 120)
    confirmed(anna, central, date(2026, 3, 1), 90)
    confirmed(anna, riverside, date(2026, 4, 1), 30)
    confirmed(bohdan, central, date(2026, 5, 1), 60)
    log(volunteer=anna, branch=central, on=date(2026, 6, 1), minutes=300, staff=None, at=AT)
    refused = log(volunteer=bohdan, branch=central, on=date(2026, 6, 1), minutes=400, staff=None, at=AT)
    volunteers.reject_hours(refused, staff=manager, at=AT)

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
