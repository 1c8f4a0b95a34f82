"""SIP2 2.00 on the wire: bytes to message dataclasses and back. No Django here.

A message is a two-digit command, fixed-width fields in a set order, then variable fields,
each a two-letter identifier, a value and "|". With error detection on, a message ends with
"AY" and a one-digit sequence number, then "AZ" and a four-hex-digit checksum: the two's
complement of the low 16 bits of the sum of every byte from the first through "AZ". A
frame ends with a carriage return.

Every message of the 3M specification is here, in both directions, so that the server and
the test and bench clients speak through the same tables. Field widths and the required
fields follow the specification (3M SIP2 2.00, 2006), but for a few fields it requires that
machines leave out and the server does not need (their comments say which).
"""

# The field helpers below (_fixed, _date, _var…) return dataclasses.field(), not values.
# ruff: noqa: RUF009

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import MISSING, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, ClassVar

FIELD_DELIMITER = "|"
MAX_FIELD_BYTES = 255

# Fixed-field kinds. "flag" is Y/N (a bool), "ok" is 1/0 (a bool), "ynu" is Y/N/U (a bool,
# None for U), "date" is YYYYMMDDZZZZHHMMSS (a datetime, None when blank), "count" is a
# zero-padded number that may be blank (None), "int" a zero-padded number, "text" raw text.
_FLAG, _OK, _YNU, _DATE, _COUNT, _INT, _TEXT = "flag", "ok", "ynu", "date", "count", "int", "text"


class SipError(ValueError):
    """A frame that cannot be read."""


class ChecksumMismatch(SipError):
    """The checksum does not add up: the frame was damaged on the way, ask for it again."""


class MalformedMessage(SipError):
    """The frame is not a SIP2 message we can read; the text says what and where.

    `partial` is, for a request of a known command, the message read as well as it could
    be (fields it could not read left at their defaults or empty), so that the server can
    still answer it with that request's refusal rather than silence."""

    partial: Message | None = None
    # The frame's trailer, read before the message failed: the answer carries the same.
    sequence: int | None = None
    checksummed: bool = False


class UnknownCommand(MalformedMessage):
    def __init__(self, command: str) -> None:
        self.command = command
        super().__init__(f"unknown command {command!r}")


def _fixed(kind: str, width: int, default: Any = MISSING) -> Any:
    return field(default=default, metadata={"kind": kind, "width": width})


def _flag(default: Any = MISSING) -> Any:
    return _fixed(_FLAG, 1, default)


def _ok(default: Any = MISSING) -> Any:
    return _fixed(_OK, 1, default)


def _date(default: Any = None) -> Any:
    return _fixed(_DATE, 18, default)


def _var(code: str, *, required: bool = False) -> Any:
    return field(default="" if required else None, metadata={"code": code, "required": required})


def _repeat(code: str) -> Any:
    return field(default=(), metadata={"code": code, "repeat": True})


@dataclass(frozen=True)
class _Layout:
    fixed: tuple[tuple[str, str, int], ...]  # (name, kind, width)
    variable: tuple[tuple[str, str, bool, bool], ...]  # (name, code, required, repeatable)
    by_code: dict[str, tuple[str, bool]]  # code -> (name, repeatable)


@dataclass(frozen=True, kw_only=True)
class Message:
    """Base of every message; subclasses set `command` and declare their fields in wire
    order."""

    command: ClassVar[str] = ""
    _layout: ClassVar[_Layout]


REGISTRY: dict[str, type[Message]] = {}


def _register(cls: type[Message]) -> type[Message]:
    fixed: list[tuple[str, str, int]] = []
    variable: list[tuple[str, str, bool, bool]] = []
    for f in fields(cls):
        if "kind" in f.metadata:
            fixed.append((f.name, f.metadata["kind"], f.metadata["width"]))
        else:
            variable.append(
                (
                    f.name,
                    f.metadata["code"],
                    f.metadata.get("required", False),
                    f.metadata.get("repeat", False),
                )
            )
    cls._layout = _Layout(
        fixed=tuple(fixed),
        variable=tuple(variable),
        by_code={code: (name, rep) for name, code, _req, rep in variable},
    )
    REGISTRY[cls.command] = cls
    return cls


# --- From the self-check (SC) to the library system (ACS) -----------------------------------


@_register
@dataclass(frozen=True, kw_only=True)
class Login(Message):
    command: ClassVar[str] = "93"
    uid_algorithm: str = _fixed(_TEXT, 1, "0")
    pwd_algorithm: str = _fixed(_TEXT, 1, "0")
    login_user_id: str = _var("CN", required=True)
    login_password: str = _var("CO", required=True)
    location_code: str | None = _var("CP")


@_register
@dataclass(frozen=True, kw_only=True)
class SCStatus(Message):
    command: ClassVar[str] = "99"
    status_code: int = _fixed(_INT, 1, 0)
    max_print_width: int = _fixed(_INT, 3, 80)
    protocol_version: str = _fixed(_TEXT, 4, "2.00")


@_register
@dataclass(frozen=True, kw_only=True)
class RequestACSResend(Message):
    command: ClassVar[str] = "97"


@_register
@dataclass(frozen=True, kw_only=True)
class PatronStatusRequest(Message):
    command: ClassVar[str] = "23"
    language: str = _fixed(_TEXT, 3, "000")
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    # Required by the spec; many machines leave them out before the reader has typed a PIN
    # (the terminal's own login authenticates it): read as absent rather than refused.
    terminal_password: str | None = _var("AC")
    patron_password: str | None = _var("AD")


@_register
@dataclass(frozen=True, kw_only=True)
class PatronInformation(Message):
    command: ClassVar[str] = "63"
    language: str = _fixed(_TEXT, 3, "000")
    transaction_date: datetime | None = _date()
    # Ten positions: hold, overdue, charged, fine, recall, unavailable holds items; "Y" at
    # (at most) one of them asks for that list.
    summary: str = _fixed(_TEXT, 10, " " * 10)
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    terminal_password: str | None = _var("AC")
    patron_password: str | None = _var("AD")
    start_item: str | None = _var("BP")
    end_item: str | None = _var("BQ")


@_register
@dataclass(frozen=True, kw_only=True)
class ItemInformation(Message):
    command: ClassVar[str] = "17"
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    item_identifier: str = _var("AB", required=True)
    terminal_password: str | None = _var("AC")


@_register
@dataclass(frozen=True, kw_only=True)
class Checkout(Message):
    command: ClassVar[str] = "11"
    sc_renewal_policy: bool = _flag(False)
    no_block: bool = _flag(False)
    transaction_date: datetime | None = _date()
    nb_due_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    item_identifier: str = _var("AB", required=True)
    terminal_password: str | None = _var("AC")
    item_properties: str | None = _var("CH")
    patron_password: str | None = _var("AD")
    fee_acknowledged: str | None = _var("BO")
    cancel: str | None = _var("BI")


@_register
@dataclass(frozen=True, kw_only=True)
class Checkin(Message):
    command: ClassVar[str] = "09"
    no_block: bool = _flag(False)
    transaction_date: datetime | None = _date()
    return_date: datetime | None = _date()
    # Required by the spec; not used here (the terminal's branch is where it is returned).
    current_location: str | None = _var("AP")
    institution_id: str = _var("AO", required=True)
    item_identifier: str = _var("AB", required=True)
    terminal_password: str | None = _var("AC")
    item_properties: str | None = _var("CH")
    cancel: str | None = _var("BI")


@_register
@dataclass(frozen=True, kw_only=True)
class Renew(Message):
    command: ClassVar[str] = "29"
    third_party_allowed: bool = _flag(False)
    no_block: bool = _flag(False)
    transaction_date: datetime | None = _date()
    nb_due_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    patron_password: str | None = _var("AD")
    item_identifier: str | None = _var("AB")
    title_identifier: str | None = _var("AJ")
    terminal_password: str | None = _var("AC")
    item_properties: str | None = _var("CH")
    fee_acknowledged: str | None = _var("BO")


@_register
@dataclass(frozen=True, kw_only=True)
class RenewAll(Message):
    command: ClassVar[str] = "65"
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    patron_password: str | None = _var("AD")
    terminal_password: str | None = _var("AC")
    fee_acknowledged: str | None = _var("BO")


@_register
@dataclass(frozen=True, kw_only=True)
class FeePaid(Message):
    command: ClassVar[str] = "37"
    transaction_date: datetime | None = _date()
    fee_type: str = _fixed(_TEXT, 2, "01")
    payment_type: str = _fixed(_TEXT, 2, "00")
    currency_type: str = _fixed(_TEXT, 3, "EUR")
    fee_amount: str = _var("BV", required=True)
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    terminal_password: str | None = _var("AC")
    patron_password: str | None = _var("AD")
    fee_identifier: str | None = _var("CG")
    transaction_id: str | None = _var("BK")


@_register
@dataclass(frozen=True, kw_only=True)
class Hold(Message):
    command: ClassVar[str] = "15"
    # "+" add, "-" delete, "*" change.
    hold_mode: str = _fixed(_TEXT, 1, "+")
    transaction_date: datetime | None = _date()
    expiration_date: str | None = _var("BW")
    pickup_location: str | None = _var("BS")
    hold_type: str | None = _var("BY")
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    patron_password: str | None = _var("AD")
    item_identifier: str | None = _var("AB")
    title_identifier: str | None = _var("AJ")
    terminal_password: str | None = _var("AC")
    fee_acknowledged: str | None = _var("BO")


@_register
@dataclass(frozen=True, kw_only=True)
class BlockPatron(Message):
    """Asks the library to block the card: the machine found it misused, or kept it."""

    command: ClassVar[str] = "01"
    card_retained: bool = _flag(False)
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    blocked_card_message: str = _var("AL", required=True)
    patron_identifier: str = _var("AA", required=True)
    terminal_password: str | None = _var("AC")


@_register
@dataclass(frozen=True, kw_only=True)
class PatronEnable(Message):
    """Asks the library to lift the blocks a self-check machine may lift."""

    command: ClassVar[str] = "25"
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    terminal_password: str | None = _var("AC")
    patron_password: str | None = _var("AD")


@_register
@dataclass(frozen=True, kw_only=True)
class ItemStatusUpdate(Message):
    """Asks the library to change an item's properties (CH); answered, not done here."""

    command: ClassVar[str] = "19"
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    item_identifier: str = _var("AB", required=True)
    terminal_password: str | None = _var("AC")
    item_properties: str | None = _var("CH")


@_register
@dataclass(frozen=True, kw_only=True)
class EndPatronSession(Message):
    command: ClassVar[str] = "35"
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    terminal_password: str | None = _var("AC")
    patron_password: str | None = _var("AD")


# --- From the library system (ACS) to the self-check (SC) -----------------------------------


@_register
@dataclass(frozen=True, kw_only=True)
class LoginResponse(Message):
    command: ClassVar[str] = "94"
    ok: bool = _ok()


@_register
@dataclass(frozen=True, kw_only=True)
class ACSStatus(Message):
    command: ClassVar[str] = "98"
    online_status: bool = _flag()
    checkin_ok: bool = _flag()
    checkout_ok: bool = _flag()
    acs_renewal_policy: bool = _flag()
    status_update_ok: bool = _flag()
    offline_ok: bool = _flag()
    timeout_period: int = _fixed(_INT, 3)
    retries_allowed: int = _fixed(_INT, 3)
    date_time_sync: datetime | None = _date()
    protocol_version: str = _fixed(_TEXT, 4, "2.00")
    institution_id: str = _var("AO", required=True)
    library_name: str | None = _var("AM")
    # Sixteen Y/N positions, in the order of SUPPORTED_MESSAGES_ORDER.
    supported_messages: str = _var("BX", required=True)
    terminal_location: str | None = _var("AN")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class RequestSCResend(Message):
    command: ClassVar[str] = "96"


@_register
@dataclass(frozen=True, kw_only=True)
class PatronStatusResponse(Message):
    command: ClassVar[str] = "24"
    patron_status: str = _fixed(_TEXT, 14, " " * 14)
    language: str = _fixed(_TEXT, 3, "000")
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    personal_name: str = _var("AE", required=True)
    valid_patron: str | None = _var("BL")
    valid_patron_password: str | None = _var("CQ")
    currency_type: str | None = _var("BH")
    fee_amount: str | None = _var("BV")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class PatronInformationResponse(Message):
    command: ClassVar[str] = "64"
    patron_status: str = _fixed(_TEXT, 14, " " * 14)
    language: str = _fixed(_TEXT, 3, "000")
    transaction_date: datetime | None = _date()
    hold_items_count: int | None = _fixed(_COUNT, 4, 0)
    overdue_items_count: int | None = _fixed(_COUNT, 4, 0)
    charged_items_count: int | None = _fixed(_COUNT, 4, 0)
    fine_items_count: int | None = _fixed(_COUNT, 4, 0)
    recall_items_count: int | None = _fixed(_COUNT, 4, 0)
    unavailable_holds_count: int | None = _fixed(_COUNT, 4, 0)
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    personal_name: str = _var("AE", required=True)
    hold_items_limit: str | None = _var("BZ")
    overdue_items_limit: str | None = _var("CA")
    charged_items_limit: str | None = _var("CB")
    valid_patron: str | None = _var("BL")
    valid_patron_password: str | None = _var("CQ")
    currency_type: str | None = _var("BH")
    fee_amount: str | None = _var("BV")
    fee_limit: str | None = _var("CC")
    hold_items: tuple[str, ...] = _repeat("AS")
    overdue_items: tuple[str, ...] = _repeat("AT")
    charged_items: tuple[str, ...] = _repeat("AU")
    fine_items: tuple[str, ...] = _repeat("AV")
    recall_items: tuple[str, ...] = _repeat("BU")
    unavailable_hold_items: tuple[str, ...] = _repeat("CD")
    home_address: str | None = _var("BD")
    email_address: str | None = _var("BE")
    home_phone_number: str | None = _var("BF")
    # Extensions that self-checks and PC booking systems read (Envisionware, Evergreen,
    # Koha): the patron's home library (AQ, as TLC and Evergreen send it), card expiry
    # (PA), date of birth (PB), both YYYYMMDD, and patron class (PC).
    home_library: str | None = _var("AQ")
    card_expiration: str | None = _var("PA")
    birth_date: str | None = _var("PB")
    patron_class: str | None = _var("PC")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class ItemInformationResponse(Message):
    command: ClassVar[str] = "18"
    circulation_status: str = _fixed(_TEXT, 2, "01")
    security_marker: str = _fixed(_TEXT, 2, "00")
    fee_type: str = _fixed(_TEXT, 2, "01")
    transaction_date: datetime | None = _date()
    hold_queue_length: str | None = _var("CF")
    due_date: str | None = _var("AH")
    recall_date: str | None = _var("CJ")
    hold_pickup_date: str | None = _var("CM")
    item_identifier: str = _var("AB", required=True)
    title_identifier: str = _var("AJ", required=True)
    owner: str | None = _var("BG")
    currency_type: str | None = _var("BH")
    fee_amount: str | None = _var("BV")
    media_type: str | None = _var("CK")
    permanent_location: str | None = _var("AQ")
    current_location: str | None = _var("AP")
    item_properties: str | None = _var("CH")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@dataclass(frozen=True, kw_only=True)
class _LoanResponse(Message):
    """Checkout (12) and renew (30) answer in the same layout."""

    ok: bool = _ok()
    renewal_ok: bool = _flag(False)
    magnetic_media: bool | None = _fixed(_YNU, 1, None)
    desensitize: bool | None = _fixed(_YNU, 1, None)
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    item_identifier: str = _var("AB", required=True)
    title_identifier: str = _var("AJ", required=True)
    due_date: str = _var("AH", required=True)
    fee_type: str | None = _var("BT")
    security_inhibit: str | None = _var("CI")
    currency_type: str | None = _var("BH")
    fee_amount: str | None = _var("BV")
    media_type: str | None = _var("CK")
    item_properties: str | None = _var("CH")
    transaction_id: str | None = _var("BK")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class CheckoutResponse(_LoanResponse):
    command: ClassVar[str] = "12"


@_register
@dataclass(frozen=True, kw_only=True)
class RenewResponse(_LoanResponse):
    command: ClassVar[str] = "30"


@_register
@dataclass(frozen=True, kw_only=True)
class CheckinResponse(Message):
    command: ClassVar[str] = "10"
    ok: bool = _ok()
    resensitize: bool = _flag(False)
    magnetic_media: bool | None = _fixed(_YNU, 1, None)
    alert: bool = _flag(False)
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    item_identifier: str = _var("AB", required=True)
    permanent_location: str = _var("AQ", required=True)
    title_identifier: str | None = _var("AJ")
    sort_bin: str | None = _var("CL")
    patron_identifier: str | None = _var("AA")
    media_type: str | None = _var("CK")
    item_properties: str | None = _var("CH")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class RenewAllResponse(Message):
    command: ClassVar[str] = "66"
    ok: bool = _ok()
    renewed_count: int = _fixed(_INT, 4, 0)
    unrenewed_count: int = _fixed(_INT, 4, 0)
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    renewed_items: tuple[str, ...] = _repeat("BM")
    unrenewed_items: tuple[str, ...] = _repeat("BN")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class FeePaidResponse(Message):
    command: ClassVar[str] = "38"
    payment_accepted: bool = _flag()
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    transaction_id: str | None = _var("BK")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class HoldResponse(Message):
    command: ClassVar[str] = "16"
    ok: bool = _ok()
    available: bool = _flag(False)
    transaction_date: datetime | None = _date()
    expiration_date: str | None = _var("BW")
    queue_position: str | None = _var("BR")
    pickup_location: str | None = _var("BS")
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    item_identifier: str | None = _var("AB")
    title_identifier: str | None = _var("AJ")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class PatronEnableResponse(Message):
    command: ClassVar[str] = "26"
    patron_status: str = _fixed(_TEXT, 14, " " * 14)
    language: str = _fixed(_TEXT, 3, "000")
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    personal_name: str = _var("AE", required=True)
    valid_patron: str | None = _var("BL")
    valid_patron_password: str | None = _var("CQ")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class ItemStatusUpdateResponse(Message):
    command: ClassVar[str] = "20"
    item_properties_ok: bool = _ok()
    transaction_date: datetime | None = _date()
    item_identifier: str = _var("AB", required=True)
    title_identifier: str | None = _var("AJ")
    item_properties: str | None = _var("CH")
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


@_register
@dataclass(frozen=True, kw_only=True)
class EndSessionResponse(Message):
    command: ClassVar[str] = "36"
    end_session: bool = _flag()
    transaction_date: datetime | None = _date()
    institution_id: str = _var("AO", required=True)
    patron_identifier: str = _var("AA", required=True)
    screen_message: tuple[str, ...] = _repeat("AF")
    print_line: tuple[str, ...] = _repeat("AG")


# The positions of the "supported messages" field (BX) of the ACS status, per the spec.
SUPPORTED_MESSAGES_ORDER = (
    "patron_status",
    "checkout",
    "checkin",
    "block_patron",
    "sc_acs_status",
    "request_resend",
    "login",
    "patron_information",
    "end_patron_session",
    "fee_paid",
    "item_information",
    "item_status_update",
    "patron_enable",
    "hold",
    "renew",
    "renew_all",
)


def supported_messages(names: set[str]) -> str:
    unknown = names - set(SUPPORTED_MESSAGES_ORDER)
    if unknown:
        raise ValueError(f"not SIP2 messages: {sorted(unknown)}")
    return "".join("Y" if name in names else "N" for name in SUPPORTED_MESSAGES_ORDER)


# --- Dates ----------------------------------------------------------------------------------


def format_date(value: datetime | None) -> str:
    """YYYYMMDDZZZZHHMMSS. A naive datetime is local time (four blanks for the zone); an
    aware one is written in UTC with "Z" in the last zone position, as the spec says."""
    if value is None:
        return " " * 18
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
        return value.strftime("%Y%m%d   Z%H%M%S")
    return value.strftime("%Y%m%d    %H%M%S")


_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})([ A-Z]{4})(\d{2})(\d{2})(\d{2})")


def parse_date(text: str) -> datetime | None:
    """The inverse of format_date; blank is None. Zones other than local and UTC are read
    as local time (self-checks send local time in practice)."""
    if not text.strip():
        return None
    m = _DATE_RE.fullmatch(text)
    if not m:
        raise MalformedMessage(f"bad date {text!r}")
    year, month, day, zone, hh, mm, ss = m.groups()
    try:
        value = datetime(int(year), int(month), int(day), int(hh), int(mm), int(ss))  # noqa: DTZ001 - local time by definition
    except ValueError as exc:
        raise MalformedMessage(f"bad date {text!r}: {exc}") from None
    return value.replace(tzinfo=UTC) if zone == "   Z" else value


# --- Encoding -------------------------------------------------------------------------------


def _encode_fixed(name: str, kind: str, width: int, value: Any) -> str:
    if kind == _FLAG:
        text = "Y" if value else "N"
    elif kind == _OK:
        text = "1" if value else "0"
    elif kind == _YNU:
        text = "U" if value is None else ("Y" if value else "N")
    elif kind == _DATE:
        text = format_date(value)
    elif kind == _COUNT:
        text = " " * width if value is None else f"{min(int(value), 10**width - 1):0{width}d}"
    elif kind == _INT:
        text = f"{min(int(value), 10**width - 1):0{width}d}"
    else:
        text = str(value)
    if len(text) != width:
        raise ValueError(f"{name} must be {width} characters, got {text!r}")
    return text


def _clean(value: str, encoding: str) -> str:
    """A variable field's value made safe: no delimiter or control characters, at most 255
    bytes (cut on a character boundary)."""
    value = "".join(" " if (c == FIELD_DELIMITER or ord(c) < 32) else c for c in str(value))
    data = value.encode(encoding, errors="replace")
    if len(data) > MAX_FIELD_BYTES:
        value = data[:MAX_FIELD_BYTES].decode(encoding, errors="ignore")
    return value


def checksum(data: bytes) -> str:
    """Four upper-case hex digits that bring the 16-bit sum of `data` plus themselves to 0."""
    return f"{(-sum(data)) & 0xFFFF:04X}"


def encode(
    message: Message,
    *,
    sequence: int | None = None,
    error_detection: bool = True,
    encoding: str = "utf-8",
) -> bytes:
    """The whole frame, CR included. With error detection, ordinary messages carry
    AY<sequence> (0 when none is given) and every message carries AZ<checksum>; 96 and 97
    never carry a sequence number (spec, "Checksums and Sequence Numbers")."""
    layout = type(message)._layout
    parts = [message.command]
    for name, kind, width in layout.fixed:
        parts.append(_encode_fixed(name, kind, width, getattr(message, name)))
    for name, code, required, repeatable in layout.variable:
        value = getattr(message, name)
        if repeatable:
            parts.extend(f"{code}{_clean(v, encoding)}{FIELD_DELIMITER}" for v in value)
        elif value is not None or required:
            parts.append(f"{code}{_clean(value or '', encoding)}{FIELD_DELIMITER}")
    if error_detection:
        if message.command not in ("96", "97"):
            parts.append(f"AY{(sequence or 0) % 10}")
        parts.append("AZ")
    body = "".join(parts).encode(encoding, errors="replace")
    if error_detection:
        body += checksum(body).encode("ascii")
    return body + b"\r"


# --- Decoding -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    message: Message
    sequence: int | None  # the AY digit, when the frame had one
    checksummed: bool  # whether the frame carried AZ (error detection on)


# A trailer: optional AY<digit>, then AZ and the checksum. Some clients drop the checksum's
# leading zeros (the PyPI Sip2 client formats it with "%X"), so one to four digits are read.
_TRAILER_RE = re.compile(rb"(?:AY([0-9]))?AZ([0-9A-Fa-f]{1,4})\Z")
_SEQUENCE_ONLY_RE = re.compile(rb"AY([0-9])\Z")


def _checksum_ok(prefix: bytes, value: int, encoding: str) -> bool:
    if (sum(prefix) + value) & 0xFFFF == 0:
        return True
    # Clients written in scripting languages often sum characters rather than bytes; for a
    # message with non-ASCII text that gives another sum, which is just as much a check.
    try:
        text = prefix.decode(encoding)
    except UnicodeDecodeError:
        return False
    return (sum(map(ord, text)) + value) & 0xFFFF == 0


def decode(frame: bytes, *, encoding: str = "utf-8") -> Decoded:
    """Read one frame (with or without its CR/LF). Raises ChecksumMismatch when the frame
    carries a checksum that does not add up, MalformedMessage (or UnknownCommand) when it
    cannot be read; the message says what is wrong."""
    body = frame.rstrip(b"\r\n")
    if not body:
        raise MalformedMessage("empty message")
    if b"\x00" in body or b"\r" in body:
        raise MalformedMessage("control character inside the message")
    sequence: int | None = None
    checksummed = False
    if m := _TRAILER_RE.search(body):
        checksummed = True
        prefix = body[: m.start(2)]
        if not _checksum_ok(prefix, int(m.group(2), 16), encoding):
            raise ChecksumMismatch(f"checksum {m.group(2).decode()} does not match")
        if m.group(1) is not None:
            sequence = int(m.group(1))
        body = body[: m.start()]
    elif m := _SEQUENCE_ONLY_RE.search(body):
        sequence = int(m.group(1))
        body = body[: m.start()]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise MalformedMessage(f"not {encoding} text at byte {exc.start}") from None
    command = text[:2]
    cls = REGISTRY.get(command)
    if cls is None:
        raise UnknownCommand(command)
    try:
        message = _parse(cls, text[2:])
    except MalformedMessage as exc:
        exc.partial = _parse(cls, text[2:], lenient=True)
        exc.sequence, exc.checksummed = sequence, checksummed
        raise
    return Decoded(message=message, sequence=sequence, checksummed=checksummed)


def _decode_fixed(name: str, kind: str, width: int, text: str) -> Any:
    if kind == _FLAG:
        if text not in ("Y", "N"):
            raise MalformedMessage(f"{name} must be Y or N, got {text!r}")
        return text == "Y"
    if kind == _OK:
        if text not in ("1", "0"):
            raise MalformedMessage(f"{name} must be 1 or 0, got {text!r}")
        return text == "1"
    if kind == _YNU:
        if text not in ("Y", "N", "U"):
            raise MalformedMessage(f"{name} must be Y, N or U, got {text!r}")
        return None if text == "U" else text == "Y"
    if kind == _DATE:
        try:
            return parse_date(text)
        except MalformedMessage as exc:
            raise MalformedMessage(f"{name}: {exc}") from None
    if kind in (_COUNT, _INT):
        if kind == _COUNT and text == " " * width:
            return None
        if not text.isascii() or not text.isdigit():
            raise MalformedMessage(f"{name} must be {width} digits, got {text!r}")
        return int(text)
    return text


def _parse(cls: type[Message], text: str, *, lenient: bool = False) -> Message:
    """The message of type `cls` in `text` (after the command). Raises MalformedMessage;
    `lenient` reads what it can instead, leaving a fixed field it cannot read at its
    default and a required field that is missing empty, and stops at a variable field it
    cannot read."""
    layout = cls._layout
    defaults = {f.name: f.default for f in fields(cls)}
    values: dict[str, Any] = {}
    pos = 0
    for index, (name, kind, width) in enumerate(layout.fixed):
        piece = text[pos : pos + width]
        if (
            kind == _DATE
            and index == len(layout.fixed) - 1
            and text[pos : pos + 2] in layout.by_code
            and not _DATE_RE.fullmatch(piece)
        ):
            # A last fixed date left out, the variable fields starting in its place: the
            # PyPI Sip2 client sends its renew all (65) so. Read as "no date".
            values[name] = None
            continue
        try:
            if len(piece) != width:
                raise MalformedMessage(
                    f"{cls.command}: message ends inside the fixed field {name} (at {pos + 2})"
                )
            values[name] = _decode_fixed(name, kind, width, piece)
        except MalformedMessage:
            if not lenient:
                raise
            default = defaults[name]
            values[name] = None if default is MISSING else default
        pos += width
    lists: dict[str, list[str]] = {}
    try:
        for code, value in _variable_fields(cls.command, text, pos):
            if code not in layout.by_code:
                continue  # the spec asks us to ignore fields we do not know
            name, repeatable = layout.by_code[code]
            if repeatable:
                lists.setdefault(name, []).append(value)
            elif name in values:
                if not lenient:
                    raise MalformedMessage(f"{cls.command}: field {code} given twice")
            else:
                values[name] = value
    except MalformedMessage:
        if not lenient:
            raise
    for name, items in lists.items():
        values[name] = tuple(items)
    for name, code, required, _rep in layout.variable:
        if required and name not in values:
            if not lenient:
                raise MalformedMessage(f"{cls.command}: required field {code} missing")
            values[name] = ""
    return cls(**values)


def _variable_fields(command: str, text: str, pos: int) -> Iterator[tuple[str, str]]:
    while pos < len(text):
        end = text.find(FIELD_DELIMITER, pos)
        if end == -1:
            # Tolerated for the last field, which some clients leave unterminated.
            end = len(text)
        if end - pos < 2:
            raise MalformedMessage(f"{command}: field without an identifier at {pos + 2}")
        code = text[pos : pos + 2]
        if not (code.isascii() and code.isalpha() and code.isupper()):
            raise MalformedMessage(f"{command}: bad field identifier {code!r} at {pos + 2}")
        yield code, text[pos + 2 : end]
        pos = end + 1


# --- Framing --------------------------------------------------------------------------------


def split_frames(buffer: bytes) -> tuple[list[bytes], bytes]:
    """The complete messages in `buffer` and what is left after them. Messages end with
    CR; CRLF and a bare LF are accepted too (terminal emulators and test scripts send
    them). Empty lines are skipped."""
    frames: list[bytes] = []
    start = 0
    for m in re.finditer(rb"\r\n|\r|\n", buffer):
        if m.start() > start:
            frames.append(buffer[start : m.start()])
        start = m.end()
    rest = buffer[start:]
    # A CR at the very end may be followed by an LF in the next read; dropping a leading
    # LF from the next buffer is handled by skipping empty lines.
    return frames, rest
