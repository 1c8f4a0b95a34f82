"""Dates and places of events, worded in the active language."""

from __future__ import annotations

from django import template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from bibliohub.dates import day_long
from bibliohub.programs.models import Event, Format, Occurrence

register = template.Library()


@register.simple_tag
def when(occurrence: Occurrence) -> str:
    """"Saturday, 12 December 2026, 11:00–11:45" in the active language and the library's
    time zone."""
    start = timezone.localtime(occurrence.starts_at)
    end = timezone.localtime(occurrence.ends_at)
    day = day_long(start)
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M}"
    return f"{day}, {start:%H:%M} – {formats.date_format(end, 'DATE_FORMAT')}, {end:%H:%M}"


@register.simple_tag
def where(event: Event) -> str:
    """The room (or place) and branch, the address away from the library, or "Online"."""
    branch = event.branch.display_name()
    if event.format == Format.OFF_SITE:
        return event.address or branch
    if event.format in {Format.ONLINE, Format.RECORDED}:
        return _("Online")
    room = event.room.display_name() if event.room is not None else event.place
    inside = f"{room}, {branch}" if room else branch
    if event.format == Format.HYBRID:
        return _("%(place)s and online") % {"place": inside}
    return inside


@register.filter
def title_in(event: Event, language: str) -> str:
    return event.display_title(language)
