"""The demo network's plans, in the shape of the plans our users wrote, made through the
planning services as its methodologist and librarians would:

- the network's one-year development programme of the current year, from the Lutsk template
  (Ukrainian, with English), in force and published, with progress on its actions and a
  photo;
- the 2024–2028 strategic plan with West Hartford's five priorities and their goals
  (Vietnamese, with English), with actions of its first years, in force and published;
- the school library's plan for the current term, month by month from September to January,
  with its targets (Chinese, with English), in force;
- the network's SWOT analysis of the current year, each point with its evidence.

Idempotent: a programme or SWOT analysis that is already there (the same template, scope
and start; the same scope and year) is left as it is."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from bibliohub.accounts.models import Role, User
from bibliohub.community.models import Partner
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.planning import blueprints
from bibliohub.planning.models import (
    Action,
    ActionStatus,
    Goal,
    Programme,
    ProgrammeStatus,
    Quadrant,
    Swot,
)
from bibliohub.planning.services import programmes, progress, structure, swot


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A PNG image of one colour: a photo for the demo (and the tests) without an imaging
    library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" + bytes(rgb) * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def _details_of(action: Action, **changes: object) -> structure.ActionDetails:
    """What `action` says now, with `changes`: to change one thing through save_action."""
    details = structure.ActionDetails(
        title=action.title, titles=action.titles, description=action.description,
        descriptions=action.descriptions, expected_result=action.expected_result,
        expected_results=action.expected_results, coordinator=action.coordinator,
        all_branches=action.all_branches, branches=list(action.branches.all()),
        owner=action.owner, partners=list(action.partners.all()), funding=action.funding,
        funding_note=action.funding_note, starts_on=action.starts_on, due_on=action.due_on,
        months=action.month_days(), indicator_codes=action.indicator_codes,
        position=action.position,
    )
    for name, value in changes.items():
        setattr(details, name, value)
    return details


def _existing(network: Network, code: str, branch: Branch | None, starts_on: date) -> bool:
    return Programme.objects.filter(
        network=network, blueprint=code, branch=branch, starts_on=starts_on
    ).exists()


def load_demo_plans(network: Network, *, at: datetime) -> list[str]:
    """Add the demo programmes and SWOT analysis that are missing; return what was added."""
    branches = {b.code: b for b in Branch.objects.filter(network=network)}
    if "central" not in branches:
        return []
    people = {u.username: u for u in User.objects.filter(
        username__in=["methodologist", "manager", "central", "riverside", "school"]
    )}
    planner = people.get("methodologist") or people.get("manager") or User.objects.filter(
        role__in=[Role.ADMINISTRATOR, Role.NETWORK_MANAGER]
    ).first()
    if planner is None:
        return []
    added = []
    today = timezone.localdate(at)
    for name, load in (
        ("city programme", _city_programme),
        ("strategic plan 2024-2028", _strategic_plan),
        ("school term plan", _school_term),
        ("SWOT analysis", _swot),
    ):
        if load(network, branches, people, planner, at=at, today=today):
            added.append(f"plans: {name}")
    return added


@transaction.atomic
def _city_programme(network: Network, branches: dict[str, Branch], people: dict[str, User],
                    planner: User, *, at: datetime, today: date) -> bool:
    code = blueprints.CITY_ONE_YEAR.code
    starts_on = date(today.year, 1, 1)
    if _existing(network, code, None, starts_on):
        return False
    actor = Actor.for_staff(planner)
    programme = programmes.start_from_blueprint(
        code, network=network, branch=None, starts_on=starts_on, actor=actor, at=at
    )
    partners = {p.name: p for p in Partner.objects.filter(network=network)}
    actions = list(programme.actions.order_by("goal__direction__position", "goal__position", "position"))
    owners = [people.get("methodologist"), people.get("central"), people.get("manager")]
    for index, action in enumerate(actions):
        chosen = [partners[n] for n in _CITY_PARTNERS.get(index, ()) if n in partners]
        owner = owners[index % len(owners)]
        if owner is not None or chosen:
            structure.save_action(action, goal=action.goal, actor=actor, at=at,
                                  details=_details_of(action, owner=owner, partners=chosen))
    programmes.set_programme_status(programme, status=ProgrammeStatus.ADOPTED, actor=actor, at=at)
    programmes.set_published(programme, published=True, actor=actor, at=at)

    for index, action in enumerate(actions):
        due = action.due_date
        start = action.start_date
        if start is None or start > today:
            continue
        on = min(today, due) if due else today
        if index == 4:  # the grant: the decision comes later than planned
            status = ActionStatus.AT_RISK
        elif due is not None and due < today:
            status = ActionStatus.DONE
        else:
            status = ActionStatus.ON_TRACK
        note = _CITY_NOTES.get(index, "Роботу виконано за планом." if status == ActionStatus.DONE
                               else "Роботу розпочато, рухаємося за планом.")
        files = []
        if index == 2:  # the contacts and volunteers: a photo of the volunteers' meeting
            image = png(64, 48, (40, 110, 170))
            files = [progress.Upload(name="zustrich-volonteriv.png", content=io.BytesIO(image),
                                     size=len(image), caption="Зустріч волонтерів у центральній бібліотеці")]
        progress.record_progress(
            action, on=on, status=status, note=note, language="uk", is_public=True,
            branch=branches["central"] if index in (0, 2) else None, files=files,
            links=[progress.Link("https://library.example/news/volunteers", "Новина на сайті")] if index == 2 else [],
            actor=actor, at=at,
        )
    return True


# Which demo partners take part in the city programme's actions (by their place in it).
_CITY_PARTNERS = {
    1: ("Radio Riverton",),
    2: ("New Neighbours Welcome Centre", "Riverton History Museum"),
    3: ("Riverton Chamber of Commerce",),
}
_CITY_NOTES = {
    0: "Проведено опитування читачів у всіх філіях; зібрано 240 анкет і пропозиції щодо нових послуг.",
    1: "Щотижнева рубрика про нові книжки на Радіо Рівертон; сторінки бібліотек у соціальних мережах оновлюються щодня.",
    2: "Відбулася зустріч з волонтерами та громадськими організаціями; підписано дві угоди про співпрацю.",
    3: "Спонсори передали два ноутбуки для бізнес-куточка центральної бібліотеки.",
    4: "Заявку на грант подано; рішення очікуємо пізніше, ніж планували.",
}


@transaction.atomic
def _strategic_plan(network: Network, branches: dict[str, Branch], people: dict[str, User],
                    planner: User, *, at: datetime, today: date) -> bool:
    code = blueprints.STRATEGIC_FIVE_PRIORITIES.code
    starts_on = date(2024, 1, 1)
    if _existing(network, code, None, starts_on):
        return False
    actor = Actor.for_staff(planner)
    programme = programmes.start_from_blueprint(
        code, network=network, branch=None, starts_on=starts_on, actor=actor, at=at
    )
    goals = list(Goal.objects.filter(direction__programme=programme)
                 .order_by("direction__position", "position"))
    partners = {p.name: p for p in Partner.objects.filter(network=network)}
    librarian = people.get("central") or planner
    for goal_index, (vi, english), where, start, due, indicators, partner_names, status, note in _STRATEGIC_ACTIONS:
        action = structure.save_action(
            None, goal=goals[goal_index], actor=actor, at=at,
            details=structure.ActionDetails(
                title=vi, titles={"en": english},
                coordinator=branches["central"] if where == "all" else None,
                all_branches=where == "all",
                branches=[branches[where]] if where in branches else [],
                owner=people.get(where) or librarian, starts_on=start, due_on=due,
                indicator_codes=indicators,
                partners=[partners[n] for n in partner_names if n in partners],
            ),
        )
        if status is not None and start <= today:
            progress.record_progress(action, on=min(today, due), status=status, note=note,
                                     language="vi", is_public=True, actor=actor, at=at)
    programmes.set_programme_status(programme, status=ProgrammeStatus.ADOPTED, actor=actor, at=at)
    programmes.set_published(programme, published=True, actor=actor, at=at)
    return True


# (goal, (Vietnamese, English), where, starts, due, indicators, partners, status, note)
_STRATEGIC_ACTIONS = [
    (0, ("Mở cửa Chi nhánh Ven sông đến 21:00 mỗi thứ Năm",
         "Open the Riverside Branch until 21:00 every Thursday"),
     "riverside", date(2024, 9, 1), date(2025, 6, 30), ["opening_hours_year", "opening_hours_week"],
     [], ActionStatus.DONE, "Chi nhánh Ven sông mở cửa đến 21:00 vào thứ Năm từ tháng 9 năm 2024."),
    (1, ("Ra mắt bộ sưu tập sách điện tử và sách nói", "Launch an e-book and audiobook collection"),
     "all", date(2025, 1, 1), date(2026, 12, 31), ["e_loans", "e_service_users"],
     [], ActionStatus.ON_TRACK, "Đã có hơn 1.500 đầu sách điện tử; đang chọn nhà cung cấp sách nói."),
    (3, ("Mở góc sách tiếng Việt, tiếng Ukraina và tiếng Ba Lan tại Chi nhánh Ven sông",
         "Open a corner of Vietnamese, Ukrainian and Polish books at the Riverside Branch"),
     "riverside", date(2025, 3, 1), date(2027, 6, 30), ["loans"],
     ["New Neighbours Welcome Centre"], ActionStatus.AT_RISK,
     "Sách tiếng Ba Lan về chậm hơn dự kiến; góc sách mở cửa với sách tiếng Việt và tiếng Ukraina."),
    (6, ("Ký thỏa thuận hợp tác với Phòng Thương mại và Đài phát thanh",
         "Sign partnership agreements with the Chamber of Commerce and the local radio"),
     "all", date(2024, 3, 1), date(2026, 6, 30), ["active_partners"],
     ["Riverton Chamber of Commerce", "Radio Riverton"], ActionStatus.DONE,
     "Hai thỏa thuận đã được ký; đài phát thanh giới thiệu sách mới mỗi tuần."),
    (5, ("Thư viện lưu động tại chợ phiên cuối tuần", "A pop-up library at the weekend market"),
     "north", date(2026, 4, 1), date(2026, 10, 31), ["programme_attendance", "new_users"],
     [], ActionStatus.ON_TRACK, "Tám buổi thư viện lưu động đã diễn ra tại chợ phiên."),
    (10, ("Mỗi nhân viên tham gia ít nhất 16 giờ đào tạo mỗi năm",
          "Every member of staff takes at least 16 hours of training a year"),
     "all", date(2024, 1, 1), date(2028, 12, 31), ["training_hours_per_fte"],
     [], None, ""),
    (18, ("Cải tạo hai phòng học nhóm nhỏ tại Thư viện Trung tâm",
          "Refit two small group study rooms at the Central Library"),
     "central", date(2027, 1, 1), date(2027, 12, 31), ["visits"],
     [], None, ""),
]


def term_start(today: date) -> date:
    """The first day of the school term `today` falls in (or the last one, in the summer)."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


@transaction.atomic
def _school_term(network: Network, branches: dict[str, Branch], people: dict[str, User],
                 planner: User, *, at: datetime, today: date) -> bool:
    school = branches.get("school")
    if school is None:
        return False
    code = blueprints.SCHOOL_TERM.code
    starts_on = term_start(today)
    if _existing(network, code, school, starts_on):
        return False
    librarian = people.get("school") or planner
    actor = Actor.for_staff(librarian)
    programme = programmes.start_from_blueprint(
        code, network=network, branch=school, starts_on=starts_on, actor=actor, at=at
    )
    for action in programme.actions.order_by("pk"):
        structure.save_action(action, goal=action.goal, actor=actor, at=at,
                              details=_details_of(action, owner=librarian))
    programmes.set_programme_status(programme, status=ProgrammeStatus.ADOPTED, actor=actor, at=at)
    for action in programme.actions.order_by("pk"):
        start, due = action.start_date, action.due_date
        if start is None or due is None or start > today:
            continue
        done = due < today
        progress.record_progress(
            action, on=min(today, due),
            status=ActionStatus.DONE if done else ActionStatus.ON_TRACK,
            note="已按计划完成。" if done else "按计划进行中。",
            language="zh-hans", branch=school, is_public=done, actor=actor, at=at,
        )
    return True


_SWOT_POINTS = [
    (Quadrant.STRENGTH, ("Розгалужена мережа філій, що охоплює всі райони міста",
                         "A network of branches that covers every part of the city"),
     "registered_users", "", ""),
    (Quadrant.STRENGTH, ("Активні партнери: музей, центр зайнятості, радіо",
                         "Active partners: the museum, the employment office, the radio"),
     "active_partners", "", ""),
    (Quadrant.WEAKNESS, ("Застарілий комп’ютерний парк у філіях", "Outdated computers in the branches"),
     "equipment_up_to_standard", "", "Половині комп’ютерів у філіях понад сім років."),
    (Quadrant.WEAKNESS, ("Нова книга довго йде до полиці", "New books take long to reach the shelf"),
     "processing_days_median", "", ""),
    (Quadrant.OPPORTUNITY, ("Зростає попит на електронні послуги", "Demand for online services is growing"),
     "e_service_users", "Щорічне анкетування користувачів, питання 4", ""),
    (Quadrant.OPPORTUNITY, ("Гранти на модернізацію бібліотек", "Grants for modernising libraries"),
     "", "", "Міська програма підтримки культури відкриває конкурс навесні."),
    (Quadrant.THREAT, ("Скорочення бюджетного фінансування", "Budget cuts"),
     "grants_share_of_means", "", ""),
    (Quadrant.THREAT, ("Онлайн-розваги забирають вільний час читачів",
                       "Online entertainment takes readers' free time"),
     "active_users", "Тематичне експрес-опитування, ІІІ квартал", ""),
]


@transaction.atomic
def _swot(network: Network, branches: dict[str, Branch], people: dict[str, User],
          planner: User, *, at: datetime, today: date) -> bool:
    if Swot.objects.filter(network=network, branch=None, year=today.year).exists():
        return False
    actor = Actor.for_staff(planner)
    analysis = swot.save_swot(
        None, network=network, branch=None, year=today.year, language="uk",
        summary="SWOT-аналіз централізованої бібліотечної системи, складений моніторинговою групою.",
        summaries={"en": "The SWOT analysis of the library system, drawn up by the monitoring group."},
        actor=actor, at=at,
    )
    for quadrant, (uk, english), code, reference, note in _SWOT_POINTS:
        swot.save_point(None, swot=analysis, actor=actor, at=at, details=swot.PointDetails(
            quadrant=quadrant, statement=uk, statements={"en": english}, indicator_code=code,
            reference=reference, note=note,
        ))
    return True

