"""The annual report as files: a real PDF whose text holds the Ukrainian and Chinese words
(decoded from its fonts' maps: tests/reports/pdftext.py), an XLSX with a sheet per section
and numbers as numbers, a CSV with one row per figure; what nobody entered is "missing" in
each, never 0."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from bibliohub.reports import annual, render
from tests.reports import pdftext
from tests.reports.conftest import STRENGTH_UK, STRENGTH_ZH

TODAY = date(2026, 12, 1)


def _report(network, branch=None, language="en"):
    return annual.build(network=network, branch=branch, year=2026, language=language, today=TODAY)


@pytest.fixture
def ukrainian_pdf(everything, network) -> bytes:
    return render.annual(_report(network, language="uk"), "pdf")


def test_the_pdf_is_a_pdf_with_pages(ukrainian_pdf):
    assert ukrainian_pdf.startswith(b"%PDF-1.") and ukrainian_pdf.rstrip().endswith(b"%%EOF")
    pages = pdftext.page_count(ukrainian_pdf)
    assert pages >= 2
    # The footer numbers every page out of the whole, in the reader's language.
    assert f"Сторінка {pages} з {pages}" in pdftext.text(ukrainian_pdf)


def test_the_ukrainian_pdf_is_in_ukrainian_with_the_librarys_name_and_page_numbers(ukrainian_pdf):
    text = pdftext.text(ukrainian_pdf)
    assert "Центральна бібліотечна система" in text  # the network's name, on every page
    assert "Видачі" in text and "Відвідування" in text
    assert "1 грудня 2026" in text  # the day it was made, in the Ukrainian style
    assert STRENGTH_UK in text


def test_the_chinese_pdf_is_in_chinese(everything, network):
    text = pdftext.text(render.annual(_report(network, language="zh-hans"), "pdf"))
    assert "借阅" in text and "到馆人次" in text
    assert "2026年12月1日" in text
    assert STRENGTH_ZH in text


def test_the_xlsx_has_a_sheet_per_section_and_numbers_as_numbers(everything, network, central):
    book = openpyxl.load_workbook(io.BytesIO(render.annual(_report(network, central), "xlsx")))
    assert book.sheetnames == ["Indicators", "Entered figures", "Plan progress", "SWOT analysis"]
    rows = list(book["Indicators"].iter_rows(values_only=True))
    assert rows[0][0] == "Annual report 2026 — Central Library"
    header = rows[1]
    by_code = {row[0]: dict(zip(header, row, strict=True)) for row in rows[2:]}
    loans = by_code["loans"]
    assert loans["Value"] == 5 and isinstance(loans["Value"], int)
    assert by_code["collection_turnover"]["Value"] == pytest.approx(5 / 3, abs=0.0001)
    entered = {row[0]: row for row in book["Entered figures"].iter_rows(min_row=3, values_only=True)}
    assert entered["visits"][2] == 25
    assert entered["reference_questions"][2] == "missing"
    plan = [row[:4] for row in book["Plan progress"].iter_rows(values_only=True) if row[0]]
    assert ("Development programme 2026", "2026", "On track", 1) in plan


def test_the_csv_has_one_row_per_figure(everything, network):
    content = render.annual(_report(network), "csv")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    figures = {(row["Section"], row["Code"]): row for row in rows}
    assert figures[("Indicators", "loans")]["Value"] == "5"
    assert figures[("Indicators", "refusal_rate")]["Numerator"] == "1"
    staff = figures[("Entered figures", "staff_fte")]
    assert staff["Value"] == "missing" and staff["Missing because"].startswith("Not recorded")
    assert figures[("Plan progress", "actions_on_track")]["Value"] == "1"
    assert len(rows) == len({(r["Section"], r["Code"], r["Name"]) for r in rows})


def test_the_csv_headings_are_in_the_reports_language(everything, network):
    content = render.annual(_report(network, language="uk"), "csv").decode("utf-8-sig")
    assert "Видачі" in content


def test_each_figure_says_where_the_statutory_forms_put_it(everything, network, ukrainian_pdf):
    rows = list(csv.DictReader(io.StringIO(render.annual(_report(network), "csv").decode("utf-8-sig"))))
    figures = {(row["Section"], row["Code"]): row for row in rows}
    assert "IMLS PLS FY2023: 553 PHYSCIR" in figures[("Indicators", "physical_loans")]["Statutory form lines"]
    assert "IMLS PLS FY2023: 600 TOTPRO" in figures[("Indicators", "programmes")]["Statutory form lines"]
    book = openpyxl.load_workbook(io.BytesIO(render.annual(_report(network), "xlsx")))
    sheet = list(book["Indicators"].iter_rows(values_only=True))
    by_code = {row[0]: dict(zip(sheet[1], row, strict=True)) for row in sheet[2:]}
    assert "553 PHYSCIR" in by_code["physical_loans"]["Statutory form lines"]
    assert "553 PHYSCIR" in pdftext.text(ukrainian_pdf)
