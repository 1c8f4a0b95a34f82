"""Register many patrons at once from a CSV file: the new students and teachers of a school at
the start of term, or a class moving up. All or nothing: if any row is bad, nothing is written
and the report names every row and column to fix.

The file is UTF-8 (a byte-order mark is fine), comma-, semicolon- or tab-separated, with a
header row naming the columns, in any order and case:

    family_name     required
    given_names     required
    card_number     optional; a number with a check digit is generated when empty
    category        optional when a default category is given; a category code (student, …)
    class           optional; class or grade, e.g. 7B
    date_of_birth   optional; YYYY-MM-DD or DD.MM.YYYY
    email, phone, address
                    optional
    language        optional; en, vi, zh-hans, uk or pl (default: the site language)
    guardian_card   optional; the card number of a patron already registered, or of a row
                    above in the same file

Rows are numbered as a spreadsheet shows them: the header is row 1. A row with the same name
and date of birth as a patron already registered is refused, so that importing the same file
twice does not register everyone twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons import services
from bibliohub.patrons.errors import InvalidPatronData
from bibliohub.patrons.models import Patron, PatronCategory

REQUIRED_COLUMNS = ("family_name", "given_names")
OPTIONAL_COLUMNS = (
    "card_number",
    "category",
    "class",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "language",
    "guardian_card",
)
# Where a refusal from register_patron lands in the file.
_FIELD_TO_COLUMN = {
    "card_barcode": "card_number",
    "school_class": "class",
    "guardian": "guardian_card",
    "__all__": "",
}
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class RowError:
    row: int  # 1 is the header; 0 means the file as a whole
    column: str  # "" when the whole row is at fault
    message: str


@dataclass(frozen=True)
class RegisteredRow:
    row: int
    name: str
    card_number: str | None  # None for a number that a dry run would generate
    patron_id: int | None  # None in a dry run


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    registered: list[RegisteredRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "ok": self.ok,
            "written": self.written,
            "rows": self.rows,
            "registered": [asdict(r) for r in self.registered],
            "errors": [asdict(e) for e in self.errors],
        }


@dataclass(frozen=True)
class _Row:
    number: int
    details: services.PatronDetails
    category: PatronCategory
    card_number: str
    guardian_card: str


def register_from_csv(
    file: IO[str] | IO[bytes],
    *,
    branch: Branch,
    category_default: PatronCategory | None,
    actor: Actor,
    at: datetime,
    dry_run: bool,
) -> ImportReport:
    """Register every row of `file` as an active patron of `branch` (their home branch and
    where the registration is recorded), in one transaction. `actor` is the import of the
    file (Actor.for_import), run by a member of staff or from the command line.

    Returns a report of the rows registered, or of every error found; when there is any
    error, or with `dry_run`, nothing is written (a dry run goes through exactly the same
    checks, database ones included, and then rolls back). Never raises for bad input.
    """
    report = ImportReport(dry_run=dry_run)
    records = _read_records(file, report)
    if records is None:
        return report
    header, body = records
    columns = _check_header(header, report, category_default=category_default)
    if columns is None:
        return report
    report.rows = sum(1 for _n, values in body if any(v.strip() for v in values))
    rows, bad_cards = _parse_rows(body, columns, report, category_default=category_default)
    # The rows that parsed go through registration even when others did not (and are then
    # rolled back), so that the report lists every error in one pass, database ones too.
    with transaction.atomic():
        _register(rows, branch=branch, actor=actor, at=at, report=report, bad_cards=bad_cards)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    if report.errors:
        report.registered.clear()
        report.errors.sort(key=lambda e: e.row)
    return report


def _read_records(
    file: IO[str] | IO[bytes], report: ImportReport
) -> tuple[list[str], list[tuple[int, list[str]]]] | None:
    raw = file.read()
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            report.errors.append(
                RowError(0, "", _("The file is not UTF-8 text; save it as CSV UTF-8."))
            )
            return None
    else:
        text = raw.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        report.errors.append(
            RowError(0, "", _("The file is not valid CSV: %(error)s") % {"error": exc})
        )
        return None
    if not records or not any(cell.strip() for cell in records[0]):
        report.errors.append(RowError(1, "", _("The file has no header row.")))
        return None
    return records[0], [(number, values) for number, values in enumerate(records[1:], start=2)]


def _check_header(
    header: list[str], report: ImportReport, *, category_default: PatronCategory | None
) -> list[str] | None:
    columns = [name.strip().lower() for name in header]
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    for name in columns:
        if name not in known:
            report.errors.append(
                RowError(
                    1,
                    name,
                    _("Unknown column. Known columns: %(columns)s.")
                    % {"columns": ", ".join((*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS))},
                )
            )
    seen: set[str] = set()
    for name in columns:
        if name in seen and name in known:
            report.errors.append(RowError(1, name, _("This column appears twice.")))
        seen.add(name)
    required = list(REQUIRED_COLUMNS) + ([] if category_default else ["category"])
    for name in required:
        if name not in columns:
            report.errors.append(RowError(1, name, _("This column is missing.")))
    return None if report.errors else columns


def _parse_rows(
    body: list[tuple[int, list[str]]],
    columns: list[str],
    report: ImportReport,
    *,
    category_default: PatronCategory | None,
) -> tuple[list[_Row], set[str]]:
    """The rows that parse, and the card numbers of the rows that do not (a row naming one of
    those as its guardian is not reported again)."""
    categories = {c.code.lower(): c for c in PatronCategory.objects.all()}
    languages = {code.lower(): code for code, _name in settings.LANGUAGES}
    cards_seen: dict[str, int] = {}
    rows: list[_Row] = []
    bad_cards: set[str] = set()
    for number, values in body:
        if not any(v.strip() for v in values):
            continue  # blank line, e.g. at the end of the file
        if len(values) > len(columns):
            report.errors.append(
                RowError(number, "", _("This row has more fields than the header."))
            )
            continue
        cell = dict(zip(columns, (v.strip() for v in values), strict=False))
        errors: list[RowError] = []

        def fail(column: str, message: str, number: int = number, errors: list = errors) -> None:
            errors.append(RowError(number, column, message))

        for column in REQUIRED_COLUMNS:
            if not cell.get(column):
                fail(column, _("This value is required."))
        category = category_default
        if code := cell.get("category", ""):
            category = categories.get(code.lower())
            if category is None:
                fail("category", _("No patron category has the code “%(code)s”.") % {"code": code})
        elif category is None:
            fail("category", _("This value is required."))
        birth: date | None = None
        if text := cell.get("date_of_birth", ""):
            birth = _parse_date(text)
            if birth is None:
                fail("date_of_birth", _("Write the date as YYYY-MM-DD or DD.MM.YYYY."))
        language = settings.LANGUAGE_CODE
        if text := cell.get("language", ""):
            language = languages.get(text.lower().replace("_", "-"), "")
            if not language:
                fail(
                    "language",
                    _("Use one of: %(codes)s.") % {"codes": ", ".join(languages.values())},
                )
        card = cell.get("card_number", "")
        if card:
            if card in cards_seen:
                fail(
                    "card_number",
                    _("Row %(row)s has the same card number.") % {"row": cards_seen[card]},
                )
            else:
                cards_seen[card] = number
        guardian_card = cell.get("guardian_card", "")
        if guardian_card and guardian_card == card:
            fail("guardian_card", _("A patron cannot be their own guardian."))
        if errors:
            report.errors.extend(errors)
            if card:
                bad_cards.add(card)
            continue
        assert category is not None
        rows.append(
            _Row(
                number=number,
                details=services.PatronDetails(
                    family_name=cell["family_name"],
                    given_names=cell["given_names"],
                    date_of_birth=birth,
                    email=cell.get("email", ""),
                    phone=cell.get("phone", ""),
                    address=cell.get("address", ""),
                    language=language,
                    school_class=cell.get("class", ""),
                ),
                category=category,
                card_number=card,
                guardian_card=guardian_card,
            )
        )
    return rows, bad_cards


def _register(
    rows: list[_Row],
    *,
    branch: Branch,
    actor: Actor,
    at: datetime,
    report: ImportReport,
    bad_cards: set[str],
) -> None:
    people_seen: dict[tuple[str, str, date], int] = {}
    registered = _registered_people(rows, branch=branch)
    for row in rows:
        details = row.details
        if details.date_of_birth is not None:
            person = (
                details.family_name.strip().casefold(),
                details.given_names.strip().casefold(),
                details.date_of_birth,
            )
            if person in people_seen:
                report.errors.append(
                    RowError(
                        row.number,
                        "",
                        _("Row %(row)s is the same person (same name and date of birth).")
                        % {"row": people_seen[person]},
                    )
                )
                continue
            people_seen[person] = row.number
            existing = registered.get(person)
            if existing is not None:
                report.errors.append(
                    RowError(
                        row.number,
                        "",
                        _("Already registered (card %(card)s).") % {"card": existing or "—"},
                    )
                )
                continue
        guardian = None
        if row.guardian_card:
            guardian = Patron.objects.filter(
                network_id=branch.network_id, card_barcode=row.guardian_card
            ).first()
            if guardian is None:
                if row.guardian_card in bad_cards:
                    continue  # the guardian's own row is reported already
                report.errors.append(
                    RowError(
                        row.number,
                        "guardian_card",
                        _(
                            "No patron has this card number (a guardian must be registered first, "
                            "or be on a row above)."
                        ),
                    )
                )
                continue
        try:
            patron = services.register_patron(
                details,
                category=row.category,
                branch=branch,
                actor=actor,
                at=at,
                card_barcode=row.card_number,
                guardian=guardian,
            )
        except InvalidPatronData as exc:
            for name, messages in exc.errors.items():
                for message in messages:
                    report.errors.append(
                        RowError(row.number, _FIELD_TO_COLUMN.get(name, name), message)
                    )
            continue
        report.registered.append(
            RegisteredRow(
                row=row.number,
                name=patron.full_name,
                card_number=None if report.dry_run and not row.card_number else patron.card_barcode,
                patron_id=None if report.dry_run else patron.pk,
            )
        )


def _registered_people(rows: list[_Row], *, branch: Branch) -> dict[tuple[str, str, date], str]:
    """The card numbers of patrons of the network already registered with a name and date of
    birth found in the file, in one query. Names are compared case-folded in Python:
    case-insensitive matching in SQLite covers only ASCII, and these files are full of
    Cyrillic, Vietnamese and Chinese names."""
    births = {row.details.date_of_birth for row in rows if row.details.date_of_birth}
    if not births:
        return {}
    found = Patron.objects.filter(
        network_id=branch.network_id, date_of_birth__in=births
    ).values_list("family_name", "given_names", "date_of_birth", "card_barcode")
    return {
        (family.casefold(), given.casefold(), born): card
        for family, given, born, card in found
        if born is not None
    }


def _parse_date(text: str) -> date | None:
    try:
        if match := _DOTTED_DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None
