"""An events world on top of tests/conftest.py: a parent and her child (patrons of the central
library), weekly story time at the central library, and helpers to register guests. Everything
happens around AT, a Tuesday morning two weeks before the first story time."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.history.services import object_type
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory, PatronStatus
from bibliohub.programs import services
from bibliohub.programs.models import (
    Audience,
    Category,
    Event,
    Format,
    Registration,
    RegistrationMode,
)

KYIV = ZoneInfo("Europe/Kyiv")
AT = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)
# Saturday 12 December 2026, 11:00–11:45: the first story time.
FIRST_STORY_TIME = datetime(2026, 12, 12, 11, 0, tzinfo=KYIV)

# The scheduled job that sends event reminders.
JOB = Actor.for_job("event_reminders")

_cards = itertools.count(1)


def entries_about(obj, kind: str = "") -> list[Entry]:
    """The programmes' history entries about `obj` (a registration, a date, an event), oldest
    first, of one kind if given."""
    found = Entry.objects.filter(
        domain="programs", object_type=object_type(type(obj)), object_id=obj.pk
    ).order_by("at", "pk")
    return list(found.filter(kind=kind) if kind else found)


def make_patron(
    branch, category, family: str, given: str, *, born: date | None = None, guardian=None,
    email: str = "", language: str = "en",
) -> Patron:
    return Patron.objects.create(
        network=branch.network, home_branch=branch, category=category,
        card_barcode=f"E{next(_cards):05d}", family_name=family, given_names=given,
        date_of_birth=born, guardian=guardian, email=email, language=language,
        status=PatronStatus.ACTIVE, created_at=AT,
    )


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(code="adult", name="Adult", age_band=AgeBand.ADULT)


@pytest.fixture
def child_category(db) -> PatronCategory:
    return PatronCategory.objects.create(code="child", name="Child", age_band=AgeBand.CHILD)


@pytest.fixture
def parent(central, adult_category) -> Patron:
    return make_patron(
        central, adult_category, "Shevchenko", "Oksana", born=date(1990, 5, 2),
        email="oksana@example.org", language="uk",
    )


@pytest.fixture
def child(central, child_category, parent) -> Patron:
    return make_patron(central, child_category, "Shevchenko", "Taras", born=date(2022, 3, 9), guardian=parent)


@pytest.fixture
def story_category(db) -> Category:
    return Category.objects.create(code="story-time", name="Story time", names={"uk": "Казкові читання"})


def story_time_details(**changes) -> services.EventDetails:
    values = {
        "title": "Story time",
        "titles": {"en": "Story time", "uk": "Казкова година"},
        "description": "Stories and songs for little ones and their grown-ups.",
        "descriptions": {"uk": "Казки й пісні для малечі та дорослих."},
        "format": Format.ON_SITE,
        "audiences": [Audience.EARLY_YEARS],
        "place": "Children's room",
        "presenters": ["Olena Petrenko"],
        "tags": ["songs"],
        "registration": RegistrationMode.PER_OCCURRENCE,
        "capacity": 2,
        "waitlist": True,
    }
    values.update(changes)
    return services.EventDetails(**values)


@pytest.fixture
def make_event(central, central_librarian, story_category) -> Callable[..., Event]:
    def make(*, recurrence: str = "FREQ=WEEKLY;COUNT=4", branch=None, start=FIRST_STORY_TIME,
             length=timedelta(minutes=45), **changes) -> Event:
        changes.setdefault("categories", [story_category])
        return services.create_event(
            story_time_details(**changes), branch=branch or central, starts_at=start,
            ends_at=start + length, recurrence=recurrence, organiser=central_librarian,
            actor=Actor.for_staff(central_librarian), at=AT,
        )

    return make


@pytest.fixture
def story_time(make_event) -> Event:
    return make_event()


def guest(name: str, email: str | None = None, **changes) -> services.Attendee:
    return services.Attendee(
        name=name, contact_name=name, contact_email=email or f"{name.split()[0].lower()}@example.org",
        **changes,
    )


@pytest.fixture
def register_guest() -> Callable[..., Registration]:
    def register(occurrence, name: str, *, at: datetime = AT, **changes) -> Registration:
        return services.register(occurrence=occurrence, attendee=guest(name, **changes), actor=Actor.for_public(), at=at)

    return register
