"""A methodologist works on the programme in Ukrainian in a real browser: she adds a goal under
a strategic direction and an action under it, with no serious accessibility problem on any page
she passes through."""

from __future__ import annotations

import re
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from bibliohub.history import Actor
from bibliohub.planning.kinds import ACTION_SAVED, GOAL_SAVED
from bibliohub.planning.models import Action, ActionStatus, Goal, Programme
from bibliohub.planning.services import structure
from tests.browser.conftest import chromium
from tests.planning.conftest import AT, entries, start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.fixture
def ukrainian_programme(network, central, methodologist) -> Programme:
    """A draft programme written in Ukrainian with one strategic direction and no goal yet."""
    found = start(network, None, title="Програма розвитку бібліотек міста на 2026 рік",
                  methodologist=methodologist, language="uk")
    structure.save_direction(
        None, programme=found, heading=structure.Heading(title="Читання для всіх"),
        actor=Actor.for_staff(methodologist), at=AT,
    )
    return found


def test_a_methodologist_adds_a_goal_and_an_action_in_ukrainian(live_server, ukrainian_programme, central, methodologist):
    programme = ukrainian_programme
    programme_url = f"{live_server.url}/staff/plans/{programme.pk}/"
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/staff/plans/{programme.pk}/")
        page.select_option("#language-select", "uk")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        page.fill("#id_username", "nadiia")
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(programme_url)
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        expect(page.locator("h1")).to_have_text("Програма розвитку бібліотек міста на 2026 рік")
        assert _serious_violations(page) == []

        # A goal under the direction.
        page.locator("section.direction a[href$='/goals/new/']").click()
        page.wait_for_url(re.compile(r"/staff/plans/directions/\d+/goals/new/$"))
        expect(page.locator("#id_title")).to_have_attribute("lang", "uk")
        page.fill("#id_title", "Більше юних читачів")
        page.fill("#id_description", "Підлітки приходять до бібліотеки не лише по підручники.")
        assert _serious_violations(page) == []
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(rf"/staff/plans/{programme.pk}/#goal-\d+$"))
        expect(page.locator("section.goal h3")).to_have_text("Більше юних читачів")
        assert _serious_violations(page) == []

        # An action under the goal: where, when, and the indicator it moves.
        page.locator("section.goal a[href$='/actions/new/']").click()
        page.wait_for_url(re.compile(r"/staff/plans/goals/\d+/actions/new/$"))
        page.fill("#id_title", "Клуб читання для підлітків у центральній бібліотеці")
        page.fill("#id_expected_result", "Двадцять постійних учасників")
        page.select_option("#id_coordinator", str(central.pk))
        page.check(f"input[name=branches][value='{central.pk}']")
        page.select_option("#id_owner", str(methodologist.pk))
        page.fill("#id_starts_on", "2026-02-01")
        page.fill("#id_due_on", "2026-12-20")
        page.check("input[name=indicator_codes][value=loans]")
        assert _serious_violations(page) == []
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/staff/plans/actions/\d+/$"))
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        expect(page.locator("h1")).to_have_text("Клуб читання для підлітків у центральній бібліотеці")
        # Written in the page's language: no lang of its own (an English page would mark it).
        expect(page.locator("h1 span[lang]")).to_have_count(0)
        expect(page.locator(".messages")).to_be_visible()
        assert _serious_violations(page) == []

    goal = Goal.objects.get(direction__programme=programme)
    assert goal.title == "Більше юних читачів" and goal.direction.title == "Читання для всіх"
    action = Action.objects.get(programme=programme)
    assert action.goal == goal and action.status == ActionStatus.NOT_STARTED
    assert (action.starts_on, action.due_on) == (date(2026, 2, 1), date(2026, 12, 20))
    assert action.coordinator == central and list(action.branches.all()) == [central]
    assert action.owner == methodologist and action.indicator_codes == ["loans"]
    assert action.expected_result == "Двадцять постійних учасників"
    [goal_entry] = entries(GOAL_SAVED)
    [action_entry] = entries(ACTION_SAVED)
    for entry in (goal_entry, action_entry):
        assert entry.staff_id == methodologist.pk and entry.channel == "desk"
        assert entry.object_id == programme.pk
    assert action_entry.detail["goal"] == goal.pk and action_entry.detail["created"] is True
