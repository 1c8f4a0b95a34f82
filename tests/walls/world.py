"""One small network for the permission matrix: two branches, A (the central library) and B
(Riverside), and of everything a staff URL names one of each branch — a copy, a patron, a
loan, a fine, a payment, a refund, a block, a rule, a term, a closure, a room and its
booking, an event with a date, a registration and a contest entry, the community's
partners, volunteers, shifts, hours, referrals, links, mentors and requests, and the branch's
development programme (in force and published, with a direction, a goal, an action, an
indicator, a staff-only update with a photo) and SWOT analysis with a point — plus a member
of staff per role. Built with the models directly: it is only something to point URLs at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile

from bibliohub.accounts.models import Role, User
from bibliohub.catalog.models import Item, ItemStatus, ItemType, Record
from bibliohub.circulation.models import (
    CirculationRule,
    Fine,
    FineKind,
    Loan,
    Payment,
    Refund,
    Term,
)
from bibliohub.community.models import (
    Agreement,
    CareerResource,
    Direction,
    HoursEntry,
    Mentor,
    MentoringRequest,
    MentorKind,
    Partner,
    PartnerKind,
    Referral,
    Shift,
    ShiftSignup,
    Topic,
    Volunteer,
)
from bibliohub.demand.models import Suggestion
from bibliohub.libraries.models import Branch, CalendarException, Network, OpeningPeriod
from bibliohub.listening.models import Feedback
from bibliohub.mail.models import Message, State
from bibliohub.patrons.models import AgeBand, Block, Patron, PatronCategory, PatronStatus
from bibliohub.planning import models as planning
from bibliohub.programs.models import Event, Format, Occurrence, Registration, Submission
from bibliohub.spaces.models import Booking, Resource

KYIV = ZoneInfo("Europe/Kyiv")
# Tuesday 1 December 2026, 10:00: both branches are open.
AT = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)

# The roles the matrix tries, and the branches each acts for ("A", "B"). A cataloguer with no
# branch listed on her account works with the copies (and desks) of every branch. The
# monitoring group is not staff: it reads programmes and SWOT analyses and nothing else.
ROLES = (
    "administrator",
    "network_manager",
    "librarian_a",
    "librarian_b",
    "cataloguer",
    "monitor",
    "no_role",
    "anonymous",
)
ACTS_FOR = {
    "administrator": {"A", "B"},
    "network_manager": {"A", "B"},
    "librarian_a": {"A"},
    "librarian_b": {"B"},
    "cataloguer": {"A", "B"},
    # The monitoring group, with no branch listed: reads the programmes of every branch.
    "monitor": {"A", "B"},
    "no_role": set(),
    "anonymous": set(),
}
# The branch whose desk the role works at in the matrix.
DESK = {"librarian_b": "B"}


@dataclass
class Side:
    """Everything of one branch."""

    branch: Branch
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class World:
    network: Network
    sides: dict[str, Side]
    users: dict[str, User]

    def side(self, name: str) -> Side:
        return self.sides[name]


def build() -> World:
    network = Network.objects.create(name="City Library Network")
    a = Branch.objects.create(network=network, code="central", name="Central", is_central=True)
    b = Branch.objects.create(network=network, code="riverside", name="Riverside")
    for branch in (a, b):
        for weekday in range(7):
            OpeningPeriod.objects.create(
                branch=branch, weekday=weekday, opens=time(8), closes=time(21)
            )
    book = ItemType.objects.create(code="book", name="Book")
    adult = PatronCategory.objects.create(
        code="adult", name="Adult", age_band=AgeBand.ADULT, card_validity_months=12
    )
    users = {
        "administrator": _user("admin", Role.ADMINISTRATOR),
        "network_manager": _user("manager", Role.NETWORK_MANAGER),
        "librarian_a": _user("olena", Role.BRANCH_LIBRARIAN, [a]),
        "librarian_b": _user("minh", Role.BRANCH_LIBRARIAN, [b]),
        "cataloguer": _user("cataloguer", Role.CATALOGUER),
        "monitor": _user("monitor", Role.MONITORING),
        "no_role": _user("visitor", ""),
    }
    CirculationRule.objects.create(loan_period=21, renewals_allowed=2)
    sides = {}
    for name, branch, librarian in (
        ("A", a, users["librarian_a"]),
        ("B", b, users["librarian_b"]),
    ):
        sides[name] = _side(name, branch, network, book, adult, librarian)
    return World(network=network, sides=sides, users=users)


def _user(username: str, role: str, branches: list[Branch] | None = None) -> User:
    user = User.objects.create_user(username=username, password="correct horse", role=role)
    if branches:
        user.branches.set(branches)
    return user


def _side(
    name: str,
    branch: Branch,
    network: Network,
    book: ItemType,
    category: PatronCategory,
    librarian: User,
) -> Side:
    side = Side(branch)
    o = side.objects
    o["librarian"] = librarian
    o["exception"] = CalendarException.objects.create(
        network=network, branch=branch, date=date(2026, 12, 24), closed=True, reason="Holiday"
    )
    o["record"] = Record.objects.create(
        marc=b"", title=f"Kobzar {name}", created_at=AT, updated_at=AT
    )

    def copy(suffix: str, status: str = ItemStatus.AVAILABLE) -> Item:
        return Item.objects.create(
            record=o["record"],
            barcode=f"{name}{suffix}",
            branch=branch,
            item_type=book,
            status=status,
            created_at=AT,
            updated_at=AT,
        )

    o["item"] = copy("001")
    o["patron"] = Patron.objects.create(
        network=network,
        home_branch=branch,
        category=category,
        card_barcode=f"P{name}001",
        family_name=f"Reader {name}",
        given_names="Test",
        status=PatronStatus.ACTIVE,
        card_expires_on=date(2027, 12, 1),
        created_at=AT,
    )
    o["pending"] = Patron.objects.create(
        network=network,
        home_branch=branch,
        category=category,
        family_name=f"Waiting {name}",
        given_names="Test",
        status=PatronStatus.PENDING,
        created_at=AT,
    )
    o["loan"] = Loan.objects.create(
        item=copy("002", ItemStatus.ON_LOAN),
        patron=o["patron"],
        branch=branch,
        item_type=book,
        checked_out_at=AT - timedelta(days=3),
        due_at=AT + timedelta(days=18),
    )
    o["fine"] = Fine.objects.create(
        patron=o["patron"],
        branch=branch,
        kind=FineKind.OVERDUE,
        amount=Decimal("1.00"),
        created_at=AT,
        updated_at=AT,
    )
    o["payment"] = Payment.objects.create(
        receipt_number=f"R{name}1",
        patron=o["patron"],
        amount=Decimal("1.00"),
        branch=branch,
        at=AT,
    )
    lost = Fine.objects.create(
        patron=o["patron"],
        branch=branch,
        kind=FineKind.LOST,
        amount=Decimal("9.00"),
        paid=Decimal("9.00"),
        created_at=AT,
        updated_at=AT,
        settled_at=AT,
    )
    o["refund"] = Refund.objects.create(
        patron=o["patron"],
        fine=lost,
        item=o["item"],
        amount=Decimal("9.00"),
        created_at=AT,
        branch=branch,
    )
    paid_lost = Fine.objects.create(
        patron=o["patron"],
        branch=branch,
        kind=FineKind.LOST,
        amount=Decimal("9.00"),
        paid=Decimal("9.00"),
        created_at=AT,
        updated_at=AT,
        settled_at=AT,
    )
    o["paid_refund"] = Refund.objects.create(
        patron=o["patron"],
        fine=paid_lost,
        item=o["item"],
        amount=Decimal("9.00"),
        created_at=AT,
        branch=branch,
        paid_out_at=AT,
        paid_out_branch=branch,
        receipt_number=f"RF{name}1",
    )
    o["block"] = Block.objects.create(patron=o["patron"], reason="Lost a laptop", starts_at=AT)
    o["rule"] = CirculationRule.objects.create(branch=branch, loan_period=14)
    o["term"] = Term.objects.create(
        network=network,
        branch=branch,
        name=f"Autumn {name}",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 25),
    )
    # A failed e-mail in the outbox (it can be sent again).
    o["message"] = Message.objects.create(
        to=f"reader-{name.lower()}@example.org", kind="spaces/email/booking", subject="Booked",
        body="Booked.", created_at=AT, state=State.FAILED, attempts=5,
        network_id=network.pk, branch_id=branch.pk,
    )
    # Rooms, events, the community.
    o["room"] = Resource.objects.create(branch=branch, code=f"room-{name.lower()}", name="Room")
    o["booking"] = Booking.objects.create(
        resource=o["room"],
        start=AT + timedelta(days=2),
        end=AT + timedelta(days=2, hours=1),
        patron=o["patron"],
        created_at=AT,
    )
    o["event"] = Event.objects.create(
        branch=branch,
        title=f"Story time {name}",
        format=Format.ON_SITE,
        created_at=AT,
        is_published=True,
    )
    o["occurrence"] = Occurrence.objects.create(
        event=o["event"], starts_at=AT + timedelta(days=1), ends_at=AT + timedelta(days=1, hours=1)
    )
    o["registration"] = Registration.objects.create(
        event=o["event"],
        occurrence=o["occurrence"],
        attendee_name="Guest",
        status="confirmed",
        token=f"token-{name}",
        created_at=AT,
    )
    o["submission"] = Submission.objects.create(
        event=o["event"],
        author_name="Young writer",
        title="My summer",
        file=ContentFile(b"an essay", name=f"essay-{name}.txt"),
        submitted_at=AT,
    )
    partner = Partner.objects.create(
        network=network, name=f"Partner {name}", kind=PartnerKind.NGO, since=date(2025, 1, 1)
    )
    partner.branches.set([branch])
    o["partner"] = partner
    o["agreement"] = Agreement.objects.create(
        partner=partner,
        title="Agreement",
        starts_on=date(2025, 1, 1),
        document=ContentFile(b"%PDF-1.4", name=f"agreement-{name}.pdf"),
    )
    volunteer = Volunteer.objects.create(
        network=network, name=f"Volunteer {name}", created_at=AT, consented_at=AT
    )
    volunteer.branches.set([branch])
    o["volunteer"] = volunteer
    o["shift"] = Shift.objects.create(
        branch=branch,
        title="Shelving",
        starts_at=AT + timedelta(days=3),
        ends_at=AT + timedelta(days=3, hours=2),
    )
    o["signup"] = ShiftSignup.objects.create(shift=o["shift"], volunteer=volunteer, created_at=AT)
    o["hours"] = HoursEntry.objects.create(
        volunteer=volunteer, branch=branch, on=date(2026, 11, 30), minutes=120, logged_at=AT
    )
    o["referral"] = Referral.objects.create(
        partner=partner,
        branch=branch,
        direction=Direction.TO_PARTNER,
        on=date(2026, 11, 30),
        reason="Legal advice",
    )
    o["career_link"] = CareerResource.objects.create(
        branch=branch, topic=Topic.JOBS, title="Job centre", url="https://example.org/jobs"
    )
    mentor = Mentor.objects.create(
        network=network, kind=MentorKind.MENTOR, name=f"Mentor {name}", created_at=AT
    )
    mentor.branches.set([branch])
    o["mentor"] = mentor
    o["mentoring"] = MentoringRequest.objects.create(
        branch=branch,
        name="Someone",
        email="someone@example.org",
        topic=Topic.START,
        message="Help me start",
        created_at=AT,
    )
    o["feedback"] = Feedback.objects.create(
        network=network,
        number=f"2026-000{1 if name == 'A' else 2}",
        kind="complaint",
        topic="building",
        branch=branch,
        text="The lift is broken",
        channel="form",
        language="uk",
        received_at=AT,
        deadline=AT + timedelta(days=30),
        attachment=ContentFile(b"%PDF-1.7 a letter", name="letter.pdf"),
    )
    o["suggestion"] = Suggestion.objects.create(
        network=network, branch=branch, patron=o["patron"], title=f"Suggested {name}",
        channel="online", created_at=AT, changed_at=AT,
    )
    _plans(o, branch, network)
    return side


def _plans(o: dict[str, Any], branch: Branch, network: Network) -> None:
    o["programme"] = programme = planning.Programme.objects.create(
        network=network, branch=branch, language="en", title=f"Plan of {branch.name}",
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
        status=planning.ProgrammeStatus.ADOPTED, is_published=True, published_at=AT,
        created_at=AT, updated_at=AT,
    )
    o["direction"] = planning.Direction.objects.create(programme=programme, title="Reading")
    o["goal"] = planning.Goal.objects.create(direction=o["direction"], title="More readers")
    o["action"] = action = planning.Action.objects.create(
        programme=programme, goal=o["goal"], title="A reading club", coordinator=branch,
        starts_on=date(2026, 2, 1), due_on=date(2026, 12, 20), updated_at=AT,
    )
    action.branches.set([branch])
    o["measure"] = planning.Measure.objects.create(
        programme=programme, label="More loans", indicator_codes=["loans"],
        trend=planning.Trend.INCREASE,
    )
    o["update"] = update = planning.ProgressUpdate.objects.create(
        action=action, on=date(2026, 11, 30), branch=branch,
        status=planning.ActionStatus.ON_TRACK, language="en", created_at=AT,
    )
    o["evidence"] = planning.Evidence.objects.create(
        update=update, kind=planning.EvidenceKind.PHOTO, content_type="image/png", size=8,
        file=ContentFile(b"\x89PNG\r\n\x1a\n", name="photo.png"), original_name="photo.png",
    )
    o["swot"] = swot = planning.Swot.objects.create(
        network=network, branch=branch, year=2026, language="en", created_at=AT, updated_at=AT
    )
    o["point"] = planning.SwotPoint.objects.create(
        swot=swot, quadrant=planning.Quadrant.STRENGTH, statement="Long opening hours"
    )
