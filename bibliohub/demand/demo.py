"""Purchase suggestions at every stage from demo readers in their five languages, titles
asked for at the desk, searches that found nothing, and the unmet demand gathered from the
refusals the demo's circulation history recorded: so that the acquisitions report and the
indicators show something. Everything goes through the services, with times before `at`.
`load_demo_demand` adds them once: a network that has suggestions is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from bibliohub.accounts.models import User
from bibliohub.catalog.models import Item, ItemStatus, Record
from bibliohub.circulation.errors import CheckoutRefused
from bibliohub.circulation.models import Loan
from bibliohub.circulation.services import checkout
from bibliohub.demand import services
from bibliohub.demand.models import Suggestion
from bibliohub.demo.circulation import demo_patrons
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron


@dataclass(frozen=True)
class DemoSuggestion:
    patron: str  # a demo patron's key; "" for the staff's own
    branch: str
    title: str
    author: str
    isbn: str
    language: str
    reason: str
    # The steps it has gone through after being suggested.
    steps: tuple[str, ...]
    days_ago: int


S = DemoSuggestion
SUGGESTIONS: tuple[DemoSuggestion, ...] = (
    S("lan", "central", "Nỗi buồn chiến tranh", "Bảo Ninh", "", "vie",
      "Cho câu lạc bộ đọc sách tiếng Việt.", ("accept", "order", "receive"), 40),
    S("oksana", "central", "Intermezzo", "Sally Rooney", "9780593149102", "eng",
      "Хочу прочитати в оригіналі.", ("accept",), 12),
    S("piotr", "central", "Empuzjon", "Olga Tokarczuk", "", "pol",
      "Nowa powieść noblistki.", ("accept", "order"), 20),
    S("fang", "central", "三体", "刘慈欣", "9787536692930", "chi",
      "图书馆应该有中文科幻小说。", (), 3),
    S("zihan", "school", "红楼梦", "曹雪芹", "9787020042494", "chi",
      "老师推荐我们读。", ("decline:already_held",), 8),
    S("emily", "central", "Atomic Habits", "James Clear", "9780735211292", "eng",
      "", ("decline:too_expensive", "close"), 30),
    S("", "north", "Ukrainian for Beginners", "", "", "ukr",
      "Our conversation club asks for a course book.", (), 5),
)
del S

TITLE_REQUESTS = (
    ("north", "9787536692930", "", ""),
    ("central", "", "Kobzar (illustrated edition)", "Taras Shevchenko"),
    ("riverside", "", "Truyện Kiều", "Nguyễn Du"),
)
ZERO_RESULT_SEARCHES = (
    ("harry poter", 4), ("tieng viet lop 7", 2), ("三体", 3), ("kobzar audiobook", 1),
    ("Empuzjon", 2),
)


def _refusals(
    people: dict[str, Patron], branches: dict[str, Branch], *, staff: Actor, at: datetime
) -> list[str]:
    """Readers asking at the central desk for copies out on loan: refused, as the desk
    records every day (the refusals are unmet demand for those titles)."""
    central = branches.get("central")
    if central is None:
        return []
    out = list(
        Item.objects.filter(branch=central, status=ItemStatus.ON_LOAN).order_by("pk")[:3]
    )
    refused = 0
    for n, (key, item) in enumerate(zip(("lan", "emily", "anna"), out, strict=False)):
        patron = people.get(key)
        lent = Loan.objects.filter(item=item, patron=patron, returned_at=None)
        if patron is None or lent.exists():
            continue
        try:
            checkout(patron=patron, item=item, branch=central, actor=staff,
                     at=at - timedelta(hours=n + 1))
        except CheckoutRefused:  # the copy is out: refused, as expected
            refused += 1
    return [f"{refused} checkouts refused at the desk"] if refused else []


def load_demo_demand(network: Network, *, at: datetime) -> list[str]:
    """Add the demo's suggestions, requests and searches, once; then gather the unmet
    demand. Returns what was added, for the log."""
    if Suggestion.objects.filter(network=network).exists():
        return []
    people = demo_patrons()
    branches = {b.code: b for b in Branch.objects.filter(network=network)}
    admin = User.objects.filter(username="admin").first()
    if admin is None or not branches:
        return []
    staff = Actor.for_staff(admin)
    received = Record.objects.order_by("pk").first()
    added: list[str] = []
    with transaction.atomic():
        for plan in SUGGESTIONS:
            patron = people.get(plan.patron) if plan.patron else None
            branch = branches.get(plan.branch)
            if branch is None or (plan.patron and patron is None):
                continue
            when = at - timedelta(days=plan.days_ago)
            suggestion = services.suggest(
                branch=branch, title=plan.title, author=plan.author, isbn=plan.isbn,
                language=plan.language, reason=plan.reason, patron=patron,
                actor=Actor.for_patron(patron) if patron is not None else staff, at=when,
            )
            for n, step in enumerate(plan.steps, start=1):
                step_at = when + timedelta(days=2 * n)
                if step == "accept":
                    services.accept(suggestion, actor=staff, at=step_at)
                elif step == "order":
                    services.mark_ordered(suggestion, actor=staff, at=step_at)
                elif step == "receive" and received is not None:
                    services.receive(suggestion, record=received, actor=staff, at=step_at)
                elif step.startswith("decline:"):
                    services.decline(suggestion, reason=step.split(":", 1)[1], actor=staff,
                                     at=step_at)
                elif step == "close":
                    services.close(suggestion, actor=staff, at=step_at)
            added.append(f"purchase suggestion {plan.title}")
        for code, isbn, title, author in TITLE_REQUESTS:
            if code in branches:
                services.request_title(branch=branches[code], isbn=isbn, title=title,
                                       author=author, actor=staff, at=at - timedelta(days=6))
        added.append(f"{len(TITLE_REQUESTS)} titles asked for and not held")
        for n, (text, times) in enumerate(ZERO_RESULT_SEARCHES):
            for k in range(times):
                services.record_zero_result_search(
                    text=text, network_id=network.pk, actor=Actor.for_public(),
                    at=at - timedelta(days=n + k + 1),
                )
        added.append(f"{sum(t for _text, t in ZERO_RESULT_SEARCHES)} searches that found nothing")
    added += _refusals(people, branches, staff=staff, at=at)
    found = services.collect_unmet_demand(actor=Actor.for_job("unmet_demand"), at=at)
    added.append(f"unmet demand: {found['refusals']} refusals, {found['holds']} holds")
    return added
