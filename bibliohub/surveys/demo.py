"""Surveys for the demo network: the annual reader questionnaire of 2025 and of 2026 (the
second compared with the first), answered by readers of every branch in the five
languages, and an express poll open now. `load_demo_surveys` is idempotent: a survey whose
address exists is left as it is. Answers go through the same services as on the website,
as the public: the questionnaires are anonymous."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from bibliohub.accounts.models import Role, User
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.surveys import services
from bibliohub.surveys.models import Channel, Survey, SurveyState

LANGUAGES = ["en", "uk", "vi", "zh-hans", "pl"]
# Who answers in which language, roughly as the demo network's readers speak.
LANGUAGE_WEIGHTS = [40, 25, 15, 10, 10]
SEED = 2027

COMMENTS = {
    "en": ["Please open on Sunday afternoons.", "More large-print books, please.",
           "The new study room is great.", "Wi-Fi is slow upstairs.",
           "More events for teenagers in the evening."],
    "uk": ["Більше сучасної української прози, будь ласка.", "Відкрийте читальну залу в неділю.",
           "Дякуємо за розмовний клуб!", "Потрібно більше розеток для ноутбуків."],
    "vi": ["Xin thêm sách tiếng Việt cho trẻ em.", "Nhân viên rất thân thiện.",
           "Mong có lớp học tiếng Anh buổi tối."],
    "zh-hans": ["希望增加中文图书。", "自习室座位不够。", "活动很好，谢谢！"],
    "pl": ["Więcej książek po polsku, proszę.", "Świetne zajęcia dla dzieci.",
           "Proszę o dłuższe godziny w soboty."],
}
OTHER = {"en": "Printing and scanning", "uk": "Друк і сканування", "vi": "In ấn",
         "zh-hans": "打印", "pl": "Drukowanie"}


def _staff() -> Actor:
    staff = User.objects.filter(role__in=[Role.ADMINISTRATOR, Role.NETWORK_MANAGER]).first()
    return Actor.for_staff(staff) if staff is not None else Actor.system("demo")


def _answers(rng: random.Random, *, language: str, branch: str, mood: float) -> dict[str, list[str]]:
    """One reader's answers to the annual questionnaire; `mood` moves the scores up."""
    satisfaction = max(1, min(5, round(rng.gauss(3.4 + mood, 0.9))))
    data: dict[str, list[str]] = {
        "q-branch": [branch],
        "q-how_often": [rng.choices(["1", "2", "3", "4"], [35, 35, 22, 8])[0]],
        "q-services": rng.sample(["1", "2", "3", "4", "5"], rng.randint(1, 3)),
        "q-satisfaction": [str(satisfaction)],
        "q-recommend": [str(max(0, min(10, satisfaction * 2 + rng.randint(-2, 1))))],
        "q-age": [rng.choices(["child", "teen", "adult", "senior"], [8, 17, 55, 20])[0]],
    }
    for row in ("1", "2", "3"):
        data[f"q-agree-{row}"] = [str(max(1, min(5, satisfaction + rng.randint(-1, 1))))]
    if rng.random() < 0.08:
        data["q-services"].append("other")
        data["q-services-other"] = [OTHER[language]]
    if satisfaction <= 2:
        data["q-disappointed"] = [rng.choice(COMMENTS[language])]
    if rng.random() < 0.35:
        data["q-better"] = [rng.choice(COMMENTS[language])]
    return {**data, **{f"{k}-shown": ["1"] for k in list(data) if k.count("-") == 1}}


def _answer(survey: Survey, data: dict[str, list[str]], *, language: str, at: datetime) -> None:
    actor = Actor.for_public()
    response = services.start_response(survey=survey, language=language, channel=Channel.WEB,
                                       actor=actor, at=at)
    services.save_answers(response, data=data, at=at)
    services.complete(response, actor=actor, at=at)


def _wave(network: Network, *, year: int, branches: list[str], previous: Survey | None,
          count: int, mood: float, rng: random.Random, at: datetime) -> Survey:
    opens = datetime(year, 11, 1, 9, tzinfo=timezone.get_current_timezone())
    closes = opens + timedelta(days=30)
    survey = services.start_from_blueprint(
        code="annual", network=network, branch=None, slug=f"annual-{year}", language="en",
        languages=LANGUAGES, opens_at=opens, closes_at=closes, previous=previous,
        actor=_staff(), at=min(at, opens - timedelta(days=7)),
    )
    services.set_state(survey, state=SurveyState.OPEN, actor=_staff(),
                       at=min(at, opens - timedelta(days=1)))
    for n in range(count):
        when = opens + timedelta(minutes=int(n * 29 * 24 * 60 / count) + rng.randint(0, 50))
        if when >= at:
            break
        language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        _answer(survey, _answers(rng, language=language, branch=rng.choice(branches), mood=mood),
                language=language, at=when)
    if closes <= at:
        services.set_state(survey, state=SurveyState.CLOSED, actor=_staff(), at=closes)
    return survey


def load_demo_surveys(network: Network, *, at: datetime) -> list[str]:
    """Add the two annual questionnaires (2025 and 2026, about 120 answers each, the second
    a little happier) and the express poll of this quarter with a few answers. Returns what
    was added, for the log."""
    branches = list(Branch.objects.filter(network=network).values_list("code", flat=True))
    if not branches:
        return []
    rng = random.Random(SEED)
    added: list[str] = []
    year = timezone.localdate(at).year
    last = Survey.objects.filter(slug=f"annual-{year - 2}").first()
    for wave_year, mood in ((year - 2, 0.0), (year - 1, 0.3)):
        found = Survey.objects.filter(slug=f"annual-{wave_year}").first()
        if found is None:
            found = _wave(network, year=wave_year, branches=branches, previous=last, count=120,
                          mood=mood, rng=rng, at=at)
            added.append(f"survey annual-{wave_year}")
        last = found
    quarter = (timezone.localdate(at).month + 2) // 3
    slug = f"express-{year}-q{quarter}"
    if not Survey.objects.filter(slug=slug).exists():
        poll = services.start_from_blueprint(
            code="express", network=network, branch=None, slug=slug, language="en",
            languages=LANGUAGES, actor=_staff(), at=at - timedelta(days=14),
        )
        services.set_state(poll, state=SurveyState.OPEN, actor=_staff(), at=at - timedelta(days=14))
        for n in range(24):
            language = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
            data = {
                "q-satisfaction": [str(rng.choices(["2", "3", "4", "5"], [1, 3, 6, 4])[0])],
                "q-more_of": [rng.choice(["1", "2", "3", "4"])],
                "q-branch": [rng.choice(branches)],
            }
            if rng.random() < 0.3:
                data["q-comment"] = [rng.choice(COMMENTS[language])]
            data.update({f"{k}-shown": ["1"] for k in list(data)})
            _answer(poll, data, language=language, at=at - timedelta(days=13, hours=-n * 12))
        added.append(f"survey {slug}")
    return added
