"""Pure rules for programmes: series dates, registration windows, age bands. No database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bibliohub.programs.errors import ProgramRefused, Reason
from bibliohub.programs.models import Audience

# A series is stored as real dates; an open-ended rule stops at this many, or two years.
MAX_OCCURRENCES = 200
MAX_SERIES_SPAN = timedelta(days=731)


def series_starts(*, first_start: datetime, recurrence: str, zone: ZoneInfo) -> list[datetime]:
    """The start of every date of a series, beginning with `first_start`. The rule is applied
    to the local wall-clock time, so weekly story time stays at 10:00 across a change to summer
    time. Raises ProgramRefused(BAD_RECURRENCE) for a rule dateutil cannot read."""
    local = first_start.astimezone(zone).replace(tzinfo=None)
    if not recurrence:
        return [first_start]
    rule_text = recurrence.strip()
    if rule_text.upper().startswith("RRULE:"):
        rule_text = rule_text[len("RRULE:"):]
    if "DTSTART" in rule_text.upper() or "\n" in rule_text:
        raise ProgramRefused([Reason.BAD_RECURRENCE], recurrence)
    try:
        rule = rrulestr(rule_text, dtstart=local)
    except (ValueError, TypeError) as error:
        raise ProgramRefused([Reason.BAD_RECURRENCE], str(error)) from error
    limit = local + MAX_SERIES_SPAN
    starts: list[datetime] = []
    for moment in rule:
        if moment > limit or len(starts) >= MAX_OCCURRENCES:
            break
        starts.append(moment.replace(tzinfo=zone))
    if not starts:
        raise ProgramRefused([Reason.BAD_RECURRENCE], recurrence)
    return starts


def registration_window(
    *, first_start: datetime, last_start: datetime, opens_days: int | None, closes_hours: int
) -> tuple[datetime | None, datetime]:
    """When registration opens (None: as soon as published) and closes."""
    opens = None if opens_days is None else first_start - timedelta(days=opens_days)
    return opens, last_start - timedelta(hours=closes_hours)


def age_band_on(date_of_birth: date | None, day: date) -> str:
    """The programme age band of someone born on `date_of_birth`, on `day`; "" if unknown."""
    if date_of_birth is None:
        return ""
    return age_band(day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day)))


def age_band(age: int) -> str:
    """The programme age band of someone `age` years old."""
    if age <= 5:
        return Audience.EARLY_YEARS
    if age <= 11:
        return Audience.CHILDREN
    if age <= 18:
        return Audience.TEENS
    return Audience.ADULTS


# What a response of the event feedback survey is about: a date of an event, by its id.
FEEDBACK_ABOUT = "programs.occurrence"


def feedback_participant(registration_id: int, occurrence_id: int) -> str:
    """Who answers the feedback survey about one date: a registration at that date, which
    the survey keeps only as a keyed digest (`surveys.services.participation_digest`), apart
    from the answers."""
    return f"registration.{registration_id}.occurrence.{occurrence_id}"
