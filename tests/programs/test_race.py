"""Two people taking the last place at the same moment, from two threads with their own
database connections (on SQLite, a database file in WAL mode, as in production): one gets
the place, the other is refused or put on the waiting list, never both in."""

from __future__ import annotations

import pytest

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.programs import services
from bibliohub.programs.errors import Reason, RegistrationRefused
from bibliohub.programs.models import Registration, RegistrationStatus
from tests.concurrency import race
from tests.programs.conftest import AT, guest


def _taking(occurrence, name):
    return lambda: services.register(occurrence=occurrence, attendee=guest(name), actor=Actor.for_public(), at=AT)


@pytest.mark.parametrize("attempt", range(3))
def test_two_people_taking_the_last_place_at_once_only_one_gets_it(on_a_database_file, attempt, make_event):
    event = make_event(capacity=1, waitlist=False, recurrence="")
    occurrence = event.occurrences.get()
    outcomes = race(_taking(occurrence, "Anna A"), _taking(occurrence, "Borys B"))
    won = [o for o in outcomes if isinstance(o, Registration)]
    lost = [o for o in outcomes if isinstance(o, RegistrationRefused)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].reasons == [Reason.FULL]
    assert Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count() == 1
    assert Entry.objects.filter(domain="programs", kind="registered").count() == 1


def test_with_a_waiting_list_the_second_of_two_at_once_waits(on_a_database_file, make_event):
    event = make_event(capacity=1, recurrence="")
    occurrence = event.occurrences.get()
    outcomes = race(_taking(occurrence, "Anna A"), _taking(occurrence, "Borys B"))
    assert sorted(o.status for o in outcomes) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
