"""The libraries' indicators: the hours the branches were open, from the daily counts of
the calendar's history (HOURS_OPEN)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from bibliohub.history.indicators import (
    Figure,
    Indicator,
    Inputs,
    Missing,
    Scope,
    Unit,
    group,
    register,
)
from bibliohub.libraries.kinds import HOURS_OPEN

HOURS = group("hours", _("Opening hours"), order=10)


def _hours_year(inputs: Inputs, scope: Scope) -> Figure:
    found = inputs.recorded([HOURS_OPEN], scope)
    if found is None:
        return Figure.lacking(Missing.NOT_RECORDED)
    return Figure.count(found.amount)


def _hours_week(inputs: Inputs, scope: Scope) -> Figure:
    branches = inputs.per_branch([HOURS_OPEN], scope)
    if not branches:
        return Figure.lacking(Missing.NOT_RECORDED)
    hours = sum((t.amount for t in branches.values()), Decimal(0))
    # The weeks counted: those of the branch counted on the most days (every branch, for a
    # period that is over), so that the network's week is its branches' weeks added up.
    weeks = Decimal(max(t.quantity for t in branches.values())) / 7
    return Figure.ratio(hours, weeks)


register(
    Indicator(
        code="opening_hours_year",
        name=_("Opening hours in the period"),
        definition=_(
            "Hours the branch was open to the public in the period, from the regular week "
            "in force each day and that day's closures and changed hours. For the network, "
            "the hours of every branch added up."
        ),
        numerator=_("Hours open, day by day"),
        unit=Unit.HOURS,
        standard="IMLS PLS FY2023 element 713 (HRS_OPEN); ISO 2789:2022",
        compute=_hours_year,
        group=HOURS,
        order=10,
    )
)

register(
    Indicator(
        code="opening_hours_week",
        name=_("Opening hours a week"),
        definition=_(
            "Hours open in an average week of the period: the hours open in the period "
            "divided by its weeks. For the network, its branches' weekly hours added up."
        ),
        numerator=_("Hours open in the period"),
        denominator=_("Weeks in the period (days counted ÷ 7)"),
        unit=Unit.HOURS,
        standard="中小学图书馆（室）规程 2018 (at least 40 hours a week in term)",
        compute=_hours_week,
        group=HOURS,
        order=20,
    )
)
