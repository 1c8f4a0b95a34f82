"""The indicator screens over the hand-counted world of conftest.py (December 2026): the
dashboard shows what the registry computes, each reader sees only the branches she may,
targets are set with errors that say what and where, and a closed period shows its frozen
figures and, after a late change, the difference to review."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import time_machine
from django.urls import reverse
from lxml import html

from bibliohub.circulation.models import Term
from bibliohub.history import indicators
from bibliohub.history.indicators import Period, Scope
from bibliohub.history.rollup import roll_up
from bibliohub.measures import selectors
from bibliohub.measures.models import Target
from bibliohub.measures.staff_views import with_unit
from tests.circulation.conftest import KYIV
from tests.measures.pages import css
from tests.planning.conftest import methodologist, monitor  # noqa: F401

YEAR = Period.year(2026)
# The Lutsk programme's indicators the registry computes (processing time is not recorded yet).
LUTSK_COMPUTED = [
    "complaints",
    "refusals",
    "unmet_requests",
    "collection_renewal",
    "e_service_users",
    "programme_attendance",
    "regular_users",
    "active_partners",
]
DASHBOARD = reverse("staff:measures:dashboard")
CLOSING = reverse("staff:measures:closing")
TARGETS = reverse("staff:measures:targets")
AFTER_THE_YEAR = datetime(2027, 1, 10, 9, 0, tzinfo=KYIV)


def _page(response) -> html.HtmlElement:
    return html.fromstring(response.content.decode())


def _sections(page: html.HtmlElement) -> dict[str, dict[str, str]]:
    """Each scope's heading → its indicators' codes → the value shown."""
    found = {}
    for section in css(page, "section.indicator-scope"):
        name = css(section, "h2")[0].text_content().strip()
        found[name] = {
            row.get("data-code"): css(row, "span.value")[0].text_content().strip()
            for row in css(section, "tr[data-code]")
        }
    return found


def test_the_dashboard_shows_every_figure_the_registry_computes(client, world, manager, network, central, riverside):
    client.force_login(manager)
    response = client.get(DASHBOARD, {"year": 2026, "all": "1"})
    assert response.status_code == 200
    shown = _sections(_page(response))
    scopes = {
        f"The whole network ({network.display_name()})": Scope(network.pk),
        central.display_name(): Scope(network.pk, central.pk),
        riverside.display_name(): Scope(network.pk, riverside.pk),
    }
    assert list(shown) == list(scopes)
    computed = indicators.figures(YEAR, list(scopes.values()))
    for name, scope in scopes.items():
        expected = {
            code: with_unit(figure.value, indicators.get(code)) for code, figure in computed[scope].items()
        }
        assert shown[name] == expected, name
    # The hand count: 5 loans, 3 of them first loans, 32 visits in the network.
    assert shown[f"The whole network ({network.display_name()})"]["loans"] == "5"
    assert shown[f"The whole network ({network.display_name()})"]["visits"] == "32"


def test_every_figure_opens_its_numerator_denominator_and_definition(client, world, manager, network):
    client.force_login(manager)
    page = _page(client.get(DASHBOARD, {"year": 2026, "all": "1"}))
    network_section = css(page, "section.indicator-scope")[0]
    (row,) = css(network_section, "tr[data-code=refusal_rate]")
    how = css(row, "details.how")[0].text_content()
    refusal_rate = indicators.get("refusal_rate")
    assert str(refusal_rate.numerator) in how and str(refusal_rate.denominator) in how
    assert str(refusal_rate.definition) in how
    # 1 refusal per 5 loans, per 100.
    assert css(row, "span.value")[0].text_content() == "20 %"


def test_without_a_programme_the_dashboard_shows_the_lutsk_indicators(client, world, manager):
    client.force_login(manager)
    response = client.get(DASHBOARD, {"year": 2026})
    page = _page(response)
    codes = [row.get("data-code") for row in css(css(page, "section.indicator-scope")[0], "tr[data-code]")]
    assert codes == LUTSK_COMPUTED
    # What the plan names and nothing computes yet is said, not hidden.
    note = css(page, "p.muted")[0].text_content()
    assert "Days from receipt to the shelf (median)" in note


def test_the_change_on_last_year_is_said_in_words(client, world, manager, network, central, lend, make_item):
    """A loan in December 2025: loans go from 1 to 5, up 400 %, which is better."""
    people, _loans = world
    lend(people[0], make_item(), at=datetime(2025, 12, 10, 10, 0, tzinfo=KYIV))
    roll_up()
    client.force_login(manager)
    page = _page(client.get(DASHBOARD, {"year": 2026, "all": "1"}))
    (row,) = css(css(page, "section.indicator-scope")[0], "tr[data-code=loans]")
    cells = css(row, "td")
    assert cells[1].text_content().strip() == "1"
    assert " ".join(cells[2].text_content().split()) == "up 400 %, better"
    line = next(
        line for line in selectors.overview(YEAR, [Scope(network.pk)], codes=["loans"])[Scope(network.pk)]
    )
    assert line.change == Decimal(400)


def test_a_month_a_quarter_and_a_term_can_be_chosen(client, world, manager, network):
    client.force_login(manager)
    for part, heading in (("m12", "December 2026"), ("q4", "Quarter 4 of 2026")):
        response = client.get(DASHBOARD, {"year": 2026, "part": part, "all": "1"})
        assert response.status_code == 200
        assert heading in css(_page(response), "h1")[0].text_content()
    term = Term.objects.create(network=network, name="Autumn term 2026", starts_on=date(2026, 9, 1),
                               ends_on=date(2026, 12, 31))
    response = client.get(DASHBOARD, {"year": 2026, "part": f"t{term.pk}", "all": "1"})
    assert "Autumn term 2026" in css(_page(response), "h1")[0].text_content()
    assert _sections(_page(response))[f"The whole network ({network.display_name()})"]["loans"] == "5"
    assert client.get(DASHBOARD, {"year": 2026, "part": "m13"}).status_code == 404
    assert client.get(DASHBOARD, {"year": 2026, "part": "t999"}).status_code == 404


# --- who sees what -----------------------------------------------------------------------------


def test_a_branch_librarian_sees_only_her_branch(client, world, central_librarian, central, riverside):
    client.force_login(central_librarian)
    shown = _sections(_page(client.get(DASHBOARD, {"year": 2026})))
    assert list(shown) == [central.display_name()]
    detail = reverse("staff:measures:indicator", args=["loans"])
    assert client.get(detail, {"year": 2026, "branch": riverside.code}).status_code == 403
    assert client.get(detail, {"year": 2026, "branch": central.code}).status_code == 200
    assert client.get(detail, {"year": 2026, "branch": "nowhere"}).status_code == 404


def test_the_methodologist_and_the_monitoring_group_see_every_branch_and_no_personal_data(
    client, world, methodologist, monitor, network, central, riverside  # noqa: F811
):
    people, _loans = world
    for reader in (methodologist, monitor):
        client.force_login(reader)
        response = client.get(DASHBOARD, {"year": 2026, "all": "1"})
        assert response.status_code == 200
        assert len(_sections(_page(response))) == 3
        text = response.content.decode()
        for person in people:
            assert person.family_name not in text and person.card_barcode not in text
        assert client.get(reverse("staff:measures:indicator", args=["loans"]), {"year": 2026}).status_code == 200
    # Targets and closing are the network managers'.
    for reader in (methodologist, monitor):
        client.force_login(reader)
        assert client.get(TARGETS).status_code == 403
        assert client.get(CLOSING).status_code == 403


def test_the_indicator_page_draws_the_trend_and_the_branches_beside_their_tables(
    client, world, manager, central, riverside
):
    client.force_login(manager)
    response = client.get(reverse("staff:measures:indicator", args=["visits"]), {"year": 2026})
    page = _page(response)
    svgs = css(page, "svg.chart")
    assert len(svgs) == 2 and all(svg.get("role") == "img" for svg in svgs)
    trend, branches = css(page, "table.chart-data")
    december = next(r for r in css(trend, "tbody tr") if css(r, "th")[0].text_content() == "Dec")
    # Visits are counted by hand: a year nobody counted is missing, not zero.
    assert [td.text_content() for td in css(december, "td")] == ["32", "—"]
    rows = {css(r, "th")[0].text_content(): [td.text_content() for td in css(r, "td")]
            for r in css(branches, "tbody tr")}
    assert rows == {central.display_name(): ["25", "—"], riverside.display_name(): ["7", "—"]}
    assert css(page, "a[download]")[0].get("href").startswith("data:text/csv")


# --- targets ---------------------------------------------------------------------------------------


def test_a_target_is_set_on_screen_and_shown_on_the_dashboard(client, world, manager, central):
    client.force_login(manager)
    refused = client.post(TARGETS, {"year": 2026, "code": "loans", "branch": central.code,
                                    "target": "6", "change": "-200"})
    assert refused.status_code == 400
    page = _page(refused)
    errors = css(page, "#e-change li")
    assert [e.text_content() for e in errors] == [
        "Give either a target value or a change in %, not both.",
        "A decrease cannot be more than 100 %.",
    ]
    assert css(page, "#t-change")[0].get("aria-invalid") == "true"
    wrong = _page(client.post(TARGETS, {"year": 2026, "code": "loans", "target": "six"}))
    assert [e.text_content() for e in css(wrong, "#e-target li")] == ["Enter a number, such as 12 or 4.5."]

    unknown = _page(client.post(TARGETS, {"year": 2026, "code": "nonsense", "target": "1"}))
    assert [e.text_content() for e in css(unknown, "#e-code li")] == ["There is no such indicator."]
    far = _page(client.post(TARGETS, {"year": 3000, "code": "loans", "target": "1"}))
    assert "Choose a year from 1900 to 2200." in css(far, "div.errorlist")[0].text_content()
    elsewhere = _page(client.post(TARGETS, {"year": 2026, "code": "loans", "branch": "nowhere", "target": "1"}))
    assert [e.text_content() for e in css(elsewhere, "#e-branch li")] == [
        "Choose a branch of the network, or the whole network."
    ]

    saved = client.post(TARGETS, {"year": 2026, "code": "loans", "branch": central.code, "target": "6"})
    assert saved.status_code == 302
    target = Target.objects.get()
    assert (target.branch, target.code, target.year, target.target) == (central, "loans", 2026, 6)
    page = _page(client.get(DASHBOARD, {"year": 2026, "all": "1"}))
    central_section = next(s for s in css(page, "section.indicator-scope")
                       if css(s, "h2")[0].text_content() == central.display_name())
    (row,) = css(central_section, "tr[data-code=loans]")
    assert " ".join(css(row, "td")[3].text_content().split()) == "6 — not met"


# --- closing a period ------------------------------------------------------------------------------


def test_closing_a_year_freezes_it_and_a_later_change_is_listed_to_review(
    client, world, manager, network, lend, make_item
):
    people, _loans = world
    with time_machine.travel(AFTER_THE_YEAR, tick=False):
        client.force_login(manager)
        response = client.get(CLOSING, {"year": 2026})
        assert css(_page(response), "button[value=close]")
        assert client.post(CLOSING, {"year": 2026, "action": "close"}).status_code == 302
        again = client.post(CLOSING, {"year": 2026, "action": "close"})
        assert again.status_code == 400 and "This period is closed already." in again.content.decode()
        page = _page(client.get(CLOSING, {"year": 2026}))
        (loans,) = css(page, "table[aria-labelledby=frozen] tr[data-code=loans]")
        assert css(loans, "td")[0].text_content().strip() == "5"
        assert not css(page, "table.differences")

        # A December loan entered late: the frozen figure stays, the difference is listed.
        lend(people[0], make_item(), at=datetime(2026, 12, 20, 10, 0, tzinfo=KYIV))
        roll_up()
        assert client.post(CLOSING, {"year": 2026, "action": "recheck"}).status_code == 302
        page = _page(client.get(CLOSING, {"year": 2026}))
        differences = {
            (css(r, "th")[0].text_content(), css(r, "td")[0].text_content()):
                [td.text_content().strip() for td in css(r, "td")[1:3]]
            for r in css(page, "table.differences tbody tr")
        }
        assert differences[("Loans", f"The whole network ({network.display_name()})")] == ["5", "6"]
        dashboard = _page(client.get(DASHBOARD, {"year": 2026, "all": "1"}))
        (row,) = css(css(dashboard, "section.indicator-scope")[0], "tr[data-code=loans]")
        assert css(row, "span.value")[0].text_content() == "5"
        assert "Recomputed since" in css(row, "details.how")[0].text_content()

        # Accepting it replaces the frozen figure, and nothing is left to review for loans.
        assert client.post(CLOSING, {"year": 2026, "action": "accept", "code": "loans"}).status_code == 302
        page = _page(client.get(CLOSING, {"year": 2026}))
        assert not css(page, "table.differences tr[data-code=loans]")
        (loans,) = css(page, "table[aria-labelledby=frozen] tr[data-code=loans]")
        assert css(loans, "td")[0].text_content().strip() == "6"


def test_a_period_not_ended_cannot_be_closed(client, world, manager):
    with time_machine.travel(datetime(2026, 12, 20, 9, 0, tzinfo=KYIV), tick=False):
        client.force_login(manager)
        page = _page(client.get(CLOSING, {"year": 2026}))
        assert not css(page, "button[value=close]")
        refused = client.post(CLOSING, {"year": 2026, "action": "close"})
        assert refused.status_code == 400 and "This period has not ended yet." in refused.content.decode()


def test_targets_and_closing_are_refused_to_a_branch_librarian(client, world, central_librarian):
    client.force_login(central_librarian)
    assert client.get(TARGETS).status_code == 403
    assert client.post(TARGETS, {"code": "loans", "target": "1"}).status_code == 403
    assert client.get(CLOSING).status_code == 403
    assert client.post(CLOSING, {"year": 2025, "action": "close"}).status_code == 403
