"""Every indicator of the registry over a second small world, built through the apps' own
services at fixed moments and counted by hand in the comments, for a year, its quarters and
months and a school term, per branch and for the whole network; forgetting who the patrons
were and closing a period change no figure.

The lending world of 2026 (Kyiv time; the central library is open Monday to Saturday, Riverside
Tuesday to Saturday):

- 6 January: Koval (adult, born 1980) and Sokil (senior, born 1950) register at the central
  library; Lys (child, born 2015, class 5-A) and Vovk (child, born 2015, class 5-B) at
  Riverside. The central library adds copies c1 (Ukrainian book), c2 (Polish book) and c3
  (Ukrainian DVD); Riverside r1 (Ukrainian book) and r2 (English book). 5 copies added.
- Koval borrows c1 at the central desk in each of January to June (a Tuesday, returned a
  week later): 6 checkouts in 6 months, a regular user.
- 28 February: the copies are counted: 3 at the central library, 2 at Riverside.
- March:
  - 2nd: the central library adds c4 (Polish book);
  - 10th: Koval borrows c1 (above); 11th: Sokil borrows c2, and is refused c1 (out);
  - 12th: Koval borrows r1 at Riverside: active at both branches, one user of the network;
  - 13th: Lys borrows r2 at Riverside; 14th: Lys borrows c3 at the central library;
  - 18th: Sokil renews c2 in the portal (online); 20th: Lys renews r2 at the Riverside desk;
  - returns: c1 on the 17th, r1 the 25th, r2 the 27th, c3 the 28th, c2 the 30th;
  - 31st: Riverside withdraws r2; the copies are counted: central 4 (c1–c4), Riverside 1 (r1).
- 31 May: the patrons are counted (the spring term, 1 March – 31 May, ends): Lys and Vovk
  are Riverside's students, one in each class.
- 31 December: copies and patrons counted again.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from bibliohub.accounts.models import Role, User
from bibliohub.accounts.services import issue_api_token
from bibliohub.catalog import census as copies_census
from bibliohub.catalog import services as catalog
from bibliohub.catalog.models import ItemType, Record
from bibliohub.circulation import services as circulation
from bibliohub.circulation.errors import CheckoutRefused
from bibliohub.community.models import ActivityKind, Direction, PartnerKind
from bibliohub.community.services import partners, volunteers
from bibliohub.daybook import services as daybook
from bibliohub.daybook.models import Figure as YearFigure
from bibliohub.daybook.models import Measure
from bibliohub.history import Actor, indicators, snapshots
from bibliohub.history.indicators import Figure, Period, Scope
from bibliohub.history.models import Entry
from bibliohub.history.rollup import roll_up
from bibliohub.libraries import services as libraries
from bibliohub.libraries.models import Branch
from bibliohub.measures import services as measures
from bibliohub.patrons import census as patrons_census
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.models import AgeBand, Patron, PatronCategory
from bibliohub.programs import census as programmes_census
from bibliohub.programs import services as programs
from bibliohub.programs.models import Audience, Format

KYIV = ZoneInfo("Europe/Kyiv")
YEAR = Period.year(2026)
Q1 = Period.quarter(2026, 1)
Q2 = Period.quarter(2026, 2)
JANUARY = Period.month(2026, 1)
MARCH = Period.month(2026, 3)
SPRING = Period.term(date(2026, 3, 1), date(2026, 5, 31), "Spring 2026")


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=KYIV)


def figures(period: Period, scope: Scope) -> dict[str, Figure]:
    return indicators.figures(period, [scope])[scope]


def values(period: Period, scope: Scope) -> dict[str, Decimal | None]:
    return {code: figure.value for code, figure in figures(period, scope).items()}


def parts(code: str, dimension: str, period: Period, scope: Scope) -> dict[str, Decimal | None]:
    found = indicators.breakdown(code, dimension, period, [scope])[scope]
    return {value: figure.value for value, figure in found.items()}


def q(value: str | int) -> Decimal:
    """A value as figures keep it (four decimals, half up)."""
    return Decimal(value).quantize(Decimal("0.0001"))


def _category(code: str, band: str) -> PatronCategory:
    return PatronCategory.objects.create(
        code=code, name=code.title(), age_band=band, card_validity_months=12
    )


class Lending:
    """What the lending world's tests need to name."""

    def __init__(self, **things) -> None:
        self.__dict__.update(things)


@pytest.fixture
def lending(
    network, central, riverside, central_librarian, riverside_librarian, book_type, default_rule
) -> Lending:
    desk = Actor.for_staff(central_librarian, source="desk 1")
    river_desk = Actor.for_staff(riverside_librarian, source="desk 1")
    adult = _category("adult", AgeBand.ADULT)
    senior = _category("senior", AgeBand.SENIOR)
    child = _category("child", AgeBand.CHILD)
    dvd = ItemType.objects.create(code="dvd", name="DVD")

    def register(family, category, branch, actor, born, school_class=""):
        return patron_services.register_patron(
            patron_services.PatronDetails(
                family_name=family,
                given_names="Test",
                date_of_birth=born,
                school_class=school_class,
            ),
            category=category,
            branch=branch,
            actor=actor,
            at=at(1, 6),
            card_barcode=f"W{family.upper()}",
        )

    koval = register("Koval", adult, central, desk, date(1980, 2, 1))
    sokil = register("Sokil", senior, central, desk, date(1950, 2, 1))
    lys = register("Lys", child, riverside, river_desk, date(2015, 6, 1), "5-A")
    vovk = register("Vovk", child, riverside, river_desk, date(2015, 3, 1), "5-B")

    def add(barcode, branch, language, item_type=book_type, when=None):
        when = when or at(1, 6)
        record = Record.objects.create(
            marc=b"",
            title=f"Title {barcode}",
            languages=[language],
            created_at=when,
            updated_at=when,
        )
        return catalog.add_item(
            record,
            data=catalog.ItemData(barcode=barcode, branch=branch, item_type=item_type),
            actor=desk if branch == central else river_desk,
            at=when,
        )

    c1, c2, c3 = (
        add("C1", central, "ukr"),
        add("C2", central, "pol"),
        add("C3", central, "ukr", dvd),
    )
    r1, r2 = add("R1", riverside, "ukr"), add("R2", riverside, "eng")

    def lend(patron, item, when, branch=central, actor=desk):
        return circulation.checkout(patron=patron, item=item, branch=branch, actor=actor, at=when)

    def give_back(item, when, branch=central, actor=desk):
        circulation.checkin(item=item, branch=branch, actor=actor, at=when)

    census = Actor.for_job("census")

    def count_copies(month, day):
        copies_census.count_copies(
            network, day=date(2026, month, day), actor=census, at=at(month, day, 23)
        )

    # Koval borrows c1 once a month, January to June, on a Tuesday, for a week.
    tuesdays = {1: 13, 2: 10, 3: 10, 4: 14, 5: 12, 6: 9}
    for month in (1, 2):
        lend(koval, c1, at(month, tuesdays[month]))
        give_back(c1, at(month, tuesdays[month] + 7))
    count_copies(2, 28)

    c4 = add("C4", central, "pol", when=at(3, 2))
    lend(koval, c1, at(3, 10))
    sokils_loan = lend(sokil, c2, at(3, 11))
    with pytest.raises(CheckoutRefused):
        lend(sokil, c1, at(3, 11, 11))
    lend(koval, r1, at(3, 12), branch=riverside, actor=river_desk)
    lys_loan = lend(lys, r2, at(3, 13), branch=riverside, actor=river_desk)
    lend(lys, c3, at(3, 14))
    give_back(c1, at(3, 17))
    circulation.renew(loan=sokils_loan, branch=central, actor=Actor.for_patron(sokil), at=at(3, 18))
    circulation.renew(loan=lys_loan, branch=riverside, actor=river_desk, at=at(3, 20))
    give_back(r1, at(3, 25), riverside, river_desk)
    give_back(r2, at(3, 27), riverside, river_desk)
    give_back(c3, at(3, 28))
    give_back(c2, at(3, 30))
    catalog.withdraw_item(r2, reason="worn out", actor=river_desk, at=at(3, 31))
    count_copies(3, 31)

    for month in (4, 5, 6):
        lend(koval, c1, at(month, tuesdays[month]))
        give_back(c1, at(month, tuesdays[month] + 7))
    patrons_census.count_patrons(network, day=date(2026, 5, 31), actor=census, at=at(5, 31, 23))
    count_copies(12, 31)
    patrons_census.count_patrons(network, day=date(2026, 12, 31), actor=census, at=at(12, 31, 23))
    roll_up()
    return Lending(
        koval=koval,
        sokil=sokil,
        lys=lys,
        vovk=vovk,
        adult=adult,
        senior=senior,
        child=child,
        dvd=dvd,
        copies=(c1, c2, c3, c4, r1, r2),
        desk=desk,
    )


def test_loans_renewals_and_refusals_per_branch_and_for_the_network(
    lending, network, central, riverside
):
    everywhere, at_central, at_riverside = (
        figures(MARCH, Scope(network.pk)),
        figures(MARCH, Scope(network.pk, central.pk)),
        figures(MARCH, Scope(network.pk, riverside.pk)),
    )
    # March's checkouts: central c1, c2, c3 (3); Riverside r1, r2 (2). Renewals: c2 online
    # at the central library, r2 at Riverside. Loans: central 4, Riverside 3, network 7.
    for code, network_value, central_value, riverside_value in (
        ("loans_excluding_renewals", 5, 3, 2),
        ("renewals", 2, 1, 1),
        ("loans", 7, 4, 3),
        ("refusals", 1, 1, 0),  # Sokil refused c1 at the central desk
    ):
        assert everywhere[code].value == network_value, code
        assert at_central[code].value == central_value, code
        assert at_riverside[code].value == riverside_value, code
    # 1 refusal per 7 loans: 14.2857 per 100; at the central library 1 per 4: 25.
    rate = everywhere["refusal_rate"]
    assert (rate.value, rate.numerator, rate.denominator) == (q("14.2857"), 1, 7)
    assert at_central["refusal_rate"].value == 25
    assert at_riverside["refusal_rate"].value == 0


def test_loans_a_month_a_quarter_a_term_and_a_year(lending, network):
    everywhere = Scope(network.pk)
    # January: Koval's c1. Q1: c1 in January, February and March, r1, c2, r2, c3 (7
    # checkouts) and 2 renewals. Q2: c1 in April, May and June. The year: 10 checkouts, 2
    # renewals. The term (March to May): March's 7 loans, c1 in April and May.
    for period, loans, checkouts in (
        (JANUARY, 1, 1),
        (Q1, 9, 7),
        (Q2, 3, 3),
        (SPRING, 9, 7),
        (YEAR, 12, 10),
    ):
        found = values(period, everywhere)
        assert (found["loans"], found["loans_excluding_renewals"]) == (loans, checkouts), period


def test_loans_broken_down_as_the_plans_ask(lending, network, central, riverside):
    everywhere = Scope(network.pk)
    # March's 7 loans: Koval (46, adult) c1 and r1; Sokil (76, senior) c2 and its renewal;
    # Lys (10, child, 5-A) r2, its renewal, and c3.
    assert parts("loans", "age_group", MARCH, everywhere) == {"adult": 2, "senior": 2, "child": 3}
    assert parts("loans", "imls_age", MARCH, everywhere) == {"19+": 4, "6-11": 3}
    assert parts("loans", "category", MARCH, everywhere) == {
        str(lending.adult.pk): 2,
        str(lending.senior.pk): 2,
        str(lending.child.pk): 3,
    }
    # Books: c1, r1, c2 twice, r2 twice; the DVD c3 once.
    book, dvd = str(lending.copies[0].item_type_id), str(lending.dvd.pk)
    assert parts("loans", "item_type", MARCH, everywhere) == {book: 6, dvd: 1}
    # Ukrainian c1, r1, c3; Polish c2 twice; English r2 twice.
    assert parts("loans", "language", MARCH, everywhere) == {"ukr": 3, "pol": 2, "eng": 2}
    # Only Sokil's renewal was online.
    assert parts("loans", "channel", MARCH, everywhere) == {"desk": 6, "online": 1}
    assert parts("loans", "school_class", MARCH, everywhere) == {"5-A": 3, "": 4}
    # The same by branch: the central library lent c1, c2 (and renewed it), c3.
    at_central = Scope(network.pk, central.pk)
    assert parts("loans", "language", MARCH, at_central) == {"ukr": 2, "pol": 2}
    assert parts("loans", "age_group", MARCH, Scope(network.pk, riverside.pk)) == {
        "adult": 1,
        "child": 2,
    }
    # Checkouts only, for the year: Koval's 7, Sokil's 1, Lys's 2.
    assert parts("loans_excluding_renewals", "age_group", YEAR, everywhere) == {
        "adult": 7,
        "senior": 1,
        "child": 2,
    }
    assert parts("renewals", "channel", YEAR, everywhere) == {"desk": 1, "online": 1}
    assert parts("refusals", "kind", MARCH, everywhere) == {
        "circulation.checkout_refused": 1,
        "circulation.renewal_refused": 0,
        "circulation.hold_refused": 0,
    }


def test_the_collection_held_added_withdrawn_and_renewed(lending, network, central, riverside):
    everywhere, at_central, at_riverside = (
        figures(MARCH, Scope(network.pk)),
        figures(MARCH, Scope(network.pk, central.pk)),
        figures(MARCH, Scope(network.pk, riverside.pk)),
    )
    # Held at the end of March (counted on the 31st): central c1–c4, Riverside r1.
    assert [f["copies_held"].value for f in (everywhere, at_central, at_riverside)] == [5, 4, 1]
    # March: c4 added at the central library, r2 withdrawn at Riverside.
    assert [f["copies_added"].value for f in (everywhere, at_central, at_riverside)] == [1, 1, 0]
    assert [f["copies_withdrawn"].value for f in (everywhere, at_central, at_riverside)] == [
        1,
        0,
        1,
    ]
    # Held at the start of March (counted on 28 February): central 3, Riverside 2, network 5.
    # Renewal: 1 added of 5 held = 20 %; central 1 of 3 = 33.3333 %; Riverside 0 of 2.
    renewal = everywhere["collection_renewal"]
    assert (renewal.value, renewal.numerator, renewal.denominator) == (20, 1, 5)
    assert at_central["collection_renewal"].value == q("33.3333")
    assert at_riverside["collection_renewal"].value == 0
    # Withdrawal: 1 of 5 = 20 %; Riverside 1 of 2 = 50 %; central 0 of 3.
    assert everywhere["collection_withdrawal"].value == 20
    assert at_riverside["collection_withdrawal"].value == 50
    assert at_central["collection_withdrawal"].value == 0
    # By language at the start (ukr c1, c3, r1; pol c2; eng r2) and added (pol c4): Polish
    # 1 of 1 = 100 %, Ukrainian and English 0.
    assert parts("collection_renewal", "language", MARCH, Scope(network.pk)) == {
        "ukr": 0,
        "pol": 100,
        "eng": 0,
    }
    # Held at the end by language (ukr c1, c3, r1; pol c2, c4) and by item type.
    assert parts("copies_held", "language", MARCH, Scope(network.pk)) == {"ukr": 3, "pol": 2}
    book, dvd = str(lending.copies[0].item_type_id), str(lending.dvd.pk)
    assert parts("copies_held", "item_type", MARCH, Scope(network.pk)) == {book: 4, dvd: 1}
    # The year: 5 copies added on 6 January and c4; nothing counted at its start (the
    # collection was not counted in December 2025), so the renewal is missing, not 0 or 100.
    year = figures(YEAR, Scope(network.pk))
    assert year["copies_added"].value == 6
    assert year["collection_renewal"].value is None
    assert year["collection_renewal"].missing == "not_recorded"
    assert year["collection_renewal"].numerator == 6


def test_turnover_and_stock_not_used(lending, network, central, riverside):
    everywhere, at_central, at_riverside = (
        figures(MARCH, Scope(network.pk)),
        figures(MARCH, Scope(network.pk, central.pk)),
        figures(MARCH, Scope(network.pk, riverside.pk)),
    )
    # Loanable at the end of March: central c1–c4, Riverside r1 (r2 withdrawn).
    # Turnover: 7 loans ÷ 5 copies = 1.4; central 4 ÷ 4 = 1; Riverside 3 ÷ 1 = 3.
    turnover = everywhere["collection_turnover"]
    assert (turnover.value, turnover.numerator, turnover.denominator) == (q("1.4"), 7, 5)
    assert at_central["collection_turnover"].value == 1
    assert at_riverside["collection_turnover"].value == 3
    # Not used: at the central library c4 of its 4 copies was not lent: 25 %.
    stock = at_central["stock_not_used"]
    assert (stock.value, stock.numerator, stock.denominator) == (25, 1, 4)
    # Riverside's one copy, r1, was lent: 0 %.
    assert at_riverside["stock_not_used"].value == 0
    # Turnover by language: Ukrainian 3 loans of c1, c3, r1 (3 loanable) = 1; Polish 2 loans
    # of c2, c4 = 1; English 2 loans, no English copy loanable at the end: no denominator.
    by_language = indicators.breakdown(
        "collection_turnover", "language", MARCH, [Scope(network.pk)]
    )
    found = by_language[Scope(network.pk)]
    assert (found["ukr"].value, found["pol"].value) == (1, 1)
    assert (found["eng"].value, found["eng"].missing) == (None, "no_denominator")
    # Turnover of the year: 12 loans ÷ the 5 copies loanable on 31 December.
    assert values(YEAR, Scope(network.pk))["collection_turnover"] == q("2.4")
    # January: no copies were counted in it, so turnover is missing, never 0.
    january = figures(JANUARY, Scope(network.pk))["collection_turnover"]
    assert (january.value, january.numerator, january.missing) == (None, 1, "not_recorded")


def test_a_copy_lent_and_withdrawn_does_not_hide_a_copy_never_lent(lending, network):
    # The network's loanable copies on 31 March: c1, c2, c3, c4, r1. Lent in March: c1, c2,
    # c3, r1 and r2 (withdrawn since). c4 was never lent: 1 of 5 not used, 20 %.
    stock = figures(MARCH, Scope(network.pk))["stock_not_used"]
    assert (stock.value, stock.numerator, stock.denominator) == (20, 1, 5)


def test_a_withdrawal_after_the_period_changes_none_of_its_figures(
    lending, network, central
):
    c3 = lending.copies[2]
    march_before = figures(MARCH, Scope(network.pk))["stock_not_used"]
    # c3, lent in March, is withdrawn on 15 April; the copies are counted on 30 April.
    catalog.withdraw_item(c3, reason="scratched", actor=lending.desk, at=at(4, 15))
    copies_census.count_copies(
        network, day=date(2026, 4, 30), actor=Actor.for_job("census"), at=at(4, 30, 23)
    )
    roll_up()
    # March is as it was: c3 was held on 31 March, and lent in it.
    march = figures(MARCH, Scope(network.pk))["stock_not_used"]
    assert (march.value, march.numerator, march.denominator) == (20, 1, 5)
    assert march == march_before
    # April: loanable on its last day c1, c2, c4, r1; lent c1 only: 3 of 4 not used, 75 %.
    april = figures(Period.month(2026, 4), Scope(network.pk))["stock_not_used"]
    assert (april.value, april.numerator, april.denominator) == (75, 3, 4)
    # At the central library: c1, c2, c4; c1 lent: 2 of 3.
    central_april = figures(Period.month(2026, 4), Scope(network.pk, central.pk))
    assert central_april["stock_not_used"].value == q("66.6667")
    # March and April together: lent c1, c2, c3 (withdrawn in April), r1, r2 (withdrawn in
    # March); of the 4 loanable on 30 April, c4 was never lent and c2 and c1 and r1 were.
    spring = Period.term(date(2026, 3, 1), date(2026, 4, 30), "March and April")
    both = figures(spring, Scope(network.pk))["stock_not_used"]
    assert (both.value, both.numerator, both.denominator) == (25, 1, 4)


def test_a_copy_lent_and_lost_by_the_end_of_the_period_is_not_counted_as_used(
    lending, network, central
):
    c2, c3 = lending.copies[1:3]
    census = Actor.for_job("census")
    march = figures(MARCH, Scope(network.pk))["stock_not_used"]
    # April: Koval borrows c1 on the 14th (the fixture); Sokil borrows c2 on the 15th and
    # loses it on the 20th; c3 is found damaged on the shelf on the 22nd. Counted on the 30th.
    loan = circulation.checkout(patron=lending.sokil, item=c2, branch=central,
                                actor=lending.desk, at=at(4, 15))  # fmt: skip
    circulation.mark_lost(loan=loan, branch=central, actor=lending.desk, at=at(4, 20))
    circulation.mark_damaged(item=c3, branch=central, actor=lending.desk, at=at(4, 22))
    copies_census.count_copies(network, day=date(2026, 4, 30), actor=census, at=at(4, 30, 23))
    # The count records the two copies that can no longer be lent, once: counting the day
    # again finds nothing new.
    copies_census.count_copies(network, day=date(2026, 4, 30), actor=census, at=at(4, 30, 23))
    out = Entry.objects.filter(kind="copy_out_of_use").values_list("item_id", "day")
    assert sorted(out) == [(c2.pk, date(2026, 4, 30)), (c3.pk, date(2026, 4, 30))]
    roll_up()
    # Loanable on 30 April: c1, c4 and r1 (c2 lost, c3 damaged, r2 withdrawn). Lent in April:
    # c1 and c2, and c2 is lost: of the 3 that can be lent, c4 and r1 were not: 66.67 %, not
    # the 33.33 % that counting c2 as used stock would make.
    april = figures(Period.month(2026, 4), Scope(network.pk))["stock_not_used"]
    assert (april.value, april.numerator, april.denominator) == (q("66.6667"), 2, 3)
    # c2 is found and checked in on 5 May; c3 stays damaged. Loanable on 31 May: c1, c2, c4,
    # r1; lent in May: c1 only: 75 %.
    circulation.checkin(item=c2, branch=central, actor=lending.desk, at=at(5, 5))
    copies_census.count_copies(network, day=date(2026, 5, 31), actor=census, at=at(5, 31, 23))
    back = Entry.objects.filter(kind="copy_back_in_use").values_list("item_id", "day")
    assert list(back) == [(c2.pk, date(2026, 5, 31))]
    roll_up()
    may = figures(Period.month(2026, 5), Scope(network.pk))["stock_not_used"]
    assert (may.value, may.numerator, may.denominator) == (75, 3, 4)
    # April and May: lent c1 and c2, both loanable again on 31 May (c2 lost in April, back
    # in May): of c1, c2, c4, r1, two were not lent: 50 %.
    spring = Period.term(date(2026, 4, 1), date(2026, 5, 31), "April and May")
    both = figures(spring, Scope(network.pk))["stock_not_used"]
    assert (both.value, both.numerator, both.denominator) == (50, 2, 4)
    # A copy out of use and then withdrawn is not back in use: c3 is withdrawn in June.
    catalog.withdraw_item(c3, reason="beyond repair", actor=lending.desk, at=at(6, 2))
    copies_census.count_copies(network, day=date(2026, 6, 30), actor=census, at=at(6, 30, 23))
    assert Entry.objects.filter(kind="copy_back_in_use").count() == 1
    # March, counted before any of this, is as it was.
    roll_up()
    assert figures(MARCH, Scope(network.pk))["stock_not_used"] == march


def test_e_loans_are_the_loans_of_electronic_resources(lending, network, central, book_type):
    # March: no electronic resource held or lent: e-loans are not recorded (never 0), and
    # every one of the 7 loans is of a physical item.
    march = figures(MARCH, Scope(network.pk))
    assert (march["e_loans"].value, march["e_loans"].missing) == (None, "not_recorded")
    assert march["physical_loans"].value == 7
    # 1 April: the central library adds e1, an e-book (a title catalogued as an electronic
    # resource); Koval borrows it on the 2nd and renews it on the 9th; c1 on the 14th
    # (the fixture's). April's loans: 3, of which 2 e-loans and 1 physical.
    when = at(4, 1)
    record = Record.objects.create(
        marc=b"", title="An e-book", languages=["ukr"], format="eresource",
        created_at=when, updated_at=when,
    )
    e1 = catalog.add_item(
        record,
        data=catalog.ItemData(barcode="E1", branch=central, item_type=book_type),
        actor=lending.desk,
        at=when,
    )
    loan = circulation.checkout(
        patron=lending.koval, item=e1, branch=central, actor=lending.desk, at=at(4, 2)
    )
    circulation.renew(loan=loan, branch=central, actor=Actor.for_patron(lending.koval), at=at(4, 9))
    roll_up()
    april = figures(Period.month(2026, 4), Scope(network.pk))
    assert (april["loans"].value, april["e_loans"].value, april["physical_loans"].value) == (3, 2, 1)
    at_central = figures(Period.month(2026, 4), Scope(network.pk, central.pk))
    assert at_central["e_loans"].value == 2
    # The year: 12 loans before, 2 e-loans now, 14 in all.
    year = figures(YEAR, Scope(network.pk))
    assert (year["e_loans"].value, year["physical_loans"].value, year["loans"].value) == (2, 12, 14)
    # Riverside lent no e-book and held none.
    assert figures(YEAR, Scope(network.pk, lending.copies[4].branch_id))["e_loans"].is_missing


def test_users_registered_new_active_regular_and_online(lending, network, central, riverside):
    everywhere, at_central, at_riverside = (
        figures(MARCH, Scope(network.pk)),
        figures(MARCH, Scope(network.pk, central.pk)),
        figures(MARCH, Scope(network.pk, riverside.pk)),
    )
    # Active in March: Koval (both branches), Sokil (central), Lys (both branches): 3 users
    # of the network, not 3 + 2; the central library 3, Riverside 2 (Koval and Lys).
    assert [f["active_users"].value for f in (everywhere, at_central, at_riverside)] == [3, 3, 2]
    # Online: Sokil's renewal in the portal.
    assert [f["e_service_users"].value for f in (everywhere, at_central, at_riverside)] == [1, 1, 0]
    # Loans per active user: 7 ÷ 3; central 4 ÷ 3; Riverside 3 ÷ 2.
    per_user = everywhere["loans_per_user"]
    assert (per_user.value, per_user.numerator, per_user.denominator) == (q("2.3333"), 7, 3)
    assert at_central["loans_per_user"].value == q("1.3333")
    assert at_riverside["loans_per_user"].value == q("1.5")
    # January: only Koval used a service (registering is not a use).
    assert values(JANUARY, Scope(network.pk))["active_users"] == 1
    # Q2: Koval alone, in April, May and June.
    assert values(Q2, Scope(network.pk))["active_users"] == 1

    year = figures(YEAR, Scope(network.pk))
    # Registered in January: 4; cards valid on 31 December: 4 (2 at each home branch).
    assert (year["new_users"].value, year["registered_users"].value) == (4, 4)
    assert values(YEAR, Scope(network.pk, riverside.pk))["registered_users"] == 2
    assert values(Q1, Scope(network.pk, central.pk))["new_users"] == 2
    assert values(Q2, Scope(network.pk))["new_users"] == 0
    # Active in the year: Koval, Sokil, Lys (Vovk never used a service). Regular (at least 6
    # months, the default): Koval, January to June.
    assert (year["active_users"].value, year["regular_users"].value) == (3, 1)
    assert values(YEAR, Scope(network.pk, riverside.pk))["regular_users"] == 0
    # Regular users are a year's figure.
    assert figures(Q1, Scope(network.pk))["regular_users"].missing == "not_for_period"
    # Registered users are counted at the end of a period: none counted in March.
    assert everywhere["registered_users"].missing == "not_recorded"
    # Active users by category and age group, once each in the network.
    assert parts("active_users", "category", MARCH, Scope(network.pk)) == {
        str(lending.adult.pk): 1,
        str(lending.senior.pk): 1,
        str(lending.child.pk): 1,
    }
    assert parts("active_users", "age_group", MARCH, Scope(network.pk)) == {
        "adult": 1,
        "senior": 1,
        "child": 1,
    }
    assert parts("active_users", "imls_age", YEAR, Scope(network.pk, riverside.pk)) == {
        "19+": 1,
        "6-11": 1,
    }
    assert parts("new_users", "age_group", YEAR, Scope(network.pk)) == {
        "adult": 1,
        "senior": 1,
        "child": 2,
    }
    assert parts("registered_users", "category", YEAR, Scope(network.pk)) == {
        str(lending.adult.pk): 1,
        str(lending.senior.pk): 1,
        str(lending.child.pk): 2,
    }


def test_online_services_make_e_service_users_and_confirmed_registrations_new_users(
    lending, network, central, riverside, kiosk
):
    april = Period.month(2026, 4)
    before = values(april, Scope(network.pk))
    # April so far: Koval borrowed c1 at the desk.
    assert (before["active_users"], before["e_service_users"], before["new_users"]) == (1, 0, 0)
    # Vovk places a hold in the portal; Sokil borrows c3 at the self-check machine (not an
    # online service); someone registers online on the 2nd and is confirmed at the desk on
    # the 9th (a new user then; the request alone is not one).
    circulation.place_hold(
        patron=lending.vovk,
        record=lending.copies[1].record,
        pickup_branch=riverside,
        actor=Actor.for_patron(lending.vovk),
        at=at(4, 7),
    )
    circulation.checkout(
        patron=lending.sokil, item=lending.copies[2], branch=central, actor=kiosk, at=at(4, 8)
    )
    pending = patron_services.self_register(
        patron_services.PatronDetails(family_name="Nova", given_names="T"),
        category=lending.adult,
        home_branch=central,
        actor=Actor.for_public(),
        at=at(4, 2),
    )
    patron_services.confirm_patron(pending, branch=central, actor=lending.desk, at=at(4, 9))
    roll_up()
    after = figures(april, Scope(network.pk))
    # Active: Koval, Vovk, Sokil; online: Vovk; new: the confirmed registration.
    assert (after["active_users"].value, after["e_service_users"].value) == (3, 1)
    assert after["new_users"].value == 1
    assert values(april, Scope(network.pk, riverside.pk))["e_service_users"] == 1
    assert values(april, Scope(network.pk, central.pk))["e_service_users"] == 0
    assert parts("loans", "channel", april, Scope(network.pk)) == {"desk": 1, "selfcheck": 1}
    # The year: Sokil (March) and Vovk (April) used a service online.
    assert values(YEAR, Scope(network.pk))["e_service_users"] == 2
    assert values(YEAR, Scope(network.pk))["new_users"] == 5


def test_loans_per_student_in_a_school_term(lending, network, riverside):
    everywhere = figures(SPRING, Scope(network.pk))["loans_per_student_term"]
    # Checkouts by students in the spring term: Lys's r2 and c3 (renewals are not loans
    # here); students on 31 May: Lys (5-A) and Vovk (5-B). 2 ÷ 2 = 1.
    assert (everywhere.value, everywhere.numerator, everywhere.denominator) == (1, 2, 2)
    # By class: 5-A 2 ÷ 1, 5-B 0 ÷ 1.
    assert parts("loans_per_student_term", "school_class", SPRING, Scope(network.pk)) == {
        "5-A": 2,
        "5-B": 0,
    }
    # At Riverside, where both students' cards are: Lys's r2 only, 1 ÷ 2.
    assert values(SPRING, Scope(network.pk, riverside.pk))["loans_per_student_term"] == q("0.5")
    # A term's figure only.
    assert figures(YEAR, Scope(network.pk))["loans_per_student_term"].missing == "not_for_period"


# --- programmes ----------------------------------------------------------------------------

OCTOBER = Period.month(2026, 10)
Q4 = Period.quarter(2026, 4)


def _event(title, branch, staff, *, format, audiences, start, recurrence=""):
    return programs.create_event(
        programs.EventDetails(title=title, format=format, audiences=audiences, capacity=None),
        branch=branch,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        recurrence=recurrence,
        organiser=staff,
        actor=Actor.for_staff(staff),
        at=at(9, 1),
    )


@pytest.fixture
def programmes(network, central, riverside, central_librarian, riverside_librarian, manager):
    """October 2026:
    - Story time (central, at the library, ages 0–5) on Saturdays 3, 10 and 17 October, the
      17th cancelled: 2 sessions. On the 3rd a 4-year-old patron checked in and 3 small
      children and 2 grown-ups came in (6); on the 10th 4 children were counted, corrected
      to 3 (3).
    - Book club (Riverside, hybrid, adults 19+) on the 14th: a 46-year-old patron and a
      guest (19+) checked in, the guest's check-in undone (1).
    - Family day (central, away from the library, all ages) on the 24th: 10 children of
      6–11 and 5 adults counted (15).
    - A live online talk (Riverside, ages 12–18 and 19+: general interest) on the 21st:
      nobody counted.
    - A recorded presentation (central) on the 22nd: not a session.
    The central library serves 2,000 people; Riverside's population was not entered.
    """
    desk = Actor.for_staff(central_librarian)
    river_desk = Actor.for_staff(riverside_librarian)
    adult = _category("adult", AgeBand.ADULT)
    child = _category("child", AgeBand.CHILD)

    def patron(family, category, branch, born):
        return patron_services.register_patron(
            patron_services.PatronDetails(family_name=family, given_names="T", date_of_birth=born),
            category=category,
            branch=branch,
            actor=desk,
            at=at(9, 1),
            card_barcode=f"E{family.upper()}",
        )

    little = patron("Little", child, central, date(2022, 3, 9))
    reader = patron("Reader", adult, central, date(1980, 2, 1))
    story = _event(
        "Story time",
        central,
        central_librarian,
        format=Format.ON_SITE,
        audiences=[Audience.EARLY_YEARS],
        start=at(10, 3, 11),
        recurrence="FREQ=WEEKLY;COUNT=3",
    )
    club = _event(
        "Book club",
        riverside,
        riverside_librarian,
        format=Format.HYBRID,
        audiences=[Audience.ADULTS],
        start=at(10, 14, 17),
    )
    family = _event(
        "Family day",
        central,
        central_librarian,
        format=Format.OFF_SITE,
        audiences=[Audience.ALL_AGES],
        start=at(10, 24, 12),
    )
    _event(
        "Online talk",
        riverside,
        riverside_librarian,
        format=Format.ONLINE,
        audiences=[Audience.TEENS, Audience.ADULTS],
        start=at(10, 21, 18),
    )
    _event(
        "Recorded talk",
        central,
        central_librarian,
        format=Format.RECORDED,
        audiences=[Audience.ADULTS],
        start=at(10, 22, 18),
    )
    first, second, third = story.occurrences.order_by("starts_at")
    programs.cancel_occurrence(third, note="Ill", actor=desk, at=at(10, 12))

    registration = programs.register(
        occurrence=first, attendee=programs.Attendee(patron=little), actor=desk, at=at(9, 20)
    )
    programs.check_in(registration, occurrence=first, actor=desk, at=at(10, 3, 11))
    programs.record_walk_ins(first, counts={"0-5": 3, "19+": 2}, actor=desk, at=at(10, 3, 12))
    programs.record_walk_ins(second, counts={"0-5": 4}, actor=desk, at=at(10, 10, 12))
    programs.record_walk_ins(second, counts={"0-5": 3}, actor=desk, at=at(10, 10, 13))

    (evening,) = club.occurrences.all()
    member = programs.register(
        occurrence=evening,
        attendee=programs.Attendee(patron=reader),
        actor=river_desk,
        at=at(10, 1),
    )
    guest = programs.register(
        occurrence=evening,
        attendee=programs.Attendee(
            name="Guest", contact_name="Guest", contact_email="guest@example.org", age_band="19+"
        ),
        actor=Actor.for_public(),
        at=at(10, 2),
    )
    programs.check_in(member, occurrence=evening, actor=river_desk, at=at(10, 14, 17))
    programs.check_in(guest, occurrence=evening, actor=river_desk, at=at(10, 14, 17))
    programs.undo_check_in(guest, occurrence=evening, actor=river_desk, at=at(10, 14, 18))

    (outing,) = family.occurrences.all()
    programs.record_walk_ins(outing, counts={"6-11": 10, "19+": 5}, actor=desk, at=at(10, 24, 14))

    programmes_census.count_held(actor=Actor.for_job("programmes held"), at=at(11, 1))
    daybook.set_yearly_figure(
        network=network,
        branch=central,
        year=2026,
        figure=YearFigure.POPULATION,
        value=Decimal(2000),
        actor=Actor.for_staff(manager),
        at=at(1, 10),
    )
    roll_up()


def test_programme_sessions_counted_as_imls_counts_them(programmes, network, central, riverside):
    # Held: story time twice (the third date cancelled), the book club, the family day and
    # the online talk: 5; the recorded presentation is not a session.
    everywhere = values(OCTOBER, Scope(network.pk))
    assert everywhere["programmes"] == 5
    assert values(OCTOBER, Scope(network.pk, central.pk))["programmes"] == 3
    assert values(Q4, Scope(network.pk, riverside.pk))["programmes"] == 2
    assert values(Period.month(2026, 9), Scope(network.pk))["programmes"] == 0
    # By primary audience: 0–5 story time twice; adults the book club; general interest the
    # family day (all ages) and the talk for two bands.
    assert parts("programmes", "imls_audience", OCTOBER, Scope(network.pk)) == {
        "0-5": 2,
        "19+": 1,
        "general": 2,
    }
    # By format: story time twice and the hybrid book club in person; one away; one live
    # online.
    assert parts("programmes", "imls_format", OCTOBER, Scope(network.pk)) == {
        "on_site": 3,
        "off_site": 1,
        "virtual": 1,
    }


def test_programme_attendance_by_audience_age_and_format(programmes, network, central, riverside):
    # 6 on the 3rd, 3 on the 10th, 1 at the book club, 15 at the family day: 25; the
    # central library 24, Riverside 1.
    assert values(OCTOBER, Scope(network.pk))["programme_attendance"] == 25
    assert values(OCTOBER, Scope(network.pk, central.pk))["programme_attendance"] == 24
    assert values(Q4, Scope(network.pk, riverside.pk))["programme_attendance"] == 1
    everywhere = Scope(network.pk)
    assert parts("programme_attendance", "imls_audience", OCTOBER, everywhere) == {
        "0-5": 9,
        "19+": 1,
        "general": 15,
    }
    assert parts("programme_attendance", "imls_format", OCTOBER, everywhere) == {
        "on_site": 10,
        "off_site": 15,
    }
    # The attendees' own ages: the 4-year-old and 6 small children counted (0–5: 7); the
    # 10 children of 6–11; adults: 2 + 5 counted and the 46-year-old (19+: 8).
    assert parts("programme_attendance", "imls_age", OCTOBER, everywhere) == {
        "0-5": 7,
        "6-11": 10,
        "19+": 8,
    }
    # The library's groups: 0–5 and 6–11 are children; the 46-year-old an adult; "19+"
    # counted at the door may be an adult or a senior: not known (7).
    found = parts("programme_attendance", "age_group", OCTOBER, everywhere)
    assert {k: v for k, v in found.items() if v} == {"child": 17, "adult": 1, "": 7}
    # Per 1,000 inhabitants: 24 of 2,000 at the central library = 12; the network's
    # population is its one branch that entered it: 25 per 2 = 12.5; Riverside's unknown.
    per_1000 = figures(OCTOBER, everywhere)["attendance_per_1000"]
    assert (per_1000.value, per_1000.numerator, per_1000.denominator) == (q("12.5"), 25, 2000)
    assert values(OCTOBER, Scope(network.pk, central.pk))["attendance_per_1000"] == 12
    riverside_figure = figures(OCTOBER, Scope(network.pk, riverside.pk))["attendance_per_1000"]
    assert (riverside_figure.value, riverside_figure.missing) == (None, "no_denominator")


def test_erasing_the_attendees_changes_no_attendance_figure(
    programmes, network, central, central_librarian
):
    scopes = [Scope(network.pk), Scope(network.pk, central.pk)]

    def counted():
        found = {}
        for dimension in ("imls_audience", "imls_format", "imls_age", "age_group", "category"):
            found[dimension] = indicators.breakdown(
                "programme_attendance", dimension, OCTOBER, scopes
            )
        found["all"] = indicators.figures(OCTOBER, scopes)
        return found

    before = counted()
    for patron in Patron.objects.all():
        patron_services.erase_patron(
            patron, branch=central, actor=Actor.for_staff(central_librarian), at=at(11, 5)
        )
    roll_up()
    assert counted() == before


# --- partners and volunteers ----------------------------------------------------------------

NOVEMBER = Period.month(2026, 11)


@pytest.fixture
def community(network, central, riverside, manager, central_librarian):
    """A school works with the central library on 5 October and 3 November; a bakery gives
    books worth 150 to Riverside on 8 October; an NGO is sent a reader by Riverside on 2
    November (a referral, not a joint activity). A volunteer gives 90 minutes on 6 October
    (confirmed the 7th), 45 minutes at Riverside on 13 October (confirmed on 2 November)
    and 60 minutes on 20 October (refused)."""
    staff = Actor.for_staff(manager)

    def partner(name, kind, branch):
        return partners.save_partner(
            None,
            network=network,
            actor=staff,
            at=at(9, 1),
            details=partners.PartnerDetails(
                name=name, kind=kind, since=date(2026, 1, 1), branches=[branch]
            ),
        )

    school = partner("School No. 5", PartnerKind.SCHOOL, central)
    bakery = partner("Bakery", PartnerKind.BUSINESS, riverside)
    ngo = partner("Help", PartnerKind.NGO, riverside)
    for on in (date(2026, 10, 5), date(2026, 11, 3)):
        partners.record_activity(
            partner=school,
            kind=ActivityKind.PROJECT,
            on=on,
            description="Reading lesson",
            branch=central,
            actor=staff,
            at=at(11, 4),
        )
    partners.record_activity(
        partner=bakery,
        kind=ActivityKind.DONATION,
        on=date(2026, 10, 8),
        description="Books",
        branch=riverside,
        value=Decimal(150),
        currency="UAH",
        actor=staff,
        at=at(10, 8),
    )
    partners.log_referral(
        partner=ngo,
        branch=riverside,
        direction=Direction.TO_PARTNER,
        on=date(2026, 11, 2),
        reason="Legal help",
        actor=staff,
        at=at(11, 2),
    )
    anna = volunteers.register_volunteer(
        network=network,
        consent=True,
        actor=staff,
        at=at(9, 1),
        details=volunteers.VolunteerDetails(name="Anna", branches=[central, riverside]),
    )

    def give(branch, on, minutes, logged):
        return volunteers.log_hours(
            volunteer=anna, branch=branch, on=on, minutes=minutes, actor=staff, at=logged
        )

    volunteers.confirm_hours(
        give(central, date(2026, 10, 6), 90, at(10, 6)), actor=staff, at=at(10, 7)
    )
    late = give(riverside, date(2026, 10, 13), 45, at(10, 13))
    refused = give(central, date(2026, 10, 20), 60, at(10, 20))
    volunteers.reject_hours(refused, actor=staff, at=at(10, 21))
    volunteers.confirm_hours(late, actor=staff, at=at(11, 2))
    roll_up()


def test_partners_joint_activities_and_volunteer_hours(community, network, central, riverside):
    everywhere = Scope(network.pk)
    at_central, at_riverside = Scope(network.pk, central.pk), Scope(network.pk, riverside.pk)
    # Active partners: October the school and the bakery; November the school and the NGO;
    # the quarter all three, each once; the central library the school, Riverside the
    # bakery and the NGO.
    assert values(OCTOBER, everywhere)["active_partners"] == 2
    assert values(NOVEMBER, everywhere)["active_partners"] == 2
    assert values(Q4, everywhere)["active_partners"] == 3
    assert values(YEAR, everywhere)["active_partners"] == 3
    assert values(Q4, at_central)["active_partners"] == 1
    assert values(Q4, at_riverside)["active_partners"] == 2
    # Joint activities by the day they took place (the referral is not one): October 2,
    # November 1; the central library 2 in the quarter, Riverside 1.
    assert values(OCTOBER, everywhere)["joint_activities"] == 2
    assert values(NOVEMBER, everywhere)["joint_activities"] == 1
    assert (
        values(Q4, at_central)["joint_activities"],
        values(Q4, at_riverside)["joint_activities"],
    ) == (2, 1)
    # Volunteer hours by the day they were confirmed: 1.5 in October, 0.75 in November, the
    # refused hour never; the quarter 2.25.
    assert values(OCTOBER, everywhere)["volunteer_hours"] == Decimal("1.5")
    assert values(NOVEMBER, everywhere)["volunteer_hours"] == Decimal("0.75")
    assert values(Q4, everywhere)["volunteer_hours"] == Decimal("2.25")
    assert values(Q4, at_riverside)["volunteer_hours"] == Decimal("0.75")
    # Active partners are counted within a calendar year.
    across = Period.term(date(2026, 9, 1), date(2027, 1, 31), "School year")
    assert figures(across, everywhere)["active_partners"].missing == "across_years"


# --- the daily record book and the yearly figures --------------------------------------------

DECEMBER = Period.month(2026, 12)


@pytest.fixture
def record_book(network, central, riverside, central_librarian, riverside_librarian, manager):
    """December 2026, entered by hand: the central library's reference questions (4 on the
    1st, 6 on the 2nd, the 2nd corrected to 7 later), its computer sessions (5 on the 1st);
    Riverside's Wi-Fi sessions (12 on the 2nd) and, on the 1st, 0 reference questions
    (counted: there were none). Riverside entered 3 computer sessions on the 3rd by mistake
    and cleared them. The yearly figures: staff 3.5 FTE at the central library and 1.5 at
    Riverside (none for the network as a whole); the network's budget 100,000 and the
    central library's 60,000."""
    desk, river_desk, staff = (
        Actor.for_staff(central_librarian),
        Actor.for_staff(riverside_librarian),
        Actor.for_staff(manager),
    )
    day1, day2, day3 = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)
    daybook.save_counts(
        central,
        counts={
            (day1, Measure.REFERENCE_QUESTIONS): 4,
            (day2, Measure.REFERENCE_QUESTIONS): 6,
            (day1, Measure.COMPUTER_SESSIONS): 5,
        },
        actor=desk,
        at=at(12, 3),
    )
    daybook.save_counts(
        central, counts={(day2, Measure.REFERENCE_QUESTIONS): 7}, actor=desk, at=at(12, 4)
    )
    daybook.save_counts(
        riverside,
        counts={
            (day2, Measure.WIFI_SESSIONS): 12,
            (day1, Measure.REFERENCE_QUESTIONS): 0,
            (day3, Measure.COMPUTER_SESSIONS): 3,
        },
        actor=river_desk,
        at=at(12, 4),
    )
    daybook.save_counts(
        riverside, counts={(day3, Measure.COMPUTER_SESSIONS): None}, actor=river_desk, at=at(12, 5)
    )
    for branch, figure, value, currency in (
        (central, YearFigure.STAFF_FTE, "3.5", ""),
        (riverside, YearFigure.STAFF_FTE, "1.5", ""),
        (None, YearFigure.BUDGET, "100000", "UAH"),
        (central, YearFigure.BUDGET, "60000", "UAH"),
    ):
        daybook.set_yearly_figure(
            network=network,
            branch=branch,
            year=2026,
            figure=figure,
            value=Decimal(value),
            currency=currency,
            actor=staff,
            at=at(1, 10),
        )
    roll_up()


def test_what_was_entered_by_hand_and_what_was_not(record_book, network, central, riverside):
    everywhere = figures(DECEMBER, Scope(network.pk))
    at_central = figures(DECEMBER, Scope(network.pk, central.pk))
    at_riverside = figures(DECEMBER, Scope(network.pk, riverside.pk))
    # Reference questions: central 4 + 7 (corrected); Riverside's 0 is a count, not a gap.
    assert at_central["reference_questions"].value == 11
    assert at_riverside["reference_questions"].value == 0
    assert at_riverside["reference_questions"].missing == ""
    assert everywhere["reference_questions"].value == 11
    assert (at_central["computer_sessions"].value, everywhere["computer_sessions"].value) == (5, 5)
    assert (at_riverside["wifi_sessions"].value, everywhere["wifi_sessions"].value) == (12, 12)
    # Nothing entered: missing, never 0.
    assert at_central["wifi_sessions"].missing == "not_recorded"
    assert everywhere["visits"].missing == "not_recorded"
    assert at_central["visits_per_user"].missing == "not_recorded"
    assert figures(Period.month(2026, 11), Scope(network.pk))["reference_questions"].value is None
    # Riverside's computer sessions were entered and cleared: nothing is entered.
    assert at_riverside["computer_sessions"].value is None
    assert at_riverside["computer_sessions"].missing == "not_recorded"

    year = figures(YEAR, Scope(network.pk))
    # Staff: no figure for the network itself, so its branches' 3.5 + 1.5.
    assert year["staff_fte"].value == 5
    # Budget: the network's own figure, not its branches' added up.
    assert year["budget"].value == 100000
    assert values(YEAR, Scope(network.pk, central.pk))["budget"] == 60000
    assert figures(YEAR, Scope(network.pk, riverside.pk))["budget"].missing == "not_recorded"
    # Nobody entered a population: missing, and so are the figures per inhabitant.
    assert year["population_served"].missing == "not_recorded"
    assert year["loans_per_capita"].value is None
    # Yearly figures are a year's.
    assert everywhere["staff_fte"].missing == "not_for_period"


# --- opening hours --------------------------------------------------------------------------

FEBRUARY = Period.month(2026, 2)


@pytest.fixture
def hours_counted(network, central, riverside, manager):
    """February 2026 (four whole weeks, from Sunday the 1st): the central library is open
    Monday to Saturday 9–20 (11 hours), closed on Tuesday the 10th for stocktaking;
    Riverside Tuesday to Saturday 10–13 and 14–18 (7 hours), on Saturday the 14th only
    12–16 (4 hours). Every day of February counted (twice over: a day counted again
    changes nothing)."""
    staff = Actor.for_staff(manager)
    libraries.add_calendar_exception(
        network=network,
        branch=central,
        day=date(2026, 2, 10),
        closed=True,
        reason="Stocktaking",
        actor=staff,
        at=at(1, 20),
    )
    libraries.add_calendar_exception(
        network=network,
        branch=riverside,
        day=date(2026, 2, 14),
        closed=False,
        opens=time(12),
        closes=time(16),
        reason="Short day",
        actor=staff,
        at=at(1, 20),
    )
    days = [date(2026, 2, 1) + timedelta(days=n) for n in range(28)]
    job = Actor.for_job("opening hours")
    for _again in range(2):
        for branch in (central, riverside):
            libraries.count_opening_hours(branch, days=days, actor=job, at=at(3, 1, 2))
    roll_up()


def test_opening_hours_in_the_period_and_a_week(hours_counted, network, central, riverside):
    # Central: 24 days of 11 hours, less the 10th: 253. Riverside: 20 days of 7 hours, the
    # 14th 4 instead of 7: 137. The network: 390.
    assert values(FEBRUARY, Scope(network.pk, central.pk))["opening_hours_year"] == 253
    assert values(FEBRUARY, Scope(network.pk, riverside.pk))["opening_hours_year"] == 137
    assert values(FEBRUARY, Scope(network.pk))["opening_hours_year"] == 390
    # A week: 253 ÷ 4 = 63.25; 137 ÷ 4 = 34.25; the network's weeks added up, 97.5.
    week = figures(FEBRUARY, Scope(network.pk, central.pk))["opening_hours_week"]
    assert (week.value, week.numerator, week.denominator) == (q("63.25"), 253, 4)
    assert values(FEBRUARY, Scope(network.pk, riverside.pk))["opening_hours_week"] == q("34.25")
    assert values(FEBRUARY, Scope(network.pk))["opening_hours_week"] == q("97.5")
    # The quarter and the year: only February's days were counted.
    assert values(Q1, Scope(network.pk))["opening_hours_year"] == 390
    assert values(YEAR, Scope(network.pk))["opening_hours_week"] == q("97.5")
    # January was not counted: missing, not 0 hours.
    assert figures(JANUARY, Scope(network.pk))["opening_hours_year"].missing == "not_recorded"
    assert figures(JANUARY, Scope(network.pk))["opening_hours_week"].missing == "not_recorded"


# --- what no later change may change ---------------------------------------------------------

PERIODS = (YEAR, Q1, Q2, JANUARY, MARCH, SPRING)


def _everything(network, branches) -> dict:
    """Every figure of the lending world's periods at every scope, and every breakdown of
    March and of the year, as plain values."""
    scopes = [Scope(network.pk)] + [Scope(network.pk, b.pk) for b in branches]
    found: dict = {}
    for period in PERIODS:
        for scope, by_code in indicators.figures(period, scopes).items():
            for code, figure in by_code.items():
                found[(period.label, scope, code)] = figure.as_dict()
    for period in (MARCH, YEAR):
        for indicator in indicators.registry():
            for dimension in indicator.dimensions:
                for scope, by_value in indicators.breakdown(
                    indicator.code, dimension, period, scopes
                ).items():
                    found[(period.label, scope, indicator.code, dimension)] = {
                        value: figure.as_dict() for value, figure in by_value.items()
                    }
    return found


def test_anonymising_loans_and_erasing_patrons_change_no_figure(
    lending, network, central, riverside, central_librarian, riverside_librarian
):
    before = _everything(network, [central, riverside])
    # The figures the guarantee is about are really there (not all zero or missing).
    assert before[("2026", Scope(network.pk), "regular_users")]["value"] == "1"
    assert before[("2026-03", Scope(network.pk), "e_service_users")]["value"] == "1"
    job = Actor.for_job("anonymise")
    assert circulation.anonymise_returned_loans(at=at(12, 31), actor=job) > 0
    # Koval (the regular user, active at both branches), Sokil (the online user) and Lys
    # (the student) are erased.
    for patron, branch, staff in (
        (lending.koval, central, central_librarian),
        (lending.sokil, central, central_librarian),
        (lending.lys, riverside, riverside_librarian),
    ):
        patron_services.erase_patron(
            patron, branch=branch, actor=Actor.for_staff(staff), at=at(12, 31, 12)
        )
    roll_up()
    assert _everything(network, [central, riverside]) == before


CLOSED_AT = datetime(2027, 1, 11, 9, 0, tzinfo=KYIV)


def _reading(period, scope, code):
    (reading,) = indicators.read(period, [scope], codes=[code])[scope]
    return reading


def test_a_closed_year_keeps_its_figures_and_shows_a_late_change_as_a_difference(
    lending, network, central, riverside, manager, central_librarian
):
    staff = Actor.for_staff(manager)
    scopes = [Scope(network.pk), Scope(network.pk, central.pk), Scope(network.pk, riverside.pk)]
    live = {period: indicators.figures(period, scopes) for period in (YEAR, Q1, MARCH)}
    closed = {c.label: c for c in measures.close(YEAR, network=network, actor=staff, at=CLOSED_AT)}
    # The frozen figures are the figures of the moment, missing ones missing (never 0).
    for period in (YEAR, Q1, MARCH):
        readings = indicators.read(period, scopes)
        for scope in scopes:
            for reading in readings[scope]:
                assert reading.frozen, (period.label, reading.code)
                assert indicators.same(reading.figure, live[period][scope][reading.code]), (
                    period.label,
                    scope,
                    reading.code,
                )
    visits = _reading(MARCH, Scope(network.pk), "visits")
    assert (visits.figure.value, visits.figure.missing) == (None, "not_recorded")

    # Forgetting patrons after the year is closed: a recheck finds nothing different.
    circulation.anonymise_returned_loans(at=CLOSED_AT, actor=Actor.for_job("anonymise"))
    patron_services.erase_patron(
        lending.sokil, branch=central, actor=Actor.for_staff(central_librarian), at=CLOSED_AT
    )
    roll_up()
    assert snapshots.recheck(closed["2026-03"], at=CLOSED_AT) == 0
    assert snapshots.recheck(closed["2026"], at=CLOSED_AT) == 0

    # A loan of 26 March entered late, at the central library: March's figures stay as
    # they were published, and what a recount finds now is shown beside them.
    circulation.checkout(
        patron=lending.koval,
        item=lending.copies[3],
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=at(3, 26),
    )
    roll_up()
    assert _reading(MARCH, Scope(network.pk), "loans").figure.value == 7
    assert snapshots.recheck(closed["2026-03"], at=CLOSED_AT) > 0
    reading = _reading(MARCH, Scope(network.pk), "loans")
    assert (reading.figure.value, reading.recomputed.value) == (7, 8)
    turnover = _reading(MARCH, Scope(network.pk, central.pk), "collection_turnover")
    assert (turnover.figure.value, turnover.recomputed.value) == (1, q("1.25"))  # 5 of 4
    # Riverside's figures did not change: nothing to review there.
    assert _reading(MARCH, Scope(network.pk, riverside.pk), "loans").recomputed is None
    differing = {(row.code, row.branch_id) for row in snapshots.differences(closed["2026-03"])}
    assert ("loans", 0) in differing and ("loans", central.pk) in differing
    assert not any(branch_id == riverside.pk for _code, branch_id in differing)
    # The term is not closed with the year: it is counted again.
    assert _reading(SPRING, Scope(network.pk), "loans").figure.value == 10


# --- the command and the REST API give the registry's numbers -------------------------------


def _command(*args: str) -> dict:
    out = StringIO()
    call_command("indicators", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _as_numbers(figure: Figure) -> tuple:
    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    return (
        number(figure.value),
        number(figure.numerator),
        number(figure.denominator),
        figure.missing or None,
    )


def _lines_numbers(lines: list[dict]) -> dict[str, tuple]:
    return {
        line["code"]: (
            None if line["value"] is None else float(line["value"]),
            None if line["numerator"] is None else float(line["numerator"]),
            None if line["denominator"] is None else float(line["denominator"]),
            line["missing"],
        )
        for line in lines
    }


@pytest.mark.parametrize(
    "args, period, branch",
    [
        (("--year", "2026"), YEAR, None),
        (("--year", "2026", "--month", "3", "--branch", "riverside"), MARCH, "riverside"),
        (("--year", "2026", "--quarter", "1", "--branch", "central"), Q1, "central"),
    ],
)
def test_the_command_and_the_api_carry_the_registry_s_numbers(
    lending, client, network, manager, args, period, branch
):
    scope = Scope(network.pk, Branch.objects.get(code=branch).pk if branch else None)
    registry = {code: _as_numbers(f) for code, f in figures(period, scope).items()}
    assert registry["loans"][0] > 0
    printed = _command(*args)
    assert _lines_numbers(printed["indicators"]) == registry
    _token, secret = issue_api_token(
        manager, name="reports", actor=Actor.system("t"), at=at(12, 31)
    )
    query = dict(zip([a.lstrip("-") for a in args[::2]], args[1::2], strict=True))
    response = client.get(
        "/api/v1/indicators", query, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    assert _lines_numbers(response.json()["indicators"]) == registry
    # Neither says who the patrons were.
    text = json.dumps(printed, ensure_ascii=False) + response.content.decode()
    for patron in (lending.koval, lending.sokil, lending.lys, lending.vovk):
        assert patron.family_name not in text and patron.card_barcode not in text


def test_the_command_and_the_api_give_the_registry_s_breakdowns(lending, client, network, manager):
    everywhere = Scope(network.pk)
    expected = {
        value: _as_numbers(f)
        for value, f in indicators.breakdown("loans", "language", MARCH, [everywhere])[
            everywhere
        ].items()
    }
    printed = _command("--year", "2026", "--month", "3", "--code", "loans", "--by", "language")
    assert {
        p["value_of"]: (p["value"], p["numerator"], p["denominator"], p["missing"])
        for p in printed["parts"]
    } == expected
    client.force_login(manager)
    response = client.get(
        "/api/v1/indicators/loans/breakdown", {"year": 2026, "month": 3, "by": "language"}
    )
    assert response.status_code == 200
    (scope_parts,) = response.json()["scopes"]
    assert {
        p["value_of"]: (p["value"], p["numerator"], p["denominator"], p["missing"])
        for p in scope_parts["parts"]
    } == expected


@pytest.mark.parametrize(
    "args, line",
    [
        (["--year", "2026", "--branch", "NOWHERE"], "CommandError: unknown branch: NOWHERE"),
        (["--year", "2019"], "CommandError: no data for 2019"),
    ],
)
def test_the_command_exits_non_zero_with_one_line(lending, capsys, bibliohub_main, args, line):
    with pytest.raises(SystemExit) as exited:
        bibliohub_main(["bibliohub", "indicators", *args, "--json"])
    assert exited.value.code != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [line]


def test_who_may_read_which_figures(
    lending, client, network, central, riverside, riverside_librarian
):
    monitor = User.objects.create_user(username="monitor", password="x", role=Role.MONITORING)
    client.force_login(monitor)
    # The monitoring group reads plans, never the figures' API (nor anything about patrons).
    assert client.get("/api/v1/indicators", {"year": 2026}).status_code == 401
    assert (
        client.get("/api/v1/indicators", {"year": 2026, "branch": "riverside"}).status_code == 401
    )
    client.force_login(riverside_librarian)
    assert client.get("/api/v1/indicators", {"year": 2026}).status_code == 403
    assert client.get("/api/v1/indicators", {"year": 2026, "branch": "central"}).status_code == 403
    mine = client.get("/api/v1/indicators", {"year": 2026, "month": 3, "branch": "riverside"})
    assert mine.status_code == 200
    by_code = {line["code"]: line for line in mine.json()["indicators"]}
    assert by_code["loans"]["value"] == 3 and by_code["active_users"]["value"] == 2
    # Every branch she may see, besides the one asked for: her own only.
    parts_ = client.get(
        "/api/v1/indicators/loans/breakdown",
        {"year": 2026, "month": 3, "branch": "riverside", "by": "age_group", "every_branch": True},
    )
    assert parts_.status_code == 200
    assert [s["branch"] for s in parts_.json()["scopes"]] == ["riverside"]
