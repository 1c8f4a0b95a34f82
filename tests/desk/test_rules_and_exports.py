"""The rule and term screens (network managers edit, branch librarians read), "which rule
applies", and the end-of-term list of loans by class with its CSV and XLSX files."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from bibliohub.circulation.models import CirculationRule, Term
from bibliohub.history import Actor
from bibliohub.patrons import services as patron_services
from tests.desk.conftest import AT


def _rule_form(**values):
    data = {
        "loan_period": "14",
        "loan_unit": "days",
        "renewals_allowed": "1",
        "hold_pickup_days": "5",
        "fine_per_day": "0.10",
        "grace_days": "0",
        "calendar_mode": "next_open_day",
        "fine_days": "open_days",
        "renewal_base": "due_date",
        "holds_allowed": "on",
    }
    data.update(values)
    return data


def test_a_branch_librarian_reads_the_rules_but_cannot_change_them(desk, default_rule):
    page = desk.get(reverse("staff:circulation:rules"))
    assert page.status_code == 200
    assert "Only network managers can change rules." in page.content.decode()
    assert (
        desk.get(reverse("staff:circulation:rule_edit", args=[default_rule.pk])).status_code == 403
    )
    assert desk.post(reverse("staff:circulation:rule_add"), _rule_form()).status_code == 403
    assert CirculationRule.objects.count() == 1


def test_a_network_manager_adds_and_edits_rules(client, manager, default_rule, central, book_type):
    client.force_login(manager)
    response = client.post(
        reverse("staff:circulation:rule_add"), _rule_form(branch=central.pk, item_type=book_type.pk)
    )
    assert response.status_code == 302
    rule = CirculationRule.objects.get(branch=central)
    assert rule.loan_period == 14 and rule.item_type == book_type
    client.post(
        reverse("staff:circulation:rule_edit", args=[rule.pk]),
        _rule_form(branch=central.pk, item_type=book_type.pk, loan_period="7"),
    )
    rule.refresh_from_db()
    assert rule.loan_period == 7
    from bibliohub.history.models import Entry

    changes = Entry.objects.filter(domain="circulation", kind="policy_changed").order_by("pk")
    assert [(e.staff_id, e.detail["created"], e.detail["values"]["loan_period"]) for e in changes] == [
        (manager.pk, True, 14),
        (manager.pk, False, 7),
    ]
    assert changes.last().detail["fields"] == ["loan_period"]
    # A second rule for the same combination is refused next to the form, not a crash.
    again = client.post(
        reverse("staff:circulation:rule_add"), _rule_form(branch=central.pk, item_type=book_type.pk)
    )
    assert again.status_code == 400
    assert (
        "There is already a rule for this branch, category and item type." in again.content.decode()
    )


def test_a_network_manager_chooses_what_renewals_count_from_and_the_rules_say_so(
    client, manager, default_rule
):
    client.force_login(manager)
    form = client.get(reverse("staff:circulation:rule_edit", args=[default_rule.pk]))
    html = form.content.decode()
    assert 'name="renewal_base"' in html
    assert "From the due date" in html and "From the day of the renewal" in html
    client.post(
        reverse("staff:circulation:rule_edit", args=[default_rule.pk]),
        _rule_form(renewal_base="renewal_day"),
    )
    default_rule.refresh_from_db()
    assert default_rule.renewal_base == "renewal_day"
    page = client.get(reverse("staff:circulation:rules")).content.decode()
    assert "From the day of the renewal" in page


def test_a_network_manager_adds_a_school_term_and_bad_dates_are_refused(client, manager, central):
    client.force_login(manager)
    client.post(reverse("staff:circulation:choose_desk"), {"branch": central.pk})
    data = {
        "name": "Autumn term",
        "starts_on": "2026-09-01",
        "ends_on": "2026-12-24",
        "due_on": "2026-12-20",
    }
    assert client.post(reverse("staff:circulation:term_add"), data).status_code == 302
    term = Term.objects.get()
    assert term.network_id == central.network_id and term.fixed_due_date == date(2026, 12, 20)
    bad = client.post(
        reverse("staff:circulation:term_add"),
        {**data, "name": "Backwards", "ends_on": "2026-08-01"},
    )
    assert bad.status_code == 400
    page = client.get(reverse("staff:circulation:terms")).content.decode()
    assert "Autumn term" in page and "2026-12-20" in page


def test_a_branch_librarian_cannot_add_terms(desk):
    assert desk.get(reverse("staff:circulation:term_add")).status_code == 403


def test_which_rule_applies_answers_with_the_rule_the_reasons_and_the_due_date(
    desk, reader, book, default_rule, central, book_type
):
    specific = CirculationRule.objects.create(branch=central, item_type=book_type, loan_period=14)
    response = desk.get(
        reverse("staff:circulation:explain"), {"card": "P0001", "barcode": book.barcode}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Rule {specific.pk} applies" in html
    assert "it is set for this branch and this item type, any patron category" in html
    assert f"rule {default_rule.pk}, less specific, not used" in html
    assert "2026-12-15 23:59" in html  # lent now (Tuesday 1 December), due in 14 days
    assert "Renewal counts from" in html and "From the due date" in html


def test_which_rule_applies_names_an_unknown_card_and_barcode(desk, reader):
    response = desk.get(reverse("staff:circulation:explain"), {"card": "P404", "barcode": "X404"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "No patron has the card P404." in html and "No copy has the barcode X404." in html


@pytest.fixture
def class_loans(central, central_librarian, adult_category, default_rule, make_item, lend):
    """Two students of 7B and one of 8A with books out, and an adult who is not in a class."""
    students = []
    for family, school_class in (("Шевченко", "7B"), ("Nguyễn", "7B"), ("王", "8A")):
        student = patron_services.register_patron(
            patron_services.PatronDetails(
                family_name=family, given_names="Student", school_class=school_class
            ),
            category=adult_category,
            branch=central,
            actor=Actor.for_staff(central_librarian),
            at=AT,
        )
        lend(student, make_item())
        students.append(student)
    adult = patron_services.register_patron(
        patron_services.PatronDetails(family_name="Adult", given_names="Reader"),
        category=adult_category,
        branch=central,
        actor=Actor.for_staff(central_librarian),
        at=AT,
    )
    lend(adult, make_item())
    return students


def test_the_end_of_term_list_shows_loans_by_class(desk, class_loans):
    page = desk.get(reverse("staff:circulation:end_of_term")).content.decode()
    assert "Шевченко" in page and "王" in page and "Adult, Reader" not in page
    assert "7B (2)" in page and "8A (1)" in page
    only = desk.get(
        reverse("staff:circulation:end_of_term"), {"school_class": "8A"}
    ).content.decode()
    assert "王" in only and "Шевченко" not in only


def test_the_end_of_term_csv_parses_back(desk, class_loans):
    response = desk.get(reverse("staff:circulation:end_of_term"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="loans-by-class-central-2026-12-01.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Class", "Family name", "Given names", "Card number"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("7B", "Nguyễn"), ("7B", "Шевченко"), ("8A", "王")]
    assert rows[1][7] == "2026-12-22" and rows[1][8] == "no"


def test_the_end_of_term_xlsx_parses_back(desk, class_loans):
    response = desk.get(
        reverse("staff:circulation:end_of_term"), {"format": "xlsx", "school_class": "7B"}
    )
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Class" and len(rows) == 3
    assert {r[1] for r in rows[1:]} == {"Nguyễn", "Шевченко"}
    assert rows[1][7].date() == date(2026, 12, 22)


def test_a_name_that_looks_like_a_formula_stays_text_in_both_files(desk, class_loans):
    from bibliohub.patrons.models import Patron

    Patron.objects.filter(pk=class_loans[0].pk).update(family_name="=HYPERLINK(1)")
    response = desk.get(reverse("staff:circulation:end_of_term"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert "'=HYPERLINK(1)" in [r[1] for r in rows]
    response = desk.get(reverse("staff:circulation:end_of_term"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"
