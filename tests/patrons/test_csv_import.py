from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from stdnum import luhn

from bibliohub.history import Actor, ActorKind, Channel
from bibliohub.history.models import Entry
from bibliohub.patrons.csv_import import RowError, register_from_csv
from bibliohub.patrons.models import Patron, PatronStatus

from .conftest import AT

TERM_START = """\
family_name,given_names,class,date_of_birth,card_number,category,email
Li,Wei,7B,2013-03-14,,,
Zhang,Min,7B,14.09.2013,S-7B-02,,min.parent@example.org
Wang,Fang,,1980-05-01,,teacher,
"""


@pytest.fixture(autouse=True)
def _clock_from_at(time_machine):
    """The command registers as of now: the clock starts at AT, a school year's first day, so
    that the ages of the people in the files are those of the tests whatever the year."""
    time_machine.move_to(AT, tick=True)


def _import(text: str | bytes, *, branch, category, staff=None, dry_run=False):
    file = io.BytesIO(text) if isinstance(text, bytes) else io.StringIO(text)
    return register_from_csv(
        file,
        branch=branch,
        category_default=category,
        actor=Actor.for_import(source="term.csv", staff=staff),
        at=AT,
        dry_run=dry_run,
    )


def test_new_students_and_teachers_are_registered_at_term_start(
    central, student_category, teacher_category, central_librarian
):
    report = _import(TERM_START, branch=central, category=student_category, staff=central_librarian)
    assert report.ok and report.written
    assert report.rows == 3
    assert [r.row for r in report.registered] == [2, 3, 4]
    li, zhang, wang = (Patron.objects.get(family_name=n) for n in ("Li", "Zhang", "Wang"))
    assert (li.category, li.school_class, li.date_of_birth) == (
        student_category,
        "7B",
        date(2013, 3, 14),
    )
    assert luhn.is_valid(li.card_barcode)  # generated with a check digit
    assert zhang.card_barcode == "S-7B-02" and zhang.date_of_birth == date(2013, 9, 14)
    assert wang.category == teacher_category
    assert {p.status for p in (li, zhang, wang)} == {PatronStatus.ACTIVE}
    assert {p.home_branch for p in (li, zhang, wang)} == {central}
    assert (
        Entry.objects.filter(
            domain="patrons",
            kind="registered",
            channel=Channel.IMPORT,
            actor=ActorKind.IMPORT,
            staff_id=central_librarian.pk,
            source="term.csv",
            branch_id=central.pk,
        ).count()
        == 3
    )
    assert report.registered[0].card_number == li.card_barcode


def test_one_bad_row_means_nothing_is_imported_and_every_error_is_named(central, student_category):
    text = (
        "family_name;given_names;date_of_birth;category;language;email\n"
        "Shevchenko;Mariia;2013-02-30;;uk;\n"
        "Bondar;;2013-01-01;;uk;\n"
        "Melnyk;Petro;2013-01-01;pupil;de;not-an-address\n"
        "Tkachenko;Iryna;2013-01-01;;;\n"
    )
    report = _import(text, branch=central, category=student_category)
    assert not report.ok and not report.written
    assert report.registered == []
    assert {(e.row, e.column) for e in report.errors} == {
        (2, "date_of_birth"),
        (3, "given_names"),
        (4, "category"),
        (4, "language"),
    }
    assert not Patron.objects.exists()


def test_errors_found_by_the_database_also_roll_everything_back(central, student_category, adult):
    text = (
        "family_name,given_names,card_number,email\n"
        "Li,Wei,,\n"
        "Zhang,Min,P0001,\n"  # the adult's card
        "Wang,Fang,,broken@\n"
    )
    report = _import(text, branch=central, category=student_category)
    assert {(e.row, e.column) for e in report.errors} == {(3, "card_number"), (4, "email")}
    assert list(Patron.objects.all()) == [adult]
    assert not Entry.objects.exclude(patron_id=adult.pk).exists()


def test_a_dry_run_checks_everything_and_writes_nothing(
    central, student_category, teacher_category
):
    report = _import(TERM_START, branch=central, category=student_category, dry_run=True)
    assert report.ok and not report.written
    assert len(report.registered) == 3
    assert report.registered[0].card_number is None  # would be generated
    assert report.registered[1].card_number == "S-7B-02"
    assert all(r.patron_id is None for r in report.registered)
    assert not Patron.objects.exists()
    assert not Entry.objects.exists()


def test_importing_the_same_file_twice_registers_nobody_twice(
    central, student_category, teacher_category
):
    assert _import(TERM_START, branch=central, category=student_category).written
    again = _import(TERM_START.replace("S-7B-02", ""), branch=central, category=student_category)
    assert {(e.row, e.column) for e in again.errors} == {(2, ""), (3, ""), (4, "")}
    assert "Already registered" in again.errors[0].message
    assert Patron.objects.count() == 3


def test_the_same_card_or_person_twice_in_one_file_is_refused(central, student_category):
    text = (
        "family_name,given_names,card_number,date_of_birth\n"
        "Li,Wei,C1,2013-03-14\n"
        "Li,Lei,C1,2013-03-15\n"
        "li,wei,,2013-03-14\n"
    )
    report = _import(text, branch=central, category=student_category)
    assert [(e.row, e.column) for e in report.errors] == [(3, "card_number"), (4, "")]
    assert all("Row 2" in e.message for e in report.errors)
    assert not Patron.objects.exists()


def test_a_guardian_may_be_registered_already_or_on_a_row_above(central, child_category, adult):
    text = (
        "family_name,given_names,card_number,guardian_card\n"
        "Kovalenko,Taras,,P0001\n"
        "Hnatiuk,Olha,G-1,\n"
        "Hnatiuk,Ostap,,G-1\n"
    )
    report = _import(text, branch=central, category=child_category)
    assert report.written
    assert Patron.objects.get(given_names="Taras").guardian == adult
    assert Patron.objects.get(given_names="Ostap").guardian.given_names == "Olha"


def test_an_unknown_guardian_is_an_error_in_that_column(central, child_category):
    report = _import(
        "family_name,given_names,guardian_card\nHnatiuk,Ostap,G-404\n",
        branch=central,
        category=child_category,
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "guardian_card")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("family_name,surname\nLi,Wei\n", {(1, "surname"), (1, "given_names")}),
        ("family_name,given_names,family_name\nLi,Wei,Li\n", {(1, "family_name")}),
        ("", {(1, "")}),
        ("family_name,given_names\nLi,Wei,extra\n", {(2, "")}),
    ],
)
def test_a_bad_header_or_shape_is_reported_before_any_row(
    central, student_category, text, expected
):
    report = _import(text, branch=central, category=student_category)
    assert {(e.row, e.column) for e in report.errors} == expected
    assert not Patron.objects.exists()


def test_without_a_default_category_every_row_needs_one(central):
    report = _import("family_name,given_names\nLi,Wei\n", branch=central, category=None)
    assert report.errors == [RowError(1, "category", report.errors[0].message)]


def test_a_spreadsheet_export_with_a_byte_order_mark_and_blank_lines_is_read(
    central, student_category
):
    text = '\ufefffamily_name,given_names,address\nLi,Wei,"12 Garden St,\nFlat 3"\n\nZhang,Min,\n'
    report = _import(text.encode("utf-8"), branch=central, category=student_category)
    assert report.written
    assert [r.row for r in report.registered] == [2, 4]
    assert Patron.objects.get(family_name="Li").address == "12 Garden St,\nFlat 3"


def test_a_file_that_is_not_utf8_is_refused_as_a_whole(central, student_category):
    report = _import(
        "family_name,given_names\nŁuczak,Zoë\n".encode("cp1250"),
        branch=central,
        category=student_category,
    )
    assert [(e.row, e.column) for e in report.errors] == [(0, "")]


def test_the_command_registers_a_file_and_prints_json(
    tmp_path, central, student_category, teacher_category, central_librarian, capsys
):
    path = tmp_path / "students.csv"
    path.write_text(TERM_START, encoding="utf-8")
    call_command(
        "register_patrons",
        str(path),
        "--branch",
        "central",
        "--category",
        "student",
        "--staff",
        "olena",
        "--json",
    )
    report = json.loads(capsys.readouterr().out)
    assert report["written"] and len(report["registered"]) == 3
    assert Patron.objects.count() == 3
    assert set(Entry.objects.values_list("kind", "channel", "staff_id", "source").distinct()) == {
        ("registered", Channel.IMPORT, central_librarian.pk, "students.csv")
    }
    assert Entry.objects.count() == 3


def test_the_command_imports_without_a_member_of_staff(
    tmp_path, central, student_category, teacher_category, capsys
):
    path = tmp_path / "students.csv"
    path.write_text(TERM_START, encoding="utf-8")
    call_command("register_patrons", str(path), "--branch", "central", "--category", "student")
    assert set(Entry.objects.values_list("channel", "actor", "staff_id", "source").distinct()) == {
        (Channel.IMPORT, ActorKind.IMPORT, None, "students.csv")
    }


def test_the_command_dry_run_writes_nothing(
    tmp_path, central, student_category, teacher_category, capsys
):
    path = tmp_path / "students.csv"
    path.write_text(TERM_START, encoding="utf-8")
    call_command(
        "register_patrons", str(path), "--branch", "central", "--category", "student", "--dry-run"
    )
    assert "Dry run: 3 patrons would be registered" in capsys.readouterr().out
    assert not Patron.objects.exists()


def test_the_command_fails_with_the_rows_to_fix(tmp_path, central, student_category, capsys):
    path = tmp_path / "students.csv"
    path.write_text("family_name,given_names\nLi,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was registered"):
        call_command("register_patrons", str(path), "--branch", "central", "--category", "student")
    assert "row 2, given_names" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--branch", "nowhere"], "No branch"),
        (["--branch", "central", "--category", "nobody"], "No patron category"),
        (["--branch", "central", "--staff", "ghost"], "No staff user"),
    ],
)
def test_the_command_refuses_unknown_codes(tmp_path, central, args, message):
    path = tmp_path / "students.csv"
    path.write_text(TERM_START, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command("register_patrons", str(path), *args)


def test_a_registered_person_is_recognised_whatever_the_letter_case(central, student_category):
    first = "family_name,given_names,date_of_birth\nШевченко,Марія,2013-02-03\n"
    assert _import(first, branch=central, category=student_category).written
    again = _import(
        first.replace("Шевченко,Марія", "ШЕВЧЕНКО,марія"), branch=central, category=student_category
    )
    assert [(e.row, e.column) for e in again.errors] == [(2, "")]
    assert Patron.objects.count() == 1


def test_every_error_is_reported_in_one_pass_in_row_order(central, student_category, adult):
    text = (
        "family_name,given_names,card_number,date_of_birth\n"
        "Li,Wei,P0001,\n"  # taken: found by the database
        "Zhang,Min,,31.02.2013\n"  # no such date: found while reading
        "Wang,Fang,,\n"
    )
    report = _import(text, branch=central, category=student_category)
    assert [(e.row, e.column) for e in report.errors] == [(2, "card_number"), (3, "date_of_birth")]
    assert list(Patron.objects.all()) == [adult]


def test_a_child_whose_guardian_row_is_bad_is_not_reported_again(central, child_category):
    text = (
        "family_name,given_names,card_number,guardian_card,email\n"
        "Hnatiuk,,G-1,,\n"
        "Hnatiuk,Ostap,,G-1,\n"
    )
    report = _import(text, branch=central, category=child_category)
    assert [(e.row, e.column) for e in report.errors] == [(2, "given_names")]
    assert not Patron.objects.exists()
