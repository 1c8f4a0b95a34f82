"""One date style per language. The plain styles (DATE_FORMAT, SHORT_DATE_FORMAT …) are
Django's, set for each language in `bibliohub.formats`; a day with its weekday — a heading of
the room planner, an event's date — is written here, because Django has no style for it and a
format string in a template ("l, j F Y") comes out as a different style in every language.

In templates (built in, no `load`): `{{ day|day_long }}` ("Saturday, 12 December 2026",
"Thứ Bảy, ngày 12 tháng 12 năm 2026", "2026年12月12日 星期六"), `{{ day|day_short }}`
("Sat 12 Dec", "T7, 12/12", "12月12日 周六")."""

from __future__ import annotations

from datetime import date, datetime
from types import ModuleType
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

register = template.Library()

_DEFAULTS: dict[str, Any] = {
    "DAY_LONG": ("{weekday}, {date}", "j F Y"),
    "DAY_SHORT": ("{weekday} {date}", "j M"),
    "WEEKDAYS_IN_LOWER_CASE": False,
    "WEEKDAY_ABBREVIATIONS": None,
}


def _style(name: str) -> Any:
    modules: list[ModuleType] = formats.get_format_modules(get_language() or "en")
    for module in modules:
        if hasattr(module, name):
            return getattr(module, name)
    return _DEFAULTS[name]


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _weekday(day: date, *, short: bool) -> str:
    if short and (names := _style("WEEKDAY_ABBREVIATIONS")):
        return str(names[day.weekday()])
    name = formats.date_format(day, "D" if short else "l")
    return name.lower() if _style("WEEKDAYS_IN_LOWER_CASE") else name


def day_long(value: date | datetime | None) -> str:
    """The day with its weekday in full, in the active language's style ("" for no day)."""
    if value is None or value == "":
        return ""
    day = _day(value)
    pattern, date_format = _style("DAY_LONG")
    return str(pattern).format(
        weekday=_weekday(day, short=False), date=formats.date_format(day, date_format)
    )


def day_short(value: date | datetime | None) -> str:
    """The day with its weekday abbreviated and without the year, in the active language's
    style ("" for no day)."""
    if value is None or value == "":
        return ""
    day = _day(value)
    pattern, date_format = _style("DAY_SHORT")
    return str(pattern).format(
        weekday=_weekday(day, short=True), date=formats.date_format(day, date_format)
    )


register.filter("day_long", day_long)
register.filter("day_short", day_short)
