"""Complaints' indicators: complaints received and per 1,000 active users, the share
answered within the deadline and the median days to answer, per branch and by topic.

They read the history's roll-ups only: the "received" and "answered" entries carry the
item's kind and topic (and, when answered, whether in time and the days it took) as their
`topic` (listening.rules), which the roll-ups break counts down by. Suggestions and thanks
are not complaints and are left out. Their yearly change is the registry's comparison with
the same period a year earlier."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    label_values,
    register,
)
from bibliohub.history.models import Dimension
from bibliohub.listening.kinds import ANSWERED, SUBMITTED
from bibliohub.listening.models import FeedbackKind, FeedbackTopic
from bibliohub.listening.rules import parse_topic

LISTENING = group("listening", _("Listening to the community"), order=65)
COMPLAINT = FeedbackKind.COMPLAINT.value


def _topic_names(values: Sequence[str]) -> dict[str, str]:
    labels = dict(FeedbackTopic.choices)
    return {value: str(labels[value]) for value in values if value in labels}


label_values(Dimension.TOPIC, _topic_names)


def _received(inputs: Inputs, scope: Scope) -> dict[str, int]:
    """Complaints received in the period at `scope`, by topic."""
    found: dict[str, int] = {}
    for code, total in inputs.breakdown([SUBMITTED], Dimension.TOPIC, scope).items():
        kind, topic, _in_time, _days = parse_topic(code)
        if kind == COMPLAINT:
            found[topic] = found.get(topic, 0) + total.quantity
    return found


def _answers(inputs: Inputs, scope: Scope) -> dict[str, list[tuple[bool, int, int]]]:
    """Complaints answered in the period at `scope`, by topic: (in time, days, how many)."""
    found: dict[str, list[tuple[bool, int, int]]] = {}
    for code, total in inputs.breakdown([ANSWERED], Dimension.TOPIC, scope).items():
        kind, topic, in_time, days = parse_topic(code)
        if kind == COMPLAINT and in_time is not None and days is not None:
            found.setdefault(topic, []).append((in_time, days, total.quantity))
    return found


def median(counted: Iterable[tuple[int, int]]) -> Decimal | None:
    """The median of values given as (value, how many times); None when there are none.
    With an even number, the mean of the two middle values."""
    ordered = sorted((value, n) for value, n in counted if n > 0)
    size = sum(n for _value, n in ordered)
    if size == 0:
        return None
    wanted = [(size - 1) // 2, size // 2]
    found: list[int] = []
    seen = 0
    for value, n in ordered:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return Decimal(sum(found)) / 2


def _in_time(answers: Iterable[tuple[bool, int, int]]) -> Figure:
    answers = list(answers)
    return Figure.ratio(
        sum(n for in_time, _days, n in answers if in_time),
        sum(n for _in_time, _days, n in answers),
        scale=100,
    )


def _days(answers: Iterable[tuple[bool, int, int]]) -> Figure:
    answers = list(answers)
    count = sum(n for _in_time, _days, n in answers)
    found = median((days, n) for _in_time, days, n in answers)
    if found is None:
        return Figure.lacking(Missing.NO_DENOMINATOR, denominator=0)
    return Figure(found, numerator=None, denominator=Decimal(count))


def _complaints(inputs: Inputs, scope: Scope) -> Figure:
    return Figure.count(sum(_received(inputs, scope).values()))


def _complaints_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    return {topic: Figure.count(n) for topic, n in sorted(_received(inputs, scope).items())}


def _per_users(inputs: Inputs, scope: Scope) -> Figure:
    users = inputs.figure("active_users", scope)
    return Figure.ratio(sum(_received(inputs, scope).values()), users.value, scale=1000)


def _answered_in_time(inputs: Inputs, scope: Scope) -> Figure:
    return _in_time(a for found in _answers(inputs, scope).values() for a in found)


def _answered_in_time_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    return {topic: _in_time(found) for topic, found in sorted(_answers(inputs, scope).items())}


def _answer_days(inputs: Inputs, scope: Scope) -> Figure:
    return _days(a for found in _answers(inputs, scope).values() for a in found)


def _answer_days_parts(inputs: Inputs, scope: Scope, dimension: str) -> dict[str, Figure]:
    return {topic: _days(found) for topic, found in sorted(_answers(inputs, scope).items())}


register(
    Indicator(
        code="complaints",
        name=_("Complaints"),
        definition=_(
            "Complaints received in the period, by any way (the public form, spoken at the "
            "desk, on paper); suggestions and thanks are not counted. By the topic given "
            "when received."
        ),
        numerator=_("Complaints received"),
        higher_is_better=False,
        standard="ISO 10002:2018; Lutsk CBS plan: yearly % decrease of complaints",
        compute=_complaints,
        breakdown=_complaints_parts,
        dimensions=(Dimension.TOPIC,),
        group=LISTENING,
        order=10,
    )
)

register(
    Indicator(
        code="complaints_per_1000_users",
        name=_("Complaints per 1,000 active users"),
        definition=_("Complaints received in the period per 1,000 of its active users."),
        numerator=_("Complaints received"),
        denominator=_("Active users"),
        unit=Unit.RATIO,
        higher_is_better=False,
        standard="Lutsk CBS plan: yearly % decrease of complaints",
        compute=_per_users,
        group=LISTENING,
        order=20,
    )
)

register(
    Indicator(
        code="complaints_answered_in_time",
        name=_("Complaints answered in time"),
        definition=_(
            "Percentage of the complaints answered in the period whose answer was given by "
            "its deadline (the network's days to answer, or the shorter ones when no extra "
            "study was needed)."
        ),
        numerator=_("Complaints answered by their deadline"),
        denominator=_("Complaints answered"),
        unit=Unit.PERCENT,
        standard="ISO 10002:2018 (responsiveness); Ukraine's law on citizens' appeals",
        compute=_answered_in_time,
        breakdown=_answered_in_time_parts,
        dimensions=(Dimension.TOPIC,),
        group=LISTENING,
        order=30,
    )
)

register(
    Indicator(
        code="complaint_answer_days_median",
        name=_("Median days to answer a complaint"),
        definition=_(
            "The median of the calendar days from receipt to answer of the complaints "
            "answered in the period (the mean of the two middle ones for an even number)."
        ),
        numerator=_("Days from receipt to answer"),
        denominator=_("Complaints answered"),
        unit=Unit.COUNT,
        higher_is_better=False,
        standard="ISO 10002:2018 (responsiveness)",
        compute=_answer_days,
        breakdown=_answer_days_parts,
        dimensions=(Dimension.TOPIC,),
        group=LISTENING,
        order=40,
    )
)
