"""The annual report as data, over the small world of tests/measures and tests/planning
(reports/conftest.py): the year's indicators with last year and the change, the figures
entered by hand (missing, never zero, when nobody entered them), plan progress without
anyone's name or staff-only note, and the year's SWOT analysis."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bibliohub.history import Actor
from bibliohub.measures import services as measures
from bibliohub.planning.models import ActionStatus
from bibliohub.planning.services import progress
from bibliohub.reports import annual
from tests.reports.conftest import AT, OWNER_NAME, STAFF_NOTE, STRENGTH_UK, STRENGTH_ZH

TODAY = date(2026, 12, 1)


def _build(network, branch=None, *, year=2026, language="en"):
    return annual.build(network=network, branch=branch, year=year, language=language, today=TODAY)


def _by_code(rows):
    return {row.code: row for row in rows}


def test_the_network_report_has_each_indicator_as_counted_by_hand(everything, network):
    report = _build(network)
    assert report.has_data and report.is_network and report.place == "City Library Network"
    figures = _by_code(report.indicators)
    loans = figures["loans"]
    assert (loans.value, loans.numerator, loans.unit) == (5, 5, "count")
    assert loans.last_year == 0 and loans.change is None  # nothing in 2025 to compare with
    assert loans.definition.startswith("Loans of copies in the period")
    rate = figures["refusal_rate"]
    assert (rate.value, rate.numerator, rate.denominator) == (Decimal(20), 1, 5)
    assert figures["registered_users"].value == 3
    assert figures["visits_per_capita"].value == Decimal("0.032")  # 32 visits, 1,000 people
    # Only the indicators of a year: loans per student per term is for terms.
    assert "loans_per_student_term" not in figures


def test_a_figure_nobody_entered_is_missing_not_zero(everything, network, riverside):
    entered = _by_code(_build(network, riverside).entered)
    assert list(entered) == list(annual.ENTERED)
    assert entered["visits"].value == 7  # the gate counter's
    for code in ("reference_questions", "population_served", "staff_fte", "budget"):
        row = entered[code]
        assert row.value is None and row.is_missing
        assert row.missing == "not_recorded" and row.missing_reason.startswith("Not recorded")


def test_the_branch_report_has_the_branchs_figures(everything, network, central):
    report = _build(network, central)
    assert report.branch_code == "central" and report.place == "Central Library"
    entered = _by_code(report.entered)
    assert (entered["visits"].value, entered["population_served"].value) == (25, 1000)
    assert _by_code(report.indicators)["loans"].value == 5


def test_a_target_of_the_year_is_beside_its_figure(everything, network, manager):
    measures.save_target(
        network=network, branch=None, code="loans", year=2026, baseline=None,
        target=Decimal(10), change=None, actor=Actor.for_staff(manager), at=AT,
    )
    loans = _by_code(_build(network).indicators)["loans"]
    assert (loans.target, loans.target_met) == (10, False)


def test_plan_progress_counts_the_actions_and_names_nobody(everything, network, programme):
    report = _build(network)
    [section] = report.programmes  # Riverside's own programme is not the network's
    assert section.title == "Development programme 2026" and section.total == 1
    assert dict((status, n) for status, _label, n in section.counts)["on_track"] == 1
    [action] = section.actions
    assert (action.title, action.status_label) == ("A reading club for teenagers", "On track")
    assert (action.updated_on, action.update_status_label) == (date(2026, 3, 2), "On track")
    assert action.update_note == ""  # the update was for staff only
    text = repr(report)
    assert OWNER_NAME.split()[1] not in text and STAFF_NOTE not in text


def test_a_public_update_is_shown_with_its_note(everything, network, programme, owner):
    progress.record_progress(
        programme.actions.get(), on=date(2026, 6, 1), status=ActionStatus.AT_RISK,
        note="Half the members came back after the summer", language="en", is_public=True,
        actor=Actor.for_staff(owner), at=AT,
    )
    [action] = _build(network).programmes[0].actions
    assert action.updated_on == date(2026, 6, 1)
    assert action.update_note == "Half the members came back after the summer"
    assert action.status_label == "At risk"


def test_a_branch_report_has_the_network_actions_carried_out_there_and_its_own_programme(
    everything, network, riverside
):
    titles = [section.title for section in _build(network, riverside).programmes]
    assert titles == ["Development programme 2026", "Riverside plan 2026"]


def test_an_action_past_its_due_date_is_late_in_the_report_of_a_past_year(everything, network):
    report = annual.build(network=network, branch=None, year=2026, language="en", today=date(2027, 2, 1))
    [action] = report.programmes[0].actions
    assert action.status == "late"  # due on 20 December 2026


def test_the_swot_of_the_year_is_in_the_readers_language_where_translated(everything, network):
    english = _build(network).swot
    assert english is not None and english.summary == "Підсумки року"
    strengths = english.quadrants[0]
    assert strengths[0] == "strength" and strengths[2] == [f"{STRENGTH_UK} (Annual questionnaire 2026)"]
    chinese = _build(network, language="zh-hans").swot
    assert chinese is not None and chinese.quadrants[0][1] == "优势"
    assert chinese.quadrants[0][2] == [f"{STRENGTH_ZH} (Annual questionnaire 2026)"]


def test_names_and_units_are_in_the_readers_language(everything, network):
    report = _build(network, language="uk")
    assert _by_code(report.indicators)["loans"].name == "Видачі"
    assert _by_code(report.entered)["visits"].name == "Відвідування"
    assert report.network == "Центральна бібліотечна система"


@pytest.mark.parametrize("year", [2019, 2031])
def test_a_year_without_data_is_all_missing_or_zero_and_says_so(everything, network, year):
    report = _build(network, year=year)
    assert not report.has_data
    assert all(row.is_missing for row in report.entered)
    assert report.programmes == [] and report.swot is None
