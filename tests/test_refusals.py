"""One refusal for every app: the reasons, their codes and wordings, and the form fields they
belong to, written once in bibliohub.refusals."""

from __future__ import annotations

import pytest
from django import forms

from bibliohub.catalog.services import CatalogueChangeRefused
from bibliohub.circulation.errors import Refused as CirculationRefused
from bibliohub.community.errors import CommunityRefused
from bibliohub.community.errors import Reason as CommunityReason
from bibliohub.libraries.services import CalendarChangeRefused
from bibliohub.patrons.errors import ErasureRefusal, ErasureRefused
from bibliohub.programs.errors import ProgramRefused, RegistrationRefused
from bibliohub.programs.errors import Reason as ProgramReason
from bibliohub.refusals import Refused
from bibliohub.spaces.errors import BookingReason, BookingRefused
from bibliohub.web.forms import show_refusal


@pytest.mark.parametrize(
    "refusal",
    [
        CirculationRefused, CatalogueChangeRefused, CalendarChangeRefused, CommunityRefused,
        ProgramRefused, RegistrationRefused, BookingRefused, ErasureRefused,
    ],
)
def test_every_app_refuses_with_the_one_base(refusal):
    assert issubclass(refusal, Refused)


def test_a_refusal_carries_codes_and_wordings_of_every_reason():
    refused = CommunityRefused([CommunityReason.NO_CONSENT, CommunityReason.SHIFT_FULL])
    assert refused.codes == ["no_consent", "shift_full"]
    assert refused.messages == [
        "The volunteer has not agreed to the library keeping their details.",
        "The shift has all the volunteers it needs.",
    ]
    assert str(refused) == " ".join(refused.messages)
    assert refused.errors == {"": refused.messages}


def test_staff_may_override_only_when_every_reason_allows_it():
    assert BookingRefused([BookingReason.DAILY_LIMIT, BookingReason.TOO_LONG]).overridable
    assert not BookingRefused([BookingReason.DAILY_LIMIT, BookingReason.CONFLICT]).overridable
    assert not ErasureRefused([ErasureRefusal.OPEN_LOANS]).overridable


def test_a_program_refusal_keeps_its_detail_for_staff():
    refused = ProgramRefused([ProgramReason.BAD_RECURRENCE], "FREQ=SOMETIMES")
    assert refused.detail == "FREQ=SOMETIMES"
    assert refused.messages == ["The repeat rule is not valid."]


def test_a_refusal_by_field_keeps_each_wording_at_its_field():
    refused = CatalogueChangeRefused({"title": ["Enter the title."], "": ["Not now."]})
    assert refused.errors == {"title": ["Enter the title."], "": ["Not now."]}
    assert refused.messages == ["Enter the title.", "Not now."]
    assert str(refused) == "title: Enter the title.; change: Not now."


class _Form(forms.Form):
    title = forms.CharField(required=False)


def test_a_form_shows_each_wording_next_to_its_field_or_at_the_top():
    form = _Form({"title": ""})
    assert form.is_valid()
    show_refusal(form, CalendarChangeRefused({"title": ["Enter the title."], "date": ["Too late."]}))
    assert form.errors == {"title": ["Enter the title."], "__all__": ["Too late."]}
