"""Built-in templates to start a programme from, in the shape of the plans our users wrote:

- `city_one_year`: a city library system's one-year development programme (the Lutsk
  programme: its rows, where each is carried out and what it should achieve, its monitoring
  tools and its six strategic indicators), in Ukrainian, with English;
- `strategic_five_priorities`: a several-year strategic plan of five priorities with four
  goals each (West Hartford's 2024–2028 plan, as written in Vietnamese), with English;
- `school_term`: a school library's term plan with monthly tasks from September to January
  and its targets (at least 2 loans per student per term, at least 40 opening hours a week),
  in Chinese, with English.

A template is data: texts in its language with their translations, and when each action
happens as months counted from the programme's start (a span from one month to another, or
the months of a monthly schedule). `services.programmes.start_from_blueprint` turns one into
a draft programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from dateutil.relativedelta import relativedelta
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bibliohub.planning.models import Funding, MeasurePeriod, Trend


@dataclass(frozen=True)
class T:
    """A text in the template's language, with its translations."""

    text: str
    translations: dict[str, str] = field(default_factory=dict)

    def format(self, **values: object) -> T:
        return T(
            self.text.format(**values),
            {k: v.format(**values) for k, v in self.translations.items()},
        )


def en(text: str, english: str) -> T:
    return T(text, {"en": english})


class Place(Enum):
    """Where an action is carried out."""

    COORDINATED_ALL = "coordinated_all"  # coordinated by the central library, in every branch
    ALL = "all"  # in every branch
    CENTRAL = "central"  # at the central library
    THIS_BRANCH = "this_branch"  # at the programme's branch


COORDINATED = {Place.COORDINATED_ALL, Place.CENTRAL}
EVERY_BRANCH = {Place.COORDINATED_ALL, Place.ALL}


@dataclass(frozen=True)
class ActionPlan:
    title: T
    expected_result: T = T("")
    place: Place = Place.COORDINATED_ALL
    indicators: tuple[str, ...] = ()
    # From the start of one month to the end of another, counted from the programme's first
    # month (0); or the months of a monthly schedule.
    span: tuple[int, int] | None = None
    months: tuple[int, ...] = ()
    funding: str = ""


@dataclass(frozen=True)
class MeasurePlan:
    label: T
    indicators: tuple[str, ...]
    trend: Trend
    target: Decimal | None = None
    period: MeasurePeriod = MeasurePeriod.YEAR


@dataclass(frozen=True)
class GoalPlan:
    title: T
    actions: tuple[ActionPlan, ...] = ()
    measures: tuple[MeasurePlan, ...] = ()


@dataclass(frozen=True)
class DirectionPlan:
    title: T
    goals: tuple[GoalPlan, ...]
    description: T = T("")


@dataclass(frozen=True)
class Blueprint:
    code: str
    name: Promise
    description: Promise
    language: str
    months: int  # how long a programme of this shape runs
    for_branch: bool  # a branch's programme (a school library) rather than the network's
    title: T  # {year} and {end}: the years it starts and ends in
    summary: T
    directions: tuple[DirectionPlan, ...]
    measures: tuple[MeasurePlan, ...] = ()
    first_month: int = 1  # the month a programme of this shape usually starts

    def ends_on(self, starts_on: date) -> date:
        return starts_on + relativedelta(months=self.months, days=-1)

    def usual_start(self, today: date) -> date:
        """The start of the next programme of this shape on `today`: the current year's (or
        term's) if it has not ended, else the next."""
        start = date(today.year, self.first_month, 1)
        if start > today:
            start = date(today.year - 1, self.first_month, 1)
        if self.ends_on(start) < today:
            start += relativedelta(years=1)
        return start

    def titled(self, starts_on: date) -> tuple[T, T]:
        """The title and summary of a programme starting on `starts_on`."""
        ends_on = self.ends_on(starts_on)
        return self.title.format(year=starts_on.year, end=ends_on.year), self.summary


ALL_YEAR = (0, 11)

CITY_ONE_YEAR = Blueprint(
    code="city_one_year",
    name=_("One-year development programme of a city library system"),
    description=_(
        "In Ukrainian, with English: what will be done, where (the central library "
        "coordinating every branch) and with what result, the monitoring tools, and six "
        "strategic indicators, as in the Lutsk programme."
    ),
    language="uk",
    months=12,
    for_branch=False,
    title=T(
        "Програма розвитку централізованої бібліотечної системи на {year} рік",
        {
            "en": "Development programme of the city library system for {year}",
            "pl": "Program rozwoju miejskiego systemu bibliotecznego na rok {year}",
            "vi": "Chương trình phát triển hệ thống thư viện thành phố năm {year}",
            "zh-hans": "{year}年城市图书馆系统发展计划",
        },
    ),
    summary=en(
        "Сучасним людям потрібна модернізована високотехнологічна бібліотека для "
        "рівноправного, вільного та комфортного доступу до інформаційних ресурсів, місце "
        "самоосвіти та духовного розвитку, відкрите для зустрічей, центр громади та майданчик "
        "для нових ідей і проєктів. Колектив централізованої бібліотечної системи разом з "
        "користувачами прагне цих змін через стратегію розвитку бібліотечної справи в нашому "
        "місті.\n\n"
        "Склад моніторингової групи: представники управління культури міської ради, члени "
        "громадських організацій, адміністрація ЦБС, читацький актив.",
        "People today need a modernised, high-technology library for equal, free and "
        "comfortable access to information: a place to learn and grow, open for meetings, a "
        "centre of the community and a platform for new ideas and projects. The staff of the "
        "library system, together with its users, want to bring about these changes through "
        "a strategy for the libraries of our city.\n\n"
        "The monitoring group: representatives of the city council's culture department, "
        "members of civic organisations, the library system's management, active readers.",
    ),
    measures=(
        MeasurePlan(
            en("Щорічний % зменшення скарг та незадоволеного попиту користувачів",
               "Yearly % decrease in complaints and in users' unmet demand"),
            ("complaints", "refusals", "unmet_requests"), Trend.DECREASE,
        ),
        MeasurePlan(
            en("% скорочення часу опрацювання ресурсів",
               "% reduction in the time it takes to process new resources"),
            ("processing_days_median",), Trend.DECREASE,
        ),
        MeasurePlan(
            en("% оновлення книжкового фонду", "% renewal of the book collection"),
            ("collection_renewal",), Trend.INCREASE,
        ),
        MeasurePlan(
            en("% зростання користувачів електронних послуг", "% growth in e-service users"),
            ("e_service_users",), Trend.INCREASE,
        ),
        MeasurePlan(
            en("Динаміка кількісних показників учасників творчих заходів",
               "Change in the number of people taking part in creative events"),
            ("programme_attendance",), Trend.INCREASE,
        ),
        MeasurePlan(
            en("Динаміка кількості постійних користувачів та партнерів бібліотеки",
               "Change in the number of regular users and of the library's partners"),
            ("regular_users", "active_partners"), Trend.INCREASE,
        ),
    ),
    directions=(
        DirectionPlan(
            en("Бібліотека, потрібна громаді", "A library the community needs"),
            goals=(
                GoalPlan(
                    en("Знати, якою громада бачить бібліотеку",
                       "Know what the community expects of its library"),
                    actions=(
                        ActionPlan(
                            en("Інформаційний моніторинг бібліотек, збір пропозицій, якою "
                               "бачить бібліотеку громада",
                               "Information monitoring of the libraries: collecting "
                               "suggestions on what the community wants its library to be"),
                            en("Виявлення необхідних для громади послуг, виявлення прогалин у "
                               "роботі бібліотек",
                               "The services the community needs are known, and the gaps in "
                               "the libraries' work are found"),
                            indicators=("satisfaction", "unmet_requests", "complaints"),
                            span=(0, 2),
                        ),
                    ),
                ),
                GoalPlan(
                    en("Зробити бібліотеки «видимими» в суспільстві",
                       "Make the libraries visible in society"),
                    actions=(
                        ActionPlan(
                            en("Рекламно-інформаційна діяльність, активізація бібліотек у "
                               "соціальних мережах",
                               "Promotion and information work; more activity of the "
                               "libraries on social media"),
                            en("Реклама бібліотек і бібліотечних послуг, підвищення іміджу "
                               "бібліотек (що призведе до збільшення кількості користувачів)",
                               "The libraries and their services are promoted and their "
                               "image improves (which brings more users)"),
                            indicators=("new_users", "e_service_users", "media_facts"),
                            span=ALL_YEAR,
                        ),
                        ActionPlan(
                            en("Налагодження контактів, пошук волонтерів, громадських "
                               "організацій, товариств, об’єднань, зацікавлених у співпраці з "
                               "бібліотеками",
                               "Making contacts; finding volunteers, civic organisations, "
                               "societies and associations interested in working with the "
                               "libraries"),
                            en("Бібліотека стане «видимою» в суспільстві, зросте її роль у "
                               "житті громади",
                               "The library becomes visible in society and plays a bigger "
                               "part in the life of the community"),
                            indicators=("active_partners", "volunteer_hours"),
                            span=ALL_YEAR,
                        ),
                    ),
                ),
            ),
        ),
        DirectionPlan(
            en("Залучення додаткових ресурсів", "Attracting additional resources"),
            goals=(
                GoalPlan(
                    en("Залучити додаткові кошти та можливості",
                       "Attract additional money and opportunities"),
                    actions=(
                        ActionPlan(
                            en("Фандрайзингова діяльність", "Fundraising"),
                            en("Залучення додаткових коштів", "Additional money is attracted"),
                            indicators=("funds_attracted",),
                            span=ALL_YEAR,
                            funding=Funding.SPONSORSHIP,
                        ),
                        ActionPlan(
                            en("Грантова діяльність бібліотек",
                               "Grant applications by the libraries"),
                            en("Залучення додаткових коштів, матеріальних цінностей, інших "
                               "можливостей",
                               "Additional money, goods and other opportunities are "
                               "attracted"),
                            indicators=("funds_attracted", "grants_share_of_means"),
                            span=ALL_YEAR,
                            funding=Funding.GRANT,
                        ),
                    ),
                ),
            ),
        ),
        DirectionPlan(
            en("Сучасні бібліотечні послуги", "Modern library services"),
            goals=(
                GoalPlan(
                    en("Покращити матеріально-технічну базу бібліотек",
                       "Improve the libraries' equipment and premises"),
                    actions=(
                        ActionPlan(
                            en("Модернізація комп’ютерного парку та програмного "
                               "забезпечення, покращення матеріально-технічної бази "
                               "бібліотек",
                               "Modernising computers and software; improving the "
                               "libraries' equipment and premises"),
                            en("Покращення якості бібліотечних послуг (що призведе до "
                               "збільшення кількості користувачів)",
                               "Better library services (which brings more users)"),
                            place=Place.ALL,
                            indicators=("equipment_up_to_standard", "e_service_users"),
                            span=(2, 10),
                            funding=Funding.BUDGET,
                        ),
                    ),
                ),
                GoalPlan(
                    en("Розширити спектр бібліотечних послуг",
                       "Offer a wider range of library services"),
                    actions=(
                        ActionPlan(
                            en("Впровадження інноваційних послуг",
                               "Introducing innovative services"),
                            en("Розширення спектру бібліотечних послуг, збільшення "
                               "користувачів бібліотечної системи",
                               "A wider range of services and more users of the library "
                               "system"),
                            indicators=("active_users", "new_users", "e_service_users"),
                            span=ALL_YEAR,
                        ),
                    ),
                ),
                GoalPlan(
                    en("Оновити бібліотечні фонди", "Renew the libraries' collections"),
                    actions=(
                        ActionPlan(
                            en("Комплектування фондів бібліотек",
                               "Building the libraries' collections"),
                            en("Збільшення бібліотечних фондів", "Larger library collections"),
                            indicators=("collection_renewal", "processing_days_median"),
                            span=ALL_YEAR,
                            funding=Funding.BUDGET,
                        ),
                    ),
                ),
            ),
        ),
        DirectionPlan(
            en("Посилення бібліотечного менеджменту", "Stronger library management"),
            goals=(
                GoalPlan(
                    en("Оптимізувати бібліотечні процеси",
                       "Make the libraries' work more efficient"),
                    actions=(
                        ActionPlan(
                            en("Вивчення та впровадження передових практик у роботу "
                               "бібліотек (удосконалення роботи методичного відділу)",
                               "Studying and introducing best practice in the libraries' "
                               "work (a better methodological department)"),
                            en("Оптимізація бібліотечних процесів і використання трудових "
                               "ресурсів, підвищення продуктивності праці",
                               "More efficient library processes and use of staff, higher "
                               "productivity"),
                            place=Place.CENTRAL,
                            indicators=("processing_days_median", "training_hours_per_fte"),
                            span=ALL_YEAR,
                        ),
                    ),
                ),
                GoalPlan(
                    en("Вимірювати, як виконується програма",
                       "Measure how the programme is carried out"),
                    actions=(
                        ActionPlan(
                            en("Анкетування користувачів (щорічно)",
                               "User questionnaire (every year)"),
                            indicators=("satisfaction",),
                            span=(8, 9),
                        ),
                        ActionPlan(
                            en("Тематичне експрес-опитування (щоквартально)",
                               "Thematic express poll (every quarter)"),
                            indicators=("satisfaction",),
                            months=(2, 5, 8, 11),
                        ),
                        ActionPlan(
                            en("Статистика (щорічно)", "Statistics (every year)"),
                            place=Place.CENTRAL,
                            indicators=("loans", "active_users", "visits"),
                            months=(11,),
                        ),
                        ActionPlan(
                            en("Фото- та відеофакти і публікації (за рік)",
                               "Photo and video records and publications (over the year)"),
                            indicators=("media_facts",),
                            span=ALL_YEAR,
                        ),
                        ActionPlan(
                            en("Аналіз інвестицій (щорічно)",
                               "Analysis of investment (every year)"),
                            place=Place.CENTRAL,
                            indicators=("funds_attracted",),
                            months=(11,),
                        ),
                        ActionPlan(
                            en("SWOT-аналіз (щорічно): виявлення сильних і слабких сторін, "
                               "можливостей і загроз",
                               "SWOT analysis (every year): strengths, weaknesses, "
                               "opportunities and threats"),
                            place=Place.CENTRAL,
                            months=(11,),
                        ),
                    ),
                ),
            ),
        ),
    ),
)


def _goal(vi: str, english: str, *measures: MeasurePlan) -> GoalPlan:
    return GoalPlan(en(vi, english), measures=measures)


def _growth(vi: str, english: str, *codes: str) -> MeasurePlan:
    return MeasurePlan(en(vi, english), codes, Trend.INCREASE)


STRATEGIC_FIVE_PRIORITIES = Blueprint(
    code="strategic_five_priorities",
    name=_("Strategic plan over several years, five priorities"),
    description=_(
        "In Vietnamese, with English: five priorities with four goals each — access, "
        "awareness and new users, staff, collections and programmes, the building — as in "
        "West Hartford's 2024–2028 plan. Add the actions of each year under its goals."
    ),
    language="vi",
    months=60,
    for_branch=False,
    title=en(
        "Kế hoạch Phía Trước: Kế hoạch Chiến lược {year}–{end}",
        "Forward Plan: Strategic Plan {year}–{end}",
    ),
    summary=en(
        "Kế hoạch chiến lược này là lộ trình của thư viện trong những năm tới. Xây dựng dựa "
        "trên hướng dẫn của Hội đồng và nhân viên Thư viện, cùng các ý kiến đóng góp của ban "
        "lãnh đạo Thành phố và các thành viên trong cộng đồng, các sáng kiến dưới đây là lĩnh "
        "vực trọng tâm để đổi mới và cải tiến thư viện.\n\n"
        "Nhiệm vụ của chúng ta: Chào mừng tất cả quý vị! Thư viện là nơi hội tụ con người, "
        "thông tin, tài nguyên và ý tưởng để làm phong phú thêm cuộc sống và củng cố cộng "
        "đồng đa dạng của chúng ta.\n\n"
        "Tầm nhìn của chúng tôi: Thư viện sẽ là trung tâm đọc sách, học tập, sáng tạo và tôn "
        "vinh văn hóa; nơi mọi người đều có cơ hội theo đuổi sở thích của bản thân, kết nối "
        "với cộng đồng, và tiếp nhận các ý tưởng và thông tin một cách tự do.",
        "This strategic plan is the library's road map for the years ahead. Built on the "
        "guidance of the Library Board and staff and on the advice of the town's leaders and "
        "members of the community, the initiatives below are where the library will innovate "
        "and improve.\n\n"
        "Our mission: All are welcome! The library brings together people, information, "
        "resources and ideas to enrich lives and strengthen our diverse community.\n\n"
        "Our vision: The library will be a centre for reading, learning, creating and "
        "celebrating culture; a place where everyone can pursue their interests, connect "
        "with the community, and meet ideas and information freely.",
    ),
    directions=(
        DirectionPlan(
            en("Mở rộng Tiếp cận vào Tài nguyên Thư viện", "Expand access to library resources"),
            goals=(
                _goal("Kéo dài giờ phục vụ công chúng", "Extend public service hours",
                      _growth("Số giờ mở cửa phục vụ công chúng mỗi năm",
                              "Public service hours a year", "opening_hours_year")),
                _goal("Xây dựng chương trình sử dụng tài liệu điện tử",
                      "Build an e-materials programme",
                      _growth("Lượt mượn tài liệu điện tử", "E-loans", "e_loans")),
                _goal("Nâng cao trải nghiệm của người đọc khi sử dụng công nghệ thư viện",
                      "Improve patrons' experience of the library's technology",
                      _growth("Người dùng dịch vụ trực tuyến", "E-service users",
                              "e_service_users")),
                _goal("Mở rộng dịch vụ thư viện sang các ngôn ngữ khác ngoài tiếng Anh",
                      "Extend library services to languages other than English",
                      _growth("Lượt mượn tài liệu bằng các ngôn ngữ khác ngoài tiếng Anh",
                              "Loans of materials in languages other than English", "loans")),
            ),
        ),
        DirectionPlan(
            en("Nâng cao Nhận thức đối với Dịch vụ Thư viện và Tiếp cận Người dùng Mới",
               "Raise awareness of library services and reach new users"),
            goals=(
                _goal("Tăng cường truyền thông về các tài nguyên hiện có",
                      "Communicate better about the resources we have"),
                _goal("Mở rộng sự hiện diện của thư viện trong cộng đồng ngoài các không gian "
                      "thư viện",
                      "Extend the library's presence in the community beyond its buildings",
                      _growth("Người tham dự chương trình", "Attendance at programmes",
                              "programme_attendance")),
                _goal("Phát triển và mở rộng hợp tác/đối tác với các tổ chức trong khu vực",
                      "Develop and extend partnerships with local organisations",
                      _growth("Đối tác đang hoạt động", "Active partners", "active_partners")),
                _goal("Tăng cường nỗ lực tiếp cận để thu hút người dùng mới",
                      "Step up outreach to attract new users",
                      _growth("Người dùng mới", "New users", "new_users")),
            ),
        ),
        DirectionPlan(
            en("Hỗ trợ Tất cả Nhân viên, Khích lệ Họ Phát triển Chuyên môn và Cá nhân để Phục "
               "vụ Cộng đồng Tốt hơn",
               "Support all staff and encourage their professional and personal growth, to "
               "serve the community better"),
            goals=(
                _goal("Tập trung tuyển dụng những nhân viên thể hiện được sự đa dạng của cộng "
                      "đồng nơi chúng ta phục vụ",
                      "Recruit staff who reflect the diversity of the community we serve"),
                _goal("Tạo và cải thiện cơ cấu nhân viên để xây dựng một đội ngũ nhân viên gắn "
                      "kết, thống nhất và cung cấp cơ hội phát triển nghề nghiệp",
                      "Create and improve the staff structure, for a cohesive, united team "
                      "with chances to grow in their careers"),
                _goal("Cung cấp nguồn lực và hỗ trợ cho đào tạo và phát triển nhân viên",
                      "Provide resources and support for staff training and development",
                      _growth("Giờ đào tạo trên mỗi nhân viên toàn thời gian",
                              "Training hours per full-time member of staff",
                              "training_hours_per_fte")),
                _goal("Xây dựng năng lực cho đội ngũ nhân viên để thích ứng với những tình "
                      "huống bất ngờ",
                      "Build the staff's ability to adapt to the unexpected"),
            ),
        ),
        DirectionPlan(
            en("Xây dựng các Bộ sưu tập và Chương trình Đáp ứng và Toàn diện Hơn",
               "Build more responsive and inclusive collections and programmes"),
            goals=(
                _goal("Phát triển các bộ sưu tập phản ánh cộng đồng, sở thích cũng như nhu cầu "
                      "của cộng đồng tốt hơn",
                      "Develop collections that better reflect the community, its interests "
                      "and its needs",
                      _growth("Tỷ lệ đổi mới bộ sưu tập", "Collection renewal",
                              "collection_renewal")),
                _goal("Mở rộng chương trình trực tiếp và trực tuyến nhằm đáp ứng các nhu cầu "
                      "truy cập và sở thích của người dùng",
                      "Expand in-person and online programmes to meet users' access needs "
                      "and interests",
                      _growth("Số chương trình", "Programmes held", "programmes")),
                _goal("Tăng các bộ sưu tập và dịch vụ bằng ngôn ngữ thế giới",
                      "More collections and services in world languages"),
                _goal("Phát triển các chương trình gắn kết được các độ tuổi và phân khúc cộng "
                      "đồng khác nhau",
                      "Develop programmes that bring together different ages and parts of the "
                      "community"),
            ),
        ),
        DirectionPlan(
            en("Nâng cao Trải nghiệm tại Tòa nhà Thư viện cho mọi Loại Người dùng",
               "Improve the building experience for every kind of user"),
            goals=(
                _goal("Tạo không gian thân thiện, tiện dụng, và tập trung vào trải nghiệm người "
                      "dùng",
                      "Create welcoming, convenient spaces centred on the user's experience",
                      _growth("Mức độ hài lòng", "Satisfaction", "satisfaction")),
                _goal("Cải thiện khả năng tiếp cận tòa nhà cho mọi người",
                      "Make the buildings accessible to everyone"),
                _goal("Cung cấp không gian linh hoạt cho cá nhân và nhóm nhỏ",
                      "Provide flexible spaces for individuals and small groups",
                      _growth("Lượt khách đến thư viện", "Visits", "visits")),
                _goal("Nâng cao sự thoải mái của chỗ ngồi và không gian tại thư viện",
                      "Make seating and spaces in the library more comfortable"),
            ),
        ),
    ),
)


TERM = (0, 4)

SCHOOL_TERM = Blueprint(
    code="school_term",
    name=_("School library term plan, month by month"),
    description=_(
        "In Chinese, with English: a school library's tasks for each month from September "
        "to January, with its targets — at least 2 loans per student per term, at least 40 "
        "opening hours a week — as in the Chinese school library plans."
    ),
    language="zh-hans",
    months=5,
    for_branch=True,
    first_month=9,
    title=en(
        "{year}—{end}学年第一学期图书馆工作计划",
        "Library work plan, first term of the {year}–{end} school year",
    ),
    summary=en(
        "学校图书馆是传播科学文化知识、培养创新人才的重要平台。图书馆管理人员应当树立“以人为本”"
        "的服务理念，以“积极服务”为目标，在学校领导和教师的指导下，认真落实教育部门的相关规定，"
        "充分发挥图书馆对素质教育的支撑作用。",
        "The school library spreads knowledge and helps creative young people grow. Its "
        "staff put people first and aim to serve actively: guided by the school's leaders "
        "and teachers, they follow the education authority's rules, so that the library "
        "supports the school's all-round education.",
    ),
    measures=(
        MeasurePlan(
            en("硬件设施达标率不低于95%", "At least 95% of the equipment up to standard"),
            ("equipment_up_to_standard",), Trend.AT_LEAST, Decimal("95"), MeasurePeriod.YEAR,
        ),
    ),
    directions=(
        DirectionPlan(
            en("加强图书管理，提升图书的利用效率",
                "Manage the collection well and make more use of it"),
            goals=(
                GoalPlan(
                    en("改革借书机制，激励学生的阅读热情",
                        "Change how students borrow, to make them keen to read"),
                    measures=(
                        MeasurePlan(
                            en("本学期平均借书量达到2册以上", "At least 2 loans per student this term"),
                            ("loans_per_student_term",), Trend.AT_LEAST, Decimal("2"),
                            MeasurePeriod.TERM,
                        ),
                    ),
                    actions=(
                        ActionPlan(
                            en("尽快完成新生和新教师的登记发证工作",
                                "Register new students and teachers and issue their cards "
                                "quickly"),
                            en("新生和新教师及时借阅", "New students and teachers can borrow at once"),
                            place=Place.THIS_BRANCH, indicators=("new_users",), months=(0,),
                        ),
                        ActionPlan(
                            en("每日11:30至12:30为学生借还书时间",
                                "Borrowing and returns for students every day from 11:30 to "
                                "12:30"),
                            place=Place.THIS_BRANCH, indicators=("loans_per_student_term",),
                            months=(0, 1, 2, 3),
                        ),
                        ActionPlan(
                            en("组织全校师生归还所借图书",
                                "Have every student and teacher return what they borrowed"),
                            place=Place.THIS_BRANCH, indicators=("loans",), months=(4,),
                        ),
                        ActionPlan(
                            en("收回不同类型的借阅书籍和杂志",
                                "Collect the books and magazines of every kind that are on "
                                "loan"),
                            place=Place.THIS_BRANCH, months=(4,),
                        ),
                    ),
                ),
                GoalPlan(
                    en("确保开放时间", "Keep the library open"),
                    measures=(
                        MeasurePlan(
                            en("每周开放40小时以上", "Open at least 40 hours a week"),
                            ("opening_hours_week",), Trend.AT_LEAST, Decimal("40"),
                            MeasurePeriod.TERM,
                        ),
                    ),
                    actions=(
                        ActionPlan(
                            en("教师阅览室全天开放，工具书仅限馆内使用",
                                "The teachers' reading room is open all day; reference books "
                                "are for use in the library only"),
                            place=Place.THIS_BRANCH, indicators=("opening_hours_week",),
                            months=(1, 2, 3),
                        ),
                        ActionPlan(
                            en("每周记录教师的阅览情况",
                                "Record the teachers' use of the reading room every week"),
                            place=Place.THIS_BRANCH, indicators=("visits",), months=(1,),
                        ),
                    ),
                ),
                GoalPlan(
                    en("及时完成新书的整理工作", "Process new books promptly"),
                    measures=(
                        MeasurePlan(
                            en("新书从到馆到上架的天数",
                                "Days from a new book's arrival to the shelf"),
                            ("processing_days_median",), Trend.DECREASE,
                        ),
                    ),
                    actions=(
                        ActionPlan(
                            en("整理图书，制作书目，方便师生借阅",
                                "Sort the books and list them, so that students and teachers "
                                "can borrow easily"),
                            place=Place.THIS_BRANCH, indicators=("processing_days_median",),
                            months=(0,),
                        ),
                    ),
                ),
            ),
        ),
        DirectionPlan(
            en("开展多样化的读书活动，激发学生的阅读兴趣",
                "Hold all kinds of reading activities that make students want to read"),
            goals=(
                GoalPlan(
                    en("开展丰富的读者活动，鼓励读者充分利用馆内资源",
                        "Run many activities that bring readers to use the library fully"),
                    measures=(
                        MeasurePlan(
                            en("每月组织一次特色小活动", "One small special activity every month"),
                            ("programmes",), Trend.AT_LEAST, Decimal("1"), MeasurePeriod.MONTH,
                        ),
                    ),
                    actions=(
                        ActionPlan(
                            en("对新生进行图书借阅知识的讲座，帮助他们了解图书馆",
                                "A talk for new students on how to borrow, so that they get "
                                "to know the library"),
                            place=Place.THIS_BRANCH, indicators=("programme_attendance",),
                            months=(0,),
                        ),
                        ActionPlan(
                            en("组织主题读书活动和征文比赛",
                                "Themed reading activities and an essay contest"),
                            en("促进学生的阅读参与感", "Students take part in reading"),
                            place=Place.THIS_BRANCH,
                            indicators=("programmes", "programme_attendance"), months=(2,),
                        ),
                        ActionPlan(
                            en("组织班级阅览活动，利用捐赠的新书进行阅读教育",
                                "Class reading sessions with the newly donated books"),
                            place=Place.THIS_BRANCH, indicators=("programme_attendance",),
                            months=(3,),
                        ),
                        ActionPlan(
                            en("定期向学生推荐有益的书籍与新书",
                                "Recommend good books and new arrivals to students "
                                "regularly"),
                            place=Place.THIS_BRANCH, indicators=("loans",), months=(0, 1, 2, 3),
                        ),
                    ),
                ),
            ),
        ),
        DirectionPlan(
            en("加强馆藏建设", "Build up the collection"),
            goals=(
                GoalPlan(
                    en("优化藏书结构，满足不同年级学生的需求",
                        "Shape the collection to the needs of every year group"),
                    measures=(
                        MeasurePlan(
                            en("藏书更新率", "Collection renewal"),
                            ("collection_renewal",), Trend.INCREASE,
                        ),
                    ),
                    actions=(
                        ActionPlan(
                            en("更新陈旧的教科研书籍，增加适合低年级学生的拼音读物",
                                "Replace outdated teaching and research books; add pinyin "
                                "readers for the youngest students"),
                            place=Place.THIS_BRANCH, indicators=("collection_renewal",),
                            span=TERM, funding=Funding.BUDGET,
                        ),
                        ActionPlan(
                            en("根据教学需要，及时为教师和学生提供所需资料",
                                "Provide teachers and students with the materials their "
                                "teaching needs, when they need them"),
                            place=Place.THIS_BRANCH, months=(2,),
                        ),
                    ),
                ),
            ),
        ),
        DirectionPlan(
            en("强化科学管理，提升馆员素养", "Manage well and build the staff's skills"),
            goals=(
                GoalPlan(
                    en("征集读者反馈，不断改进工作", "Ask readers what they think and keep improving"),
                    measures=(
                        MeasurePlan(
                            en("确保无投诉", "No complaints"),
                            ("complaints",), Trend.AT_MOST, Decimal("0"), MeasurePeriod.TERM,
                        ),
                    ),
                    actions=(
                        ActionPlan(
                            en("通过问卷调查和评议箱收集对图书馆工作的意见",
                                "Collect opinions on the library's work by questionnaire and "
                                "suggestion box"),
                            place=Place.THIS_BRANCH, indicators=("satisfaction", "complaints"),
                            months=(2,),
                        ),
                    ),
                ),
                GoalPlan(
                    en("鼓励馆员继续教育，每年撰写一篇以上的学术论文",
                        "Encourage the staff's continuing education: at least one paper each "
                        "a year"),
                    actions=(
                        ActionPlan(
                            en("认真研读《中小学图书馆（室）规程》等业务书籍",
                                "Study the Regulations for primary and secondary school "
                                "libraries and other professional reading"),
                            place=Place.THIS_BRANCH, indicators=("training_hours_per_fte",),
                            months=(0, 1),
                        ),
                        ActionPlan(
                            en("总结学期的工作开展情况", "Write the summary of the term's work"),
                            place=Place.THIS_BRANCH, months=(4,),
                        ),
                    ),
                ),
            ),
        ),
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {
    b.code: b for b in (CITY_ONE_YEAR, STRATEGIC_FIVE_PRIORITIES, SCHOOL_TERM)
}


def get(code: str) -> Blueprint:
    """The template `code`; KeyError for an unknown one."""
    return BLUEPRINTS[code]


def every() -> list[Blueprint]:
    return list(BLUEPRINTS.values())
