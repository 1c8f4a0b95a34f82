"""The annual report (reports.annual) and the statutory forms (reports.statutory) as files:
PDF through WeasyPrint (a print stylesheet, page numbers, the library's name on every
page, fonts for Latin, Cyrillic, Vietnamese and Chinese), XLSX (one sheet per section,
numbers as numbers) and CSV (one row per figure, UTF-8 with a byte order mark so that
spreadsheet programs read every script).

Each renderer works in the report's language: its headings and the dates come out in it."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bibliohub.reports.annual import AnnualReport, FigureRow
from bibliohub.reports.statutory import FilledForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_TYPE, "csv": "text/csv; charset=utf-8"}
PRINT_CSS = Path(__file__).parent / "static" / "reports" / "print.css"
# A text cell that a spreadsheet program would take for a formula is kept as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | Decimal | date | None


def _safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def number(value: Decimal | None) -> int | Decimal | None:
    """A figure as a spreadsheet number: whole numbers as integers, others kept to four
    places."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return value.quantize(Decimal("0.0001")).normalize()


def shown(value: Decimal | None, *, places: int = 2) -> str:
    """A figure as a page or the PDF shows it, in the active language's number style."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return formats.number_format(int(value), use_l10n=True, force_grouping=True)
    return formats.number_format(
        value.quantize(Decimal(1).scaleb(-places)), places, use_l10n=True, force_grouping=True
    )


def missing_word() -> str:
    return pgettext("figure", "missing")


def made_on(report_date: date) -> str:
    return formats.date_format(report_date, "DATE_FORMAT", use_l10n=True)


# --- CSV --------------------------------------------------------------------------------


def _csv(rows: Iterable[Sequence[Cell]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else _safe(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _figure_columns() -> list[Cell]:
    return [
        _("Section"), _("Code"), _("Name"), _("Value"), _("Numerator"), _("Denominator"),
        _("Unit"), _("Last year"), _("Change in %"), pgettext("plan", "Target"),
        _("Missing because"), _("Definition"), _("Statutory form lines"),
    ]


def _figure_cells(section: str, row: FigureRow) -> list[Cell]:
    unit = row.unit_label + (f" ({row.currency})" if row.currency else "")
    return [
        section,
        row.code,
        row.name,
        number(row.value) if not row.is_missing else missing_word(),
        number(row.numerator),
        number(row.denominator),
        unit,
        number(row.last_year),
        number(row.change),
        number(row.target),
        row.missing_reason,
        row.definition,
        "; ".join(row.statutory),
    ]


def annual_csv(report: AnnualReport) -> bytes:
    """One row per figure: the indicators, the figures entered by hand, and the number of
    actions in each status of each programme."""
    with translation.override(report.language):
        rows: list[list[Cell]] = [_figure_columns()]
        indicators_section = pgettext("plan", "Indicators")
        entered_section = _("Entered figures")
        rows += [_figure_cells(indicators_section, row) for row in report.indicators]
        rows += [_figure_cells(entered_section, row) for row in report.entered]
        plan = _("Plan progress")
        for programme in report.programmes:
            for status, label, count in programme.counts:
                rows.append(
                    [plan, f"actions_{status}", f"{programme.title}: {label}", count,
                     None, None, _("actions"), None, None, None, "", "", ""]
                )
        return _csv(rows)


# --- XLSX -------------------------------------------------------------------------------


def _sheet_name(text: str) -> str:
    for char in "[]:*?/\\":
        text = text.replace(char, " ")
    return text[:31]


def annual_xlsx(report: AnnualReport) -> bytes:
    """One sheet per section: the indicators, the figures entered by hand, plan progress
    (the programmes' status counts, then their actions) and the SWOT analysis."""
    from openpyxl import Workbook  # only the downloads need it

    with translation.override(report.language):
        book = Workbook(write_only=True)
        title = _("Annual report %(year)s — %(place)s") % {"year": report.year, "place": report.place}
        for name, rows in (
            (pgettext("plan", "Indicators"), report.indicators),
            (_("Entered figures"), report.entered),
        ):
            sheet = book.create_sheet(_sheet_name(name))
            sheet.append([_safe(title)])
            sheet.append(_figure_columns()[1:])
            for row in rows:
                sheet.append([_safe(v) for v in _figure_cells("", row)[1:]])
        sheet = book.create_sheet(_sheet_name(_("Plan progress")))
        sheet.append([_safe(title)])
        sheet.append([_("Programme"), _("Years"), _("Status"), _("Actions")])
        for programme in report.programmes:
            for _status, label, count in programme.counts:
                sheet.append([_safe(programme.title), programme.years, label, count])
        sheet.append([])
        sheet.append([
            _("Programme"), _("Direction"), pgettext("plan", "Goal"), _("Action"), _("Status"),
            _("Last update"), _("Status reported"), _("Branch"), _("Public note"),
        ])
        for programme in report.programmes:
            for action in programme.actions:
                sheet.append([
                    _safe(v)
                    for v in (
                        programme.title, action.direction, action.goal, action.title,
                        action.status_label, action.updated_on, action.update_status_label,
                        action.update_branch, action.update_note,
                    )
                ])
        sheet = book.create_sheet(_sheet_name(_("SWOT analysis")))
        sheet.append([_safe(title)])
        if report.swot is None:
            sheet.append([_("No SWOT analysis for this year.")])
        else:
            if report.swot.summary:
                sheet.append([_safe(report.swot.summary)])
            for _quadrant, label, points in report.swot.quadrants:
                for point in points or [""]:
                    sheet.append([label, _safe(point)])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


# --- PDF --------------------------------------------------------------------------------


def shown_row(row: FigureRow) -> dict[str, object]:
    """A figure with its numbers written in the active language's style."""
    return {
        "row": row,
        "value": shown(row.value) if not row.is_missing else "",
        "numerator": shown(row.numerator),
        "denominator": shown(row.denominator),
        "last_year": shown(row.last_year),
        "change": shown(row.change, places=1),
        "target": shown(row.target),
    }


def page_context(report: AnnualReport) -> dict[str, object]:
    """What the PDF's template (and the staff page's preview) shows: the report, its figures
    written out, the day it was made in the language's date style."""
    return {
        "report": report,
        "indicators": [shown_row(row) for row in report.indicators],
        "entered": [shown_row(row) for row in report.entered],
        "made_on": made_on(report.made_on),
        "missing": missing_word(),
        "lang": report.language,
    }


def annual_pdf(report: AnnualReport) -> bytes:
    """The report as a printable PDF document."""
    from weasyprint import CSS, HTML  # only the PDF needs it (and Pango)

    with translation.override(report.language):
        html = render_to_string("reports/annual_pdf.html", page_context(report))
        return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


def annual(report: AnnualReport, fmt: str) -> bytes:
    if fmt == "pdf":
        return annual_pdf(report)
    if fmt == "xlsx":
        return annual_xlsx(report)
    if fmt == "csv":
        return annual_csv(report)
    raise ValueError(f"no format {fmt}")


# --- statutory forms --------------------------------------------------------------------


def _form_columns() -> list[Cell]:
    return [
        _("Section"), _("Line"), pgettext("of a form's table", "Column"), _("Element"),
        _("Label"), _("Value"), _("As filed"),
        _("Norm"), _("Missing because"), pgettext("remark", "Note"),
    ]


def _form_rows(filled: FilledForm) -> list[list[Cell]]:
    return [
        [
            line.spec.section, line.spec.line, line.spec.column, line.spec.element,
            line.spec.label,
            number(line.value) if not line.is_missing else missing_word(),
            number(line.filed(filled.form)), line.spec.norm, line.missing_reason, line.spec.note,
        ]
        for line in filled.lines
    ]


def form_csv(filled: FilledForm, *, language: str) -> bytes:
    with translation.override(language):
        return _csv([_form_columns(), *_form_rows(filled)])


def form_xlsx(filled: FilledForm, *, language: str) -> bytes:
    from openpyxl import Workbook

    with translation.override(language):
        book = Workbook(write_only=True)
        sheet = book.create_sheet(_sheet_name(filled.form.code))
        sheet.append([_safe(filled.form.title)])
        sheet.append([_safe(f"{filled.place}, {filled.year}")])
        sheet.append(_form_columns())
        for row in _form_rows(filled):
            sheet.append([_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def form(filled: FilledForm, fmt: str, *, language: str) -> bytes:
    if fmt == "xlsx":
        return form_xlsx(filled, language=language)
    if fmt == "csv":
        return form_csv(filled, language=language)
    raise ValueError(f"no format {fmt}")
