"""What the library answers a self-check: each SIP2 request is read, the patron or item is
fetched, the same services as the staff screens are called (acting as the terminal, which
never overrides) and the outcome, or every reason for a refusal, is put into the SIP2
response in the terminal's language. Whether a patron may borrow is the one answer the desk,
the portal and checkout give (circulation.selectors.standing)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from decimal import InvalidOperation as InvalidOperation_
from typing import Any, TypeVar

from django.db import connection, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.circulation import selectors as circulation
from bibliohub.circulation import services
from bibliohub.circulation.errors import (
    CirculationError,
    HoldRefused,
    RefusalReason,
    Refused,
    RenewalRefused,
)
from bibliohub.circulation.models import Hold as HoldModel
from bibliohub.circulation.models import HoldStatus, Loan
from bibliohub.circulation.prepared import PreparedQuery
from bibliohub.circulation.rules import DUE_TIME
from bibliohub.circulation.selectors import Standing
from bibliohub.history import Actor
from bibliohub.interop.sip2 import codec
from bibliohub.interop.sip2.models import PersonalField, SelfCheckTerminal
from bibliohub.libraries.models import Branch
from bibliohub.patrons import pins
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.errors import InvalidPatronData, PatronError, PinRefusal, PinRefused
from bibliohub.patrons.models import Patron
from bibliohub.patrons.selectors import patron_by_card

logger = logging.getLogger("bibliohub.sip2")

# SIP2 language codes (spec, appendix "Language"); the ones not listed there are 000.
SIP_LANGUAGES = {"en": "001", "pl": "017", "zh-hans": "019"}

# Item status -> SIP2 circulation status (spec, item information response).
CIRCULATION_STATUS = {
    ItemStatus.AVAILABLE: "03",
    ItemStatus.ON_LOAN: "04",
    ItemStatus.IN_PROCESSING: "06",
    ItemStatus.ON_HOLD_SHELF: "08",
    ItemStatus.IN_TRANSIT: "10",
    ItemStatus.LOST: "12",
    ItemStatus.MISSING: "13",
}
OTHER_STATUS = "01"

# Positions of the 14-character patron status field.
CHARGE_DENIED, RENEWAL_DENIED, RECALL_DENIED, HOLD_DENIED = 0, 1, 2, 3
CARD_LOST, TOO_MANY_CHARGED, TOO_MANY_OVERDUE = 4, 5, 6
EXCESSIVE_FINES = 10

# The most list entries one patron information response carries when the self-check does
# not ask for a range: enough for a screen, short enough for clients that read one 4 KiB
# chunk per response.
DEFAULT_LIST_LENGTH = 10
MAX_LIST_LENGTH = 50

# Where "Y" in the summary field of a patron information request asks for each list.
SUMMARY_LISTS = ("hold", "overdue", "charged", "fine", "recall", "unavailable")

LOGIN_FAILURES_BEFORE_CLOSE = 3
LOGIN_FAILURE_DELAY = 1.0  # seconds

NOT_KNOWN_CARD = gettext_lazy("This card is not known to the library.")
NOT_KNOWN_ITEM = gettext_lazy("This item is not known to the library.")


@dataclass
class Session:
    """One connection's state: who logged in, what to resend."""

    peer: str
    terminal: SelfCheckTerminal | None = None
    login_failures: int = 0
    last_request: bytes = b""
    last_response: bytes = b""
    close: bool = False  # set by a handler when the connection should end
    pause: float = 0.0  # seconds the server waits before sending the answer
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.terminal.language if self.terminal else "en"


M = TypeVar("M", bound=codec.Message)
Handler = Callable[[Session, Any, datetime], codec.Message]
HANDLERS: dict[type[codec.Message], Handler] = {}


def handles(
    message_type: type[M],
) -> Callable[[Callable[[Session, M, datetime], codec.Message]], Any]:
    def register(func: Callable[[Session, M, datetime], codec.Message]) -> Any:
        HANDLERS[message_type] = func
        return func

    return register


# The name of each request in the "supported messages" field of the ACS status.
SUPPORTED_NAMES: dict[type[codec.Message], str] = {
    codec.Login: "login",
    codec.SCStatus: "sc_acs_status",
    codec.PatronStatusRequest: "patron_status",
    codec.PatronInformation: "patron_information",
    codec.ItemInformation: "item_information",
    codec.EndPatronSession: "end_patron_session",
    codec.Checkout: "checkout",
    codec.Checkin: "checkin",
    codec.Renew: "renew",
    codec.RenewAll: "renew_all",
    codec.FeePaid: "fee_paid",
    codec.Hold: "hold",
    codec.BlockPatron: "block_patron",
    codec.PatronEnable: "patron_enable",
}


def supported() -> set[str]:
    """What this server does, for the ACS status: every request with a handler that does
    what it asks (an item status update is answered, with a refusal, but not done), and the
    resend request, which the server answers itself."""
    return {SUPPORTED_NAMES[t] for t in HANDLERS if t in SUPPORTED_NAMES} | {"request_resend"}


def handle(
    session: Session, message: codec.Message, *, at: datetime | None = None
) -> codec.Message:
    """The response to `message`, in the terminal's language. Login first: before it, an SC
    status gets an "offline" status and anything else closes the connection."""
    if session.terminal is None and not isinstance(message, (codec.Login, codec.SCStatus)):
        logger.warning(
            "SIP2 %s: %s before login; closing the connection", session.peer, message.command
        )
        session.close = True
        return codec.LoginResponse(ok=False)
    handler = HANDLERS.get(type(message))
    if handler is None:
        raise codec.UnknownCommand(message.command)
    lock = _SQLITE_WRITER if type(message) in WRITES and connection.vendor == "sqlite" else None
    with translation.override(session.language), lock or nullcontext():
        return handler(session, message, at or timezone.now())


def refuse_unreadable(
    session: Session, message: codec.Message, *, at: datetime | None = None
) -> codec.Message:
    """The answer to a request that could not be read whole (`message` is what could be
    read of it): that request's refusal, nothing done, so the machine is never left
    without an answer. A status request asks for nothing to be done and is answered as it
    is; before login, everything is answered as handle() answers it."""
    if session.terminal is None or isinstance(message, codec.SCStatus):
        return handle(session, message, at=at)
    with translation.override(session.language):
        return refusal(
            session,
            message,
            at or timezone.now(),
            (_("This message could not be read. Nothing was done."),),
        )


def refuse_failed(
    session: Session, message: codec.Message, *, at: datetime | None = None
) -> codec.Message:
    """The answer to a request whose handler failed (a bug, the database gone): that
    request's refusal, so the machine is never left waiting. The handler's transaction was
    rolled back, so nothing was done. An SC status gets an "offline" status."""
    with translation.override(session.language):
        return refusal(
            session,
            message,
            at or timezone.now(),
            (_("This cannot be done just now. Nothing was done; please ask at the desk."),),
        )


# Requests whose handlers write.
WRITES = frozenset(
    {
        codec.Checkout,
        codec.Checkin,
        codec.Renew,
        codec.RenewAll,
        codec.FeePaid,
        codec.Hold,
        codec.BlockPatron,
        codec.PatronEnable,
    }
)
# SQLite lets one writer in at a time and makes the others poll, sleeping longer and longer
# (up to 100 ms a time) while they wait. The connections of this process queue here instead,
# and each is woken the moment the one before has committed.
_SQLITE_WRITER = threading.Lock()


def _terminal(session: Session) -> SelfCheckTerminal:
    """The logged-in terminal (handle() lets nothing but login and status through before)."""
    assert session.terminal is not None
    return session.terminal


def _actor(session: Session) -> Actor:
    """Who acts for every request of the connection: its terminal, at self-check."""
    return Actor.for_terminal(_terminal(session))


def _local(at: datetime) -> datetime:
    """SIP2 dates are sent in local time (blanks in the zone), which self-checks prefer."""
    return timezone.localtime(at).replace(tzinfo=None)


def _due(at: datetime) -> str:
    return codec.format_date(_local(at))


# --- Session --------------------------------------------------------------------------------


@handles(codec.Login)
def login(session: Session, message: codec.Login, at: datetime) -> codec.Message:
    terminal = (
        SelfCheckTerminal.objects.select_related("branch", "branch__network")
        .filter(login=message.login_user_id, is_active=True, branch__is_active=True)
        .first()
    )
    # Check a password even for an unknown login, so that timing does not tell which
    # logins exist.
    ok = (
        terminal.check_password(message.login_password)
        if terminal
        else (SelfCheckTerminal(password="!").check_password(message.login_password))
    )
    if terminal is None or not ok:
        # A pause before each "no" makes guessing terminal passwords slow, even over many
        # connections at once (the server waits without holding a thread).
        session.pause = LOGIN_FAILURE_DELAY
        session.login_failures += 1
        logger.warning(
            "SIP2 %s: login refused for %r (%d)",
            session.peer,
            message.login_user_id,
            session.login_failures,
        )
        if session.login_failures >= LOGIN_FAILURES_BEFORE_CLOSE:
            session.close = True
        return codec.LoginResponse(ok=False)
    session.terminal = terminal
    session.login_failures = 0
    logger.info(
        "SIP2 %s: terminal %s logged in at %s", session.peer, terminal.login, terminal.branch.code
    )
    return codec.LoginResponse(ok=True)


def _offline(at: datetime, screen: tuple[str, ...]) -> codec.ACSStatus:
    """The ACS status of a server that does nothing for this machine now: before login, or
    when answering failed."""
    return codec.ACSStatus(
        online_status=False,
        checkin_ok=False,
        checkout_ok=False,
        acs_renewal_policy=False,
        status_update_ok=False,
        offline_ok=False,
        timeout_period=30,
        retries_allowed=3,
        date_time_sync=_local(at),
        institution_id="",
        supported_messages=codec.supported_messages({"login", "sc_acs_status"}),
        screen_message=screen,
    )


@handles(codec.SCStatus)
def sc_status(session: Session, message: codec.SCStatus, at: datetime) -> codec.Message:
    terminal = session.terminal
    if terminal is None:
        return _offline(at, (_("Log in first."),))
    names = supported()
    branch = terminal.branch
    return codec.ACSStatus(
        online_status=True,
        checkin_ok="checkin" in names,
        checkout_ok="checkout" in names,
        acs_renewal_policy="renew" in names,
        status_update_ok="block_patron" in names,
        offline_ok=False,
        timeout_period=30,  # tenths of a second
        retries_allowed=3,
        date_time_sync=_local(at),
        institution_id=branch.code,
        library_name=branch.display_name(terminal.language),
        supported_messages=codec.supported_messages(names),
        terminal_location=terminal.name,
    )


# --- Patrons --------------------------------------------------------------------------------


# A self-check serves one patron at a time: the card is read, then item after item. The
# patron found for a card is kept for the connection's next requests for a short while
# (until the patron session ends); whatever decides a loan (blocks, limits, fines, holds)
# the services read afresh every time.
PATRON_REUSE_SECONDS = 60.0


def _patron(session: Session, card: str, *, fresh: bool = False) -> Patron | None:
    terminal = _terminal(session)
    card = card.strip()
    now = time.monotonic()
    kept = session.extra.get("patron")
    if not fresh and kept and kept[0] == card and now - kept[2] < PATRON_REUSE_SECONDS:
        return kept[1]
    patron = patron_by_card(card, network=terminal.branch.network_id)
    session.extra["patron"] = (card, patron, now) if patron is not None else None
    return patron


# Many self-check machines send the PIN with every message of a patron's session. A PIN
# hash is made slow on purpose (Django's PBKDF2: about a quarter of a second of CPU on our
# 2-core machine), so each checkout would cost that much again: a PIN found right on this
# connection is taken as right for this long when the same PIN comes again, unless the
# patron's PIN has changed since. Only a keyed digest of it is kept, in memory, per connection.
PIN_REUSE_SECONDS = 300.0

# The PIN policy's reasons (patrons.pins: the same on every machine and in the portal), as a
# self-check's screen says them.
_PIN_WORDS = {
    PinRefusal.WRONG_PIN: gettext_lazy("The PIN is not right."),
    PinRefusal.NO_PIN: gettext_lazy("Ask at the desk for a PIN to use this machine."),
    PinRefusal.CARD_LOCKED: gettext_lazy(
        "Too many wrong PINs for this card. Try again after %(time)s, or ask at the desk."
    ),
    PinRefusal.TOO_MANY_HERE: gettext_lazy(
        "Too many wrong PINs on this machine. Try again after %(time)s, or ask at the desk."
    ),
}


def _pin_words(refused: PinRefused) -> tuple[str, ...]:
    time = ""
    if refused.until is not None:
        local = timezone.localtime(refused.until)
        same_day = local.date() == timezone.localdate()
        time = formats.date_format(local, "TIME_FORMAT" if same_day else "SHORT_DATETIME_FORMAT")
    return tuple(str(_PIN_WORDS[reason]) % {"time": time} for reason in refused.reasons)


def _pin_digest(session: Session, password: str) -> bytes:
    key = session.extra.setdefault("pin_key", secrets.token_bytes(32))
    return hmac.new(key, password.encode(), hashlib.sha256).digest()


def _pin_refusal(
    session: Session, patron: Patron, password: str | None, at: datetime
) -> tuple[str, ...] | None:
    """Why the patron cannot go on with this password, as screen messages (None when they
    can). A PIN is checked when the terminal requires one or when the machine sends one,
    by the one PIN policy of every channel (patrons.pins): wrong PINs count for the card
    whatever the machine or connection, and for this terminal whatever the cards, so a
    kiosk is no way to guess PINs. A PIN required and not sent is refused, not counted."""
    terminal = _terminal(session)
    if not password and not terminal.requires_pin:
        return None
    if not patron.has_pin:
        return (str(_PIN_WORDS[PinRefusal.NO_PIN]),)
    if not password:
        return (str(_PIN_WORDS[PinRefusal.WRONG_PIN]),)
    digest = _pin_digest(session, password)
    checked: dict[int, tuple[str, bytes, float]] = session.extra.setdefault("pins_checked", {})
    kept = checked.get(patron.pk)
    now = time.monotonic()
    if (
        kept is not None
        and kept[0] == patron.pin
        and hmac.compare_digest(kept[1], digest)
        and now - kept[2] < PIN_REUSE_SECONDS
    ):
        return None
    try:
        pins.check_pin(
            password,
            card=patron.card_barcode,
            holders=[patron],
            place=pins.Place.terminal(terminal.pk),
            actor=_actor(session),
            at=at,
            branch=terminal.branch,
        )
    except PinRefused as refused:
        logger.warning(
            "SIP2 %s: PIN refused for patron %s (%s)",
            session.peer,
            patron.pk,
            ", ".join(refused.codes),
        )
        return _pin_words(refused)
    checked[patron.pk] = (patron.pin, digest, now)
    return None


def _patron_status(standing: Standing) -> str:
    """The 14 Y-or-blank flags, from the answer checkout gives (circulation's standing at
    the terminal's branch): any reason denies charging; the patron's blocks (not the loan
    limit or a closed borrowing window) also deny renewals, recalls and holds, as they do in
    circulation; the loan limit, fines and overdues also say which."""
    flags = [" "] * 14
    if not standing.may_borrow:
        flags[CHARGE_DENIED] = "Y"
    if not standing.may_renew_and_hold:
        for position in (RENEWAL_DENIED, RECALL_DENIED, HOLD_DENIED):
            flags[position] = "Y"
    if RefusalReason.LOAN_LIMIT in standing.reasons:
        flags[TOO_MANY_CHARGED] = "Y"
    if RefusalReason.FINES_OVER_LIMIT in standing.reasons:
        flags[EXCESSIVE_FINES] = "Y"
    if RefusalReason.OVERDUE in standing.reasons:
        flags[TOO_MANY_OVERDUE] = "Y"
    return "".join(flags)


UNKNOWN_PATRON_STATUS = "Y" * 4 + " " * 10


def _patron_refused(
    response: type[codec.PatronStatusResponse]
    | type[codec.PatronInformationResponse]
    | type[codec.PatronEnableResponse],
    session: Session,
    patron: Patron | None,
    message: codec.PatronStatusRequest | codec.PatronInformation | codec.PatronEnable,
    at: datetime,
) -> codec.Message | None:
    """The answer to a patron status, information or enable request for an unknown card or
    a wrong PIN (which never reveals the patron's details), or None when the patron may be
    told."""
    pin_valid: str | None
    screen: tuple[str, ...]
    if patron is None:
        valid, pin_valid, screen = "N", None, (str(NOT_KNOWN_CARD),)
    elif pin_problem := _pin_refusal(session, patron, message.patron_password, at):
        valid, pin_valid, screen = "Y", "N", pin_problem
    else:
        return None
    return response(
        patron_status=UNKNOWN_PATRON_STATUS,
        language="000",
        transaction_date=_local(at),
        institution_id=message.institution_id,
        patron_identifier=message.patron_identifier,
        personal_name="",
        valid_patron=valid,
        valid_patron_password=pin_valid,
        screen_message=screen,
    )


@handles(codec.PatronStatusRequest)
def patron_status(
    session: Session, message: codec.PatronStatusRequest, at: datetime
) -> codec.Message:
    patron = _patron(session, message.patron_identifier, fresh=True)
    if refused := _patron_refused(codec.PatronStatusResponse, session, patron, message, at):
        return refused
    assert patron is not None  # an unknown card has had its answer
    return _status_of(session, patron, message, at, pin_checked=bool(message.patron_password))


def _status_of(
    session: Session,
    patron: Patron,
    message: codec.PatronStatusRequest | codec.BlockPatron,
    at: datetime,
    *,
    pin_checked: bool,
    screen: tuple[str, ...] = (),
) -> codec.PatronStatusResponse:
    """The patron status answer (24) for a patron the terminal may be told about."""
    standing = circulation.standing(patron, branch=_terminal(session).branch, at=at)
    summary = patron_summary(patron, at=at, lists=False)
    return codec.PatronStatusResponse(
        patron_status=_patron_status(standing),
        language=SIP_LANGUAGES.get(patron.language, "000"),
        transaction_date=_local(at),
        institution_id=message.institution_id,
        patron_identifier=message.patron_identifier,
        personal_name=patron.listed_name,
        valid_patron="Y",
        valid_patron_password="Y" if pin_checked else None,
        fee_amount=summary.fee_amount,
        screen_message=screen + tuple(standing.messages),
    )


@dataclass
class PatronSummary:
    """What the patron has: item barcodes per SIP2 list, and the fines owed."""

    hold: list[str] = field(default_factory=list)
    overdue: list[str] = field(default_factory=list)
    charged: list[str] = field(default_factory=list)
    fine: list[str] = field(default_factory=list)
    recall: list[str] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)
    fee_amount: str | None = None


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def patron_summary(patron: Patron, *, at: datetime, lists: bool = True) -> PatronSummary:
    """Loans, holds and fines of the patron as SIP2 lists: item barcodes for loans and for
    holds ready to pick up, titles for holds still waiting, "amount kind: title" per fine.
    With lists=False only the amount owed is read."""
    summary = PatronSummary()
    owed = circulation.amount_owed(patron)
    summary.fee_amount = _amount(owed) if owed else None
    if not lists:
        return summary
    for loan in circulation.loans_for(patron):
        summary.charged.append(loan.item.barcode)
        if loan.due_at < at:
            summary.overdue.append(loan.item.barcode)
    for hold in circulation.active_holds(patron):
        if hold.status == HoldStatus.READY and hold.assigned_item is not None:
            summary.hold.append(hold.assigned_item.barcode)
        else:
            summary.unavailable.append(hold.record.full_title)
    for fine in circulation.fines_for(patron):
        what = fine.item.record.full_title if fine.item else fine.note
        text = f"{_amount(fine.amount - fine.paid)} {fine.get_kind_display()}"
        summary.fine.append(f"{text}: {what}" if what else text)
    return summary


def _range(message: codec.PatronInformation) -> tuple[int, int]:
    """The 1-based inclusive range of list entries asked for, bounded."""

    def number(text: str | None, default: int) -> int:
        try:
            return max(1, int((text or "").strip()))
        except ValueError:
            return default

    start = number(message.start_item, 1)
    end = number(message.end_item, start + DEFAULT_LIST_LENGTH - 1)
    return start, min(max(end, start), start + MAX_LIST_LENGTH - 1)


@handles(codec.PatronInformation)
def patron_information(
    session: Session, message: codec.PatronInformation, at: datetime
) -> codec.Message:
    patron = _patron(session, message.patron_identifier, fresh=True)
    if refused := _patron_refused(codec.PatronInformationResponse, session, patron, message, at):
        return refused
    assert patron is not None  # an unknown card has had its answer
    standing = circulation.standing(patron, branch=_terminal(session).branch, at=at)
    summary = patron_summary(patron, at=at)
    # At most one list per response (the spec's advice); the first "Y" wins.
    wanted = next(
        (name for name, flag in zip(SUMMARY_LISTS, message.summary, strict=False) if flag == "Y"),
        None,
    )
    start, end = _range(message)
    lists: dict[str, tuple[str, ...]] = {}
    if wanted:
        lists[wanted] = tuple(getattr(summary, wanted)[start - 1 : end])
    details = personal_details(patron, _terminal(session))
    return codec.PatronInformationResponse(
        patron_status=_patron_status(standing),
        language=SIP_LANGUAGES.get(patron.language, "000"),
        transaction_date=_local(at),
        hold_items_count=len(summary.hold),
        overdue_items_count=len(summary.overdue),
        charged_items_count=len(summary.charged),
        fine_items_count=len(summary.fine),
        recall_items_count=len(summary.recall),
        unavailable_holds_count=len(summary.unavailable),
        institution_id=message.institution_id,
        patron_identifier=message.patron_identifier,
        personal_name=patron.listed_name,
        valid_patron="Y",
        valid_patron_password="Y" if message.patron_password else None,
        fee_amount=summary.fee_amount,
        hold_items=lists.get("hold", ()),
        overdue_items=lists.get("overdue", ()),
        charged_items=lists.get("charged", ()),
        fine_items=lists.get("fine", ()),
        recall_items=lists.get("recall", ()),
        unavailable_hold_items=lists.get("unavailable", ()),
        home_address=details.home_address,
        email_address=details.email,
        home_phone_number=details.phone,
        home_library=details.home_branch,
        card_expiration=details.card_expiry,
        birth_date=details.birth_date,
        patron_class=details.category,
        screen_message=tuple(standing.messages),
    )


def _yyyymmdd(day: date | None) -> str | None:
    return day.strftime("%Y%m%d") if day is not None else None


@dataclass(frozen=True)
class PersonalDetails:
    """What a patron information answer may say about the reader beyond the name (None:
    not said)."""

    home_address: str | None = None
    email: str | None = None
    phone: str | None = None
    birth_date: str | None = None
    category: str | None = None
    card_expiry: str | None = None
    home_branch: str | None = None


def personal_details(patron: Patron, terminal: SelfCheckTerminal) -> PersonalDetails:
    """The reader's details a patron information answer carries, each only when the
    terminal's account allows it (none by default) and the library knows it: the address
    (lines joined by commas), e-mail, phone, date of birth and card expiry (YYYYMMDD),
    category code and home branch code."""
    address = ", ".join(line.strip() for line in patron.address.splitlines() if line.strip())
    known = {
        PersonalField.ADDRESS: ("home_address", address),
        PersonalField.EMAIL: ("email", patron.email),
        PersonalField.PHONE: ("phone", patron.phone),
        PersonalField.BIRTH_DATE: ("birth_date", _yyyymmdd(patron.date_of_birth)),
        PersonalField.CATEGORY: ("category", patron.category.code),
        PersonalField.CARD_EXPIRY: ("card_expiry", _yyyymmdd(patron.card_expires_on)),
        PersonalField.HOME_BRANCH: ("home_branch", patron.home_branch.code),
    }
    return PersonalDetails(
        **{
            name: value or None
            for personal_field, (name, value) in known.items()
            if terminal.may_receive(personal_field)
        }
    )


@handles(codec.EndPatronSession)
def end_patron_session(
    session: Session, message: codec.EndPatronSession, at: datetime
) -> codec.Message:
    session.extra.pop("patron", None)
    return codec.EndSessionResponse(
        end_session=True,
        transaction_date=_local(at),
        institution_id=message.institution_id,
        patron_identifier=message.patron_identifier,
        screen_message=(_("Thank you. Goodbye."),),
    )


@handles(codec.BlockPatron)
def block_patron(session: Session, message: codec.BlockPatron, at: datetime) -> codec.Message:
    """Block the card (the machine found it misused, or kept it), through the patrons
    service as the terminal, with the machine's message (AL) as the reason the reader is
    told; answered with the patron status (24) after it. No PIN is asked: the reader may
    never have typed one. A self-check machine may lift such a block again (patron enable),
    staff too."""
    terminal = _terminal(session)
    patron = _patron(session, message.patron_identifier, fresh=True)
    if patron is None:
        return codec.PatronStatusResponse(
            patron_status=UNKNOWN_PATRON_STATUS,
            transaction_date=_local(at),
            institution_id=message.institution_id,
            patron_identifier=message.patron_identifier,
            personal_name="",
            valid_patron="N",
            screen_message=(str(NOT_KNOWN_CARD),),
        )
    reason = message.blocked_card_message.strip() or _("Blocked by a self-check machine.")
    if message.card_retained:
        reason = _("%(reason)s (The machine kept the card.)") % {"reason": reason}
    try:
        patron_services.add_block(
            patron, reason=reason, branch=terminal.branch, actor=_actor(session), at=at
        )
    except InvalidPatronData as error:  # the reason is never empty: a bug if it happens
        logger.error("SIP2 %s: could not block patron %s: %s", session.peer, patron.pk, error)
        raise
    logger.warning(
        "SIP2 %s: terminal %s blocked patron %s", session.peer, terminal.login, patron.pk
    )
    return _status_of(
        session,
        patron,
        message,
        at,
        pin_checked=False,
        screen=(_("This card is blocked. Please ask at the desk."),),
    )


@handles(codec.PatronEnable)
def patron_enable(session: Session, message: codec.PatronEnable, at: datetime) -> codec.Message:
    """Lift the patron's blocks that a self-check machine may lift, those a self-check
    machine put (patrons.services.may_lift), through the patrons service as the terminal;
    blocks staff put stay, and the answer (26) then says the patron is still blocked and
    why. The PIN is checked as for every patron request."""
    terminal = _terminal(session)
    patron = _patron(session, message.patron_identifier, fresh=True)
    if refused := _patron_refused(codec.PatronEnableResponse, session, patron, message, at):
        return refused
    assert patron is not None  # an unknown card has had its answer
    try:
        lifted = patron_services.lift_blocks(
            patron, branch=terminal.branch, actor=_actor(session), at=at
        )
    except PatronError as error:  # lifted by someone else meanwhile
        lifted = []
        logger.info("SIP2 %s: patron enable for %s: %s", session.peer, patron.pk, error)
    standing = circulation.standing(patron, branch=terminal.branch, at=at)
    screen = tuple(standing.messages)
    if lifted and not screen:
        screen = (_("Your card can be used again."),)
    return codec.PatronEnableResponse(
        patron_status=_patron_status(standing),
        language=SIP_LANGUAGES.get(patron.language, "000"),
        transaction_date=_local(at),
        institution_id=message.institution_id,
        patron_identifier=message.patron_identifier,
        personal_name=patron.listed_name,
        valid_patron="Y",
        valid_patron_password="Y" if message.patron_password else None,
        screen_message=screen,
    )


@handles(codec.ItemStatusUpdate)
def item_status_update(
    session: Session, message: codec.ItemStatusUpdate, at: datetime
) -> codec.Message:
    """Not done: item properties are catalogue data, changed by cataloguers. Answered with
    the refusal (20, item properties not changed), never silence."""
    return refusal(
        session, message, at, (_("This library does not change item properties from here."),)
    )


def refusal(
    session: Session, message: codec.Message, at: datetime, screen: tuple[str, ...]
) -> codec.Message:
    """The negative answer to `message`, with `screen` for the reason: nothing lent,
    returned, paid, placed or changed. For a request the server will not do, or could not
    read whole."""
    when = _local(at)
    institution = getattr(message, "institution_id", "")
    reader = getattr(message, "patron_identifier", "")
    if isinstance(message, codec.Login):
        return codec.LoginResponse(ok=False)
    if isinstance(message, codec.SCStatus):
        return _offline(at, screen)
    if isinstance(message, codec.Checkout | codec.Renew):
        response_type = (
            codec.CheckoutResponse if isinstance(message, codec.Checkout) else codec.RenewResponse
        )
        return _loan_refused(response_type, message, at, screen)
    if isinstance(message, codec.Checkin):
        return codec.CheckinResponse(
            ok=False, resensitize=False, magnetic_media=None, alert=False,
            transaction_date=when, institution_id=institution,
            item_identifier=message.item_identifier, permanent_location="",
            screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.PatronStatusRequest | codec.BlockPatron):
        return codec.PatronStatusResponse(
            patron_status=UNKNOWN_PATRON_STATUS, transaction_date=when,
            institution_id=institution, patron_identifier=reader, personal_name="",
            screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.PatronInformation):
        return codec.PatronInformationResponse(
            patron_status=UNKNOWN_PATRON_STATUS, transaction_date=when,
            institution_id=institution, patron_identifier=reader, personal_name="",
            screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.PatronEnable):
        return codec.PatronEnableResponse(
            patron_status=UNKNOWN_PATRON_STATUS, transaction_date=when,
            institution_id=institution, patron_identifier=reader, personal_name="",
            screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.ItemInformation):
        return codec.ItemInformationResponse(
            circulation_status=OTHER_STATUS, transaction_date=when,
            item_identifier=message.item_identifier, title_identifier="",
            screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.ItemStatusUpdate):
        item = _item(message.item_identifier)
        return codec.ItemStatusUpdateResponse(
            item_properties_ok=False, transaction_date=when,
            item_identifier=message.item_identifier,
            title_identifier=item.record.full_title if item is not None else None,
            screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.RenewAll):
        return codec.RenewAllResponse(
            ok=False, transaction_date=when, institution_id=institution, screen_message=screen
        )
    if isinstance(message, codec.FeePaid):
        return codec.FeePaidResponse(
            payment_accepted=False, transaction_date=when, institution_id=institution,
            patron_identifier=reader, screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.Hold):
        return codec.HoldResponse(
            ok=False, transaction_date=when, institution_id=institution,
            patron_identifier=reader, item_identifier=message.item_identifier,
            title_identifier=message.title_identifier, screen_message=screen,
        )  # fmt: skip
    if isinstance(message, codec.EndPatronSession):
        return codec.EndSessionResponse(
            end_session=False, transaction_date=when, institution_id=institution,
            patron_identifier=reader, screen_message=screen,
        )  # fmt: skip
    raise codec.UnknownCommand(message.command)


# --- Items ----------------------------------------------------------------------------------


def _item_query(*, barcode: str):
    # No ordering: barcodes are unique, and the item's default ordering joins the branches
    # for nothing.
    return (
        Item.objects.select_related("record", "branch")
        .defer("record__marc")
        .filter(barcode=barcode)
        .order_by()
    )


# Built once (see circulation/prepared.py): every message about an item starts here, and
# building this query cost more than a third of a self-check checkout.
_ITEM = PreparedQuery(_item_query, barcode=str)


def _item(barcode: str) -> Item | None:
    barcode = barcode.strip()
    if not barcode:
        return None
    found = _ITEM.instances(barcode=barcode)
    return found[0] if found else None


def item_details(item: Item, *, at: datetime) -> dict[str, Any]:
    """Circulation facts of an item for an item information response: when it is due back,
    how many readers wait for its title, until when it waits on the hold shelf."""
    details: dict[str, Any] = {}
    if item.status == ItemStatus.ON_LOAN and (loan := circulation.open_loan_for(item)):
        details["due_date"] = _due(loan.due_at)
    if waiting := circulation.holds_on_record(item.record_id):
        details["hold_queue_length"] = str(waiting)
    if item.status == ItemStatus.ON_HOLD_SHELF:
        hold = circulation.first_hold_for_item(item, at=at)
        if hold is not None and hold.expires_at is not None:
            details["hold_pickup_date"] = _due(hold.expires_at)
    return details


@handles(codec.ItemInformation)
def item_information(
    session: Session, message: codec.ItemInformation, at: datetime
) -> codec.Message:
    item = _item(message.item_identifier)
    if item is None:
        return codec.ItemInformationResponse(
            circulation_status=OTHER_STATUS,
            transaction_date=_local(at),
            item_identifier=message.item_identifier,
            title_identifier="",
            screen_message=(str(NOT_KNOWN_ITEM),),
        )
    return codec.ItemInformationResponse(
        circulation_status=CIRCULATION_STATUS.get(ItemStatus(item.status), OTHER_STATUS),
        transaction_date=_local(at),
        item_identifier=item.barcode,
        title_identifier=item.record.full_title,
        owner=item.branch.code,
        permanent_location=item.branch.display_name(session.language),
        current_location=item.branch.display_name(session.language),
        screen_message=(item.public_note,) if item.public_note else (),
        **item_details(item, at=at),
    )


# --- Circulation ----------------------------------------------------------------------------
#
# Every call acts as the terminal (Actor.for_terminal: no staff member, never an override;
# its login is the loan's desk), so that statistics can tell the machines apart.


def _day(at: datetime) -> str:
    return formats.date_format(timezone.localtime(at), "SHORT_DATE_FORMAT")


def _reasons(error: Refused) -> tuple[str, ...]:
    return tuple(reason.message for reason in error.reasons)


def _loan_refused(
    response_type: type[codec.CheckoutResponse] | type[codec.RenewResponse],
    message: codec.Checkout | codec.Renew,
    at: datetime,
    screen: tuple[str, ...],
    item: Item | None = None,
) -> codec.Message:
    return response_type(
        ok=False,
        renewal_ok=False,
        magnetic_media=None,
        desensitize=False,
        transaction_date=_local(at),
        institution_id=message.institution_id,
        patron_identifier=message.patron_identifier,
        item_identifier=item.barcode if item else (message.item_identifier or ""),
        title_identifier=item.record.full_title if item else "",
        due_date="",
        screen_message=screen,
    )


def _lent(
    response_type: type[codec.CheckoutResponse] | type[codec.RenewResponse],
    message: codec.Checkout | codec.Renew,
    at: datetime,
    loan: Loan,
    item: Item,
    renewed: bool,
) -> codec.Message:
    return response_type(
        ok=True,
        renewal_ok=renewed,
        magnetic_media=None,
        desensitize=True,
        transaction_date=_local(at),
        institution_id=message.institution_id,
        patron_identifier=message.patron_identifier,
        item_identifier=item.barcode,
        title_identifier=item.record.full_title,
        due_date=_due(loan.due_at),
        screen_message=(_("Due back on %(date)s.") % {"date": _day(loan.due_at)},),
    )


@handles(codec.Checkout)
def checkout(session: Session, message: codec.Checkout, at: datetime) -> codec.Message:
    """Lend the item. An item already on loan to the same reader is renewed instead when
    the self-check says it may renew (sc renewal policy Y), as the spec describes: one
    circulation service decides (checkout_or_renew)."""
    terminal = _terminal(session)
    if message.cancel == "Y":
        return _loan_refused(
            codec.CheckoutResponse, message, at, (_("This machine cannot undo a return."),)
        )
    patron = _patron(session, message.patron_identifier)
    item = _item(message.item_identifier)
    if patron is None or item is None:
        screen = str(NOT_KNOWN_CARD if patron is None else NOT_KNOWN_ITEM)
        return _loan_refused(codec.CheckoutResponse, message, at, (screen,), item)
    if pin_problem := _pin_refusal(session, patron, message.patron_password, at):
        return _loan_refused(codec.CheckoutResponse, message, at, pin_problem, item)
    try:
        lent = services.checkout_or_renew(
            patron=patron, item=item, branch=terminal.branch, actor=_actor(session), at=at,
            renew_own_copy=bool(message.sc_renewal_policy),
        )  # fmt: skip
    except Refused as refusal:  # the checkout's, or the renewal's of the reader's own copy
        said = (
            (_("You already have this item."),)
            if refusal.reasons == [RefusalReason.ALREADY_ON_LOAN_TO_PATRON]
            else _reasons(refusal)
        )
        return _loan_refused(codec.CheckoutResponse, message, at, said, item)
    except CirculationError as exc:
        return _loan_refused(codec.CheckoutResponse, message, at, (str(exc),), item)
    return _lent(codec.CheckoutResponse, message, at, lent.loan, item, renewed=lent.renewed)


@handles(codec.Renew)
def renew(session: Session, message: codec.Renew, at: datetime) -> codec.Message:
    terminal = _terminal(session)
    patron = _patron(session, message.patron_identifier)
    item = _item(message.item_identifier or "")
    if patron is None or item is None:
        screen = str(NOT_KNOWN_CARD if patron is None else NOT_KNOWN_ITEM)
        return _loan_refused(codec.RenewResponse, message, at, (screen,), item)
    if pin_problem := _pin_refusal(session, patron, message.patron_password, at):
        return _loan_refused(codec.RenewResponse, message, at, pin_problem, item)
    loan = circulation.open_loan_for(item)
    if loan is None or loan.patron_id != patron.pk:
        return _loan_refused(
            codec.RenewResponse, message, at, (_("This item is not on loan to you."),), item
        )
    try:
        loan = services.renew(loan=loan, branch=terminal.branch, actor=_actor(session), at=at)
    except RenewalRefused as refusal:
        return _loan_refused(codec.RenewResponse, message, at, _reasons(refusal), item)
    except CirculationError as exc:
        return _loan_refused(codec.RenewResponse, message, at, (str(exc),), item)
    return _lent(codec.RenewResponse, message, at, loan, item, renewed=True)


@handles(codec.RenewAll)
def renew_all(session: Session, message: codec.RenewAll, at: datetime) -> codec.Message:
    terminal = _terminal(session)
    patron = _patron(session, message.patron_identifier)
    problem = (
        (str(NOT_KNOWN_CARD),)
        if patron is None
        else _pin_refusal(session, patron, message.patron_password, at)
    )
    if patron is None or problem:
        return codec.RenewAllResponse(
            ok=False, transaction_date=_local(at), institution_id=message.institution_id,
            screen_message=problem or (),
        )  # fmt: skip
    result = services.renew_all(patron=patron, branch=terminal.branch, actor=_actor(session), at=at)
    screen = [
        f"{loan.item.barcode}: {' '.join(reason.message for reason in reasons)}"
        for loan, reasons in result.refused
    ]
    if result.renewed:
        screen.insert(0, _("Renewed: %(count)d.") % {"count": len(result.renewed)})
    return codec.RenewAllResponse(
        ok=True,
        renewed_count=len(result.renewed),
        unrenewed_count=len(result.refused),
        transaction_date=_local(at),
        institution_id=message.institution_id,
        renewed_items=tuple(loan.item.barcode for loan in result.renewed),
        unrenewed_items=tuple(loan.item.barcode for loan, _why in result.refused),
        screen_message=tuple(screen),
    )


@handles(codec.Checkin)
def checkin(session: Session, message: codec.Checkin, at: datetime) -> codec.Message:
    """Take the item back. When it must not go back on the shelf (a reader is waiting for
    it, or it belongs to another branch) the alert flag is set and the screen says where it
    goes; the sort bin (CL) says the same in one word for sorting machines."""
    terminal = _terminal(session)

    def refused(screen: str, item: Item | None = None) -> codec.Message:
        return codec.CheckinResponse(
            ok=False, resensitize=False, magnetic_media=None, alert=False,
            transaction_date=_local(at), institution_id=message.institution_id,
            item_identifier=message.item_identifier,
            permanent_location=item.branch.code if item else "",
            title_identifier=item.record.full_title if item else None,
            screen_message=(screen,),
        )  # fmt: skip

    if message.cancel == "Y":
        return refused(_("This machine cannot undo a loan."))
    item = _item(message.item_identifier)
    if item is None:
        return refused(str(NOT_KNOWN_ITEM))
    try:
        result = services.checkin(item=item, branch=terminal.branch, actor=_actor(session), at=at)
    except CirculationError as exc:
        return refused(str(exc), item)
    screen: list[str] = []
    sort_bin = None
    if result.hold is not None and result.transfer is None:
        screen.append(_("Please leave this item at the desk: a reader is waiting for it."))
        sort_bin = "hold"
    elif result.transfer is not None:
        screen.append(
            _("Please leave this item at the desk: it goes to %(branch)s.")
            % {"branch": result.transfer.to_branch.display_name(session.language)}
        )
        sort_bin = "transit"
    if result.fine is not None and result.loan is not None:
        screen.append(
            _("Returned late: a fine of %(amount)s.") % {"amount": _amount(result.fine.amount)}
        )
    if not screen:
        screen.append(_("Thank you. The item has been returned."))
    patron = result.patron
    return codec.CheckinResponse(
        ok=True,
        resensitize=True,
        magnetic_media=None,
        alert=sort_bin is not None,
        transaction_date=_local(at),
        institution_id=message.institution_id,
        item_identifier=item.barcode,
        permanent_location=item.branch.code,
        title_identifier=item.record.full_title,
        sort_bin=sort_bin,
        patron_identifier=patron.card_barcode if patron is not None else None,
        screen_message=tuple(screen),
    )


def _money(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation_:
        return None
    return value if value.is_finite() else None


@handles(codec.FeePaid)
def fee_paid(session: Session, message: codec.FeePaid, at: datetime) -> codec.Message:
    """A payment taken by the machine, applied to the oldest fines first (the fee identifier
    is not used: the service settles fines in that order everywhere)."""
    terminal = _terminal(session)

    def answer(
        accepted: bool, screen: str | tuple[str, ...], transaction_id: str | None = None
    ) -> codec.Message:
        return codec.FeePaidResponse(
            payment_accepted=accepted, transaction_date=_local(at),
            institution_id=message.institution_id, patron_identifier=message.patron_identifier,
            transaction_id=transaction_id,
            screen_message=(screen,) if isinstance(screen, str) else screen,
        )  # fmt: skip

    patron = _patron(session, message.patron_identifier)
    if patron is None:
        return answer(False, str(NOT_KNOWN_CARD))
    if pin_problem := _pin_refusal(session, patron, message.patron_password, at):
        return answer(False, pin_problem)
    amount = _money(message.fee_amount)
    if amount is None:
        return answer(False, _("The amount is not a number."))
    try:
        payment = services.pay(
            patron=patron, amount=amount, actor=_actor(session), branch=terminal.branch, at=at
        )
    except CirculationError as exc:
        return answer(False, str(exc))
    return answer(
        True,
        _("Paid %(amount)s. Receipt %(receipt)s.")
        % {"amount": _amount(payment.amount), "receipt": payment.receipt_number},
        message.transaction_id or payment.receipt_number,
    )


# Hold types (BY): 3 is one specific copy; the others ask for any copy of the title.
SPECIFIC_COPY = "3"


def _not_needed_after(text: str | None) -> date | None:
    """The local day of an expiration date (BW); None when blank. Raises MalformedMessage."""
    moment = codec.parse_date(text or "")
    if moment is None:
        return None
    if moment.tzinfo is not None:
        return timezone.localdate(moment)
    return moment.date()


@handles(codec.Hold)
def hold(session: Session, message: codec.Hold, at: datetime) -> codec.Message:
    """Place (+), cancel (-) or change (*) a hold on the title of the item given (AB), or on
    that copy for hold type 3. The pickup branch (BS) is a branch code; the terminal's
    branch when empty; whether the patron may pick up there, the hold service decides. The
    expiration date (BW) is the day after which the reader no longer needs the title; a
    change (*) with BW sets that day as well as the pickup branch."""
    terminal = _terminal(session)
    patron = _patron(session, message.patron_identifier)
    item = _item(message.item_identifier or "")

    def answer(ok: bool, screen: tuple[str, ...], placed: HoldModel | None = None) -> codec.Message:
        position = circulation.queue_position(placed) if placed is not None else None
        until = placed.not_needed_after if placed is not None else None
        return codec.HoldResponse(
            ok=ok,
            available=bool(item and item.status == ItemStatus.AVAILABLE),
            transaction_date=_local(at),
            expiration_date=codec.format_date(datetime.combine(until, DUE_TIME))
            if until is not None
            else None,
            queue_position=str(position) if position else None,
            pickup_location=placed.pickup_branch.code if placed is not None else None,
            institution_id=message.institution_id,
            patron_identifier=message.patron_identifier,
            item_identifier=item.barcode if item else message.item_identifier,
            title_identifier=item.record.full_title if item else message.title_identifier,
            screen_message=screen,
        )

    if patron is None or item is None:
        return answer(False, (str(NOT_KNOWN_CARD if patron is None else NOT_KNOWN_ITEM),))
    if pin_problem := _pin_refusal(session, patron, message.patron_password, at):
        return answer(False, pin_problem)
    pickup = terminal.branch
    if pickup_code := (message.pickup_location or "").strip():
        found = Branch.objects.filter(code=pickup_code).first()
        if found is None:
            return answer(
                False, (_("There is no branch %(code)s.") % {"code": message.pickup_location},)
            )
        pickup = found
    try:
        not_needed_after = _not_needed_after(message.expiration_date)
    except codec.MalformedMessage:
        return answer(False, (_("The expiration date is not a date."),))
    try:
        if message.hold_mode == "+":
            placed = services.place_hold(
                patron=patron,
                record=None if message.hold_type == SPECIFIC_COPY else item.record,
                item=item if message.hold_type == SPECIFIC_COPY else None,
                pickup_branch=pickup, actor=_actor(session), at=at,
                not_needed_after=not_needed_after,
            )  # fmt: skip
            return answer(
                True,
                (_("Hold placed. Pick it up at %(branch)s.")
                 % {"branch": placed.pickup_branch.display_name(session.language)},),
                placed,
            )  # fmt: skip
        existing = circulation.active_holds(patron).filter(record_id=item.record_id).first()
        if existing is None:
            return answer(False, (_("You have no hold on this title."),))
        if message.hold_mode == "-":
            services.cancel_hold(
                hold=existing, actor=_actor(session), at=at, branch=terminal.branch
            )
            return answer(True, (_("Hold cancelled."),))
        if message.hold_mode == "*":
            with transaction.atomic():
                changed = services.change_pickup(
                    hold=existing, pickup_branch=pickup, actor=_actor(session), at=at,
                    branch=terminal.branch,
                )  # fmt: skip
                if not_needed_after is not None:
                    changed = services.change_not_needed_after(
                        hold=changed, not_needed_after=not_needed_after, actor=_actor(session),
                        at=at, branch=terminal.branch,
                    )  # fmt: skip
            return answer(True, (_("Hold changed."),), changed)
        return answer(False, (_("Unknown hold mode."),))
    except HoldRefused as refusal:
        return answer(False, _reasons(refusal))
    except CirculationError as exc:
        return answer(False, (str(exc),))
