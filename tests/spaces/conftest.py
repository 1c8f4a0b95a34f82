"""A booking world on top of tests/conftest.py: at the central library (open Monday to
Saturday 9:00–20:00) a public study room with 30-minute slots, a staff-only events hall and a
laptop; at Riverside (with a lunch break) a study room; two adult readers. Everything happens
around AT, Tuesday 1 December 2026 at 8:00, before the central library opens."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bibliohub.history import Actor
from bibliohub.history.kinds import Kind as HistoryKind
from bibliohub.history.models import Entry
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory
from bibliohub.spaces import services
from bibliohub.spaces.models import (
    Booking,
    BookingRule,
    Equipment,
    Feature,
    Kind,
    ResourceType,
    Room,
)

KYIV = ZoneInfo("Europe/Kyiv")
AT = datetime(2026, 12, 1, 8, 0, tzinfo=KYIV)  # Tuesday


def local(d: int, hh: int, mm: int = 0, month: int = 12) -> datetime:
    """A time in December 2026 (1 December is a Tuesday), Kyiv time."""
    return datetime(2026, month, d, hh, mm, tzinfo=KYIV)


@pytest.fixture
def adult_category(db) -> PatronCategory:
    return PatronCategory.objects.create(code="adult", name="Adult", age_band=AgeBand.ADULT)


def _register(family: str, card: str, category, branch, staff, **details) -> Patron:
    return patron_services.register_patron(
        patron_services.PatronDetails(family_name=family, given_names="Test", **details),
        category=category, branch=branch, actor=Actor.for_staff(staff), at=AT - timedelta(days=30),
        card_barcode=card,
    )


@pytest.fixture
def reader(central, adult_category, central_librarian) -> Patron:
    return _register("Kovalenko", "P0001", adult_category, central, central_librarian,
                     email="kovalenko@example.org", language="uk")


@pytest.fixture
def second_reader(central, adult_category, central_librarian) -> Patron:
    return _register("Tran", "P0002", adult_category, central, central_librarian,
                     email="tran@example.org", language="vi")


@pytest.fixture
def study_type(db) -> ResourceType:
    return ResourceType.objects.create(kind=Kind.ROOM, code="study", name="Study room",
                                       names={"vi": "Phòng học nhóm"})


@pytest.fixture
def study_rule(study_type) -> BookingRule:
    return BookingRule.objects.create(
        resource_type=study_type, slot_minutes=30, max_minutes=120, max_minutes_per_day=180,
        max_minutes_per_week=300, max_days_ahead=14, buffer_minutes=0, checkin_minutes=15,
        reminder_hours=24,
    )


@pytest.fixture
def study_room(central, study_type, study_rule) -> Room:
    room = Room.objects.create(
        branch=central, resource_type=study_type, code="study-1", name="Study room 1",
        names={"vi": "Phòng học 1"}, capacity=4, accessibility="Step-free access from the lift.",
    )
    room.features.add(Feature.objects.create(code="screen", name="Wall screen", names={"vi": "Màn hình"}))
    return room


@pytest.fixture
def second_study_room(central, study_type, study_rule) -> Room:
    return Room.objects.create(branch=central, resource_type=study_type, code="study-2",
                               name="Study room 2", capacity=6)


@pytest.fixture
def hall(central) -> Room:
    """Staff-only, booked for events and outside groups; its own rule asks for a 30-minute
    gap between bookings."""
    room = Room.objects.create(branch=central, code="hall", name="Events hall", capacity=60,
                               is_public=False)
    BookingRule.objects.create(resource=room, slot_minutes=15, max_minutes=480,
                               buffer_minutes=30, max_days_ahead=365)
    return room


@pytest.fixture
def riverside_room(riverside, study_type, study_rule) -> Room:
    return Room.objects.create(branch=riverside, resource_type=study_type, code="study",
                               name="Riverside study room", capacity=4)


@pytest.fixture
def laptop(central) -> Equipment:
    laptop = Equipment.objects.create(branch=central, code="laptop-1", name="Laptop 1")
    BookingRule.objects.create(kind=Kind.EQUIPMENT, slot_minutes=60, max_minutes=240,
                               max_minutes_per_day=240, needs_approval=False, checkin_minutes=30)
    return laptop


@pytest.fixture
def patron_book(study_room):
    """A patron booking on the OPAC (no staff), the study room unless told."""

    def book(patron, start, end, *, resource=None, at=AT, **kw):
        return services.book(resource=resource or study_room, start=start, end=end,
                             patron=patron, actor=Actor.for_patron(patron), at=at, **kw)

    return book


# The scheduled job that releases unused bookings and sends reminders.
JOB = Actor.for_job("rooms")


def events(kind: HistoryKind | str | None = None) -> list[Entry]:
    """The history entries of the rooms app, oldest first (of one kind if given)."""
    qs = Entry.objects.filter(domain="spaces").order_by("pk")
    code = getattr(kind, "code", kind)
    return list(qs.filter(kind=code) if code else qs)


def refresh(booking: Booking) -> Booking:
    booking.refresh_from_db()
    return booking


@pytest.fixture
def clock():
    """The views read the clock: hold it at AT."""
    import time_machine

    with time_machine.travel(AT, tick=False) as traveller:
        yield traveller


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
