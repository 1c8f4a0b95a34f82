"""Partners, volunteers, career links and mentors for the demo network. `load_demo_community`
is idempotent: a second run adds only what is missing. Everything goes through the services,
so the demo has the same event rows as real use; no e-mail addresses of real people, and
nobody is sent mail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from bibliohub.accounts.models import Role, User
from bibliohub.community.models import (
    ActivityKind,
    CareerResource,
    ContactPreference,
    Direction,
    Mentor,
    MentorKind,
    Partner,
    PartnerKind,
    ReferralOutcome,
    Shift,
    Skill,
    Topic,
    Volunteer,
)
from bibliohub.community.services import career, partners, volunteers
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network

SKILLS = {
    "reading": {"en": "Reading to children", "uk": "Читання дітям", "vi": "Đọc sách cho trẻ em",
                "zh-hans": "给孩子读书", "pl": "Czytanie dzieciom"},
    "it-help": {"en": "Computer and phone help", "uk": "Допомога з комп’ютером і телефоном",
                "vi": "Hỗ trợ máy tính và điện thoại", "zh-hans": "电脑和手机帮助",
                "pl": "Pomoc z komputerem i telefonem"},
    "languages": {"en": "Conversation in other languages", "uk": "Розмовні клуби іншими мовами",
                  "vi": "Trò chuyện bằng ngoại ngữ", "zh-hans": "外语会话", "pl": "Rozmowy w innych językach"},
    "events": {"en": "Helping at events", "uk": "Допомога на заходах", "vi": "Hỗ trợ sự kiện",
               "zh-hans": "活动协助", "pl": "Pomoc przy wydarzeniach"},
    "shelving": {"en": "Shelving and tidying", "uk": "Розставлення книжок", "vi": "Sắp xếp sách",
                 "zh-hans": "整理书架", "pl": "Układanie książek"},
}

# (name, names, type, since, branches, offers, contact, role, phone)
PARTNERS = [
    ("Riverton Secondary School No. 3", {"uk": "Ліцей № 3", "vi": "Trường Trung học số 3"},
     PartnerKind.SCHOOL, date(2023, 9, 1), ["central", "school"],
     "Classes for library lessons; essay contest judges", "Olha Marchenko", "Deputy head", "+1 860-555-0301"),
    ("Riverton Chamber of Commerce", {"uk": "Торгова палата", "pl": "Izba Handlowa"},
     PartnerKind.BUSINESS, date(2024, 3, 15), ["central"],
     "Mentors for the business clinic; rooms for workshops", "Daniel Kowalski", "Programme manager",
     "+1 860-555-0302"),
    ("New Neighbours Welcome Centre", {"uk": "Центр «Нові сусіди»", "vi": "Trung tâm Chào đón Hàng xóm Mới"},
     PartnerKind.NGO, date(2025, 1, 20), ["riverside", "north"],
     "Legal and housing advice for newcomers; interpreters", "Nguyễn Thị Mai", "Coordinator", "+1 860-555-0303"),
    ("Riverton Public Employment Office", {"uk": "Центр зайнятості", "pl": "Urząd Pracy"},
     PartnerKind.GOVERNMENT, date(2024, 10, 1), ["central", "north"],
     "Job fairs, CV workshops, referrals of job seekers", "Peter Lang", "Careers adviser", "+1 860-555-0304"),
    ("Riverton History Museum", {"uk": "Історичний музей", "zh-hans": "河镇历史博物馆"},
     PartnerKind.CULTURAL, date(2025, 6, 1), ["central"],
     "Exhibitions and talks; objects for reading activities", "Anna Wiśniewska", "Educator", "+1 860-555-0305"),
    ("Riverside Bakery", {"vi": "Tiệm bánh Ven sông"}, PartnerKind.BUSINESS, date(2026, 2, 1), ["riverside"],
     "Snacks for the summer reading celebration", "Tom Baker", "Owner", "+1 860-555-0306"),
    ("Radio Riverton", {"uk": "Радіо Рівертон"}, PartnerKind.MEDIA, date(2026, 4, 10), ["central"],
     "A weekly book slot on the morning show", "Li Wei", "Producer", "+1 860-555-0307"),
]

# (partner index, days ago, kind, branch, description, value)
ACTIVITIES = [
    (0, 400, ActivityKind.PROJECT, "school", "Essay contest on local history", None),
    (0, 120, ActivityKind.PROJECT, "school", "Library lessons for all year-7 classes", None),
    (1, 300, ActivityKind.SERVICE, "central", "Business plan workshop series", None),
    (1, 60, ActivityKind.DONATION, "central", "Two laptops for the business corner", Decimal("1400.00")),
    (3, 200, ActivityKind.SERVICE, "central", "Job fair in the events hall", None),
    (3, 30, ActivityKind.SERVICE, "north", "CV clinic, monthly", None),
    (4, 90, ActivityKind.PROMOTION, "central", "Joint exhibition of old town maps", None),
    (5, 150, ActivityKind.DONATION, "riverside", "Pastries for the summer reading celebration",
     Decimal("180.00")),
    (6, 45, ActivityKind.PROMOTION, None, "Book recommendations on the morning show", None),
]

# (partner index, days ago, direction, branch, reason, outcome)
REFERRALS = [
    (2, 80, Direction.TO_PARTNER, "riverside", "Newcomer family needs help with school enrolment",
     ReferralOutcome.HELPED),
    (2, 20, Direction.FROM_PARTNER, "riverside", "Language learning materials and conversation club",
     ReferralOutcome.HELPED),
    (3, 50, Direction.FROM_PARTNER, "central", "Job seeker needs computer access and CV help",
     ReferralOutcome.HELPED),
    (3, 10, Direction.TO_PARTNER, "north", "Looking for retraining courses", ReferralOutcome.OPEN),
    (1, 5, Direction.TO_PARTNER, "central", "Wants to register a small business", ReferralOutcome.OPEN),
]

# (name, language, branches, skills, days, availability, consent)
VOLUNTEERS = [
    ("Hanna Petrenko", "uk", ["central"], ["reading", "events"], [1, 3, 5], "after 16:00", True),
    ("Tran Van Minh", "vi", ["riverside"], ["it-help", "languages"], [2, 5], "mornings", True),
    ("Zofia Nowak", "pl", ["central", "north"], ["languages", "events"], [4, 5], "", True),
    ("Wang Fang", "zh-hans", ["school"], ["reading", "shelving"], [0, 1, 2, 3, 4], "school hours", True),
    ("Sam Carter", "en", ["north"], ["shelving"], [], "", False),
]

# (branch, title, days ahead, hour, hours, capacity)
SHIFTS = [
    ("central", "Story time helper", 3, 10, 2, 2),
    ("central", "Business clinic welcome desk", 5, 14, 3, 1),
    ("riverside", "Digital help drop-in", 4, 10, 2, 2),
    ("north", "Book sale", 9, 11, 4, 3),
]

# (branch, topic, order, title, titles, url)
LINKS = [
    ("central", Topic.JOBS, 1, "Job search and vacancies", {"uk": "Пошук роботи та вакансії",
     "vi": "Tìm việc và tuyển dụng", "pl": "Szukanie pracy i oferty"}, "https://www.careeronestop.org/"),
    ("central", Topic.CAREER, 1, "Free online courses", {"uk": "Безкоштовні онлайн-курси",
     "vi": "Khóa học trực tuyến miễn phí", "zh-hans": "免费在线课程"}, "https://www.edx.org/"),
    ("central", Topic.START, 1, "Starting a small business", {"uk": "Як почати власну справу",
     "vi": "Khởi nghiệp kinh doanh nhỏ", "pl": "Zakładanie małej firmy"}, "https://www.sba.gov/business-guide"),
    ("central", Topic.FUNDING, 1, "Grants and microloans", {"uk": "Гранти та мікропозики",
     "pl": "Dotacje i mikropożyczki"}, "https://www.grants.gov/"),
    ("central", Topic.MARKETS, 1, "Company and market research", {"uk": "Дослідження компаній і ринків",
     "vi": "Nghiên cứu thị trường"}, "https://www.census.gov/data.html"),
    ("riverside", Topic.JOBS, 1, "Job search and vacancies", {"vi": "Tìm việc và tuyển dụng"},
     "https://www.careeronestop.org/"),
    ("riverside", Topic.LEGAL, 1, "Work permits and rights at work", {"uk": "Дозволи на роботу та трудові права",
     "vi": "Giấy phép lao động và quyền lợi"}, "https://www.dol.gov/general/topic/workersrights"),
]

# (kind, name, organisation, partner index, topics, expertise, languages, branches, preference, consent)
MENTORS = [
    (MentorKind.MENTOR, "Iryna Koval", "Koval Accounting", 1, [Topic.START, Topic.LEGAL],
     "Registering a business, bookkeeping and taxes", "Ukrainian, English", ["central"],
     ContactPreference.EMAIL, True),
    (MentorKind.MENTOR, "Marek Zieliński", "", None, [Topic.CAREER, Topic.JOBS],
     "Career change into IT; CVs and interviews", "Polish, English", ["central", "north"],
     ContactPreference.LIBRARY, True),
    (MentorKind.BUSINESS, "Pho Riverside", "Pho Riverside restaurant", None, [Topic.START],
     "Opening a restaurant; food licences", "Vietnamese, English", ["riverside"],
     ContactPreference.PHONE, True),
    (MentorKind.MENTOR, "Chen Jing", "", None, [Topic.FUNDING, Topic.MARKETS],
     "Grant applications and market research", "Chinese, English", ["central"],
     ContactPreference.ANY, True),
    (MentorKind.MENTOR, "Robert Hale", "Hale Legal", None, [Topic.LEGAL],
     "Contracts for small firms (not yet agreed to be listed)", "English", ["central"],
     ContactPreference.LIBRARY, False),
]


@transaction.atomic
def load_demo_community(network: Network, *, at: datetime) -> list[str]:
    """Add the demo partners (with contacts, agreements, joint activities and referrals),
    skills, volunteers with shifts and hours, career links and mentors to `network`, and one
    mentoring request. Returns what was added, for the log."""
    branches = {b.code: b for b in Branch.objects.filter(network=network)}
    if not branches:
        return []
    staff = User.objects.filter(role__in=[Role.ADMINISTRATOR, Role.NETWORK_MANAGER]).first()
    # What librarians do on the staff screens is done as the demo's librarian.
    actor = Actor.for_staff(staff) if staff is not None else Actor.system("demo")
    today = timezone.localdate(at)
    added: list[str] = []

    skills = {}
    for code, names in SKILLS.items():
        found = Skill.objects.filter(code=code).first()
        skills[code] = found or volunteers.save_skill(
            Skill(code=code, name=names["en"], names=names), actor=Actor.system("demo"), at=at
        )
        if found is None:
            added.append(f"skill {code}")

    demo_partners = []
    for name, names, kind, since, codes, offers, contact, role, phone in PARTNERS:
        partner = Partner.objects.filter(network=network, name=name).first()
        if partner is None:
            partner = partners.save_partner(
                None, network=network, actor=actor, at=at,
                details=partners.PartnerDetails(
                    name=name, names=names, kind=kind, since=since, offers=offers,
                    branches=[branches[c] for c in codes if c in branches],
                ),
            )
            partners.save_contact(None, partner=partner, name=contact, role=role, phone=phone,
                                  is_primary=True, actor=actor, at=at)
            partners.save_agreement(
                None, partner=partner, title="Memorandum of cooperation", signed_on=since,
                starts_on=since, ends_on=date(since.year + 3, since.month, 1), actor=actor, at=at,
            )
            added.append(f"partner {name}")
        demo_partners.append(partner)

    if not partners_have_history(demo_partners):
        for index, days, activity_kind, branch_code, description, value in ACTIVITIES:
            partners.record_activity(
                partner=demo_partners[index], kind=activity_kind, on=today - timedelta(days=days),
                branch=branches.get(branch_code) if branch_code else None, description=description, value=value,
                currency="USD" if value else "", actor=actor, at=at,
            )
        for index, days, direction, code, reason, outcome in REFERRALS:
            if code not in branches:
                continue
            referral = partners.log_referral(
                partner=demo_partners[index], branch=branches[code], direction=direction,
                on=today - timedelta(days=days), reason=reason, actor=actor, at=at,
            )
            if outcome != ReferralOutcome.OPEN:
                partners.set_referral_outcome(referral, outcome=outcome, actor=actor, at=at)
        added.append("joint activities and referrals")

    added += _volunteers(network, branches, skills, actor=actor, at=at)
    added += _career(network, branches, demo_partners, actor=actor, at=at)
    return added


def partners_have_history(demo_partners: list[Partner]) -> bool:
    return any(p.activities.exists() or p.referrals.exists() for p in demo_partners)


def _volunteers(network: Network, branches: dict[str, Branch], skills: dict[str, Skill], *,
                actor: Actor, at: datetime) -> list[str]:
    added = []
    people = []
    for name, language, codes, skill_codes, days, availability, consent in VOLUNTEERS:
        volunteer = Volunteer.objects.filter(network=network, name=name).first()
        chosen = [branches[c] for c in codes if c in branches]
        if volunteer is None and chosen:
            volunteer = volunteers.register_volunteer(
                network=network, consent=consent, actor=actor, at=at,
                details=volunteers.VolunteerDetails(
                    name=name, language=language, branches=chosen,
                    skills=[skills[s] for s in skill_codes], available_days=days,
                    availability=availability,
                ),
            )
            added.append(f"volunteer {name}")
        people.append(volunteer)
    if Shift.objects.filter(branch__in=branches.values()).exists():
        return added
    tz = timezone.get_current_timezone()
    today = timezone.localdate(at)
    for code, title, days_ahead, hour, hours, capacity in SHIFTS:
        if code not in branches:
            continue
        start = datetime.combine(today + timedelta(days=days_ahead), time(hour), tzinfo=tz)
        shift = volunteers.save_shift(None, branch=branches[code], title=title, starts_at=start,
                                      ends_at=start + timedelta(hours=hours), capacity=capacity,
                                      actor=actor, at=at)
        for volunteer in people:
            if volunteer is not None and volunteer.has_consented and shift.branch in volunteer.branches.all():
                volunteers.sign_up(shift, volunteer=volunteer, actor=actor, at=at)
                break
        added.append(f"shift {code} {title}")
    # Past hours: most confirmed, the last week's waiting for a librarian.
    for week in range(1, 27):
        for volunteer in people:
            if volunteer is None or not volunteer.has_consented:
                continue
            branch = cast(Branch, volunteer.branches.first())  # registered with a branch at least
            entry = volunteers.log_hours(
                volunteer=volunteer, branch=branch, on=timezone.localdate(at) - timedelta(weeks=week, days=1),
                minutes=90 + 30 * (week % 3), description="Weekly help", actor=actor, at=at,
            )
            if week > 1 and actor.is_staff:
                volunteers.confirm_hours(entry, actor=actor, at=at)
    added.append("volunteer hours for half a year")
    return added


def _career(network: Network, branches: dict[str, Branch], demo_partners: list[Partner], *,
            actor: Actor, at: datetime) -> list[str]:
    added = []
    for code, topic, order, title, titles, url in LINKS:
        branch = branches.get(code)
        if branch is None or CareerResource.objects.filter(branch=branch, url=url).exists():
            continue
        career.save_resource(None, branch=branch, actor=actor, at=at, details=career.ResourceDetails(
            topic=topic, title=title, titles=titles, url=url, sort_order=order))
        added.append(f"career link {code} {title}")
    mentors = []
    for kind, name, organisation, partner, topics, expertise, languages, codes, preference, consent in MENTORS:
        mentor = Mentor.objects.filter(network=network, name=name).first()
        if mentor is None:
            slug = slugify(name).replace("-", ".")
            mentor = career.save_mentor(
                None, network=network, public_consent=consent, actor=actor, at=at,
                details=career.MentorDetails(
                    kind=kind, name=name, organisation=organisation,
                    partner=demo_partners[partner] if partner is not None else None,
                    topics=list(topics), expertise=expertise, languages=languages,
                    branches=[branches[c] for c in codes if c in branches],
                    # Reserved example addresses and numbers: the demo must not reach real people.
                    email=f"{slug}@example.org", phone="+1 860-555-0400",
                    contact_preference=preference,
                ),
            )
            added.append(f"mentor {name}")
        mentors.append(mentor)
    if "central" in branches and actor.is_staff and not mentors[0].requests.exists():
        with transaction.atomic():
            request = career.request_mentoring(
                branch=branches["central"], topic=Topic.START, name="Demo visitor",
                email="visitor@example.org", language="uk",
                message="I would like to open a small bakery and need help with the paperwork.",
                wished_mentor=mentors[0], actor=Actor.for_public(), at=at, notify=False,
            )
            start = datetime.combine(timezone.localdate(at) + timedelta(days=6), time(15),
                                     tzinfo=timezone.get_current_timezone())
            career.match_request(request, mentor=mentors[0], appointment_at=start, actor=actor, at=at,
                                 notify=False)
        added.append("mentoring request")
    return added
