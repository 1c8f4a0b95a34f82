"""The demo network: four libraries with their hours, holidays, shelving locations, item types,
one member of staff per role and a generated multilingual catalogue; then its readers and
their loans (demo/circulation.py), rooms, programmes and community partners (each app's own
demo module), so that everything can be tried at once.

Loading is idempotent: whatever already exists is left as it is (a librarian may have changed
the demo's hours), and only what is missing is added, so running it twice changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from bibliohub.accounts.models import Role, User
from bibliohub.accounts.services import save_staff_user
from bibliohub.catalog.marc.importer import import_marc
from bibliohub.catalog.models import ItemType, Record
from bibliohub.catalog.services import save_item_type
from bibliohub.community.demo import load_demo_community
from bibliohub.demand.demo import load_demo_demand
from bibliohub.demo.circulation import load_demo_circulation
from bibliohub.demo.generate import (
    DEFAULT_BRANCHES,
    ITEM_TYPES,
    LOCATIONS,
    ORGANISATION,
    iter_iso2709,
)
from bibliohub.history import Actor
from bibliohub.libraries.hours import weekly_hours
from bibliohub.libraries.models import Branch, CalendarException, Location, Network
from bibliohub.libraries.services import (
    add_calendar_exception,
    save_branch,
    save_location,
    save_network,
    set_weekly_hours,
)
from bibliohub.listening.demo import load_demo_feedback
from bibliohub.planning.demo import load_demo_plans
from bibliohub.programs.demo import load_demo_programmes
from bibliohub.spaces.demo import load_demo_spaces

NETWORK_NAME = "Bibliohub Demo Library Network"
NETWORK_NAMES = {
    "en": NETWORK_NAME,
    "vi": "Mạng lưới thư viện trình diễn Bibliohub",
    "zh-hans": "Bibliohub 演示图书馆网络",
    "uk": "Демонстраційна бібліотечна мережа Bibliohub",
    "pl": "Demonstracyjna sieć bibliotek Bibliohub",
}
# The demo loader sets the network up as the installation itself; what librarians would do
# at their screens (hours, closures, loans) it does as the demo's staff.
DEMO = Actor.system("demo")
SEED = 1  # the demo catalogue is the same everywhere, so screenshots and guides agree

_WEEKDAYS = range(5)  # Monday to Friday


@dataclass(frozen=True)
class _BranchPlan:
    code: str
    names: dict[str, str]
    address: str
    phone: str
    email: str
    week: dict[int, list[tuple[time, time]]]
    is_central: bool = False


def _hours(opens: int, closes: int) -> list[tuple[time, time]]:
    return [(time(opens), time(closes))]


BRANCHES: tuple[_BranchPlan, ...] = (
    _BranchPlan(
        code="central",
        names={"en": "Central Library", "vi": "Thư viện Trung tâm", "zh-hans": "中心图书馆",
               "uk": "Центральна бібліотека", "pl": "Biblioteka Centralna"},
        address="1 Library Square\nRiverton",
        phone="+1 860-555-0100", email="central@library.example",
        # Long hours: 55 h on weekdays and 7 h on Saturday.
        week={**{d: _hours(9, 20) for d in _WEEKDAYS}, 5: _hours(10, 17)},
        is_central=True,
    ),
    _BranchPlan(
        code="north",
        names={"en": "North Branch", "vi": "Chi nhánh phía Bắc", "zh-hans": "北区分馆",
               "uk": "Північна філія", "pl": "Filia Północna"},
        address="48 Hill Road\nRiverton North",
        phone="+1 860-555-0110", email="north@library.example",
        # Weekdays with a lunch break.
        week={d: [(time(10), time(13)), (time(14), time(18))] for d in _WEEKDAYS},
    ),
    _BranchPlan(
        code="riverside",
        names={"en": "Riverside Branch", "vi": "Chi nhánh Ven sông", "zh-hans": "河滨分馆",
               "uk": "Філія на Набережній", "pl": "Filia Nadrzeczna"},
        address="7 Quay Street\nRiverton",
        phone="+1 860-555-0120", email="riverside@library.example",
        # The Saturday branch: closed Sunday and Monday, open late on Thursday.
        week={1: _hours(11, 19), 2: _hours(11, 19), 3: _hours(11, 21), 4: _hours(11, 19), 5: _hours(9, 16)},
    ),
    _BranchPlan(
        code="school",
        names={"en": "School Library", "vi": "Thư viện Trường học", "zh-hans": "学校图书馆",
               "uk": "Шкільна бібліотека", "pl": "Biblioteka Szkolna"},
        address="Riverton Secondary School\n20 College Lane\nRiverton",
        phone="+1 860-555-0130", email="school@library.example",
        # School days only, 40 h a week.
        week={d: _hours(8, 16) for d in _WEEKDAYS},
    ),
)
assert tuple(b.code for b in BRANCHES) == DEFAULT_BRANCHES


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    branches: tuple[str, ...]
    first_name: str
    last_name: str
    language: str


# Demo passwords are printed for anyone to read: they protect nothing and must be changed on
# any installation that is not a demonstration.
LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "demo-admin", Role.ADMINISTRATOR, (), "Ada", "Admin", "en"),
    DemoLogin("manager", "demo-manager", Role.NETWORK_MANAGER, (), "Olena", "Kovalenko", "uk"),
    DemoLogin("central", "demo-central", Role.BRANCH_LIBRARIAN, ("central",), "Minh", "Nguyễn", "vi"),
    DemoLogin("north", "demo-north", Role.BRANCH_LIBRARIAN, ("north",), "Katarzyna", "Nowak", "pl"),
    DemoLogin("riverside", "demo-riverside", Role.BRANCH_LIBRARIAN, ("riverside",), "Grace", "Walker", "en"),
    DemoLogin("school", "demo-school", Role.BRANCH_LIBRARIAN, ("school",), "Wei", "Li", "zh-hans"),
    DemoLogin("cataloguer", "demo-cataloguer", Role.CATALOGUER, (), "Taras", "Melnyk", "uk"),
    DemoLogin("methodologist", "demo-methodologist", Role.METHODOLOGIST, (), "Nadiia", "Shevchuk", "uk"),
    # A member of the programme's monitoring group from the city's culture department: reads
    # the programmes, their indicators and summaries, nothing else.
    DemoLogin("monitor", "demo-monitor", Role.MONITORING, (), "Oksana", "Hrytsenko", "uk"),
)


@dataclass
class DemoReport:
    network: Network
    created: bool  # False when the demo network was already there
    records_imported: int = 0
    records_total: int = 0
    added: list[str] = field(default_factory=list)  # what this run added, for the log


def demo_network() -> Network | None:
    return Network.objects.filter(name=NETWORK_NAME).first()


def demo_record_count() -> int:
    """How many generated demo records the catalogue holds."""
    return Record.objects.filter(control_source=ORGANISATION).count()


def load_demo(
    *, records: int, at: datetime, progress: Callable[[int], None] | None = None
) -> DemoReport:
    """Create whatever part of the demo network is missing and import the first `records`
    generated records that the catalogue does not hold yet; return what was done.

    Existing branches, hours, locations, item types and users are never changed. Holidays are
    added for their next occurrence after `at` unless that day already has an exception.
    Patrons, rules, the self-check terminal and a circulation history follow (loans need the
    catalogue), then rooms, programmes and community partners: rooms before programmes, which
    book them for their events; last the development programmes and the SWOT analysis, whose
    actions name partners.
    Raises ValueError for a negative record count.
    """
    if records < 0:
        raise ValueError("the number of records cannot be negative")
    report = _load_network(at=at)
    admin = User.objects.get(username="admin")
    existing = set(
        Record.objects.filter(control_source=ORGANISATION).values_list("control_number", flat=True)
    )
    data = b"".join(iter_iso2709(records, seed=SEED, exclude=existing))
    if data:
        result = import_marc(
            [io.BytesIO(data)], format="iso2709", actor=Actor.for_import(source="demo", staff=admin),
            at=at, progress=progress,
        )
        report.records_imported = result.created
        report.added.append(f"{result.created} records with {result.items} items")
    report.records_total = demo_record_count()
    report.added += load_demo_circulation(report.network, at=at)
    report.added += load_demo_spaces(report.network, at=at)
    report.added += load_demo_programmes(report.network, at=at)
    report.added += load_demo_community(report.network, at=at)
    report.added += load_demo_plans(report.network, at=at)
    report.added += load_demo_feedback(report.network, at=at)
    report.added += load_demo_demand(report.network, at=at)
    return report


@transaction.atomic
def _load_network(*, at: datetime) -> DemoReport:
    found = Network.objects.filter(name=NETWORK_NAME).first()
    created = found is None
    network = found or save_network(
        Network(name=NETWORK_NAME, names=NETWORK_NAMES, website="https://library.example/"),
        actor=DEMO,
        at=at,
    )
    report = DemoReport(network=network, created=created)
    if created:
        report.added.append("network")

    for code, names in ITEM_TYPES.items():
        # The importer turns 952$y into a slug, so the codes are stored in lower case.
        if not ItemType.objects.filter(code=code.lower()).exists():
            save_item_type(ItemType(code=code.lower(), name=names["en"], names=names), actor=DEMO, at=at)
            report.added.append(f"item type {code.lower()}")

    branches: dict[str, Branch] = {}
    new_branches: list[tuple[Branch, _BranchPlan]] = []
    for order, plan in enumerate(BRANCHES):
        existing = Branch.objects.filter(code=plan.code).first()
        new = existing is None
        branch = existing or save_branch(
            Branch(
                code=plan.code, network=network, name=plan.names["en"], names=plan.names,
                is_central=plan.is_central, address=plan.address, phone=plan.phone,
                email=plan.email, sort_order=order,
            ),
            actor=DEMO,
            at=at,
        )
        branches[plan.code] = branch
        if new:
            new_branches.append((branch, plan))
            report.added.append(f"branch {plan.code}")
        for location_code, location_names in LOCATIONS.items():
            if not Location.objects.filter(branch=branch, code=location_code).exists():
                save_location(
                    Location(
                        branch=branch, code=location_code, name=location_names["en"],
                        names=location_names,
                    ),
                    actor=DEMO,
                    at=at,
                )
                report.added.append(f"location {plan.code}/{location_code}")

    for login in LOGINS:
        if User.objects.filter(username=login.username).exists():
            continue
        user = User(
            username=login.username, role=login.role, first_name=login.first_name,
            last_name=login.last_name, language=login.language,
            email=f"{login.username}@library.example",
            is_staff=login.role == Role.ADMINISTRATOR, is_superuser=login.role == Role.ADMINISTRATOR,
        )
        user.set_password(login.password)
        save_staff_user(
            user, branches=[branches[code] for code in login.branches], actor=DEMO, at=at
        )
        report.added.append(f"user {login.username}")

    admin = User.objects.get(username="admin")
    for branch, plan in new_branches:
        set_weekly_hours(branch, week=plan.week, actor=Actor.for_staff(admin), at=at)
    _add_holidays(network, branches, actor=Actor.for_staff(admin), at=at, report=report)
    return report


def _next(month: int, day: int, after: date) -> date:
    candidate = date(after.year, month, day)
    return candidate if candidate > after else date(after.year + 1, month, day)


def _add_holidays(
    network: Network, branches: dict[str, Branch], *, actor: Actor, at: datetime, report: DemoReport
) -> None:
    today = timezone.localdate(at)
    plans: list[tuple[Branch | None, date, bool, time | None, time | None, str]] = [
        (None, _next(1, 1, today), True, None, None, "New Year's Day"),
        (None, _next(12, 25, today), True, None, None, "Christmas Day"),
        # World Book Day: the central library stays open late.
        (branches["central"], _next(4, 23, today), False, time(9), time(23), "World Book Day: open late"),
    ]
    for branch, day, closed, opens, closes, reason in plans:
        if CalendarException.objects.filter(network=network, branch=branch, date=day).exists():
            continue
        add_calendar_exception(
            network=network, branch=branch, day=day, closed=closed, opens=opens, closes=closes,
            reason=reason, actor=actor, at=at,
        )
        report.added.append(f"calendar {day.isoformat()} {branch.code if branch else 'network'}")


def branch_summary(network: Network) -> list[dict[str, object]]:
    """Each branch of `network` with its names and hours a week, for the command's output."""
    return [
        {
            "code": b.code, "name": b.name, "names": b.names, "central": b.is_central,
            "address": b.address, "phone": b.phone, "email": b.email,
            "hours_per_week": weekly_hours(b),
        }
        for b in network.branches.order_by("sort_order", "code")
    ]
