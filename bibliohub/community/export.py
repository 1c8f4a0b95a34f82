"""Every community list as a table: the same columns on the screen, in CSV and in XLSX.

A `Table` names its columns and turns one object into one row of plain values (text,
numbers, dates), so the screen, the CSV and the spreadsheet never disagree."""

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
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.community.models import Partner, Topic
from bibliohub.libraries.models import Weekday

Cell = str | int | Decimal | date | datetime | None


@dataclass(frozen=True)
class Table:
    name: Promise | str
    columns: Sequence[Promise | str]
    row: Callable[[Any], list[Cell]]

    def headers(self) -> list[str]:
        return [str(c) for c in self.columns]

    def rows(self, objects: Iterable[Any]) -> Iterable[list[Cell]]:
        return (self.row(o) for o in objects)


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _names(objects: Iterable[Any]) -> str:
    return ", ".join(o.display_name() for o in objects)


def _weekdays(days: list[int]) -> str:
    return ", ".join(str(Weekday(d).label) for d in days)


def _primary_contact(partner: Partner) -> str:
    contacts = list(partner.contacts.all())
    return contacts[0].name if contacts else ""


PARTNERS = Table(
    _("Partners"),
    [pgettext_lazy("organisation", "Name"), _("Type"), _("Partner since"), _("Branches"), _("What they offer"), _("Main contact"),
     _("E-mail"), _("Phone"), _("Website"), _("Active")],
    lambda p: [p.display_name(), p.get_kind_display(), p.since, _names(p.branches.all()), p.offers,
               _primary_contact(p), p.email, p.phone, p.website, _yes(p.is_active)],
)

ACTIVITIES = Table(
    _("Joint activities"),
    [_("Date"), _("Partner"), _("Type"), _("Branch"), _("What happened"), _("Estimated value"),
     _("Currency")],
    lambda a: [a.on, a.partner.display_name(), a.get_kind_display(),
               a.branch.display_name() if a.branch_id else "", a.description, a.value, a.currency],
)

REFERRALS = Table(
    _("Referrals"),
    [_("Date"), _("Direction"), _("Partner"), _("Branch"), _("Reason"), _("Outcome"),
     _("Notes on the outcome")],
    lambda r: [r.on, r.get_direction_display(), r.partner.display_name(), r.branch.display_name(),
               r.reason, r.get_outcome_display(), r.outcome_note],
)

VOLUNTEERS = Table(
    _("Volunteers"),
    [pgettext_lazy("person", "Name"), _("Card number"), _("E-mail"), _("Phone"), _("Branches"), _("Skills"),
     _("Days available"), _("Availability"), _("Agreed to data use"), _("Active")],
    lambda v: [v.name, v.patron.card_barcode if v.patron_id else "", v.email, v.phone,
               _names(v.branches.all()), _names(v.skills.all()), _weekdays(v.available_days),
               v.availability, _local(v.consented_at), _yes(v.is_active)],
)

SHIFTS = Table(
    _("Volunteer shifts"),
    [_("Branch"), _("Title"), _("Starts"), _("Ends"), _("Volunteers needed"), _("Signed up"),
     _("Volunteers"), pgettext_lazy("volunteer shift", "Cancelled")],
    lambda s: [s.branch.display_name(), s.title, _local(s.starts_at), _local(s.ends_at), s.capacity,
               s.signed_up, ", ".join(x.volunteer.name for x in s.live_signups),
               _yes(s.is_cancelled)],
)

HOURS = Table(
    _("Volunteer hours"),
    [_("Date"), _("Volunteer"), _("Branch"), pgettext_lazy("duration", "Minutes"), _("What they did"), _("Status"),
     _("Confirmed or refused by"), pgettext_lazy("remark", "Note")],
    lambda h: [h.on, h.volunteer.name, h.branch.display_name(), h.minutes, h.description,
               h.get_status_display(), h.decided_by.get_username() if h.decided_by_id else "",
               h.note],
)

HOURS_TOTALS = Table(
    _("Volunteer hours totals"),
    [pgettext_lazy("volunteer hours", "For"), _("Hours"), pgettext_lazy("duration", "Minutes"), pgettext_lazy("volunteer hours", "Entries")],
    lambda t: [t.label, t.hours, t.minutes, t.entries],
)

RESOURCES = Table(
    _("Business and career links"),
    [_("Branch"), _("Topic"), pgettext_lazy("sort order", "Order"), _("Title"), _("Link"), _("Description"),
     _("Shown to the public")],
    lambda r: [r.branch.display_name(), r.get_topic_display(), r.sort_order, r.display_title(),
               r.url, r.display_description(), _yes(r.is_published)],
)

MENTORS = Table(
    _("Businesses and mentors"),
    [pgettext_lazy("mentor or business", "Name"), _("Type"), _("Organisation"), _("Topics"), _("What they can help with"),
     _("Languages spoken"), _("Branches"), _("E-mail"), _("Phone"), _("Website"),
     _("How they want to be contacted"), _("Agreed to be listed publicly"),
     _("Takes mentoring requests"), _("Active")],
    lambda m: [m.name, m.get_kind_display(), m.organisation, _topics(m.topics), m.expertise,
               m.languages, _names(m.branches.all()), m.email, m.phone, m.website,
               m.get_contact_preference_display(), _local(m.public_consent_at),
               _yes(m.takes_requests), _yes(m.is_active)],
)

REQUESTS = Table(
    _("Mentoring requests"),
    [_("Asked"), _("Branch"), pgettext_lazy("person", "Name"), _("E-mail"), _("Phone"), _("Topic"),
     _("What you would like help with"), _("Status"), _("Mentor"), _("Appointment"),
     _("How it went")],
    lambda r: [_local(r.created_at), r.branch.display_name(), r.name, r.email, r.phone,
               r.get_topic_display(), r.message, r.get_status_display(),
               r.mentor.name if r.mentor_id else "", _local(r.appointment_at), r.outcome],
)

DYNAMICS = Table(
    _("Dynamics of partners"),
    [_("Period"), _("Active partners"), _("Change (%)"), _("New partners"), _("All activities"),
     _("Co-hosted event dates"), _("Joint activities"), _("Referrals"), _("Donations in kind"),
     _("Value of donations")],
    lambda p: [p.label, p.active_partners, p.change, p.new_partners, p.activities,
               p.co_hosted_events, p.joint_activities, p.referrals, p.donations,
               p.donations_value],
)


def _yes(value: bool) -> str:
    return str(_("yes") if value else _("no"))


def _topics(codes: list[str]) -> str:
    return ", ".join(str(Topic(c).label) for c in codes if c in Topic.values)


def _cell(value: Cell) -> Cell:
    if not isinstance(value, str):
        return value
    # A cell starting with = + - @ would run as a formula when opened in a spreadsheet.
    return "'" + value if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def to_csv(table: Table, objects: Iterable[Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers())
    for row in table.rows(objects):
        writer.writerow(["" if v is None else _cell(v) for v in row])
    # With a byte-order mark so that spreadsheet programs read the UTF-8 (Cyrillic, Vietnamese).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, objects: Iterable[Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(table.name)[:31])
    sheet.append(table.headers())
    for row in table.rows(objects):
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response(table: Table, objects: Iterable[Any], *, fmt: str, filename: str) -> HttpResponse:
    """The list as a download: `fmt` is "csv" or "xlsx"."""
    if fmt == "csv":
        result = HttpResponse(to_csv(table, objects), content_type="text/csv; charset=utf-8")
    else:
        result = HttpResponse(
            to_xlsx(table, objects),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    stamp = timezone.localdate().strftime("%Y%m%d")
    result["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{fmt}"'
    return result

