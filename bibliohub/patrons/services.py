"""Every change to patrons goes through these functions, one transaction each, and each records
what it did in the history (bibliohub.history), with the actor the interface gives it. Desk
screens, the OPAC, the API, CSV import, the administration and SIP2 all call them; they do
not check staff permissions (the interfaces do, through bibliohub.accounts.access)."""

from __future__ import annotations

import calendar
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from bibliohub.accounts import access
from bibliohub.history import Actor, Kind
from bibliohub.history import selectors as history_selectors
from bibliohub.history.services import changed_fields, forget_patron, record
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons import selectors
from bibliohub.patrons.errors import (
    BlockAlreadyLifted,
    BlockNotLiftable,
    ErasureRefused,
    InvalidPatronData,
    NotActive,
    NotPending,
)
from bibliohub.patrons.kinds import (
    BLOCK_LIFTED,
    BLOCKED,
    CARD_RENEWED,
    CATEGORY_DELETED,
    CATEGORY_SAVED,
    CONFIRMED,
    DATA_EXPORTED,
    DETAILS_CHANGED,
    ERASED,
    NOTICE_POLICY_SAVED,
    READING_HISTORY_OFF,
    READING_HISTORY_ON,
    REGISTERED,
    SELF_REGISTERED,
)
from bibliohub.patrons.lookup import search_terms
from bibliohub.patrons.models import (
    Block,
    NoticePolicy,
    Patron,
    PatronCategory,
    PatronSearchTerm,
    PatronStatus,
)

# Generated card numbers: a leading 2 (the usual first digit of library patron barcodes, so
# they are not mistaken for item barcodes), twelve random digits and a Luhn check digit that
# catches a mistyped digit at the desk.
CARD_PREFIX = "2"
CARD_RANDOM_DIGITS = 12


@dataclass(frozen=True, kw_only=True)
class PatronDetails:
    """What a patron tells the library about themselves, at the desk, online or in a CSV."""

    family_name: str
    given_names: str
    date_of_birth: date | None = None
    email: str = ""
    phone: str = ""
    address: str = ""
    language: str = "en"
    school_class: str = ""


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, kept inside the month (31 January + 1 → 28 or
    29 February), as people expect of "valid for a year" or "for six months"."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def new_card_number(network: Network | int) -> str:
    """A card number no patron of `network` has, with a Luhn check digit."""
    network_id = network if isinstance(network, int) else network.pk
    while True:
        body = CARD_PREFIX + "".join(str(secrets.randbelow(10)) for _ in range(CARD_RANDOM_DIGITS))
        number = body + luhn.calc_check_digit(body)
        if not Patron.objects.filter(network_id=network_id, card_barcode=number).exists():
            return number


def is_generated_card_number(number: str) -> bool:
    """Whether `number` has the shape and a valid check digit of a number we generate."""
    return (
        len(number) == len(CARD_PREFIX) + CARD_RANDOM_DIGITS + 1
        and number.startswith(CARD_PREFIX)
        and luhn.is_valid(number)
    )


@transaction.atomic
def register_patron(
    details: PatronDetails,
    *,
    category: PatronCategory,
    branch: Branch,
    actor: Actor,
    at: datetime,
    home_branch: Branch | None = None,
    card_barcode: str = "",
    guardian: Patron | None = None,
) -> Patron:
    """Register a patron at the desk of `branch`: active at once, with a card valid for the
    category's period from the local date of `at`. A card number is generated when
    `card_barcode` is empty. `home_branch` defaults to `branch`. The same for each row of a
    CSV import (an import actor) and the demo.

    Returns the saved patron and records REGISTERED at `branch`.
    Raises InvalidPatronData naming each bad field (a card number already in use included).
    """
    patron = _new_patron(
        details, category=category, home_branch=home_branch or branch, guardian=guardian, at=at
    )
    patron.status = PatronStatus.ACTIVE
    patron.confirmed_at = at
    patron.card_barcode = card_barcode.strip() or new_card_number(patron.network_id)
    patron.card_expires_on = add_months(timezone.localdate(at), category.card_validity_months)
    _save_new(patron)
    _record(REGISTERED, patron, branch=branch, actor=actor, at=at)
    return patron


@transaction.atomic
def self_register(
    details: PatronDetails,
    *,
    category: PatronCategory,
    home_branch: Branch,
    actor: Actor,
    at: datetime,
    guardian: Patron | None = None,
) -> Patron:
    """Register a patron from the OPAC: pending, with no card, until staff confirm them with
    `confirm_patron` (usually when the patron shows identification at the desk). The actor
    is someone not signed in, or the signed-in guardian registering their child.

    Returns the saved patron and records SELF_REGISTERED at the home branch.
    Raises InvalidPatronData naming each bad field.
    """
    patron = _new_patron(
        details, category=category, home_branch=home_branch, guardian=guardian, at=at
    )
    _save_new(patron)
    _record(SELF_REGISTERED, patron, branch=home_branch, actor=actor, at=at)
    return patron


@transaction.atomic
def confirm_patron(
    patron: Patron, *, branch: Branch, actor: Actor, at: datetime, card_barcode: str = ""
) -> Patron:
    """Confirm a pending registration: the patron becomes active and is issued a card (the
    number given, else a generated one) valid from the local date of `at`.

    Returns the patron and records CONFIRMED.
    Raises NotPending if the patron is already active, InvalidPatronData if the card number
    is taken or malformed.
    """
    patron = Patron.objects.select_for_update().select_related("category").get(pk=patron.pk)
    if patron.status != PatronStatus.PENDING:
        raise NotPending()
    patron.status = PatronStatus.ACTIVE
    patron.confirmed_at = at
    patron.card_barcode = card_barcode.strip() or new_card_number(patron.network_id)
    patron.card_expires_on = add_months(
        timezone.localdate(at), patron.category.card_validity_months
    )
    _validate(patron)
    _save_existing(patron, ["status", "confirmed_at", "card_barcode", "card_expires_on"])
    _record(CONFIRMED, patron, branch=branch, actor=actor, at=at)
    return patron


@transaction.atomic
def renew_card(patron: Patron, *, branch: Branch, actor: Actor, at: datetime) -> Patron:
    """Extend the card by the category's validity period, counted from the later of today and
    the current expiry date, so that renewing early loses no days and an expired card gets a
    full period from today.

    Returns the patron; the CARD_RENEWED entry holds the old and new expiry dates.
    Raises NotActive for a registration not yet confirmed.
    """
    patron = Patron.objects.select_for_update().select_related("category").get(pk=patron.pk)
    if patron.status != PatronStatus.ACTIVE:
        raise NotActive()
    today = timezone.localdate(at)
    old = patron.card_expires_on
    base = max(today, old) if old else today
    patron.card_expires_on = add_months(base, patron.category.card_validity_months)
    patron.save(update_fields=["card_expires_on"])
    _record(
        CARD_RENEWED,
        patron,
        branch=branch,
        actor=actor,
        at=at,
        detail={"from": old.isoformat() if old else None, "to": patron.card_expires_on.isoformat()},
    )
    return patron


@transaction.atomic
def update_details(
    patron: Patron,
    details: PatronDetails,
    *,
    category: PatronCategory,
    home_branch: Branch,
    guardian: Patron | None,
    branch: Branch,
    actor: Actor,
    at: datetime,
) -> Patron:
    """Replace the patron's details, category, home branch and guardian (the card number and
    its expiry stay; `renew_card` extends the card), at a desk or by the patron online.

    Returns the patron; the DETAILS_CHANGED entry names the fields that changed, not their
    values, as those describe the person. Nothing changed, nothing recorded.
    Raises NotPermitted (accounts.access) when the home branch changes and `actor` may not
    act for the patron's current one (`access.require_patron_home_branch_change`), and
    InvalidPatronData naming each bad field (a guardian of another network, not yet
    confirmed, or the patron themselves).
    """
    patron = Patron.objects.select_for_update().select_related("category").get(pk=patron.pk)
    access.require_patron_home_branch_change(actor, patron, home_branch)
    if guardian is not None and guardian.pk == patron.pk:
        raise InvalidPatronData({"guardian": [_("A patron cannot be their own guardian.")]})
    new = _new_patron(details, category=category, home_branch=home_branch, guardian=guardian, at=at)
    if home_branch.network_id != patron.network_id:
        raise InvalidPatronData({"home_branch": [_("Choose a branch of the patron's network.")]})
    if details.date_of_birth and details.date_of_birth > timezone.localdate(at):
        raise InvalidPatronData({"date_of_birth": [_("The date of birth is in the future.")]})
    fields = [
        "family_name",
        "given_names",
        "date_of_birth",
        "email",
        "phone",
        "address",
        "language",
        "school_class",
        "home_branch",
        "category",
        "guardian",
    ]
    changed = [f for f in fields if getattr(new, f) != getattr(patron, f)]
    for name in changed:
        setattr(patron, name, getattr(new, name))
    _validate(patron)
    if changed:
        _save_existing(patron, changed)
        _record(
            DETAILS_CHANGED,
            patron,
            branch=branch,
            actor=actor,
            at=at,
            detail={"fields": changed},
        )
    return patron


@transaction.atomic
def add_block(
    patron: Patron,
    *,
    reason: str,
    branch: Branch,
    actor: Actor,
    at: datetime,
    ends_at: datetime | None = None,
) -> Block:
    """Block the patron from `at` until `ends_at` (None: until lifted), telling them `reason`.
    The block names the member of staff who put it, if the actor is one, and the channel it
    came through (a self-check machine blocks a card it finds misused: SIP2 block patron).

    Returns the block and records BLOCKED with the end date (the reason text stays on the
    block only, as it may describe the person).
    Raises InvalidPatronData if the reason is empty or the block would end before it starts.
    """
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the card is blocked; the patron will be told.")]
    if ends_at is not None and ends_at <= at:
        errors["ends_at"] = [_("The block must end after it starts.")]
    if errors:
        raise InvalidPatronData(errors)
    block = Block.objects.create(
        patron=patron,
        reason=reason,
        staff_id=actor.staff_id,
        starts_at=at,
        ends_at=ends_at,
        channel=actor.channel,
    )
    _record(
        BLOCKED,
        patron,
        branch=branch,
        actor=actor,
        at=at,
        obj=block,
        detail={"until": ends_at.isoformat() if ends_at else None},
    )
    return block


def may_lift(block: Block, actor: Actor) -> bool:
    """Whether `actor` may lift `block`: staff any block; anyone else only a block put
    through their own channel (a self-check machine, one put at a self-check machine), never
    one a member of staff put."""
    return actor.is_staff or (block.staff_id is None and block.channel == actor.channel)


@transaction.atomic
def lift_block(block: Block, *, branch: Branch, actor: Actor, at: datetime) -> Block:
    """Lift a manual block from `at` on (the block names the member of staff who lifted it,
    if the actor is one).

    Returns the block and records BLOCK_LIFTED.
    Raises BlockAlreadyLifted if someone lifted it already (two librarians, one block),
    BlockNotLiftable if `actor` may not lift it (see may_lift).
    """
    block = Block.objects.select_for_update().select_related("patron__category").get(pk=block.pk)
    if block.lifted_at is not None:
        raise BlockAlreadyLifted()
    if not may_lift(block, actor):
        raise BlockNotLiftable()
    block.lifted_at = at
    block.lifted_by_id = actor.staff_id
    block.save(update_fields=["lifted_at", "lifted_by"])
    _record(BLOCK_LIFTED, block.patron, branch=branch, actor=actor, at=at, obj=block)
    return block


@transaction.atomic
def lift_blocks(patron: Patron, *, branch: Branch, actor: Actor, at: datetime) -> list[Block]:
    """Lift every block of the patron in force at `at` that `actor` may lift (may_lift):
    what a self-check machine does when asked to enable a patron (SIP2 patron enable); the
    blocks staff put stay. Returns the blocks lifted, each recorded as BLOCK_LIFTED."""
    lifted = []
    for block in selectors.active_blocks(patron, at=at).select_for_update().order_by("pk"):
        if may_lift(block, actor):
            lifted.append(lift_block(block, branch=branch, actor=actor, at=at))
    return lifted


@transaction.atomic
def set_reading_history(
    patron: Patron,
    *,
    keep: bool,
    actor: Actor,
    at: datetime,
    branch: Branch | None = None,
) -> Patron:
    """Turn the patron's reading history on (consent dated `at`) or off. The patron does this
    in the portal or asks at a desk (`branch`). Setting the value it already has changes
    nothing and records nothing. Once off, returned loans are anonymised by circulation after
    its delay, as for everyone who never opted in.

    Returns the patron; records READING_HISTORY_ON or READING_HISTORY_OFF.
    """
    patron = Patron.objects.select_for_update().select_related("category").get(pk=patron.pk)
    if patron.reading_history == keep:
        return patron
    patron.reading_history = keep
    patron.reading_history_consent_at = at if keep else None
    patron.save(update_fields=["reading_history", "reading_history_consent_at"])
    kind = READING_HISTORY_ON if keep else READING_HISTORY_OFF
    _record(kind, patron, branch=branch, actor=actor, at=at)
    return patron


# What the apps above this one do when a patron is erased (listening: the contact given with
# a complaint goes): each registers its step when it is ready; erase_patron runs them all, in
# its transaction, before the patron's row goes.
ErasureStep = Callable[..., object]
_erasure_steps: list[ErasureStep] = []


def register_erasure_step(step: ErasureStep) -> None:
    """Have erase_patron call `step(patron, actor=…, at=…)` too. Registering the same step
    again changes nothing."""
    if step not in _erasure_steps:
        _erasure_steps.append(step)


@transaction.atomic
def erase_patron(patron: Patron, *, branch: Branch, actor: Actor, at: datetime) -> None:
    """Erase the patron and everything that identifies them: their row and blocks go; every
    history entry about them (of any app) stays for statistics without the patron's id, with
    their category, age and pseudonym (entries never hold personal data); children they were
    guardian of keep their cards without a guardian; what the apps registered to do
    (`register_erasure_step`) is done first.

    Refused (ErasureRefused, with every reason) while `selectors.erasure_refusals` gives any:
    being the guardian of a child with an active card, and what the apps holding the patron's
    things say (circulation: open loans, unpaid fines).
    Records ERASED with the home branch's code, before the patron is forgotten.
    Raises NotPermitted (accounts.access) unless `actor` may act for the patron's home branch
    (`access.require_patron_erasure`), before anything else.
    """
    patron = (
        Patron.objects.select_for_update()
        .select_related("category", "home_branch")
        .get(pk=patron.pk)
    )
    access.require_patron_erasure(actor, patron)
    if reasons := selectors.erasure_refusals(patron):
        raise ErasureRefused(reasons)
    _record(
        ERASED,
        patron,
        branch=branch,
        actor=actor,
        at=at,
        detail={"home_branch": patron.home_branch.code},
    )
    for step in _erasure_steps:
        step(patron, actor=actor, at=at)
    patron_id = patron.pk
    patron.delete()  # blocks and notices: CASCADE; wards: guardian SET_NULL
    # The history has no foreign key to the patron: it is told.
    forget_patron(patron_id)


@transaction.atomic
def export_patron_data(
    patron: Patron, *, actor: Actor, at: datetime, branch: Branch | None = None
) -> dict[str, Any]:
    """Everything the library holds about the patron, as a JSON-serialisable dict (dates in
    ISO 8601), for the patron to download: their details, guardian, children, blocks,
    every history entry still about them, of any app, and what the apps above this one
    registered (`selectors.register_export_section`). Staff who acted on the patron are not
    named.

    Records DATA_EXPORTED (after gathering, so the export does not list itself).
    """
    patron = Patron.objects.select_related("category", "home_branch", "guardian").get(pk=patron.pk)
    data: dict[str, Any] = {
        "exported_at": at.isoformat(),
        "patron": {
            "card_number": patron.card_barcode,
            "family_name": patron.family_name,
            "given_names": patron.given_names,
            "date_of_birth": _iso(patron.date_of_birth),
            "email": patron.email,
            "phone": patron.phone,
            "address": patron.address,
            "preferred_language": patron.language,
            "class_or_grade": patron.school_class,
            "status": patron.status,
            "category": {"code": patron.category.code, "name": patron.category.display_name()},
            "home_branch": {
                "code": patron.home_branch.code,
                "name": patron.home_branch.display_name(),
            },
            "card_expires_on": _iso(patron.card_expires_on),
            "reading_history": patron.reading_history,
            "reading_history_agreed_at": _iso(patron.reading_history_consent_at),
            "registered_at": _iso(patron.created_at),
            "confirmed_at": _iso(patron.confirmed_at),
        },
        "guardian": _person(patron.guardian) if patron.guardian else None,
        "children": [_person(ward) for ward in patron.wards.order_by("pk")],
        "blocks": [
            {
                "reason": b.reason,
                "from": _iso(b.starts_at),
                "until": _iso(b.ends_at),
                "lifted_at": _iso(b.lifted_at),
            }
            for b in patron.blocks.order_by("starts_at", "pk")
        ],
        "history": _history(patron),
        **selectors.export_sections(patron),
    }
    _record(DATA_EXPORTED, patron, branch=branch, actor=actor, at=at)
    return data


def _history(patron: Patron) -> list[dict[str, Any]]:
    entries = list(history_selectors.entries(patron_id=patron.pk).order_by("at", "id"))
    codes = dict(
        Branch.objects.filter(pk__in={e.branch_id for e in entries}).values_list("pk", "code")
    )
    return [
        {
            "domain": e.domain,
            "what": e.kind,
            "at": _iso(e.at),
            "branch": codes.get(e.branch_id) if e.branch_id is not None else None,
            "channel": e.channel,
        }
        for e in entries
    ]


# What an administrator may correct on a patron; the rest (status, consent, PIN) changes only
# through the services that check and record it.
CORRECTABLE_FIELDS = (
    "card_barcode",
    "family_name",
    "given_names",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "language",
    "home_branch",
    "category",
    "card_expires_on",
    "guardian",
    "school_class",
)


def correction_problems(patron: Patron, *, at: datetime) -> dict[str, list[str]]:
    """What is wrong with the corrections made to `patron` in place, by field (empty when
    nothing is): a home branch or guardian of another network, the patron as their own
    guardian, a date of birth in the future. For the administration's form to show before
    `correct_patron` refuses."""
    errors: dict[str, list[str]] = {}
    if patron.home_branch.network_id != patron.network_id:
        errors["home_branch"] = [_("Choose a branch of the patron's network.")]
    if patron.guardian is not None:
        if patron.guardian.pk == patron.pk:
            errors["guardian"] = [_("A patron cannot be their own guardian.")]
        elif patron.guardian.network_id != patron.network_id:
            errors["guardian"] = [_("The guardian must be a patron of the same library network.")]
    if patron.date_of_birth and patron.date_of_birth > timezone.localdate(at):
        errors["date_of_birth"] = [_("The date of birth is in the future.")]
    return errors


@transaction.atomic
def correct_patron(patron: Patron, *, actor: Actor, at: datetime) -> Patron:
    """Save what an administrator corrected on `patron` in place: details, the card number
    or its expiry, category, home branch or guardian.

    Returns the patron; records DETAILS_CHANGED naming the fields that changed (nothing
    changed, nothing recorded). Raises InvalidPatronData naming each bad field (see
    correction_problems, and a card number taken or malformed), and ValueError for a change
    to anything else (the status, consent and PIN have their own services).
    """
    Patron.objects.select_for_update().filter(pk=patron.pk).first()
    changed = changed_fields(patron)
    if others := sorted(set(changed) - set(CORRECTABLE_FIELDS)):
        raise ValueError(f"not corrected here: {', '.join(others)}")
    if errors := correction_problems(patron, at=at):
        raise InvalidPatronData(errors)
    _validate(patron)
    if changed:
        _save_existing(patron, changed)
        _record(
            DETAILS_CHANGED, patron, branch=None, actor=actor, at=at, detail={"fields": changed}
        )
    return patron


@transaction.atomic
def save_category(category: PatronCategory, *, actor: Actor, at: datetime) -> PatronCategory:
    """Create or change a patron category (its names, age band, card validity, order).
    Records CATEGORY_SAVED with its code and the names of the fields that changed."""
    fields = changed_fields(category)
    created = category.pk is None
    category.save()
    record(
        CATEGORY_SAVED,
        at=at,
        actor=actor,
        obj=category,
        detail={"created": created, "code": category.code, "fields": fields},
    )
    return category


@transaction.atomic
def delete_category(category: PatronCategory, *, actor: Actor, at: datetime) -> None:
    """Delete a patron category no patron is in (ProtectedError otherwise). Records
    CATEGORY_DELETED with its code; entries of its patrons keep its id."""
    record(CATEGORY_DELETED, at=at, actor=actor, obj=category, detail={"code": category.code})
    category.delete()


@transaction.atomic
def save_notice_policy(policy: NoticePolicy, *, actor: Actor, at: datetime) -> NoticePolicy:
    """Create or change when a network sends its notices. Records NOTICE_POLICY_SAVED for the
    network with the names of the fields that changed."""
    fields = changed_fields(policy)
    created = policy.pk is None
    policy.save()
    record(
        NOTICE_POLICY_SAVED,
        at=at,
        actor=actor,
        network=policy.network_id,
        obj=policy,
        detail={"created": created, "fields": fields},
    )
    return policy


def _new_patron(
    details: PatronDetails,
    *,
    category: PatronCategory,
    home_branch: Branch,
    guardian: Patron | None,
    at: datetime,
) -> Patron:
    if guardian is not None:
        if guardian.network_id != home_branch.network_id:
            raise InvalidPatronData(
                {"guardian": [_("The guardian must be a patron of the same library network.")]}
            )
        if guardian.status != PatronStatus.ACTIVE:
            raise InvalidPatronData(
                {"guardian": [_("The guardian's own registration must be confirmed first.")]}
            )
    return Patron(
        network_id=home_branch.network_id,
        family_name=details.family_name.strip(),
        given_names=details.given_names.strip(),
        date_of_birth=details.date_of_birth,
        email=details.email.strip(),
        phone=details.phone.strip(),
        address=details.address.strip(),
        language=details.language,
        school_class=details.school_class.strip(),
        home_branch=home_branch,
        category=category,
        guardian=guardian,
        status=PatronStatus.PENDING,
        created_at=at,
    )


def _validate(patron: Patron) -> None:
    """Field checks and the card number's uniqueness. Not full_clean(): the related objects
    come from the caller (checking they exist costs a query each) and Django checks every
    CheckConstraint with a query of its own, while these services cannot break them; the
    database still enforces them all. That makes a CSV import of a school several times
    faster."""
    errors: dict[str, list[str]] = {}
    try:
        patron.clean_fields(exclude=["network", "home_branch", "category", "guardian"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (
        patron.card_barcode
        and "card_barcode" not in errors
        and Patron.objects.filter(network_id=patron.network_id, card_barcode=patron.card_barcode)
        .exclude(pk=patron.pk)
        .exists()
    ):
        errors["card_barcode"] = [_("Another patron already has this card number.")]
    if errors:
        raise InvalidPatronData(errors)


def _save_new(patron: Patron) -> None:
    _validate(patron)
    if patron.date_of_birth and patron.date_of_birth > timezone.localdate(patron.created_at):
        raise InvalidPatronData({"date_of_birth": [_("The date of birth is in the future.")]})
    try:
        # A savepoint, so a lost race for a card number leaves the outer transaction usable
        # (CSV import goes on checking the other rows).
        with transaction.atomic():
            patron.save(force_insert=True)
    except IntegrityError as exc:
        raise InvalidPatronData(
            {"card_barcode": [_("Another patron already has this card number.")]}
        ) from exc
    _keep_search_terms(patron, new=True)


# What the desk's patron search finds a patron by.
SEARCHED_FIELDS = {"family_name", "given_names", "school_class", "card_barcode", "email"}


def _save_existing(patron: Patron, fields: list[str]) -> None:
    try:
        with transaction.atomic():
            patron.save(update_fields=fields)
    except IntegrityError as exc:
        raise InvalidPatronData(
            {"card_barcode": [_("Another patron already has this card number.")]}
        ) from exc
    if set(fields) & SEARCHED_FIELDS:
        _keep_search_terms(patron, new=False)


def _keep_search_terms(patron: Patron, *, new: bool) -> None:
    """Write the keys staff find `patron` by (patrons.lookup), replacing the old ones."""
    terms = search_terms(
        family_name=patron.family_name,
        given_names=patron.given_names,
        school_class=patron.school_class,
        card=patron.card_barcode,
        email=patron.email,
    )
    if not new:
        PatronSearchTerm.objects.filter(patron=patron).delete()
    PatronSearchTerm.objects.bulk_create(
        PatronSearchTerm(patron=patron, term=term) for term in sorted(terms)
    )


def _record(
    kind: Kind,
    patron: Patron,
    *,
    branch: Branch | None,
    actor: Actor,
    at: datetime,
    obj: Block | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """An entry about `patron`: their id, category, age that day and pseudonym; the network
    is the branch's, else the patron's."""
    record(kind, at=at, actor=actor, branch=branch, patron=patron, obj=obj, detail=detail)


def _person(patron: Patron) -> dict[str, str]:
    return {"card_number": patron.card_barcode, "name": patron.full_name}


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
