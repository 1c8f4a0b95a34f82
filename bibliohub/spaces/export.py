"""Bookings as CSV and XLSX, for the spreadsheet a branch manager keeps."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bibliohub.spaces.models import Booking


def headers() -> list[str]:
    return [
        _("Branch"), _("Room or equipment"), _("Date"), pgettext("time range", "From"), pgettext("time range", "Until"), pgettext("duration", "Minutes"),
        _("Status"), pgettext("room booking", "For"), _("Card number"), _("Contact e-mail"), _("Number of people"),
        _("Purpose"), _("Event occurrence"), _("Booked by"), pgettext("when booked", "Booked"), pgettext("room booking", "Checked in"),
    ]


def rows(bookings: Iterable[Booking]) -> Iterable[list[object]]:
    for b in bookings:
        start, end = timezone.localtime(b.start), timezone.localtime(b.end)
        yield [
            b.resource.branch.display_name(),
            b.resource.display_name(),
            start.date(),
            start.strftime("%H:%M"),
            end.strftime("%H:%M"),
            int((b.end - b.start).total_seconds() // 60),
            b.get_status_display(),
            b.holder,
            b.patron.card_barcode if b.patron is not None else "",
            b.contact_email,
            b.attendees,
            b.purpose,
            b.occurrence_id,
            b.booked_by.get_username() if b.booked_by is not None else "",
            timezone.localtime(b.created_at).replace(tzinfo=None),
            timezone.localtime(b.checked_in_at).replace(tzinfo=None) if b.checked_in_at else None,
        ]


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula when opened in a spreadsheet.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def to_csv(bookings: Iterable[Booking]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in rows(bookings):
        writer.writerow([_cell(v) for v in row])
    # With a byte-order mark so that spreadsheet programs read the UTF-8 (Cyrillic, Vietnamese).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(bookings: Iterable[Booking]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Bookings")[:31])
    sheet.append(headers())
    for row in rows(bookings):
        sheet.append([_cell(v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
