"""Forgetting who borrowed what changes no figure: the roll-ups of loans by branch, month and
kind, by age, the distinct active users and the e-service users are exactly the same before
and after returned loans are anonymised, and the same again when counted afresh from the
anonymised entries."""

from __future__ import annotations

from datetime import date, timedelta

from bibliohub.circulation import kinds, services
from bibliohub.history import Actor
from bibliohub.history.models import (
    DayBreakdown,
    DayCount,
    Dimension,
    DistinctPattern,
    DistinctYear,
    Entry,
)
from bibliohub.history.rollup import roll_up
from bibliohub.history.selectors import E_SERVICE_BITS, breakdown, counts, distinct_users
from tests.circulation.conftest import AT, _register, refresh

# Everything below happens in December 2026 (AT is 1 December) and January 2027.
START, END = date(2026, 12, 1), date(2027, 1, 31)
LOAN_KINDS = [k for k in kinds.circulation.kinds.values() if k.code != "anonymised"]


def _figures(network_id: int) -> dict[str, object]:
    december = {"start": START, "end": date(2026, 12, 31), "network_id": network_id}
    return {
        "by_branch_month_kind": counts(
            start=START, end=END, kinds=LOAN_KINDS, by=("branch", "month", "kind")
        ),
        "by_age": breakdown(LOAN_KINDS, Dimension.AGE, start=START, end=END, by=("kind",)),
        "by_category": breakdown(LOAN_KINDS, Dimension.CATEGORY, start=START, end=END),
        "by_language": breakdown(LOAN_KINDS, Dimension.LANGUAGE, start=START, end=END),
        "active_users": distinct_users(**december),
        "active_users_by_branch": distinct_users(**december, by_branch=True),
        "e_service_users": distinct_users(**december, channels=E_SERVICE_BITS),
    }


def test_anonymising_returned_loans_changes_no_figure(
    lend, central, riverside, adult_category, central_librarian, make_item, network, default_rule
):
    desk = Actor.for_staff(central_librarian)
    people = [
        _register(name, card, adult_category, central, central_librarian, date_of_birth=born)
        for name, card, born in (
            ("Koval", "P0101", date(1980, 5, 1)),
            ("Melnyk", "P0102", date(2014, 2, 10)),
            ("Bondar", "P0103", date(1955, 12, 24)),
        )
    ]
    loans = []
    for n, patron in enumerate(people):
        item = make_item()
        item.record.languages = ["ukr"] if n % 2 else ["pol"]
        item.record.save()
        loans.append(lend(patron, item, at=AT + timedelta(days=n)))
    # One renewal online (an e-service use), one at the desk; a hold placed online.
    services.renew(
        loan=loans[0], branch=central, actor=Actor.for_patron(people[0]), at=AT + timedelta(days=5)
    )
    services.renew(loan=loans[1], branch=riverside, actor=desk, at=AT + timedelta(days=6))
    services.place_hold(
        patron=people[2],
        record=loans[0].item.record,
        pickup_branch=riverside,
        actor=Actor.for_patron(people[2]),
        at=AT + timedelta(days=7),
    )
    for n, loan in enumerate(loans):  # returned, the last one in January
        services.checkin(
            item=loan.item, branch=central, actor=desk, at=AT + timedelta(days=10 + 12 * n)
        )
    roll_up()
    before = _figures(network.pk)
    assert before["active_users"] == 3 and before["e_service_users"] == 2
    assert sum(t.quantity for k, t in before["by_age"].items() if k[0] == "circulation.checkout") == 3

    anonymised = services.anonymise_returned_loans(
        at=AT + timedelta(days=90), actor=Actor.for_job("anonymised")
    )
    assert anonymised == 3 and all(refresh(loan).patron is None for loan in loans)
    about_loans = Entry.objects.filter(object_type="circulation.loan")
    assert about_loans.count() == 9 and not about_loans.filter(patron_id__isnull=False).exists()

    # The roll-ups go on from where they were: the same figures.
    roll_up()
    assert _figures(network.pk) == before

    # Counted afresh from the anonymised entries: the same figures again.
    for table in (DayCount, DayBreakdown, DistinctYear, DistinctPattern):
        table.objects.all().delete()
    Entry.objects.update(rolled_up=False)
    roll_up()
    assert _figures(network.pk) == before
