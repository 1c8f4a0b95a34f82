"""The statutory forms are data (reports/statutory/*.json): every source names an indicator,
a dimension and a census that exist (or says the line is not computed), and a form filled in
for a year gives our figures on its lines, missing — never zero — where they cannot be
worked out."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from bibliohub.history import indicators
from bibliohub.history import kinds as history_kinds
from bibliohub.reports import render, statutory


def _sources(source):
    if not source:
        return
    yield source
    for key in ("sum", "ratio"):
        for inner in source.get(key, ()):
            yield from _sources(inner)


# Codes a form names that no app computes yet.
NOT_YET: set[str] = set()


@pytest.mark.parametrize("code", ["imls-pls", "6nk", "cn-school"])
def test_each_form_names_only_what_exists(code):
    form = statutory.get(code)
    assert form.lines and form.version and form.title
    for line in form.lines:
        assert line.label
        for source in _sources(line.source):
            if "indicator" in source:
                indicator = indicators.get(source["indicator"])
                if indicator is None:
                    assert source["indicator"] in NOT_YET, line.label
                    continue
                if "by" in source:
                    assert source["by"] in indicator.dimensions, line.label
            if "census" in source:
                domain, _dot, kind = source["census"].partition(".")
                assert history_kinds.find(domain, kind) is not None, line.label


def test_an_unknown_form_is_refused():
    with pytest.raises(statutory.FormUnknown):
        statutory.get("form-27b")


def _filled(code, network, branch=None, language="en"):
    filled = statutory.fill(statutory.get(code), network=network, branch=branch, year=2026, language=language)
    return {line.spec.element or line.spec.label: line for line in filled.lines}, filled


def test_the_imls_survey_gets_our_figures_and_files_what_is_missing_as_minus_one(everything, network):
    lines, filled = _filled("imls-pls", network)
    assert lines["PHYSCIR"].value == 5
    assert lines["VISITS"].value == 32
    assert lines["REGBOR"].value == 3
    assert lines["TOTPRO"].value == 0  # nothing held: counted, so zero
    assert lines["HRS_OPEN"].is_missing  # no calendar counted in this world
    assert lines["ELMATCIR"].is_missing and lines["TOTCIR"].is_missing
    assert lines["REFERENC"].value is None
    assert lines["REFERENC"].filed(filled.form) == -1
    assert lines["PHYSCIR"].filed(filled.form) == 5


def test_6nk_has_the_traditional_derived_figures(everything, network, central):
    lines, _filled_form = _filled("6nk", network, central)
    assert lines["Видано документів (з перереєстраціями)"].value == 5
    assert lines["Кількість відвідувань"].value == 25
    assert lines["Читаність (видачі ÷ користувачі)"].value == Decimal("1.6667")
    assert lines["Книгозабезпеченість (фонд ÷ користувачі)"].value == 1
    staff = lines["Персонал (повні ставки)"]
    assert staff.value is None and staff.missing_reason.startswith("Not recorded")
    assert lines["Видано за МБА"].missing_reason == "Not computed by Bibliohub."


def test_the_chinese_school_form_misses_what_has_no_students_or_terms(everything, network):
    lines, _filled_form = _filled("cn-school", network, language="zh-hans")
    assert lines["藏书量（册）"].value == 3
    # No student in this world: books per student cannot be worked out, and is not 0.
    assert lines["生均藏书（册）"].value is None
    assert lines["第一学期生均借阅（册次）"].value is None


def test_a_form_downloads_as_csv_and_xlsx(everything, network):
    _lines, filled = _filled("imls-pls", network)
    rows = list(csv.DictReader(io.StringIO(render.form(filled, "csv", language="en").decode("utf-8-sig"))))
    by_element = {row["Element"]: row for row in rows if row["Element"]}
    assert by_element["PHYSCIR"]["Value"] == "5"
    assert by_element["REFERENC"]["Value"] == "missing" and by_element["REFERENC"]["As filed"] == "-1"
    book = openpyxl.load_workbook(io.BytesIO(render.form(filled, "xlsx", language="en")))
    sheet = book["imls-pls"]
    found = {row[3]: row[5] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert found["PHYSCIR"] == 5 and found["VISITS"] == 32


def test_the_imls_programme_lines_carry_the_surveys_element_numbers_and_names(everything, network):
    _lines, filled = _filled("imls-pls", network)
    rows = list(csv.DictReader(io.StringIO(render.form(filled, "csv", language="en").decode("utf-8-sig"))))
    by_line = {row["Line"]: row for row in rows if row["Line"]}
    assert by_line["606"]["Label"] == "Number of Synchronous In-Person Onsite Programs"
    assert by_line["608"]["Label"] == "Number of Synchronous Virtual Programs"
    assert by_line["618"]["Label"] == "Attendance at Synchronous Virtual Programs"
    assert (by_line["553"]["Element"], by_line["612"]["Element"]) == ("PHYSCIR", "K6_11ATTEN")
    # The totals by format add up the formats, and equal the totals by audience.
    assert by_line["609"]["Value"] == by_line["600"]["Value"] == "0"
    assert by_line["619"]["Value"] == by_line["610"]["Value"]
    book = openpyxl.load_workbook(io.BytesIO(render.form(filled, "xlsx", language="en")))
    header, *lines = list(book["imls-pls"].iter_rows(min_row=3, values_only=True))
    assert header[1:4] == ("Line", "Column", "Element")
    assert ("616", "Attendance at Synchronous In-Person Onsite Programs") in {
        (line[1], line[4]) for line in lines
    }


def test_a_line_says_where_it_goes_on_its_form():
    line = statutory.FormLine(
        section="IV", line="14", column="3", element="", label="", norm="", note="", source=None
    )
    assert line.reference() == "line 14, column 3"
    imls = {line.line: line for line in statutory.get("imls-pls").lines}
    assert imls["553"].reference() == "553 PHYSCIR"
    assert imls["606"].reference() == "606"
    assert "IMLS PLS FY2023: 553 PHYSCIR" in statutory.references("physical_loans")
    assert "IMLS PLS FY2023: 552 ELMATCIR" in statutory.references("e_loans")
    assert "IMLS PLS FY2023: 713 HRS_OPEN" in statutory.references("opening_hours_year")
    # A part of a breakdown is not the indicator itself.
    assert not any("601" in where for where in statutory.references("programmes")[1:])
    assert statutory.references("no_such_indicator") == []


def test_the_6nk_form_has_a_column_for_its_columns(everything, network):
    _lines, filled = _filled("6nk", network, language="uk")
    content = render.form(filled, "csv", language="uk").decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(content)))
    # Section, line, column, element, label, value, as filed, norm, missing because, note.
    assert len(header) == 10
    area = next(row for row in rows if row[4] == "Загальна площа приміщень, м²")
    assert area[1] == "1"
