"""Staff forms for opening hours. A day's hours are typed the way they are written on the door,
"9:00–13:00, 14:00–18:00", which is quicker at the keyboard than a grid of time pickers."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.libraries.models import OpeningPeriod, Weekday
from bibliohub.libraries.services import Period, week_field, week_problems

_PERIOD = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?\s*$")


def parse_periods(text: str) -> list[Period]:
    """"9-13, 14:00–18:30" -> [(09:00, 13:00), (14:00, 18:30)]; empty means closed."""
    periods = []
    for part in re.split(r"[,;]", text or ""):
        if not part.strip():
            continue
        match = _PERIOD.match(part)
        if not match:
            raise forms.ValidationError(
                _("Write hours like 9:00–13:00, 14:00–18:00, or leave empty when closed."),
                code="format",
            )
        h1, m1, h2, m2 = match.groups()
        try:
            periods.append((time(int(h1), int(m1 or 0)), time(int(h2), int(m2 or 0))))
        except ValueError as e:
            raise forms.ValidationError(_("%(value)s is not a time of day."), params={"value": part.strip()}) from e
    return periods


def format_periods(periods: list[Period]) -> str:
    return ", ".join(f"{o:%H:%M}–{c:%H:%M}" for o, c in periods)


class WeeklyHoursForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for weekday, label in Weekday.choices:
            self.fields[week_field(weekday)] = forms.CharField(
                label=label, required=False, max_length=200,
                widget=forms.TextInput(attrs={"placeholder": pgettext_lazy("branch opening", "closed"), "inputmode": "text"}),
            )

    @classmethod
    def initial_for(cls, periods: list[OpeningPeriod]) -> dict[str, str]:
        by_day: dict[int, list[Period]] = {}
        for p in periods:
            by_day.setdefault(p.weekday, []).append((p.opens, p.closes))
        return {week_field(day): format_periods(sorted(ps)) for day, ps in by_day.items()}

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        self.week: dict[int, list[Period]] = {}
        for weekday in Weekday.values:
            name = week_field(weekday)
            if name in self.errors:
                continue
            try:
                self.week[weekday] = parse_periods(cleaned.get(name, ""))
            except forms.ValidationError as e:
                self.add_error(name, e)
        # The service checks again when saving; asking it here shows every day's problem at
        # once, also when another day could not be read.
        for name, messages in week_problems(self.week).items():
            for message in messages:
                self.add_error(name, message)
        return cleaned


class CalendarExceptionForm(forms.Form):
    CLOSED, HOURS = "closed", "hours"

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(
        label=_("That day the library is"),
        choices=[(CLOSED, _("Closed all day (holiday, closed day)")), (HOURS, _("Open at different hours"))],
        widget=forms.RadioSelect, initial=CLOSED,
    )
    opens = forms.TimeField(label=pgettext_lazy("opening hours", "Opens"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes = forms.TimeField(label=pgettext_lazy("opening hours", "Closes"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(
        label=_("Reason shown to readers"), required=False, max_length=200,
        help_text=_("For example: Independence Day, stocktaking, late opening for exams."),
    )
    every_branch = forms.BooleanField(label=_("For every branch of the network"), required=False)

    def __init__(self, *args: Any, network_wide_allowed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not network_wide_allowed:
            del self.fields["every_branch"]
