"""Lists as spreadsheets: a `Table` names its columns and turns one object into one row of
plain values (text, numbers, dates), so the screen, the CSV and the XLSX never disagree.

CSV is UTF-8 with a byte order mark, which spreadsheet programs need to read Cyrillic,
Vietnamese and Chinese correctly; a text cell that would start a formula (= + - @) is kept
as text in both formats."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise

Cell = str | int | Decimal | date | datetime | None
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: Promise | str
    columns: Sequence[Promise | str]
    row: Callable[[Any], list[Cell]]

    def headers(self) -> list[str]:
        return [str(c) for c in self.columns]

    def rows(self, objects: Iterable[Any]) -> Iterable[list[Cell]]:
        return (self.row(o) for o in objects)


def _text_safe(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _plain(value: Cell) -> Cell:
    """Spreadsheets have no time zones: local wall-clock time."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def to_csv(table: Table, objects: Iterable[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers())
    for row in table.rows(objects):
        cells = (_plain(v) for v in row)
        writer.writerow(
            [
                ""
                if v is None
                else (v.isoformat(sep=" ") if isinstance(v, datetime) else _text_safe(v))
                for v in cells
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, objects: Iterable[Any]) -> bytes:
    from openpyxl import Workbook  # only downloads need it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(table.name)[:31])
    sheet.append(table.headers())
    for row in table.rows(objects):
        sheet.append([_text_safe(_plain(v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(table: Table, objects: Iterable[Any], *, fmt: str, filename: str) -> HttpResponse:
    """The list as a file to download: `fmt` is "csv" or "xlsx"; `filename` without its
    extension."""
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(table, objects), content_type=XLSX_TYPE)
    else:
        fmt = "csv"
        response = HttpResponse(to_csv(table, objects), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
