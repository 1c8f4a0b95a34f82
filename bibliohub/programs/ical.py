"""iCalendar (RFC 5545) for events: one VEVENT per date, with a UID that stays the same when the
date is moved, SEQUENCE raised on every change and STATUS:CANCELLED for a cancelled date, so
subscribed calendars update rather than duplicate. Times are written in UTC, which every
calendar program reads without a VTIMEZONE block."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar
from icalendar import Event as VEvent

from bibliohub.programs.models import Occurrence
from bibliohub.programs.templatetags.programs import where

PRODID = "-//Bibliohub//Programmes//EN"


def calendar_bytes(
    occurrences: Iterable[Occurrence], *, name: str, host: str, url_for, at: datetime
) -> bytes:
    """A VCALENDAR holding `occurrences`; `url_for(event)` gives each event's page address and
    `host` goes into the UIDs."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = at.astimezone(UTC)
    for occurrence in occurrences:
        event = occurrence.event
        vevent = VEvent()
        vevent.add("uid", f"occurrence-{occurrence.pk}@{host}")
        vevent.add("dtstamp", stamp)
        vevent.add("dtstart", occurrence.starts_at.astimezone(UTC))
        vevent.add("dtend", occurrence.ends_at.astimezone(UTC))
        vevent.add("sequence", occurrence.sequence)
        vevent.add("summary", event.display_title())
        description = event.display_description()
        if occurrence.note:
            description = f"{occurrence.note}\n\n{description}".strip()
        if description:
            vevent.add("description", description)
        vevent.add("location", where(event))
        url = url_for(event)
        vevent.add("url", url)
        categories = [c.display_name() for c in event.categories.all()]
        if categories:
            vevent.add("categories", categories)
        vevent.add("status", "CANCELLED" if occurrence.is_cancelled else "CONFIRMED")
        cal.add_component(vevent)
    return cal.to_ical()
