"""Programmes for the demo network: weekly story time, a monthly book club, a teen coding club,
a conversation café, digital skills for older adults away from the library, an essay contest
and a summer reading challenge, with a few registrations (one a reader made online, whose
confirmation waits in the e-mail outbox) and last week's attendance.
`load_demo_programmes` is idempotent: an event already there (same branch and title) is left
as it is."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bibliohub.accounts.models import Role, User
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron
from bibliohub.programs import services
from bibliohub.programs.errors import ProgramRefused
from bibliohub.programs.models import (
    Audience,
    Category,
    Event,
    EventKind,
    Format,
    Registration,
    RegistrationMode,
)
from bibliohub.spaces.models import Room

CATEGORIES = {
    "story-time": {"en": "Story time", "vi": "Giờ kể chuyện", "zh-hans": "故事时间",
                   "uk": "Казкові читання", "pl": "Czytanie bajek"},
    "book-club": {"en": "Book club", "vi": "Câu lạc bộ sách", "zh-hans": "读书会",
                  "uk": "Книжковий клуб", "pl": "Klub książki"},
    "digital-skills": {"en": "Digital skills", "vi": "Kỹ năng số", "zh-hans": "数字技能",
                       "uk": "Цифрові навички", "pl": "Umiejętności cyfrowe"},
    "languages": {"en": "Languages", "vi": "Ngôn ngữ", "zh-hans": "语言",
                  "uk": "Мови", "pl": "Języki"},
    "reading": {"en": "Reading challenges and contests", "vi": "Thử thách đọc và cuộc thi",
                "zh-hans": "阅读挑战与比赛", "uk": "Читацькі челенджі та конкурси",
                "pl": "Wyzwania czytelnicze i konkursy"},
}


@dataclass(frozen=True)
class _Plan:
    branch: str
    title: dict[str, str]
    description: dict[str, str]
    audiences: tuple[str, ...]
    format: str
    weekday: int  # of the first date, Monday = 0
    start: time
    minutes: int
    recurrence: str = ""
    categories: tuple[str, ...] = ()
    room: str = ""
    place: str = ""
    address: str = ""
    online_url: str = ""
    presenters: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kind: str = EventKind.PROGRAMME
    registration: str = RegistrationMode.PER_OCCURRENCE
    capacity: int | None = None
    opens_days: int | None = None
    entries_days: int | None = None  # entries close this many days after the first date
    # Registrations taken by phone at the desk: name, language, age band. Without an e-mail
    # address, so loading the demo sends no mail.
    guests: tuple[tuple[str, str, str], ...] = field(default=())


PLANS: tuple[_Plan, ...] = (
    _Plan(
        branch="central",
        title={"en": "Story time", "vi": "Giờ kể chuyện", "zh-hans": "故事时间",
               "uk": "Казкова година", "pl": "Godzina bajek"},
        description={
            "en": "Picture books, rhymes and songs for children up to five and their grown-ups.",
            "uk": "Книжки з картинками, віршики й пісні для дітей до п’яти років і їхніх дорослих.",
            "vi": "Sách tranh, đồng dao và bài hát cho trẻ đến năm tuổi cùng người lớn.",
            "pl": "Książki obrazkowe, wierszyki i piosenki dla dzieci do lat pięciu i ich opiekunów.",
        },
        audiences=(Audience.EARLY_YEARS,), format=Format.ON_SITE, weekday=5, start=time(11),
        minutes=45, recurrence="FREQ=WEEKLY;COUNT=12", categories=("story-time",), room="hall",
        presenters=("Minh Nguyễn",), tags=("rhymes", "picture books"), capacity=15, opens_days=14,
        guests=(("Oksana Shevchenko", "uk", Audience.EARLY_YEARS), ("Lan Trần", "vi", Audience.EARLY_YEARS)),
    ),
    _Plan(
        branch="central",
        title={"en": "Evening book club", "uk": "Вечірній книжковий клуб", "pl": "Wieczorny klub książki",
               "vi": "Câu lạc bộ sách buổi tối", "zh-hans": "晚间读书会"},
        description={"en": "This month: a novel in translation chosen by the group. Copies are kept at the desk.",
                     "uk": "Цього місяця — перекладний роман, обраний клубом. Примірники чекають на абонементі."},
        audiences=(Audience.ADULTS,), format=Format.HYBRID, weekday=3, start=time(18), minutes=90,
        recurrence="FREQ=MONTHLY;BYDAY=1TH;COUNT=6", categories=("book-club",), room="meeting",
        online_url="https://meet.library.example/book-club", registration=RegistrationMode.SERIES,
        capacity=14, presenters=("Olena Kovalenko",),
        guests=(("Grace Walker", "en", Audience.ADULTS),),
    ),
    _Plan(
        branch="riverside",
        title={"en": "Teen coding club", "uk": "Клуб програмування для підлітків", "pl": "Klub programowania dla nastolatków",
               "vi": "Câu lạc bộ lập trình tuổi teen", "zh-hans": "青少年编程俱乐部"},
        description={"en": "Build a small game in Python. Laptops provided; bring your own if you like."},
        audiences=(Audience.TEENS,), format=Format.ON_SITE, weekday=2, start=time(16), minutes=90,
        recurrence="FREQ=WEEKLY;COUNT=8", categories=("digital-skills",), room="community",
        tags=("python", "games"), capacity=10, presenters=("Riverton Code Club volunteers",),
    ),
    _Plan(
        branch="north",
        title={"en": "Conversation café", "vi": "Cà phê trò chuyện", "uk": "Розмовне кафе",
               "pl": "Kawiarenka językowa", "zh-hans": "会话咖啡馆"},
        description={"en": "Practise English over tea with neighbours from everywhere. All levels welcome.",
                     "vi": "Luyện tiếng Anh bên tách trà cùng hàng xóm khắp nơi. Mọi trình độ đều được chào đón."},
        audiences=(Audience.ALL_AGES,), format=Format.ON_SITE, weekday=1, start=time(15), minutes=60,
        recurrence="FREQ=WEEKLY;COUNT=10", categories=("languages",), place="Reading room",
        registration=RegistrationMode.NONE,
    ),
    _Plan(
        branch="central",
        title={"en": "Smartphone basics for older adults", "uk": "Смартфон без страху: для старшого віку",
               "pl": "Smartfon od podstaw dla seniorów", "vi": "Điện thoại thông minh cơ bản cho người lớn tuổi"},
        description={"en": "Messages, video calls and staying safe online, at the Riverton Senior Centre."},
        audiences=(Audience.ADULTS,), format=Format.OFF_SITE, weekday=0, start=time(10), minutes=120,
        recurrence="FREQ=WEEKLY;COUNT=4", categories=("digital-skills",),
        address="Riverton Senior Centre\n12 Elm Street\nRiverton", capacity=12,
    ),
    _Plan(
        branch="school",
        title={"en": "Essay contest: my library, my city", "zh-hans": "征文比赛：我的图书馆，我的城市",
               "uk": "Конкурс есе «Моя бібліотека, моє місто»", "pl": "Konkurs na esej: moja biblioteka, moje miasto"},
        description={"en": "Up to 800 words. The jury of librarians and teachers announces the winners at the end of term.",
                     "zh-hans": "不超过800字。由图书馆员和老师组成的评委会在学期末公布获奖名单。"},
        audiences=(Audience.TEENS,), format=Format.ON_SITE, weekday=4, start=time(14), minutes=60,
        categories=("reading",), place="School library", kind=EventKind.CONTEST,
        registration=RegistrationMode.NONE, entries_days=0,
    ),
    _Plan(
        branch="riverside",
        title={"en": "Winter reading challenge", "uk": "Зимовий читацький челендж", "pl": "Zimowe wyzwanie czytelnicze",
               "vi": "Thử thách đọc mùa đông", "zh-hans": "冬季阅读挑战"},
        description={"en": "Read five books before the spring and tell us about your favourite one."},
        audiences=(Audience.CHILDREN,), format=Format.ON_SITE, weekday=5, start=time(10), minutes=60,
        categories=("reading",), place="Children's corner", kind=EventKind.READING_ACTIVITY,
        registration=RegistrationMode.NONE, entries_days=60,
    ),
)


def _first_day(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


@transaction.atomic
def load_demo_programmes(network: Network, *, at: datetime) -> list[str]:
    """Add the demo categories and events to `network`'s branches, a few registrations, and a
    past story time with its attendance. Returns what was added, for the log."""
    added: list[str] = []
    categories = {}
    for code, names in CATEGORIES.items():
        found = Category.objects.filter(code=code).first()
        categories[code] = found or services.save_category(
            Category(code=code, name=names["en"], names=names), actor=Actor.system("demo"), at=at
        )
        if found is None:
            added.append(f"event category {code}")
    staff = User.objects.filter(role__in=[Role.ADMINISTRATOR, Role.NETWORK_MANAGER]).order_by("pk").first()
    # Events are made, and guests registered, as the demo's librarian would at the desk.
    actor = Actor.for_staff(staff) if staff is not None else Actor.system("demo")
    branches = {b.code: b for b in Branch.objects.filter(network=network)}
    zone = timezone.get_current_timezone()
    today = timezone.localdate(at)
    for plan in PLANS:
        branch = branches.get(plan.branch)
        if branch is None or Event.objects.filter(branch=branch, title=plan.title["en"]).exists():
            continue
        start = datetime.combine(_first_day(today, plan.weekday), plan.start, tzinfo=zone)
        details = services.EventDetails(
            title=plan.title["en"], titles=plan.title, description=plan.description["en"],
            descriptions=plan.description, kind=plan.kind, format=plan.format, audiences=plan.audiences,
            place=plan.place, address=plan.address, online_url=plan.online_url, presenters=plan.presenters,
            categories=[categories[c] for c in plan.categories], tags=plan.tags, registration=plan.registration,
            capacity=plan.capacity, registration_opens_days=plan.opens_days,
            submissions_close_at=(start + timedelta(days=plan.entries_days) if plan.entries_days is not None else None),
        )
        room = Room.objects.filter(branch=branch, code=plan.room).first() if plan.room else None
        event = _create(details, room=room, branch=branch, start=start, minutes=plan.minutes,
                        recurrence=plan.recurrence, staff=staff, actor=actor, at=at)
        added.append(f"event {plan.branch}/{plan.title['en']} ({event.occurrences.count()} dates)")
        for name, language, band in plan.guests:
            attendee = services.Attendee(name=name, contact_name=name, language=language, age_band=band)
            series = plan.registration == RegistrationMode.SERIES
            services.register(occurrence=None if series else event.occurrences.first(),
                              event=event if series else None, attendee=attendee, actor=actor, at=at)
    added += _last_weeks_story_time(branches.get("central"), categories["story-time"], staff=staff,
                                    actor=actor, at=at)
    added += _readers_registrations(network, at=at)
    return added


# (the reader's e-mail address, the event's English title): readers who registered online
# themselves, so the confirmation waits in the e-mail outbox (/staff/mail/) in their language.
READERS_REGISTRATIONS = (
    ("quocbao.dang@example.org", "Smartphone basics for older adults"),
)


def _readers_registrations(network: Network, *, at: datetime) -> list[str]:
    added = []
    for email, title in READERS_REGISTRATIONS:
        patron = Patron.objects.filter(network=network, email=email).first()
        event = Event.objects.filter(branch__network=network, title=title).first()
        if patron is None or event is None or Registration.objects.filter(patron=patron).exists():
            continue
        occurrence = event.occurrences.filter(starts_at__gt=at).order_by("starts_at").first()
        try:
            services.register(occurrence=occurrence, attendee=services.Attendee(patron=patron),
                              actor=Actor.for_patron(patron), at=at)
        except ProgramRefused:
            continue  # registration not open yet on the day the demo runs
        added.append(f"registration of {email} for {title}")
    return added


def _create(details, *, room, branch, start, minutes, recurrence, staff, actor: Actor, at) -> Event:
    """With the room booked for every date if it is free; else in the room by name only (a
    holiday in the series, or a group already booked in the room)."""
    end = start + timedelta(minutes=minutes)
    if room is not None:
        try:
            with transaction.atomic():
                return services.create_event(
                    replace(details, room=room), branch=branch,
                    starts_at=start, ends_at=end, recurrence=recurrence, organiser=staff, actor=actor, at=at,
                )
        except ProgramRefused:
            details = replace(details, place=room.display_name("en"))
    return services.create_event(details, branch=branch, starts_at=start, ends_at=end,
                                 recurrence=recurrence, organiser=staff, actor=actor, at=at)


def _last_weeks_story_time(
    branch: Branch | None, category: Category, *, staff, actor: Actor, at: datetime
) -> list[str]:
    """A story time that took place last week, with registrants checked in, one who did not
    come, walk-ins and feedback: what the attendance screens and statistics show."""
    title = "Story time (last week)"
    if branch is None or Event.objects.filter(branch=branch, title=title).exists():
        return []
    zone = timezone.get_current_timezone()
    day = timezone.localdate(at) - timedelta(days=7)
    start = datetime.combine(day, time(11), tzinfo=zone)
    event = services.create_event(
        services.EventDetails(
            title=title, titles={"uk": "Казкова година (минулого тижня)"}, format=Format.ON_SITE,
            audiences=[Audience.EARLY_YEARS], categories=[category], place="Children's room", capacity=15,
        ),
        branch=branch, starts_at=start, ends_at=start + timedelta(minutes=45), organiser=staff, actor=actor,
        at=start - timedelta(days=10),
    )
    occurrence = event.occurrences.get()
    people = [("Iryna Bondar", "uk"), ("Thu Phạm", "vi"), ("Agnieszka Wójcik", "pl"), ("Sam Jones", "en")]
    registrations = [
        services.register(
            occurrence=occurrence, actor=Actor.for_public(), at=start - timedelta(days=5),
            attendee=services.Attendee(name=name, contact_name=name, language=language,
                                       age_band=Audience.EARLY_YEARS),
        )
        for name, language in people
    ]
    for registration in registrations[:3]:
        services.check_in(registration, occurrence=occurrence, actor=actor, at=start)
    services.record_walk_ins(occurrence, counts={Audience.EARLY_YEARS: 4, Audience.ADULTS: 6}, actor=actor,
                             at=occurrence.ends_at)
    services.close_attendance(occurrence, actor=actor, at=occurrence.ends_at)
    services.leave_feedback(registrations[0], occurrence=occurrence,
                            data={"q-rating": ["5"],
                                  "q-comment": ["Моя донька в захваті від пісеньок!"]},
                            language="uk", actor=Actor.for_public(),
                            at=occurrence.ends_at + timedelta(hours=2))
    return [f"event central/{title} with attendance"]
