"""A community world on top of tests/conftest.py: a school and a business partnering with the
central library, a non-profit with Riverside; a reader of the central library; a volunteer who
agreed to the library keeping her details and one who has not yet; a mentor listed publicly
and one who is not. Everything happens around AT, Tuesday 1 December 2026 at 10:00, and the
staff screens read the clock (this year, shifts still to come), so it starts there too."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bibliohub.community.models import ContactPreference, MentorKind, PartnerKind, Skill, Topic
from bibliohub.community.services import career, partners, volunteers
from bibliohub.history import Actor
from bibliohub.history.kinds import Kind
from bibliohub.history.models import Entry
from bibliohub.history.services import object_type
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory

KYIV = ZoneInfo("Europe/Kyiv")
AT = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def _clock_from_at():
    with time_machine.travel(AT, tick=True):
        yield


def local(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=KYIV)


def entries(kind: Kind | None = None, *, about=None) -> list[Entry]:
    """The community app's history entries, oldest first: of one kind, about one object (a
    partner, a volunteer, a mentoring request), or all."""
    found = Entry.objects.filter(domain="community").order_by("pk")
    if kind is not None:
        found = found.filter(kind=kind.code)
    if about is not None:
        found = found.filter(object_type=object_type(type(about)), object_id=about.pk)
    return list(found)


@pytest.fixture
def school(network, central, manager):
    return partners.save_partner(
        None, network=network, actor=Actor.for_staff(manager), at=AT,
        details=partners.PartnerDetails(
            name="School No. 5", names={"uk": "Школа № 5"}, kind=PartnerKind.SCHOOL,
            since=date(2025, 2, 1), branches=[central], offers="Classes for reading lessons",
        ),
    )


@pytest.fixture
def bakery(network, central, manager):
    return partners.save_partner(
        None, network=network, actor=Actor.for_staff(manager), at=AT,
        details=partners.PartnerDetails(
            name="Riverside Bakery", kind=PartnerKind.BUSINESS, since=date(2026, 5, 10),
            branches=[central],
        ),
    )


@pytest.fixture
def ngo(network, riverside, manager):
    return partners.save_partner(
        None, network=network, actor=Actor.for_staff(manager), at=AT,
        details=partners.PartnerDetails(
            name="Help for Refugees", kind=PartnerKind.NGO, since=date(2026, 1, 15),
            branches=[riverside],
        ),
    )


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(code="adult", name="Adult", age_band=AgeBand.ADULT)


@pytest.fixture
def reader(central, adult_category) -> Patron:
    return Patron.objects.create(
        network=central.network, home_branch=central, category=adult_category,
        card_barcode="C0001", family_name="Kovalenko", given_names="Iryna",
        email="iryna@example.org", phone="+380 50 000 00 01", language="uk",
        status="active", created_at=AT,
    )


@pytest.fixture
def reading_skill(db) -> Skill:
    return Skill.objects.create(code="reading", name="Reading to children", names={"uk": "Читання дітям"})


@pytest.fixture
def anna(network, central, central_librarian, reading_skill):
    return volunteers.register_volunteer(
        network=network, consent=True, actor=Actor.for_staff(central_librarian), at=AT,
        details=volunteers.VolunteerDetails(
            name="Anna Shevchenko", email="anna@example.org", language="uk", branches=[central],
            skills=[reading_skill], available_days=[1, 3], availability="after 16:00",
        ),
    )


@pytest.fixture
def bohdan(network, central, central_librarian):
    """Registered at an open day; has not yet agreed to the library keeping his details."""
    return volunteers.register_volunteer(
        network=network, consent=False, actor=Actor.for_staff(central_librarian), at=AT,
        details=volunteers.VolunteerDetails(name="Bohdan Melnyk", branches=[central]),
    )


@pytest.fixture
def listed_mentor(network, central, manager):
    return career.save_mentor(
        None, network=network, public_consent=True, actor=Actor.for_staff(manager), at=AT,
        details=career.MentorDetails(
            kind=MentorKind.MENTOR, name="Oksana Bondar", organisation="Bondar Accounting",
            topics=[Topic.START, Topic.LEGAL], expertise="Registering a sole trader, taxes",
            email="oksana@example.org", phone="+380 67 111 11 11",
            contact_preference=ContactPreference.EMAIL, branches=[central],
        ),
    )


@pytest.fixture
def private_mentor(network, central, manager):
    return career.save_mentor(
        None, network=network, public_consent=False, actor=Actor.for_staff(manager), at=AT,
        details=career.MentorDetails(
            kind=MentorKind.MENTOR, name="Taras Private", topics=[Topic.START],
            email="taras@example.org", branches=[central],
        ),
    )


@pytest.fixture
def sign_in_patron(client):
    """Sign `patron` in to the OPAC on the test client, as the portal's sign-in does."""
    from django.conf import settings
    from django.test import RequestFactory

    from bibliohub.portal.session import sign_in

    def sign_in_(patron: Patron) -> None:
        request = RequestFactory().get("/")
        request.session = client.session
        sign_in(request, patron)
        request.session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key

    return sign_in_
