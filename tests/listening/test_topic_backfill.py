"""Complaints written before the history had a topic: listening migration 0003 gives their
entries the topic from the item they name, and adds the topic rows of the roll-ups for the
entries already counted, so the figures by topic count them (the world of
test_indicators, whose numbers are worked out there by hand)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from bibliohub.history import indicators
from bibliohub.history.indicators import Scope
from bibliohub.history.models import DayBreakdown, DayCount, Dimension, Entry
from bibliohub.history.rollup import roll_up
from tests.circulation.conftest import (  # noqa: F401
    _register,
    adult_category,
    default_rule,
    lend,
    librarian,
    make_item,
    make_record,
)
from tests.listening.conftest import KYIV, submit
from tests.listening.test_indicators import YEAR, world  # noqa: F401
from tests.migrating import before, forward


def _by_topic(network_id: int, branch_id: int) -> tuple[dict, dict, dict]:
    scope = Scope(network_id, branch_id)

    def values(code: str) -> dict:
        found = indicators.breakdown(code, Dimension.TOPIC, YEAR, [scope])[scope]
        return {topic: f.value for topic, f in found.items()}

    return (values("complaints"), values("complaints_answered_in_time"),
            values("complaint_answer_days_median"))


@pytest.mark.django_db(transaction=True)
def test_older_complaints_get_their_topic_and_the_figures_by_topic_count_them(world, central):  # noqa: F811
    # One more complaint, received on 2 December and not counted by the roll-up yet.
    submit(central, topic="staff", at=datetime(2026, 12, 2, 10, tzinfo=KYIV))
    counted = list(DayCount.objects.filter(domain="listening").values_list("kind", "quantity"))
    with before("listening", "0002_feedback_patron"):
        # As the history was before it had a topic: no topic on the entries, none in the
        # roll-ups, no days on an answer (the history's own tables are as they are now).
        Entry.objects.filter(domain="listening").update(topic=None)
        Entry.objects.filter(domain="listening", kind="answered").update(amount=None)
        DayBreakdown.objects.filter(domain="listening", dimension="topic").delete()
        assert _by_topic(world, central.pk) == ({}, {}, {})
        forward()
    assert set(Entry.objects.filter(domain="listening", kind="submitted", branch_id=central.pk)
               .values_list("topic", flat=True)) == {
        "complaint.building", "complaint.opening_hours", "complaint.staff",
        "suggestion.collection", "thanks.collection"}
    assert set(Entry.objects.filter(domain="listening", kind="answered")
               .values_list("topic", flat=True)) == {
        "complaint.service.late.40", "complaint.opening_hours.in_time.5",
        "complaint.opening_hours.in_time.20", "complaint.building.late.20",
        "suggestion.collection.in_time.2", "thanks.collection.in_time.2"}
    assert not Entry.objects.filter(domain="listening", kind__in=["acknowledged", "assessed"]).exclude(
        topic=None).exists()  # only what the figures read
    roll_up()  # counts the complaint of 2 December, with its topic
    assert _by_topic(world, central.pk) == (
        {"building": 1, "opening_hours": 2, "staff": 1},
        {"building": 0, "opening_hours": 100},
        {"building": 20, "opening_hours": Decimal("12.5")},
    )
    # Nothing was counted twice: the day counts only grew by the new complaint.
    assert sum(q for k, q in DayCount.objects.filter(domain="listening", kind="submitted")
               .values_list("kind", "quantity")) == sum(q for k, q in counted if k == "submitted") + 1
    assert DayBreakdown.objects.filter(
        domain="listening", kind="submitted", dimension="topic", value="complaint.opening_hours",
        day=date(2026, 12, 1), branch_id=central.pk).get().quantity == 2
