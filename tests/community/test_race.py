"""Two volunteers taking the last place on a shift at the same moment: two threads, each with
its own database connection, released together. On SQLite the test database is copied to a
file (threads cannot share the in-memory one); on PostgreSQL the shift's row lock does the
work."""

from __future__ import annotations

import pytest

from bibliohub.community.errors import CommunityRefused, Reason
from bibliohub.community.models import ShiftSignup
from bibliohub.community.services import volunteers
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from tests.concurrency import race

from .conftest import AT, local


@pytest.mark.parametrize("attempt", range(3))
def test_two_volunteers_taking_the_last_place_at_once_only_one_gets_it(
    on_a_database_file, attempt, anna, bohdan, central
):
    volunteers.set_consent(bohdan, given=True, actor=Actor.system("tests"), at=AT)
    shift = volunteers.save_shift(None, branch=central, title="Book sale", starts_at=local(2026, 12, 5, 10),
                                  ends_at=local(2026, 12, 5, 13), capacity=1, actor=Actor.system("tests"), at=AT)

    def sign_up(volunteer):
        return lambda: volunteers.sign_up(shift, volunteer=volunteer, actor=Actor.system("tests"), at=AT)

    outcomes = race(sign_up(anna), sign_up(bohdan))
    won = [o for o in outcomes if isinstance(o, ShiftSignup)]
    lost = [o for o in outcomes if isinstance(o, CommunityRefused)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].reasons == [Reason.SHIFT_FULL]
    assert ShiftSignup.objects.filter(shift=shift).count() == 1
    assert Entry.objects.filter(domain="community", kind="signed_up").count() == 1
