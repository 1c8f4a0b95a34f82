"""One working session of a methodologist in Ukrainian, in a real browser, over the city
programme started from the Lutsk template: she records progress on one of its actions with a
photo, reads the figures of the programme's six strategic indicators on the dashboard (those
the registry computes: processing time is not recorded) for the network and each branch, and
downloads the network's annual report as PDF. Axe finds nothing serious on any page she passes
through."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.utils import translation
from playwright.sync_api import expect

from bibliohub.history import Actor, indicators
from bibliohub.history.indicators import Period, Scope
from bibliohub.measures.wording import with_unit
from bibliohub.planning.models import ActionStatus, EvidenceKind, ProgrammeStatus, ProgressUpdate
from bibliohub.planning.services import programmes
from tests.browser.conftest import chromium
from tests.measures.test_dashboard import LUTSK_COMPUTED
from tests.planning.conftest import AT, PNG, methodologist  # noqa: F401
from tests.planning.test_browser import _serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _clock_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(AT, tick=True):
        yield


@pytest.fixture
def lutsk_programme(world, network, methodologist):  # noqa: F811
    """The network's programme for 2026 from the Lutsk template, in force."""
    actor = Actor.for_staff(methodologist)
    programme = programmes.start_from_blueprint(
        "city_one_year", network=network, branch=None, starts_on=date(2026, 1, 1),
        actor=actor, at=AT,
    )
    programmes.set_programme_status(programme, status=ProgrammeStatus.ADOPTED, actor=actor, at=AT)
    return programme


def test_a_methodologist_records_progress_reads_the_lutsk_indicators_and_downloads_the_report(
    live_server, lutsk_programme, methodologist, network, central, riverside  # noqa: F811
):
    action = lutsk_programme.actions.order_by("pk").first()
    assert action is not None
    action_url = f"{live_server.url}/staff/plans/actions/{action.pk}/"
    # What the dashboard must show, worked out before the browser runs (no database inside it).
    scopes = [Scope(network.pk), Scope(network.pk, central.pk), Scope(network.pk, riverside.pk)]
    computed = indicators.figures(Period.year(2026), scopes)
    with translation.override("uk"):
        expected = [
            [with_unit(computed[scope][code].value, indicators.get(code)) for code in LUTSK_COMPUTED]
            for scope in scopes
        ]
    with chromium() as browser:
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/?next=/staff/plans/actions/{action.pk}/")
        page.select_option("#language-select", "uk")
        page.locator("form.language button[type=submit]").click()
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        page.fill("#id_username", "nadiia")
        page.fill("#id_password", "correct horse battery")
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(action_url)
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        assert _serious_violations(page) == []

        # Progress on the action, with a photo of what was done.
        page.fill("#id_on", "2026-11-30")
        page.select_option("#id_status", ActionStatus.ON_TRACK.value)
        page.fill("#id_note", "Проведено навчання для працівників філій.")
        page.set_input_files(
            "#id_attachments",
            files=[{"name": "Навчання.png", "mimeType": "image/png", "buffer": PNG}],
        )
        page.fill("#id_caption", "Заняття в центральній бібліотеці")
        assert _serious_violations(page) == []
        page.locator("#id_attachments").locator("xpath=ancestor::form").locator(
            "button[type=submit]"
        ).click()
        page.wait_for_url(action_url)
        expect(page.locator(".messages")).to_be_visible()
        expect(page.locator("main")).to_contain_text("Проведено навчання для працівників філій.")
        expect(page.locator("main")).to_contain_text("Заняття в центральній бібліотеці")
        assert _serious_violations(page) == []

        # The programme's strategic indicators for the network and each branch, with values.
        dashboard = f"{live_server.url}/staff/indicators/?year=2026"
        page.goto(dashboard)
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        sections = page.locator("section.indicator-scope")
        expect(sections).to_have_count(3)  # the network, the central library, Riverside
        for n, values in enumerate(expected):
            rows = sections.nth(n).locator("tr[data-code]")
            expect(rows).to_have_count(len(LUTSK_COMPUTED))
            for i, (code, shown) in enumerate(zip(LUTSK_COMPUTED, values, strict=True)):
                assert rows.nth(i).get_attribute("data-code") == code
                expect(rows.nth(i).locator("span.value")).to_have_text(shown)
        # The hand count of the world: 1 refusal in the network.
        expect(sections.nth(0).locator("tr[data-code=refusals] span.value")).to_have_text("1")
        assert _serious_violations(page) == []

        # The annual report of the network, as PDF, in Ukrainian.
        page.goto(f"{live_server.url}/staff/reports/")
        assert _serious_violations(page) == []
        page.fill("#id_year", "2026")
        page.select_option("#id_scope", "network")
        page.select_option("#id_fmt", "pdf")
        page.select_option("#id_language", "uk")
        with page.expect_download() as download:
            page.locator("main form.report-choice button[type=submit]").click()
        assert download.value.suggested_filename == "annual-report-2026-network.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(7) == b"%PDF-1."

    update = ProgressUpdate.objects.get(action=action, on=date(2026, 11, 30))
    assert update.author == methodologist and update.status == ActionStatus.ON_TRACK
    [photo] = update.evidence.all()
    assert (photo.kind, photo.content_type, photo.original_name) == (
        EvidenceKind.PHOTO, "image/png", "Навчання.png"
    )
