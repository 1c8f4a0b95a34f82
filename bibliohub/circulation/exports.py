"""Lists a librarian takes into a spreadsheet: the end-of-term list of everything out per
class, as CSV (UTF-8 with a byte order mark, which spreadsheet programs need to read
Cyrillic and Chinese names correctly) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, cast

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bibliohub.circulation.models import Loan
from bibliohub.libraries.models import Branch

if TYPE_CHECKING:
    from bibliohub.patrons.models import Patron

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def loans_by_class(*, branch: Branch, school_class: str = "") -> QuerySet[Loan]:
    """Open loans of the students whose home branch is `branch` (patrons with a class), by
    class, then name, then due date; one class only when `school_class` is given."""
    qs = (
        Loan.objects.filter(returned_at__isnull=True, patron__home_branch=branch)
        .exclude(patron__school_class="")
        .select_related("patron", "item__record")
    )
    if school_class:
        qs = qs.filter(patron__school_class=school_class)
    return qs.order_by(
        "patron__school_class",
        "patron__family_name",
        "patron__given_names",
        "patron_id",
        "due_at",
        "pk",
    )


def header() -> list[str]:
    return [
        pgettext("school class", "Class"),
        _("Family name"),
        _("Given names"),
        _("Card number"),
        _("Title"),
        _("Barcode"),
        _("Lent"),
        _("Due"),
        _("Overdue"),
    ]


def rows(loans: Iterable[Loan], *, at: datetime) -> Iterator[list[object]]:
    for loan in loans:
        patron = cast("Patron", loan.patron)  # loans_by_class: open loans of patrons with a class
        yield [
            patron.school_class,
            patron.family_name,
            patron.given_names,
            patron.card_barcode,
            loan.item.record.full_title,
            loan.item.barcode,
            timezone.localdate(loan.checked_out_at),
            timezone.localdate(loan.due_at),
            _("yes") if loan.due_at < at else _("no"),
        ]


# A cell starting with one of these is a formula to a spreadsheet program; names and titles
# come from readers (online registration) and catalogues, so they are kept as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> object:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_csv(loans: Iterable[Loan], *, at: datetime) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header())
    for row in rows(loans, at=at):
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(loans: Iterable[Loan], *, at: datetime) -> bytes:
    from openpyxl import Workbook  # only the export needs it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Loans by class")[:31])
    sheet.append(header())
    for row in rows(loans, at=at):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet: object, value: object) -> object:
    """openpyxl writes a string starting with "=" as a formula; such a value stays text."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def download(loans: QuerySet[Loan], *, fmt: str, branch: Branch, at: datetime) -> HttpResponse:
    """The list as a file to download, named after the branch and the day."""
    name = f"loans-by-class-{branch.code}-{timezone.localdate(at):%Y-%m-%d}"
    if fmt == "xlsx":
        response = HttpResponse(as_xlsx(loans.iterator(), at=at), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(
            as_csv(loans.iterator(), at=at), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
