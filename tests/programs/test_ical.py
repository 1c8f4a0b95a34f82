"""iCalendar out: a .ics per event and subscribable feeds per branch and audience, parsed back
with the icalendar library and checked against what RFC 5545 requires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from bibliohub.history import Actor
from bibliohub.programs import services
from bibliohub.programs.models import Audience
from tests.programs.conftest import AT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now_is_at(time_machine):
    """Feeds start from "now"; the world's dates are relative to AT."""
    time_machine.move_to(AT, tick=False)


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content
    # RFC 5545 §3.1: lines end in CRLF and are folded at 75 octets.
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert body.endswith(b"END:VCALENDAR\r\n")
    calendar = Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event, required
        assert event.decoded("DTEND") > event.decoded("DTSTART")
    return calendar


def test_an_events_ics_has_every_date_with_a_cancelled_one_marked_and_a_moved_one_resequenced(
    client, story_time, central_librarian
):
    first, second = story_time.occurrences.all()[:2]
    services.cancel_occurrence(first, note="Closed for repairs", actor=Actor.for_staff(central_librarian), at=first.starts_at - timedelta(days=3))
    services.change_occurrence(second, starts_at=second.starts_at + timedelta(hours=1),
                               ends_at=second.ends_at + timedelta(hours=1), note="", actor=Actor.for_staff(central_librarian),
                               at=second.starts_at - timedelta(days=3))
    calendar = parse(client.get(reverse("programs:event_ics", args=[story_time.pk])))
    events = calendar.walk("VEVENT")
    assert len(events) == 4
    assert len({str(e["UID"]) for e in events}) == 4
    by_uid = {str(e["UID"]).split("@")[0]: e for e in events}
    cancelled = by_uid[f"occurrence-{first.pk}"]
    moved = by_uid[f"occurrence-{second.pk}"]
    assert cancelled["STATUS"] == "CANCELLED" and int(cancelled["SEQUENCE"]) == 1
    assert "Closed for repairs" in str(cancelled["DESCRIPTION"])
    assert moved["STATUS"] == "CONFIRMED" and int(moved["SEQUENCE"]) == 1
    second.refresh_from_db()
    assert moved.decoded("DTSTART") == second.starts_at
    assert str(moved["SUMMARY"]) == "Story time"
    assert "Children's room" in str(moved["LOCATION"])
    assert str(moved["URL"]).endswith(reverse("programs:event", args=[story_time.pk]))


def test_the_ics_speaks_the_readers_language(client, story_time):
    client.cookies["bibliohub_language"] = "uk"
    calendar = parse(client.get(reverse("programs:event_ics", args=[story_time.pk])))
    assert {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")} == {"Казкова година"}


def test_a_feed_per_branch_and_audience_holds_only_those_events(client, make_event, riverside):
    make_event(recurrence="")  # central, ages 0–5
    make_event(recurrence="", title="Teen book club", titles={}, audiences=[Audience.TEENS])
    riverside_event = make_event(recurrence="FREQ=WEEKLY;COUNT=2", title="Riverside rhymes", titles={}, branch=riverside)

    def summaries(**query):
        calendar = parse(client.get(reverse("programs:feed"), query))
        return sorted(str(e["SUMMARY"]) for e in calendar.walk("VEVENT"))

    assert summaries() == ["Riverside rhymes", "Riverside rhymes", "Story time", "Teen book club"]
    assert summaries(branch="central") == ["Story time", "Teen book club"]
    assert summaries(audience="12-18") == ["Teen book club"]
    assert summaries(branch="riverside", audience="0-5") == ["Riverside rhymes", "Riverside rhymes"]
    assert riverside_event.branch == riverside
    calendar = Calendar.from_ical(client.get(reverse("programs:feed"), {"branch": "riverside"}).content)
    assert "Riverside Branch" in str(calendar["X-WR-CALNAME"])


def test_a_feed_for_an_unknown_branch_or_audience_is_not_found(client, db):
    assert client.get(reverse("programs:feed"), {"branch": "nowhere"}).status_code == 404
    assert client.get(reverse("programs:feed"), {"audience": "99+"}).status_code == 404


def test_an_unpublished_event_has_no_ics(client, make_event):
    event = make_event(is_published=False)
    assert client.get(reverse("programs:event_ics", args=[event.pk])).status_code == 404
