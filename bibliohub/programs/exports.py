"""Lists as spreadsheets: CSV (the first sheet) or XLSX (every sheet)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import Http404, HttpResponse

Sheet = tuple[str, Sequence[str], Iterable[Sequence[object]]]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: object) -> object:
    # Names and comments come from the public: a value that a spreadsheet would run as a
    # formula is kept as text.
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def download(sheets: Sequence[Sheet], *, name: str, fmt: str) -> HttpResponse:
    """`sheets` as a file download named `name`.csv or `name`.xlsx; 404 for another format."""
    if fmt == "csv":
        _title, header, rows = sheets[0]
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
        # A UTF-8 byte order mark, so spreadsheet programs read Ukrainian and Vietnamese names.
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        book.remove(book.active)
        for title, header, rows in sheets:
            sheet = book.create_sheet(title[:31])
            sheet.append(list(header))
            for row in rows:
                sheet.append([_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
