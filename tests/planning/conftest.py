"""A planning world on top of tests/conftest.py: the network's programme for 2026 in force and
published, with one direction, goal and action (owned by the central librarian, with an update
only staff see), a draft of the same network, Riverside's own programme in force but not
published, and a methodologist and a member of the monitoring group. Everything happens around
AT, Tuesday 1 December 2026 at 10:00 in Kyiv, and the screens read the clock (what is late
today), so the clock starts there too."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bibliohub.accounts.models import Role, User
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.planning.models import ActionStatus, Programme, ProgrammeStatus
from bibliohub.planning.services import programmes, progress, structure
from bibliohub.planning.services.programmes import ProgrammeDetails

KYIV = ZoneInfo("Europe/Kyiv")
AT = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)

# Words that must never reach the monitoring group or the public: who owns the action, who
# wrote the update, and what the staff-only update says.
OWNER_NAME = "Olena Kovalchuk"
STAFF_NOTE = "Talked the head teacher round at last"

# The smallest PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _clock_from_at():
    with time_machine.travel(AT, tick=True):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def entries(kind=None) -> list[Entry]:
    """The planning app's history entries, oldest first, of one kind or all."""
    found = Entry.objects.filter(domain="planning").order_by("pk")
    if kind is not None:
        found = found.filter(kind=kind.code)
    return list(found)


@pytest.fixture
def methodologist(db) -> User:
    user = User.objects.create_user(
        username="nadiia", password="correct horse battery", role=Role.METHODOLOGIST,
        first_name="Nadiia", last_name="Shevchuk",
    )
    return user


@pytest.fixture
def monitor(db) -> User:
    return User.objects.create_user(
        username="monitor", password="correct horse battery", role=Role.MONITORING,
        first_name="Oksana", last_name="Hrytsenko",
    )


@pytest.fixture
def owner(central_librarian) -> User:
    central_librarian.first_name, central_librarian.last_name = OWNER_NAME.split()
    central_librarian.save()
    return central_librarian


def start(network, branch, *, title: str, methodologist: User, year: int = 2026,
          language: str = "en") -> Programme:
    return programmes.create_programme(
        network=network, branch=branch, actor=Actor.for_staff(methodologist), at=AT,
        details=ProgrammeDetails(
            title=title, language=language, starts_on=date(year, 1, 1), ends_on=date(year, 12, 31),
        ),
    )


@pytest.fixture
def programme(network, central, riverside, methodologist, owner) -> Programme:
    """The network's programme for 2026, in force and on the public site: "Reading for
    everyone" → "More young readers" → a reading club at the central library and Riverside,
    with a staff-only update by its owner."""
    actor = Actor.for_staff(methodologist)
    found = start(network, None, title="Development programme 2026", methodologist=methodologist)
    direction = structure.save_direction(
        None, programme=found, heading=structure.Heading(title="Reading for everyone"), actor=actor, at=AT,
    )
    goal = structure.save_goal(
        None, direction=direction, heading=structure.Heading(title="More young readers"), actor=actor, at=AT,
    )
    action = structure.save_action(
        None, goal=goal, actor=actor, at=AT,
        details=structure.ActionDetails(
            title="A reading club for teenagers", expected_result="Twenty regular members",
            coordinator=central, branches=[central, riverside], owner=owner,
            starts_on=date(2026, 2, 1), due_on=date(2026, 12, 20),
        ),
    )
    progress.record_progress(
        action, on=date(2026, 3, 2), status=ActionStatus.ON_TRACK, note=STAFF_NOTE, language="en",
        actor=Actor.for_staff(owner), at=AT,
    )
    programmes.set_programme_status(found, status=ProgrammeStatus.ADOPTED, actor=actor, at=AT)
    programmes.set_published(found, published=True, actor=actor, at=AT)
    found.refresh_from_db()
    return found


@pytest.fixture
def draft(network, methodologist) -> Programme:
    return start(network, None, title="Draft programme 2027", methodologist=methodologist, year=2027)


@pytest.fixture
def riverside_programme(network, riverside, methodologist) -> Programme:
    """Riverside's own programme, in force but not on the public site."""
    found = start(network, riverside, title="Riverside plan 2026", methodologist=methodologist)
    programmes.set_programme_status(
        found, status=ProgrammeStatus.ADOPTED, actor=Actor.for_staff(methodologist), at=AT
    )
    found.refresh_from_db()
    return found


def the_action(programme: Programme):
    return programme.actions.get()
