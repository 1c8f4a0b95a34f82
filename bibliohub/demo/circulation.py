"""Readers and circulation for the demo network: patron categories, about forty patrons across
the four libraries, the circulation rules with a school term, a self-check terminal, and some
history made through the circulation services (loans, a few overdue, one due soon, holds, one
ready on the hold shelf, fines, a block), so that the desk, the portal and a SIP2 client have
something to show; and the notices that history calls for, waiting in the e-mail outbox.

Loading is idempotent: patrons are found by their demo card numbers, rules by what they apply
to, and the circulation history is made only while no demo patron has any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TypedDict

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item, ItemStatus, ItemType
from bibliohub.circulation import notices
from bibliohub.circulation import services as circulation
from bibliohub.circulation.errors import CheckoutRefused, HoldRefused
from bibliohub.circulation.models import (
    ACTIVE_HOLD_STATUSES,
    CalendarMode,
    CirculationRule,
    Hold,
    HoldStatus,
    Loan,
    LoanUnit,
    Term,
)
from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.interop.sip2 import services as terminals
from bibliohub.interop.sip2.models import SelfCheckTerminal
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons import services as patrons
from bibliohub.patrons.models import AgeBand, Block, Patron, PatronCategory
from bibliohub.patrons.pins import set_pin

# Printed for anyone to read, like the staff passwords: a demonstration protects nothing.
DEMO_PIN = "2468"
# Categories, rules, terms and the terminal are set up as the installation itself; patrons are
# registered, and their PINs set, by the administrator at the desk; loans, returns and fines are
# made as each library's librarian at the desk, holds as the readers online.
DEMO = Actor.system("demo")


@dataclass(frozen=True)
class DemoTerminal:
    login: str
    password: str
    name: str
    branch: str
    language: str
    host: str = "127.0.0.1"
    port: int = 6001  # the default of `bibliohub sip2`


TERMINAL = DemoTerminal(
    login="central-selfcheck", password="demo-selfcheck", name="Self-check by the entrance",
    branch="central", language="en",
)

# code: (age band, card valid for months, names)
CATEGORIES: dict[str, tuple[str, int, dict[str, str]]] = {
    "adult": (AgeBand.ADULT, 12, {"en": "Adult", "vi": "Người lớn", "zh-hans": "成人",
                                  "uk": "Дорослий читач", "pl": "Dorosły"}),
    "child": (AgeBand.CHILD, 12, {"en": "Child", "vi": "Trẻ em", "zh-hans": "儿童",
                                  "uk": "Дитина", "pl": "Dziecko"}),
    "student": (AgeBand.TEEN, 12, {"en": "Student", "vi": "Học sinh", "zh-hans": "学生",
                                   "uk": "Учень", "pl": "Uczeń"}),
    "teacher": (AgeBand.ADULT, 24, {"en": "Teacher", "vi": "Giáo viên", "zh-hans": "教师",
                                    "uk": "Учитель", "pl": "Nauczyciel"}),
    "staff": (AgeBand.ADULT, 36, {"en": "Library staff", "vi": "Nhân viên thư viện",
                                  "zh-hans": "图书馆员工", "uk": "Працівник бібліотеки",
                                  "pl": "Pracownik biblioteki"}),
}


@dataclass(frozen=True)
class DemoPatron:
    key: str
    family_name: str
    given_names: str
    language: str
    category: str
    branch: str
    born: date
    email: str = ""
    guardian: str = ""  # the key of the guardian's DemoPatron
    school_class: str = ""


P = DemoPatron
# Guardians come before their children: a guardian must be registered first.
PATRONS: tuple[DemoPatron, ...] = (
    # Central Library
    P("lan", "Nguyễn", "Thị Lan", "vi", "adult", "central", date(1986, 3, 14), "lan.nguyen@example.org"),
    P("hung", "Trần", "Văn Hùng", "vi", "adult", "central", date(1979, 11, 2), "hung.tran@example.org"),
    P("emily", "Thompson", "Emily", "en", "adult", "central", date(1992, 6, 21), "emily.thompson@example.org"),
    P("piotr", "Kowalski", "Piotr", "pl", "adult", "central", date(1975, 1, 30), "piotr.kowalski@example.org"),
    P("fang", "王", "芳", "zh-hans", "adult", "central", date(1988, 9, 9), "wang.fang@example.org"),
    P("oksana", "Шевченко", "Оксана", "uk", "adult", "central", date(1984, 4, 17), "oksana.shevchenko@example.org"),
    P("marko", "Шевченко", "Марко", "uk", "child", "central", date(2017, 8, 5), guardian="oksana"),
    P("wei", "张", "伟", "zh-hans", "adult", "central", date(1969, 12, 12), "zhang.wei@example.org"),
    P("anna", "Lewandowska", "Anna", "pl", "adult", "central", date(1995, 2, 26), "anna.lewandowska@example.org"),
    P("michael", "Brown", "Michael", "en", "staff", "central", date(1981, 7, 3), "michael.brown@example.org"),
    P("thuha", "Phạm", "Thu Hà", "vi", "adult", "central", date(2001, 10, 8), "thuha.pham@example.org"),
    P("na", "李", "娜", "zh-hans", "child", "central", date(2016, 5, 19), guardian="fang"),
    # North Branch
    P("zofia", "Nowak", "Zofia", "pl", "adult", "north", date(1983, 3, 3), "zofia.nowak@example.org"),
    P("jan", "Nowak", "Jan", "pl", "child", "north", date(2015, 11, 23), guardian="zofia"),
    P("iryna", "Бондар", "Ірина", "uk", "adult", "north", date(1990, 1, 11), "iryna.bondar@example.org"),
    P("sofiia", "Бондар", "Софія", "uk", "child", "north", date(2018, 2, 14), guardian="iryna"),
    P("khoa", "Lê", "Minh Khoa", "vi", "adult", "north", date(1997, 5, 28), "khoa.le@example.org"),
    P("sarah", "Davies", "Sarah", "en", "adult", "north", date(1972, 9, 30), "sarah.davies@example.org"),
    P("jing", "陈", "静", "zh-hans", "adult", "north", date(1958, 4, 4), "chen.jing@example.org"),
    P("tomasz", "Wiśniewski", "Tomasz", "pl", "staff", "north", date(1987, 12, 1), "tomasz.wisniewski@example.org"),
    P("andrii", "Ковальчук", "Андрій", "uk", "adult", "north", date(1965, 6, 15), "andrii.kovalchuk@example.org"),
    # Riverside Branch
    P("maianh", "Hoàng", "Mai Anh", "vi", "adult", "riverside", date(1989, 8, 12), "maianh.hoang@example.org"),
    P("baongoc", "Hoàng", "Bảo Ngọc", "vi", "child", "riverside", date(2019, 1, 7), guardian="maianh"),
    P("yang", "刘", "洋", "zh-hans", "adult", "riverside", date(1994, 10, 22), "liu.yang@example.org"),
    P("james", "Wilson", "James", "en", "adult", "riverside", date(1980, 3, 27), "james.wilson@example.org"),
    P("olivia", "Wilson", "Olivia", "en", "child", "riverside", date(2016, 9, 13), guardian="james"),
    P("nataliia", "Ткаченко", "Наталія", "uk", "adult", "riverside", date(1977, 7, 7), "nataliia.tkachenko@example.org"),
    P("magdalena", "Zielińska", "Magdalena", "pl", "adult", "riverside", date(1999, 12, 19), "magdalena.zielinska@example.org"),
    P("quocbao", "Đặng", "Quốc Bảo", "vi", "adult", "riverside", date(1962, 2, 2), "quocbao.dang@example.org"),
    P("min", "赵", "敏", "zh-hans", "adult", "riverside", date(2003, 4, 29), "zhao.min@example.org"),
    # School Library
    P("helen", "Morgan", "Helen", "en", "teacher", "school", date(1978, 10, 10), "helen.morgan@example.org"),
    P("liudmyla", "Гнатюк", "Людмила", "uk", "teacher", "school", date(1970, 5, 5), "liudmyla.hnatiuk@example.org"),
    P("zihan", "周", "子涵", "zh-hans", "student", "school", date(2013, 3, 8), "zhou.zihan@example.org", school_class="7B"),
    P("giahuy", "Võ", "Gia Huy", "vi", "student", "school", date(2013, 6, 1), school_class="7B"),
    P("thaovy", "Nguyễn", "Thảo Vy", "vi", "student", "school", date(2013, 9, 25), school_class="7B"),
    P("julia", "Kamińska", "Julia", "pl", "student", "school", date(2012, 1, 18), school_class="8A"),
    P("bohdan", "Савченко", "Богдан", "uk", "student", "school", date(2012, 11, 4), school_class="8A"),
    P("aisha", "Patel", "Aisha", "en", "student", "school", date(2011, 2, 9), "aisha.patel@example.org", school_class="9C"),
    P("siyu", "黄", "思雨", "zh-hans", "student", "school", date(2011, 8, 30), school_class="9C"),
    P("oleh", "Мороз", "Олег", "uk", "student", "school", date(2011, 12, 24), school_class="9C"),
)
del P
assert len({p.key for p in PATRONS}) == len(PATRONS)

# The patrons printed with their PIN, each showing something a desk or a terminal does: the
# first one can borrow anything on the printed list. Only they get the demo PIN: the default
# password hasher takes a fifth of a second of CPU a PIN (a second on a busy machine), and
# forty of them would double the time the demo takes to load.
PRINTED = ("lan", "emily", "piotr", "fang", "wei", "oksana", "marko", "zihan")


def card_number(patron: DemoPatron) -> str:
    """The demo patron's card number: the shape of a generated one (see
    patrons.services.new_card_number), numbered in PATRONS order."""
    body = "29000000" + f"{PATRONS.index(patron) + 1:05d}"
    return body + luhn.calc_check_digit(body)


def demo_patrons() -> dict[str, Patron]:
    """The demo patrons that exist, by key."""
    by_card = {card_number(p): p.key for p in PATRONS}
    found = Patron.objects.filter(card_barcode__in=by_card).select_related("category", "home_branch")
    return {by_card[patron.card_barcode]: patron for patron in found}


def school_terms(today: date) -> list[tuple[str, dict[str, str], date, date]]:
    """The three terms of the school year `today` is in (it starts in September); all loans
    are due on each term's last day and borrowing stops a week before it."""
    year = today.year if today.month >= 8 else today.year - 1
    return [
        ("Autumn term", {"en": "Autumn term", "vi": "Học kỳ mùa thu", "zh-hans": "秋季学期",
                         "uk": "Осінній семестр", "pl": "Semestr jesienny"},
         date(year, 9, 1), date(year, 12, 18)),
        ("Spring term", {"en": "Spring term", "vi": "Học kỳ mùa xuân", "zh-hans": "春季学期",
                         "uk": "Весняний семестр", "pl": "Semestr wiosenny"},
         date(year + 1, 1, 12), date(year + 1, 3, 27)),
        ("Summer term", {"en": "Summer term", "vi": "Học kỳ mùa hè", "zh-hans": "夏季学期",
                         "uk": "Літній семестр", "pl": "Semestr letni"},
         date(year + 1, 4, 13), date(year + 1, 6, 26)),
    ]


def load_demo_circulation(network: Network, *, at: datetime) -> list[str]:
    """Add whatever is missing of the demo patrons, rules, terms and terminal to `network`,
    and the demo circulation history if no demo patron has any yet. Patrons, blocks, PINs,
    loans, holds and fines are made through the patron and circulation services with times
    before `at`, so their events exist. Returns what was added, for the log."""
    added: list[str] = []
    branches = {b.code: b for b in Branch.objects.filter(network=network)}
    admin = User.objects.get(username="admin")
    with transaction.atomic():
        categories = _categories(at=at, added=added)
        _rules(network, branches, categories, at=at, added=added)
        _terminal(branches, at=at, added=added)
        people = _patrons(branches, categories, staff=admin, at=at, added=added)
        for key in PRINTED:
            patron = people[key]
            if not patron.pin:
                set_pin(
                    patron, pin=DEMO_PIN, branch=patron.home_branch, actor=Actor.for_staff(admin),
                    at=at,
                )
                added.append(f"PIN for {card_number(_plan(key))}")
        if not _has_history(people.values()):
            added += _history(people, branches, admin=admin, at=at)
            added += _notices(at=at)
    return added


def _notices(*, at: datetime) -> list[str]:
    """The notices the morning's scheduled run would write (due soon, overdue, the hold
    waiting for Wang Fang), queued in the e-mail outbox in each reader's language: with no
    mail server and no worker they wait there for a newcomer to read at /staff/mail/."""
    report = notices.queue_notices(at=at, actor=Actor.for_job("notices"))
    return [f"{count} {kind} notices queued" for kind, count in report.queued.items() if count]


def _plan(key: str) -> DemoPatron:
    return next(p for p in PATRONS if p.key == key)


def _categories(*, at: datetime, added: list[str]) -> dict[str, PatronCategory]:
    categories = {}
    for order, (code, (band, months, names)) in enumerate(CATEGORIES.items()):
        existing = PatronCategory.objects.filter(code=code).first()
        categories[code] = existing or patrons.save_category(
            PatronCategory(
                code=code, name=names["en"], names=names, age_band=band,
                card_validity_months=months, sort_order=order,
            ),
            actor=DEMO, at=at,
        )
        if existing is None:
            added.append(f"patron category {code}")
    return categories


def _rules(
    network: Network, branches: dict[str, Branch], categories: dict[str, PatronCategory],
    *, at: datetime, added: list[str],
) -> None:
    today = timezone.localdate(at)
    types = {t.code: t for t in ItemType.objects.filter(code__in=["dvd", "serial"])}
    plans: list[tuple[Branch | None, PatronCategory | None, ItemType | None, dict[str, object]]] = [
        (None, None, None, dict(
            loan_period=21, renewals_allowed=2, max_loans=30, hold_pickup_days=7,
            fine_per_day=Decimal("0.20"), grace_days=1, fine_cap=Decimal("5.00"),
            max_fines_before_block=Decimal("10.00"), note="Network default")),
        # No fines for children: a fine keeps a child away from the library longer than the book.
        (None, categories["child"], None, dict(
            loan_period=21, renewals_allowed=2, max_loans=10, fine_per_day=0,
            note="Children: ten items, no fines")),
        (None, categories["teacher"], None, dict(
            loan_period=42, renewals_allowed=3, max_loans=50, fine_per_day=0,
            note="Teachers: six weeks for class sets")),
    ]
    if "dvd" in types:
        plans.append((None, None, types["dvd"], dict(
            loan_period=7, renewals_allowed=1, max_loans_of_type=5, fine_per_day=Decimal("1.00"),
            fine_cap=Decimal("10.00"), max_fines_before_block=Decimal("10.00"),
            note="DVDs: one week")))
    if "serial" in types:
        # Magazines go out for three days, counted in hours so the desk sees when they are due.
        plans.append((None, None, types["serial"], dict(
            loan_period=72, loan_unit=LoanUnit.HOURS, renewals_allowed=0,
            calendar_mode=CalendarMode.NEXT_OPEN_DAY, fine_per_day=Decimal("0.20"),
            max_fines_before_block=Decimal("10.00"), note="Magazines: three days")))
    if "school" in branches:
        plans.append((branches["school"], None, None, dict(
            loan_period=14, renewals_allowed=1, max_loans=5, fine_per_day=0,
            due_at_end_of_term=True, note="School: every loan comes back at the end of term")))
    for branch, category, item_type, values in plans:
        if CirculationRule.objects.filter(
            branch=branch, patron_category=category, item_type=item_type
        ).exists():
            continue
        circulation.save_rule(
            CirculationRule(branch=branch, patron_category=category, item_type=item_type, **values),
            actor=DEMO, at=at,
        )  # fmt: skip
        added.append(f"circulation rule: {values['note']}")
    school = branches.get("school")
    if school is None:
        return
    for name, names, starts, ends in school_terms(today):
        if Term.objects.filter(network=network, branch=school, name=name, starts_on=starts).exists():
            continue
        circulation.save_term(
            Term(network=network, branch=school, name=name, starts_on=starts, names=names,
                 ends_on=ends, borrowing_ends_on=ends - timedelta(days=7)),
            actor=DEMO, at=at,
        )  # fmt: skip
        added.append(f"term {name} {starts.year}")


def _terminal(branches: dict[str, Branch], *, at: datetime, added: list[str]) -> None:
    if SelfCheckTerminal.objects.filter(login=TERMINAL.login).exists() or TERMINAL.branch not in branches:
        return
    terminal = SelfCheckTerminal(
        login=TERMINAL.login, name=TERMINAL.name, branch=branches[TERMINAL.branch],
        language=TERMINAL.language,
    )
    terminals.save_terminal(terminal, password=TERMINAL.password, actor=DEMO, at=at)
    added.append(f"self-check terminal {TERMINAL.login}")


def _patrons(
    branches: dict[str, Branch], categories: dict[str, PatronCategory], *, staff: User,
    at: datetime, added: list[str],
) -> dict[str, Patron]:
    people = demo_patrons()
    for plan in PATRONS:
        if plan.key in people or plan.branch not in branches:
            continue
        # Registered three months ago, so the loans below come after it; Zhang Wei a year
        # and more ago, so that his card has expired.
        registered = at - timedelta(days=400 if plan.key == "wei" else 90)
        people[plan.key] = patrons.register_patron(
            patrons.PatronDetails(
                family_name=plan.family_name, given_names=plan.given_names, date_of_birth=plan.born,
                email=plan.email, language=plan.language, school_class=plan.school_class,
            ),
            category=categories[plan.category], branch=branches[plan.branch],
            actor=Actor.for_staff(staff),
            at=registered, card_barcode=card_number(plan),
            guardian=people.get(plan.guardian) if plan.guardian else None,
        )
        added.append(f"patron {card_number(plan)}")
    return people


def _has_history(people: Iterable[Patron]) -> bool:
    ids = [p.pk for p in people]
    return (
        Entry.objects.filter(domain="circulation", patron_id__in=ids).exists()
        or Block.objects.filter(patron_id__in=ids).exists()
    )


class _Shelf:
    """Copies for the demo history: available, on different titles, none held; each taken once."""

    def __init__(self) -> None:
        self.used_records: set[int] = set()

    def take(self, branch: Branch, item_type: str = "book") -> Item | None:
        held = Hold.objects.filter(record_id=OuterRef("record_id"), status__in=ACTIVE_HOLD_STATUSES)
        item = (
            Item.objects.filter(branch=branch, status=ItemStatus.AVAILABLE, item_type__code=item_type)
            .exclude(record_id__in=self.used_records)
            .exclude(Exists(held))
            .order_by("barcode")
            .first()
        )
        if item is not None:
            self.used_records.add(item.record_id)
        return item


def _history(
    people: dict[str, Patron], branches: dict[str, Branch], *, admin: User, at: datetime
) -> list[str]:
    """Loans, returns, holds, a block and fines, in the order they happened."""
    added: list[str] = []
    central, north, school = branches.get("central"), branches.get("north"), branches.get("school")
    if central is None or north is None or school is None:
        return added
    if not Item.objects.filter(branch=central, status=ItemStatus.AVAILABLE).exists():
        return added  # no catalogue yet (--records 0): the history waits for one
    # Each library's own librarian at its desk (the administrator if one was renamed).
    staff = {
        code: User.objects.filter(username=code).first() or admin for code in ("central", "north", "school")
    }
    desk = {code: Actor.for_staff(user) for code, user in staff.items()}
    shelf = _Shelf()

    def days(n: int) -> datetime:
        return at - timedelta(days=n)

    def lend(key: str, branch: Branch, when: datetime, item_type: str = "book") -> Loan | None:
        item = shelf.take(branch, item_type)
        if item is None or key not in people:
            return None
        try:
            loan = circulation.checkout(
                patron=people[key], item=item, branch=branch, actor=desk[branch.code], at=when,
            )
        except CheckoutRefused:
            return None  # e.g. the school's borrowing window has closed for this term
        added.append(f"loan {item.barcode} to {card_number(_plan(key))}")
        return loan

    def give_back(loan: Loan | None, branch: Branch, when: datetime) -> None:
        if loan is not None:
            circulation.checkin(item=loan.item, branch=branch, actor=desk[branch.code], at=when)
            added.append(f"return {loan.item.barcode}")

    def hold(key: str, loan: Loan | None, when: datetime) -> Hold | None:
        if loan is None or key not in people:
            return None
        try:
            placed = circulation.place_hold(
                patron=people[key], record=loan.item.record, pickup_branch=people[key].home_branch,
                actor=Actor.for_patron(people[key]), at=when,
            )
        except HoldRefused:
            return None
        added.append(f"hold on {loan.item.barcode}'s title for {card_number(_plan(key))}")
        return placed

    # Oksana keeps a reading history: the books she has returned stay on her account.
    if "oksana" in people:
        patrons.set_reading_history(
            people["oksana"], keep=True, branch=central, actor=Actor.for_staff(staff["central"]),
            at=days(85),
        )
    give_back(lend("oksana", central, days(60)), central, days(45))
    give_back(lend("oksana", central, days(44)), central, days(30))
    # Sarah returned a book a week late: an overdue fine she has not paid yet.
    give_back(lend("sarah", north, days(40)), north, days(12))
    # Lan, the first patron printed, may borrow and has two books in time to renew.
    lend("lan", central, days(9))
    lend("lan", central, days(6))
    # Oksana's book is due back in two days: the morning's notices remind her.
    lend("oksana", central, days(19))
    # Emily's books are overdue (lent for three weeks a month ago), and Thu Hà waits for one.
    emily = lend("emily", central, days(30))
    lend("emily", central, days(30))
    lend("emily", central, days(10), "dvd")
    hold("thuha", emily, days(25))
    if "piotr" in people:
        patrons.add_block(
            people["piotr"], reason="Two damaged books: please speak to a librarian.",
            branch=central, actor=Actor.for_staff(staff["central"]), at=days(20),
        )
        added.append(f"block on {card_number(_plan('piotr'))}")
    if "anna" in people:
        circulation.charge_fine(
            patron=people["anna"], amount=Decimal("2.00"), note="Replacement library card",
            branch=central, actor=desk["central"], at=days(15),
        )
        added.append(f"fine for {card_number(_plan('anna'))}")
    # Hùng brought back yesterday a book Wang Fang asked for: it waits for her on the hold shelf.
    for_fang = lend("hung", central, days(12))
    hold("fang", for_fang, days(8))
    give_back(for_fang, central, days(1))
    lend("hung", central, days(5))
    lend("marko", central, days(6))
    lend("jan", north, days(4))
    lend("zofia", north, days(4))
    # At school, loans are due on the last day of term.
    lend("zihan", school, days(3))
    lend("aisha", school, days(2))
    lend("helen", school, days(7))
    return added


# --- What the command prints --------------------------------------------------------------


def patron_summary(network: Network, *, at: datetime) -> list[dict[str, object]]:
    """The printed demo patrons with what is worth trying with each, for the command."""
    people = demo_patrons()
    today = timezone.localdate(at)
    rows: list[dict[str, object]] = []
    for key in PRINTED:
        patron = people.get(key)
        if patron is None or patron.network_id != network.pk:
            continue
        flags = _flags(patron, at=at, today=today)
        rows.append({
            "card_number": patron.card_barcode,
            # Checking the PIN would cost a second a patron with the default hasher; one a
            # librarian changed is not printed correctly, as with the staff passwords.
            "pin": DEMO_PIN if patron.has_pin else None,
            "name": patron.full_name,
            "category": patron.category.code,
            "branch": patron.home_branch.code,
            "flags": flags,
            "about": _about(patron, flags),
        })
    return rows


def _flags(patron: Patron, *, at: datetime, today: date) -> list[str]:
    flags = []
    if Block.objects.filter(patron=patron, lifted_at__isnull=True, starts_at__lte=at).exists():
        flags.append("blocked")
    if patron.card_expired_on(today):
        flags.append("card_expired")
    loans = Loan.objects.filter(patron=patron, returned_at__isnull=True)
    if loans.filter(due_at__lt=at).exists():
        flags.append("overdue")
    if not flags:
        flags.append("can_borrow")
    if "overdue" not in flags and loans.exists():
        # Loans in time and not wanted by another reader: the portal and the desk renew them.
        waited_for = Hold.objects.filter(record=OuterRef("item__record"), status__in=ACTIVE_HOLD_STATUSES)
        renewable = loans.filter(renewals=0).exclude(Exists(waited_for)).exists()
        flags.append("renewable" if renewable and "can_borrow" in flags else "on_loan")
    if Hold.objects.filter(patron=patron, status=HoldStatus.READY).exists():
        flags.append("hold_ready")
    if patron.reading_history:
        flags.append("reading_history")
    if patron.guardian_id:
        flags.append("has_guardian")
    if patron.school_class:
        flags.append("school_class")
    return flags


def _about(patron: Patron, flags: list[str]) -> str:
    texts = {
        "can_borrow": _("can borrow any item listed below"),
        "blocked": _("blocked by the library"),
        "card_expired": _("card expired"),
        "overdue": _("has overdue loans"),
        "on_loan": _("has loans"),
        "renewable": _("has loans to renew"),
        "hold_ready": _("a hold is ready on the hold shelf"),
        "reading_history": _("keeps a reading history"),
        "has_guardian": _("a child with a guardian"),
        "school_class": _("student in class %(class)s") % {"class": patron.school_class},
    }
    return "; ".join(texts[flag] for flag in flags)


class ItemsToTry(TypedDict):
    available: list[dict[str, str]]
    on_loan: dict[str, str | None] | None  # with "due" and the borrower's card number
    on_hold: dict[str, str | None] | None  # with the card number it is "held_for"


def item_summary(network: Network, *, at: datetime) -> ItemsToTry:
    """Copies at the central library to try at a terminal: some anyone may borrow, one on
    loan and one waiting on the hold shelf for another reader."""
    central = Branch.objects.filter(network=network, is_central=True).first()
    if central is None:
        return {"available": [], "on_loan": None, "on_hold": None}
    held = Hold.objects.filter(record_id=OuterRef("record_id"), status__in=ACTIVE_HOLD_STATUSES)
    available: list[dict[str, str]] = []
    titles: set[int] = set()
    # Two books and a DVD, each of a title nobody is waiting for (a copy of a held title
    # would go to that reader instead).
    for item_type, wanted in (("book", 2), ("dvd", 1)):
        found = 0
        for item in (
            Item.objects.filter(branch=central, status=ItemStatus.AVAILABLE, item_type__code=item_type)
            .exclude(Exists(held))
            .select_related("record", "item_type")
            .order_by("barcode")[:10]
        ):
            if found < wanted and item.record_id not in titles:
                titles.add(item.record_id)
                available.append(_item(item))
                found += 1
    loan = (
        Loan.objects.filter(branch=central, returned_at__isnull=True, item__branch=central)
        .select_related("item__record", "item__item_type", "patron")
        .order_by("due_at", "pk")
        .first()
    )
    ready = (
        Hold.objects.filter(pickup_branch=central, status=HoldStatus.READY, assigned_item__isnull=False)
        .select_related("assigned_item__record", "assigned_item__item_type", "patron")
        .order_by("pk")
        .first()
    )
    on_loan: dict[str, str | None] | None = None
    if loan is not None:
        on_loan = {**_item(loan.item), "due": timezone.localtime(loan.due_at).isoformat(),
                   "patron": loan.patron.card_barcode if loan.patron else None}
    on_hold: dict[str, str | None] | None = None
    if ready is not None and ready.assigned_item is not None:
        on_hold = {**_item(ready.assigned_item), "held_for": ready.patron.card_barcode}
    return {"available": available, "on_loan": on_loan, "on_hold": on_hold}


def _item(item: Item) -> dict[str, str]:
    return {"barcode": item.barcode, "title": item.record.title, "item_type": item.item_type.code}


def terminal_summary() -> dict[str, object] | None:
    terminal = SelfCheckTerminal.objects.filter(login=TERMINAL.login).select_related("branch").first()
    if terminal is None:
        return None
    return {
        "login": terminal.login,
        "password": TERMINAL.password,
        "name": terminal.name,
        "branch": terminal.branch.code,
        "language": terminal.language,
        "host": TERMINAL.host,
        "port": TERMINAL.port,
    }
