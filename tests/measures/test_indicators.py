"""Each indicator over a small world whose numbers are worked out here by hand, from the
roll-ups of the history; forgetting who the patrons were (anonymised loans, an erased patron)
changes no figure.

The world, in December 2026 (AT is 1 December, 10:00 in Kyiv):
- three adults registered at the central library that morning;
- three copies at the central library (two in Ukrainian, one in Polish), one each lent to the three of them (3 checkouts);
- the first renewed online by its borrower, the second at the desk (2 renewals);
- a fourth checkout refused: the first copy is already out (1 refusal);
- the copies returned on 15 December;
- the central library counted 10 and 15 visits on 2 and 3 December, the riverside gate
  counter 7 on 2 December; the central library serves 1,000 people;
- the census of copies and of cards on 31 December: three loanable copies, three cards.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bibliohub.accounts.services import issue_api_token, revoke_api_token
from bibliohub.circulation import services
from bibliohub.daybook import services as daybook
from bibliohub.daybook.models import Measure
from bibliohub.history import Actor, indicators, snapshots
from bibliohub.history.indicators import Period, Scope
from bibliohub.history.models import Entry
from bibliohub.history.rollup import roll_up
from bibliohub.history.snapshots import CloseRefused
from bibliohub.measures import selectors
from bibliohub.measures import services as measures
from bibliohub.patrons import services as patron_services
from tests.circulation.conftest import AT, KYIV

YEAR = Period.year(2026)
DECEMBER_31 = datetime(2026, 12, 31, 23, 0, tzinfo=KYIV)


def _values(network, branch=None) -> dict[str, Decimal | None]:
    scope = Scope(network.pk, branch.pk if branch is not None else None)
    return {code: figure.value for code, figure in indicators.figures(YEAR, [scope])[scope].items()}


def test_each_indicator_equals_the_count_by_hand(world, network, central, riverside):
    everywhere = _values(network)
    at_central = _values(network, central)
    at_riverside = _values(network, riverside)
    loans = 3 + 2
    expected = {
        "loans": loans,
        "loans_excluding_renewals": 3,
        "renewals": 2,
        "refusals": 1,
        "refusal_rate": Decimal(100) / loans,  # 1 refusal per 5 loans: 20 per 100
        "collection_turnover": Decimal(loans) / 3,  # 5 loans over 3 loanable copies
        "stock_not_used": 0,  # each of the 3 copies was lent
        "loans_per_user": Decimal(loans) / 3,
        "registered_users": 3,
        "new_users": 3,
        "active_users": 3,
        "e_service_users": 1,  # the online renewal
        "regular_users": 0,  # active in one month only, not six
        "visits": 10 + 15 + 7,
        "visits_per_user": Decimal(32) / 3,
        "copies_held": 3,  # as counted on 31 December
        "population_served": 1000,  # the network's: its one branch that entered it
    }
    for code, value in expected.items():
        assert everywhere[code] == pytest.approx(Decimal(value), abs=Decimal("0.0001")), code
    assert at_central["loans"] == loans and at_riverside["loans"] == 0
    assert at_central["visits"] == 25 and at_riverside["visits"] == 7
    # Per inhabitant: only the central library's population is entered.
    assert at_central["visits_per_capita"] == Decimal("0.025")
    assert at_central["loans_per_capita"] == Decimal("0.005")
    assert at_central["population_reached"] == Decimal("0.3")  # 3 users of 1,000, in %
    assert at_riverside["visits_per_capita"] is None
    assert at_riverside["population_served"] is None


def test_loans_by_language_of_the_material(world, network, central):
    scope = Scope(network.pk, central.pk)
    found = indicators.breakdown("loans", "language", YEAR, [scope])[scope]
    # The Ukrainian copies: one lent and renewed online, one lent; the Polish one lent and
    # renewed at the desk.
    assert {value: figure.value for value, figure in found.items()} == {"ukr": 3, "pol": 2}


def test_what_nobody_entered_is_missing_not_zero(world, network, riverside):
    scope = Scope(network.pk, riverside.pk)
    found = indicators.figures(YEAR, [scope], codes=["reference_questions", "visits_per_capita"])
    assert found[scope]["reference_questions"].missing == "not_recorded"
    assert found[scope]["visits_per_capita"].missing == "no_denominator"


def test_the_numerator_and_denominator_are_given_with_the_value(world, network):
    scope = Scope(network.pk)
    figure = indicators.figures(YEAR, [scope], codes=["refusal_rate"])[scope]["refusal_rate"]
    assert (figure.numerator, figure.denominator, figure.value) == (1, 5, 20)


def test_anonymising_loans_and_erasing_a_patron_change_no_figure(
    world, network, central, central_librarian
):
    people, _loans = world
    before = (_values(network), _values(network, central))
    assert (
        services.anonymise_returned_loans(
            at=AT + timedelta(days=60), actor=Actor.for_job("anonymised")
        )
        == 3
    )
    patron_services.erase_patron(
        people[2],
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT + timedelta(days=61),
    )
    roll_up()
    assert (_values(network), _values(network, central)) == before


# --- the command and the REST API -----------------------------------------------------------


def _command(*args: str) -> str:
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_every_indicator_as_json(world, central):
    found = json.loads(_command("--year", "2026", "--branch", central.code, "--json"))
    assert found["branch"] == central.code and found["period"]["label"] == "2026"
    by_code = {line["code"]: line for line in found["indicators"]}
    assert set(by_code) == set(indicators.codes())
    loans = by_code["loans"]
    assert (loans["value"], loans["numerator"], loans["unit"]) == (5, 5, "count")
    assert loans["definition"].startswith("Loans of copies in the period")
    rate = by_code["refusal_rate"]
    assert (rate["value"], rate["numerator"], rate["denominator"]) == (20, 1, 5)
    assert by_code["reference_questions"]["value"] is None
    assert by_code["reference_questions"]["missing"] == "not_recorded"


def test_the_command_breaks_an_indicator_down(world):
    found = json.loads(_command("--year", "2026", "--code", "loans", "--by", "age_group", "--json"))
    # Three adults in their forties.
    assert [(p["value_of"], p["label"], p["value"]) for p in found["parts"]] == [
        ("adult", "Adults (18–64)", 5)
    ]


@pytest.mark.parametrize(
    "args, reason",
    [
        (("--year", "2026", "--branch", "NOWHERE"), "unknown branch: NOWHERE"),
        (("--year", "2019"), "no data for 2019"),
        (("--year", "2026", "--month", "13"), "no month 13"),
        (("--year", "2026", "--code", "happiness"), "unknown indicator: happiness"),
    ],
)
def test_the_command_exits_with_a_one_line_reason(world, args, reason):
    with pytest.raises(CommandError, match=f"^{reason}$"):
        _command(*args)


def _get(client, token: str | None, **query):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get("/api/v1/indicators", query, headers=headers)


def test_the_api_gives_a_staff_member_the_figures_she_may_see(
    client, world, central, riverside, manager, riverside_librarian
):
    _token, secret = issue_api_token(manager, name="reports", actor=Actor.system("t"), at=AT)
    response = _get(client, secret, year=2026)
    assert response.status_code == 200
    by_code = {line["code"]: line for line in response.json()["indicators"]}
    assert by_code["visits"]["value"] == 32 and response.json()["branch"] is None

    _token, own = issue_api_token(riverside_librarian, name="mine", actor=Actor.system("t"), at=AT)
    assert _get(client, own, year=2026, branch=riverside.code).status_code == 200
    assert _get(client, own, year=2026, branch=central.code).status_code == 403
    assert _get(client, own, year=2026).status_code == 403  # the whole network


def test_the_api_refuses_who_is_not_staff_and_what_does_not_exist(client, world, manager):
    assert _get(client, None, year=2026).status_code == 401
    assert _get(client, "bh_wrong", year=2026).status_code == 401
    token, secret = issue_api_token(manager, name="old", actor=Actor.system("t"), at=AT)
    revoke_api_token(token, actor=Actor.system("t"), at=AT)
    assert _get(client, secret, year=2026).status_code == 401
    _token, secret = issue_api_token(manager, name="new", actor=Actor.system("t"), at=AT)
    assert _get(client, secret, year=2019).status_code == 404
    assert _get(client, secret, year=2026, branch="NOWHERE").status_code == 404
    assert _get(client, secret, year=2026, quarter=5).status_code == 422  # outside the schema
    assert _get(client, secret, year=2026, quarter=1, month=2).status_code == 400
    assert _get(client, secret, year=2026, term=999_999).status_code == 404


def test_the_api_describes_every_indicator(client, manager):
    client.force_login(manager)
    found = client.get("/api/v1/indicators/definitions").json()
    assert [d["code"] for d in found] == indicators.codes()
    regular = next(d for d in found if d["code"] == "regular_users")
    assert (
        regular["settings"] == {"months": 6}
        and "at least 6 different months" in regular["definition"]
    )


# --- closing a period -------------------------------------------------------------------------

CLOSED_AT = datetime(2027, 1, 10, 9, 0, tzinfo=KYIV)


def _read(network, code: str):
    scope = Scope(network.pk)
    (reading,) = indicators.read(YEAR, [scope], codes=[code])[scope]
    return reading


def test_a_closed_period_keeps_its_figures_and_shows_a_later_difference_to_review(
    world, network, manager, lend, make_item
):
    people, _loans = world
    staff = Actor.for_staff(manager)
    closed = measures.close(YEAR, network=network, actor=staff, at=CLOSED_AT)
    # The year, its four quarters and twelve months.
    assert len(closed) == 17
    (year,) = [c for c in closed if c.kind == "year"]
    with pytest.raises(CloseRefused) as refused:
        measures.close(YEAR, network=network, actor=staff, at=CLOSED_AT)
    assert refused.value.codes == ["period_closed_already"]
    with pytest.raises(CloseRefused) as refused:
        measures.close(Period.year(2027), network=network, actor=staff, at=CLOSED_AT)
    assert refused.value.codes == ["period_not_ended"]

    # A loan of December entered late: the published figure stays, the difference is shown.
    lend(people[0], make_item(), at=datetime(2026, 12, 20, 10, 0, tzinfo=KYIV))
    roll_up()
    reading = _read(network, "loans")
    assert (reading.frozen, reading.figure.value, reading.recomputed) == (True, 5, None)
    assert snapshots.recheck(year, at=CLOSED_AT) > 0
    reading = _read(network, "loans")
    assert reading.figure.value == 5 and reading.recomputed.value == 6

    # The network's loans and the central library's.
    assert snapshots.accept_recomputed(year, codes=["loans"], actor=staff, at=CLOSED_AT) == 2
    reading = _read(network, "loans")
    assert (reading.figure.value, reading.recomputed) == (6, None)


def test_the_daybook_of_a_closed_period_cannot_change(world, network, central, manager):
    staff = Actor.for_staff(manager)
    measures.close(YEAR, network=network, actor=staff, at=CLOSED_AT)
    day = date(2026, 12, 2)
    with pytest.raises(daybook.DaybookRefused) as refused:
        daybook.save_counts(central, counts={(day, Measure.VISITS): 11}, actor=staff, at=CLOSED_AT)
    assert list(refused.value.errors) == [daybook.cell(day, Measure.VISITS)]


# --- targets ------------------------------------------------------------------------------


def test_a_target_as_a_change_on_last_year_is_worked_out_and_checked(world, network, manager):
    staff = Actor.for_staff(manager)
    at = datetime(2026, 1, 5, 9, 0, tzinfo=KYIV)
    # Refusals are better fewer: 10 % fewer than a baseline of 2 is 1.8, and 1 meets it.
    measures.save_target(
        network=network,
        branch=None,
        code="refusals",
        year=2026,
        baseline=Decimal(2),
        target=None,
        change=Decimal(-10),
        actor=staff,
        at=at,
    )
    # 6 loans aimed at: 5 does not meet it.
    measures.save_target(
        network=network,
        branch=None,
        code="loans",
        year=2026,
        baseline=None,
        target=Decimal(6),
        change=None,
        actor=staff,
        at=at,
    )
    scope = Scope(network.pk)
    lines = {line.indicator.code: line for line in selectors.overview(YEAR, [scope])[scope]}
    refusals, loans = lines["refusals"].goal, lines["loans"].goal
    assert (refusals.baseline, refusals.value, refusals.met) == (2, Decimal("1.8"), True)
    assert (loans.value, loans.met) == (6, False)
    assert lines["loans"].change is None  # nothing in 2025 to compare with

    with pytest.raises(measures.TargetRefused) as refused:
        measures.save_target(
            network=network,
            branch=None,
            code="loans",
            year=2026,
            baseline=None,
            target=Decimal(6),
            change=Decimal(-200),
            actor=staff,
            at=at,
        )
    assert refused.value.errors == {
        "change": [
            "Give either a target value or a change in %, not both.",
            "A decrease cannot be more than 100 %.",
        ]
    }
    assert (
        measures.save_target(
            network=network,
            branch=None,
            code="loans",
            year=2026,
            baseline=None,
            target=None,
            change=None,
            actor=staff,
            at=at,
        )
        is None
    )
    kinds = list(Entry.objects.filter(domain="measures").values_list("kind", flat=True))
    assert kinds == ["target_set", "target_set", "target_removed"]
