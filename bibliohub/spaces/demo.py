"""Rooms, equipment and booking rules for the demo network, a few bookings by local groups in
the coming days, and one a reader made online (its confirmation waits in the e-mail outbox).
`load_demo_spaces` is idempotent: a second run adds only what is missing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from bibliohub.accounts.models import Role, User
from bibliohub.history import Actor
from bibliohub.libraries.hours import BranchCalendar
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import Patron
from bibliohub.spaces import services
from bibliohub.spaces.errors import BookingRefused
from bibliohub.spaces.models import Booking, BookingRule, Feature, Kind, Resource, ResourceType

FEATURES = {
    "screen": {"en": "Wall screen", "vi": "Màn hình treo tường", "zh-hans": "壁挂屏幕",
               "uk": "Настінний екран", "pl": "Ekran ścienny"},
    "whiteboard": {"en": "Whiteboard", "vi": "Bảng trắng", "zh-hans": "白板", "uk": "Дошка",
                   "pl": "Tablica suchościeralna"},
    "hearing-loop": {"en": "Hearing loop", "vi": "Vòng hỗ trợ nghe", "zh-hans": "助听环路",
                     "uk": "Індукційна петля", "pl": "Pętla indukcyjna"},
    "video-call": {"en": "Video call kit", "vi": "Bộ gọi video", "zh-hans": "视频会议设备",
                   "uk": "Обладнання для відеодзвінків", "pl": "Zestaw do wideorozmów"},
    "step-free": {"en": "Step-free access", "vi": "Lối đi không bậc thang", "zh-hans": "无台阶通道",
                  "uk": "Вхід без сходинок", "pl": "Dostęp bez schodów"},
}

TYPES = {
    "study": (Kind.ROOM, {"en": "Study room", "vi": "Phòng học nhóm", "zh-hans": "自习室",
                          "uk": "Кімната для навчання", "pl": "Pokój do nauki"}),
    "meeting": (Kind.ROOM, {"en": "Meeting room", "vi": "Phòng họp", "zh-hans": "会议室",
                            "uk": "Кімната для зустрічей", "pl": "Sala spotkań"}),
    "hall": (Kind.ROOM, {"en": "Events hall", "vi": "Hội trường", "zh-hans": "活动大厅",
                         "uk": "Зала для заходів", "pl": "Sala wydarzeń"}),
    "laptop": (Kind.EQUIPMENT, {"en": "Laptop", "vi": "Máy tính xách tay", "zh-hans": "笔记本电脑",
                                "uk": "Ноутбук", "pl": "Laptop"}),
    "projector": (Kind.EQUIPMENT, {"en": "Projector", "vi": "Máy chiếu", "zh-hans": "投影仪",
                                   "uk": "Проєктор", "pl": "Projektor"}),
}

# Study rooms: two hours at a time, three a day, six a week, two weeks ahead, released after
# fifteen minutes. Meeting rooms: approved by staff, a month ahead, a tidy-up gap. Laptops:
# in-building loans for an afternoon.
RULES = {
    "study": dict(slot_minutes=30, max_minutes=120, max_minutes_per_day=180, max_minutes_per_week=360,
                  max_days_ahead=14, checkin_minutes=15, reminder_hours=24),
    "meeting": dict(slot_minutes=30, max_minutes=240, max_minutes_per_week=480, max_days_ahead=30,
                    buffer_minutes=15, needs_approval=True, reminder_hours=24),
    "hall": dict(slot_minutes=30, max_minutes=480, max_days_ahead=180, buffer_minutes=30,
                 needs_approval=True, reminder_hours=48),
    "laptop": dict(slot_minutes=60, max_minutes=240, max_minutes_per_day=240, max_days_ahead=7,
                   checkin_minutes=30, reminder_hours=2),
    "projector": dict(slot_minutes=60, max_minutes=480, max_days_ahead=30, needs_approval=True,
                      reminder_hours=24),
}

# branch code -> (code, type, names, capacity, features, accessibility, public)
ROOMS: dict[str, list[tuple]] = {
    "central": [
        ("study-1", "study", {"en": "Study room 1", "vi": "Phòng học 1", "zh-hans": "自习室 1",
                              "uk": "Кімната для навчання 1", "pl": "Pokój do nauki 1"},
         4, ["whiteboard", "step-free"], "Second floor, next to the lift.", True),
        ("study-2", "study", {"en": "Study room 2", "vi": "Phòng học 2", "zh-hans": "自习室 2",
                              "uk": "Кімната для навчання 2", "pl": "Pokój do nauki 2"},
         6, ["screen", "whiteboard", "step-free"], "Second floor, next to the lift.", True),
        ("meeting", "meeting", {"en": "Community meeting room", "vi": "Phòng họp cộng đồng",
                                "zh-hans": "社区会议室", "uk": "Кімната громади",
                                "pl": "Sala spotkań społeczności"},
         20, ["screen", "video-call", "hearing-loop", "step-free"],
         "Ground floor, step-free entrance from Library Square; hearing loop at the front.", True),
        ("hall", "hall", {"en": "Events hall", "vi": "Hội trường", "zh-hans": "活动大厅",
                          "uk": "Зала для заходів", "pl": "Sala wydarzeń"},
         80, ["screen", "hearing-loop", "step-free"], "Ground floor; wheelchair spaces in the front row.",
         False),
    ],
    "north": [
        ("study", "study", {"en": "Quiet study room", "vi": "Phòng học yên tĩnh", "zh-hans": "安静自习室",
                            "uk": "Тиха кімната для навчання", "pl": "Cichy pokój do nauki"},
         3, ["whiteboard"], "One step at the door; a ramp is available on request.", True),
    ],
    "riverside": [
        ("community", "meeting", {"en": "River room", "vi": "Phòng Ven sông", "zh-hans": "河景室",
                                  "uk": "Кімната над річкою", "pl": "Sala nad rzeką"},
         12, ["screen", "step-free"], "Step-free from the Quay Street entrance.", True),
        ("study", "study", {"en": "Study pod", "vi": "Góc học tập", "zh-hans": "学习舱",
                            "uk": "Навчальна капсула", "pl": "Kabina do nauki"},
         2, [], "", True),
    ],
    "school": [
        ("group", "study", {"en": "Group work room", "vi": "Phòng làm việc nhóm", "zh-hans": "小组活动室",
                            "uk": "Кімната для групової роботи", "pl": "Sala pracy grupowej"},
         8, ["whiteboard", "screen"], "", True),
    ],
}

EQUIPMENT: dict[str, list[tuple[str, str, str]]] = {
    "central": [("laptop-1", "laptop", "1"), ("laptop-2", "laptop", "2"), ("laptop-3", "laptop", "3"),
                ("projector", "projector", "")],
    "north": [("laptop-1", "laptop", "1")],
    "riverside": [("laptop-1", "laptop", "1"), ("projector", "projector", "")],
}

# (branch, room, days from today, start hour, hours, group, contact phone, language, people).
# Each group is named as it names itself, in its own language.
# Phones, not e-mail addresses: the groups booked at the desk get no mail. Daytime hours, clear of the
# demo programmes' evening and after-school events in the same rooms.
GROUP_BOOKINGS = [
    ("central", "meeting", 1, 14, 2, "Câu lạc bộ nói tiếng Anh Riverton", "+1 860-555-0201", "vi", 12),
    ("central", "meeting", 3, 10, 2, "Small business advice clinic", "+1 860-555-0202", "en", 8),
    ("riverside", "community", 2, 11, 2, "Група підтримки українських родин", "+1 860-555-0203", "uk", 10),
    ("central", "study-2", 2, 15, 2, "Korepetycje z matematyki dla licealistów", "+1 860-555-0204", "pl", 5),
]


# Rooms, equipment and their rules are set up as the installation itself; the group bookings
# are made as a librarian would make them at the desk.
SETUP = Actor.system("demo")


@transaction.atomic
def load_demo_spaces(network: Network, *, at: datetime) -> list[str]:
    """Add the demo rooms, equipment, features, types and rules to `network`'s branches, and
    a few group bookings on the next open days. Returns what was added, for the log."""
    added: list[str] = []
    features = {}
    for code, names in FEATURES.items():
        found = Feature.objects.filter(code=code).first()
        features[code] = found or services.save_feature(
            Feature(code=code, name=names["en"], names=names), actor=SETUP, at=at
        )
        if found is None:
            added.append(f"feature {code}")
    types = {}
    for code, (kind, names) in TYPES.items():
        found_type = ResourceType.objects.filter(code=code).first()
        types[code] = found_type or services.save_resource_type(
            ResourceType(code=code, kind=kind, name=names["en"], names=names), actor=SETUP, at=at
        )
        if found_type is None:
            services.save_rule(BookingRule(resource_type=types[code], **RULES[code]), actor=SETUP, at=at)
            added.append(f"type {code} with its rule")
    branches = {b.code: b for b in Branch.objects.filter(network=network)}
    for branch_code, rooms in ROOMS.items():
        branch = branches.get(branch_code)
        if branch is None:
            continue
        for i, (code, type_code, names, capacity, feature_codes, accessibility, public) in enumerate(rooms):
            if Resource.objects.filter(branch=branch, code=code).exists():
                continue
            services.save_resource(
                Resource(branch=branch, code=code, kind=Kind.ROOM, resource_type=types[type_code],
                         name=names["en"], names=names, capacity=capacity,
                         accessibility=accessibility, is_public=public, sort_order=i),
                features=[features[f] for f in feature_codes], actor=SETUP, at=at,
            )
            added.append(f"room {branch_code}/{code}")
    for branch_code, things in EQUIPMENT.items():
        branch = branches.get(branch_code)
        if branch is None:
            continue
        for i, (code, type_code, number) in enumerate(things):
            names = {lang: f"{name} {number}".strip() for lang, name in TYPES[type_code][1].items()}
            if Resource.objects.filter(branch=branch, code=code).exists():
                continue
            services.save_resource(
                Resource(branch=branch, code=code, kind=Kind.EQUIPMENT, resource_type=types[type_code],
                         name=names["en"], names=names, sort_order=i),
                actor=SETUP, at=at,
            )
            added.append(f"equipment {branch_code}/{code}")
    added += _group_bookings(branches, at=at)
    added += _readers_bookings(network, branches, at=at)
    return added


# (the reader's e-mail address, branch, room, days from today, start hour, hours): readers
# who booked online themselves, so the confirmation waits in the e-mail outbox (/staff/mail/)
# in their language.
READERS_BOOKINGS = [
    ("anna.lewandowska@example.org", "central", "study-1", 1, 16, 2),
]


def _readers_bookings(network: Network, branches: dict[str, Branch], *, at: datetime) -> list[str]:
    added = []
    tz = timezone.get_current_timezone()
    today = timezone.localdate(at)
    for email, branch_code, room_code, days, hour, hours in READERS_BOOKINGS:
        patron = Patron.objects.filter(network=network, email=email).first()
        branch = branches.get(branch_code)
        if patron is None or branch is None or Booking.objects.filter(patron=patron).exists():
            continue
        room = Resource.objects.get(branch=branch, code=room_code)
        calendar = BranchCalendar(branch, today, today + timedelta(days=days + 14))
        for extra in range(14):
            day = today + timedelta(days=days + extra)
            if calendar.day(day).is_open:
                break
        start = datetime.combine(day, time(hour), tzinfo=tz)
        try:
            services.book(resource=room, start=start, end=start + timedelta(hours=hours), patron=patron,
                          actor=Actor.for_patron(patron), at=at)
        except BookingRefused:
            continue  # outside that day's hours, or the card cannot book today
        added.append(f"booking {branch_code}/{room_code} {day} by {email}")
    return added


def _group_bookings(branches: dict[str, Branch], *, at: datetime) -> list[str]:
    if Booking.objects.filter(resource__branch__in=branches.values()).exists():
        return []
    staff = User.objects.filter(role__in=[Role.ADMINISTRATOR, Role.NETWORK_MANAGER]).first()
    if staff is None:
        return []
    tz = timezone.get_current_timezone()
    today = timezone.localdate(at)
    added = []
    for branch_code, room_code, days, hour, hours, group, phone, language, people in GROUP_BOOKINGS:
        branch = branches.get(branch_code)
        if branch is None:
            continue
        room = Resource.objects.get(branch=branch, code=room_code)
        # The first open day on or after the planned one, so the demo works whenever it runs.
        calendar = BranchCalendar(branch, today, today + timedelta(days=days + 14))
        for extra in range(14):
            day = today + timedelta(days=days + extra)
            if calendar.day(day).is_open:
                break
        start = datetime.combine(day, time(hour), tzinfo=tz)
        try:
            services.book(resource=room, start=start, end=start + timedelta(hours=hours), group_name=group,
                          contact_phone=phone, language=language, attendees=people,
                          actor=Actor.for_staff(staff), at=at, override=True)
        except BookingRefused:
            continue  # outside that day's hours: the demo can do without it
        added.append(f"booking {branch_code}/{room_code} {day}")
    return added
