"""The demo network's programmes: realistic, loaded twice without change, and sending no mail."""

from __future__ import annotations

from decimal import Decimal

from django.core import mail

from bibliohub.demo.services import load_demo
from bibliohub.programs import selectors
from bibliohub.programs.demo import load_demo_programmes
from bibliohub.programs.models import Event, EventKind, Occurrence, Registration
from tests.programs.conftest import AT


def test_the_demo_programmes_load_once_with_rooms_series_contests_and_last_weeks_attendance(db):
    # The demo network loads the rooms and then the programmes itself.
    network = load_demo(records=0, at=AT).network
    assert Event.objects.count() == 8
    story_time = Event.objects.get(branch__code="central", title="Story time")
    assert story_time.occurrences.count() == 12 and story_time.titles["uk"] == "Казкова година"
    assert story_time.room is not None or story_time.place  # the hall, unless a holiday falls in the series
    assert Event.objects.filter(kind=EventKind.CONTEST).exists()
    assert Event.objects.filter(kind=EventKind.READING_ACTIVITY).exists()
    assert all(e.audiences.exists() and e.format for e in Event.objects.all())
    past = Occurrence.objects.get(event__title="Story time (last week)")
    summary = selectors.attendance_summary(past)
    assert (summary.registered, summary.attended, summary.walk_in_total) == (4, 3, 10)
    assert selectors.event_rating(past.event) == selectors.Rating(1, Decimal("5.00"))
    registrations = Registration.objects.count()
    assert load_demo_programmes(network, at=AT) == []
    assert Event.objects.count() == 8 and Registration.objects.count() == registrations
    assert mail.outbox == []
