"""`bibliohub demo`: readers, rules, a self-check terminal and a circulation history to try
the desk, the portal and SIP2 with."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item, ItemStatus
from bibliohub.circulation import services as circulation
from bibliohub.circulation.errors import CheckoutRefused, RefusalReason
from bibliohub.circulation.models import (
    CirculationRule,
    Fine,
    Hold,
    HoldStatus,
    Loan,
    Term,
)
from bibliohub.demand.models import Suggestion
from bibliohub.demo.circulation import (
    CATEGORIES,
    DEMO_PIN,
    PATRONS,
    TERMINAL,
    card_number,
    item_summary,
    patron_summary,
)
from bibliohub.demo.services import load_demo
from bibliohub.history import Actor, Channel
from bibliohub.history.models import Entry
from bibliohub.interop.sip2 import codec, handlers
from bibliohub.interop.sip2.models import SelfCheckTerminal
from bibliohub.libraries.models import Network
from bibliohub.patrons.models import Block, Patron, PatronCategory
from bibliohub.programs.models import Event
from bibliohub.spaces.models import Booking, Resource
from tests.demo.conftest import AT

LANGUAGE_CODES = {"en", "vi", "zh-hans", "uk", "pl"}
RECORDS = 120  # enough copies at the central library for every loan and hold of the history


def _demo_json() -> dict:
    out = StringIO()
    call_command("demo", "--records", str(RECORDS), "--json", stdout=out)
    return json.loads(out.getvalue())


def _counts() -> dict[str, int]:
    models = (Patron, Block, PatronCategory, Loan, Hold, Fine, CirculationRule, Term,
              SelfCheckTerminal, Item, Event, Resource, Booking)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["entries"] = Entry.objects.filter(
        domain__in=["circulation", "interop", "patrons"]
    ).count()
    return counts


def _patron(key: str) -> Patron:
    plan = next(p for p in PATRONS if p.key == key)
    return Patron.objects.get(card_barcode=card_number(plan))


@pytest.mark.django_db
def test_json_names_the_terminal_the_demo_patrons_and_items_to_try():
    data = _demo_json()
    assert data["terminal"] == {
        "login": TERMINAL.login, "password": TERMINAL.password, "name": TERMINAL.name,
        "branch": "central", "language": "en", "host": "127.0.0.1", "port": 6001,
    }
    patrons = data["patrons"]
    assert 5 <= len(patrons) <= 10
    for row in patrons:
        assert set(row) == {"card_number", "pin", "name", "category", "branch", "flags", "about"}
        assert row["pin"] == DEMO_PIN and row["about"]
        assert Patron.objects.get(card_barcode=row["card_number"]).pin_matches(DEMO_PIN)
    flags = {flag for row in patrons for flag in row["flags"]}
    assert {"can_borrow", "blocked", "overdue", "hold_ready", "card_expired"} <= flags
    assert patrons[0]["flags"] == ["can_borrow", "renewable"]

    items = data["items"]
    # Two books and a DVD when the catalogue has one to spare (a small one may not).
    assert [i["item_type"] for i in items["available"]][:2] == ["book", "book"]
    assert len(items["available"]) <= 3
    assert len({i["title"] for i in items["available"]}) == len(items["available"])
    for row in items["available"]:
        item = Item.objects.get(barcode=row["barcode"])
        assert item.status == ItemStatus.AVAILABLE and item.branch.code == "central"
    on_loan = Item.objects.get(barcode=items["on_loan"]["barcode"])
    assert on_loan.status == ItemStatus.ON_LOAN
    assert Loan.objects.get(item=on_loan, returned_at__isnull=True).patron.card_barcode == items["on_loan"]["patron"]
    on_hold = Item.objects.get(barcode=items["on_hold"]["barcode"])
    assert on_hold.status == ItemStatus.ON_HOLD_SHELF
    hold = Hold.objects.get(assigned_item=on_hold, status=HoldStatus.READY)
    assert hold.patron.card_barcode == items["on_hold"]["held_for"] != patrons[0]["card_number"]


@pytest.mark.django_db
def test_the_patron_who_can_borrow_renews_a_loan_and_its_due_date_moves():
    first = _demo_json()["patrons"][0]
    reader = Patron.objects.get(card_barcode=first["card_number"])
    loans = list(Loan.objects.filter(patron=reader, returned_at__isnull=True))
    assert len(loans) == 2 and all(loan.due_at > timezone.now() for loan in loans)
    renewed = circulation.renew(
        loan=loans[0], branch=loans[0].branch, actor=Actor.for_patron(reader), at=timezone.now()
    )
    assert renewed.due_at > loans[0].due_at and renewed.renewals == 1


@pytest.mark.django_db
def test_a_second_run_adds_no_patrons_loans_holds_or_events():
    _demo_json()
    before = _counts()
    assert before["Patron"] >= 35 and before["Loan"] and before["Hold"] and before["Fine"]
    data = _demo_json()
    assert _counts() == before
    assert data["loaded"] is False


@pytest.mark.django_db
def test_the_printed_patron_borrows_a_printed_item_and_the_terminal_logs_in():
    data = _demo_json()
    reader = Patron.objects.get(card_barcode=data["patrons"][0]["card_number"])
    assert reader.pin_matches(data["patrons"][0]["pin"])
    terminal = SelfCheckTerminal.objects.get(login=data["terminal"]["login"])
    session = handlers.Session(peer="test")
    response = handlers.login(
        session,
        codec.Login(login_user_id=data["terminal"]["login"], login_password=data["terminal"]["password"]),
        timezone.now(),
    )
    assert response.ok and session.terminal == terminal

    for row in data["items"]["available"]:
        item = Item.objects.get(barcode=row["barcode"])
        loan = circulation.checkout(
            patron=reader, item=item, branch=terminal.branch, actor=Actor.for_terminal(terminal),
            at=timezone.now(),
        )
        assert loan.patron == reader
    # The copy on the hold shelf waits for someone else.
    with pytest.raises(CheckoutRefused) as refused:
        circulation.checkout(
            patron=reader, item=Item.objects.get(barcode=data["items"]["on_hold"]["barcode"]),
            branch=terminal.branch, actor=Actor.for_terminal(terminal), at=timezone.now(),
        )
    assert RefusalReason.ITEM_ON_HOLD_FOR_ANOTHER in refused.value.reasons


@pytest.mark.django_db
def test_the_patrons_are_in_five_languages_with_guardians_classes_and_no_real_addresses():
    load_demo(records=0, at=AT)
    for code in CATEGORIES:
        assert set(PatronCategory.objects.get(code=code).names) == LANGUAGE_CODES
    patrons = Patron.objects.all()
    assert patrons.count() == len(PATRONS) >= 35
    assert set(patrons.values_list("language", flat=True)) == LANGUAGE_CODES
    assert set(patrons.values_list("home_branch__code", flat=True)) == {"central", "north", "riverside", "school"}
    children = patrons.filter(category__code="child")
    assert children and all(child.guardian is not None for child in children)
    assert all(p.school_class for p in patrons.filter(category__code="student"))
    assert all(p.email.endswith("@example.org") for p in patrons.exclude(email=""))
    # Registered through the patron services, by the administrator at the desk.
    registered = Entry.objects.filter(domain="patrons", kind="registered")
    assert registered.count() == len(PATRONS)
    admin = User.objects.get(username="admin")
    assert set(registered.values_list("channel", "staff_id").distinct()) == {("desk", admin.pk)}
    # The categories were set up by the installation, with the rest of the network.
    assert set(
        Entry.objects.filter(kind="category_saved").values_list("actor", "source").distinct()
    ) == {("system", "demo")}


@pytest.mark.django_db
def test_the_history_is_made_through_the_circulation_services():
    load_demo(records=RECORDS, at=AT)
    emily = _patron("emily")
    overdue = Loan.objects.filter(patron=emily, returned_at__isnull=True, due_at__lt=AT)
    assert overdue.count() >= 2
    assert all(
        Entry.objects.filter(kind="checkout", object_type="circulation.loan", object_id=loan.pk)
        .filter(channel=Channel.DESK, staff_id__isnull=False)
        .exists()
        for loan in overdue
    )
    assert Block.objects.filter(patron=_patron("piotr"), lifted_at__isnull=True).exists()
    assert _patron("wei").card_expired_on(AT.date())
    ready = Hold.objects.get(patron=_patron("fang"))
    assert ready.status == HoldStatus.READY and ready.expires_at > AT
    assert Hold.objects.filter(patron=_patron("thuha"), status=HoldStatus.WAITING).exists()
    assert {f.kind for f in Fine.objects.all()} == {"overdue", "manual"}
    oksana = _patron("oksana")
    assert oksana.reading_history
    assert Loan.objects.filter(patron=oksana, returned_at__isnull=False).count() == 2
    assert Entry.objects.filter(kind="hold_ready", patron_id=_patron("fang").pk).exists()
    # The readers placed their holds online (the library placed the one for a suggested
    # title when it arrived); the rules and the terminal are the installation's.
    for_suggestions = Suggestion.objects.exclude(hold_id=None).values_list("hold_id", flat=True)
    placed = Entry.objects.filter(kind="hold_placed").exclude(object_id__in=list(for_suggestions))
    assert set(placed.values_list("channel", flat=True)) == {Channel.ONLINE}
    assert Entry.objects.filter(kind="policy_changed", actor="system", source="demo").count() >= 6
    assert Entry.objects.filter(domain="interop", kind="terminal_saved", source="demo").count() == 1


@pytest.mark.django_db
def test_the_history_waits_for_a_catalogue_and_comes_once_there_is_one():
    load_demo(records=0, at=AT)
    assert not Entry.objects.filter(domain="circulation", patron_id__isnull=False).exists()
    assert not Block.objects.exists()
    load_demo(records=RECORDS, at=AT)
    assert Loan.objects.exists() and Block.objects.count() == 1
    before = _counts()
    load_demo(records=RECORDS, at=AT + timedelta(days=1))
    assert _counts() == before


@pytest.mark.django_db
def test_school_loans_are_due_on_the_last_day_of_term():
    load_demo(records=RECORDS, at=AT)
    term = Term.objects.get(branch__code="school", starts_on__lte=AT.date(), ends_on__gte=AT.date())
    assert term.due_on is None  # due on the last day
    loans = Loan.objects.filter(branch__code="school", returned_at__isnull=True)
    assert loans.exists()
    assert {timezone.localdate(loan.due_at) for loan in loans} == {term.ends_on}


@pytest.mark.django_db
def test_the_rules_cover_children_teachers_dvds_magazines_and_the_school():
    load_demo(records=RECORDS, at=AT)
    rules = {rule.note: rule for rule in CirculationRule.objects.all()}
    assert rules["Network default"].branch is None and rules["Network default"].fine_per_day > 0
    assert rules["Children: ten items, no fines"].patron_category.code == "child"
    assert rules["Children: ten items, no fines"].fine_per_day == 0
    assert rules["DVDs: one week"].item_type.code == "dvd" and rules["DVDs: one week"].loan_period == 7
    assert rules["Magazines: three days"].loan_unit == "hours"
    assert rules["School: every loan comes back at the end of term"].due_at_end_of_term


@pytest.mark.django_db
def test_printing_twice_checks_no_pin_and_shows_the_current_state():
    load_demo(records=RECORDS, at=AT)
    network = Network.objects.get()
    rows = {row["card_number"]: row for row in patron_summary(network, at=AT)}
    assert rows[card_number(next(p for p in PATRONS if p.key == "piotr"))]["flags"] == ["blocked"]
    # A day after the hold expires it is no longer shown as ready.
    later = Hold.objects.get(status=HoldStatus.READY).expires_at + timedelta(days=1)
    circulation.expire_holds(at=later, actor=Actor.for_job("holds_expired"))
    assert item_summary(network, at=later)["on_hold"] is None
