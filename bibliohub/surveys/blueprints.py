"""The surveys a library starts from: the annual reader questionnaire, the quarterly express
poll and event feedback, written in the network's five languages. A survey made from one is
an ordinary survey: staff change, add and remove questions as they like."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import pgettext_lazy

from bibliohub.surveys.models import QuestionKind, SurveyKind


def t(en: str, uk: str, vi: str, zh: str, pl: str) -> dict[str, str]:
    return {"en": en, "uk": uk, "vi": vi, "zh-hans": zh, "pl": pl}


def options(*labels: dict[str, str]) -> list[dict[str, Any]]:
    return [{"value": str(n), "labels": label} for n, label in enumerate(labels, start=1)]


@dataclass(frozen=True)
class Q:
    code: str
    kind: str
    text: dict[str, str]
    required: bool = False
    options: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    allow_other: bool = False
    scale: tuple[int, int] = (1, 5)
    condition: tuple[str, tuple[str, ...]] | None = None
    satisfaction: bool = False


@dataclass(frozen=True)
class Blueprint:
    code: str
    label: Any
    kind: str
    title: dict[str, str]
    intro: dict[str, str]
    questions: tuple[Q, ...]


THANKS = t(
    "Thank you! Your answers help us plan the library's work.",
    "Дякуємо! Ваші відповіді допомагають нам планувати роботу бібліотеки.",
    "Xin cảm ơn! Câu trả lời của bạn giúp thư viện lập kế hoạch hoạt động.",
    "谢谢！您的回答帮助我们规划图书馆的工作。",
    "Dziękujemy! Wasze odpowiedzi pomagają nam planować pracę biblioteki.",
)

SATISFIED = Q(
    "satisfaction", QuestionKind.RATING,
    t("Overall, how satisfied are you with the library? (1 = not at all, 5 = very)",
      "Загалом, наскільки ви задоволені бібліотекою? (1 — зовсім ні, 5 — дуже)",
      "Nhìn chung, bạn hài lòng với thư viện đến mức nào? (1 = không hề, 5 = rất hài lòng)",
      "总体而言，您对图书馆的满意程度如何？（1 = 完全不满意，5 = 非常满意）",
      "Ogólnie, jak bardzo jesteście zadowoleni z biblioteki? (1 — wcale, 5 — bardzo)"),
    required=True, satisfaction=True,
)

ANNUAL = Blueprint(
    "annual", pgettext_lazy("survey template", "Annual reader questionnaire"),
    SurveyKind.QUESTIONNAIRE,
    t("Annual reader questionnaire", "Щорічне анкетування читачів",
      "Phiếu khảo sát bạn đọc hằng năm", "年度读者问卷", "Coroczna ankieta czytelników"),
    t("Ten minutes to tell us how the library serves you and what it should do next.",
      "Десять хвилин, щоб розповісти, як бібліотека вам служить і що їй робити далі.",
      "Mười phút để cho chúng tôi biết thư viện phục vụ bạn thế nào và nên làm gì tiếp theo.",
      "用十分钟告诉我们图书馆为您服务得如何，以及下一步应该做什么。",
      "Dziesięć minut, by powiedzieć nam, jak biblioteka wam służy i co powinna robić dalej."),
    (
        Q("visits_heading", QuestionKind.SECTION,
          t("Your visits", "Ваші відвідини", "Việc bạn đến thư viện", "您的到馆情况",
            "Wasze wizyty")),
        Q("branch", QuestionKind.BRANCH,
          t("Which library do you use most?", "Якою бібліотекою ви користуєтеся найчастіше?",
            "Bạn thường đến thư viện nào nhất?", "您最常去哪个图书馆？",
            "Z której biblioteki korzystacie najczęściej?"), required=True),
        Q("how_often", QuestionKind.SINGLE,
          t("How often do you come?", "Як часто ви приходите?", "Bạn đến thư viện bao lâu một lần?",
            "您多久来一次？", "Jak często przychodzicie?"),
          options=options(
              t("Every week", "Щотижня", "Hằng tuần", "每周", "Co tydzień"),
              t("Every month", "Щомісяця", "Hằng tháng", "每月", "Co miesiąc"),
              t("A few times a year", "Кілька разів на рік", "Vài lần một năm", "一年几次",
                "Kilka razy w roku"),
              t("This is my first time", "Уперше", "Đây là lần đầu", "这是第一次", "Pierwszy raz"),
          )),
        Q("services", QuestionKind.MULTIPLE,
          t("What do you use the library for?", "Для чого ви користуєтеся бібліотекою?",
            "Bạn dùng thư viện để làm gì?", "您使用图书馆做什么？",
            "Do czego korzystacie z biblioteki?"),
          options=options(
              t("Borrowing books", "Брати книжки", "Mượn sách", "借书", "Wypożyczanie książek"),
              t("Events and clubs", "Заходи та клуби", "Sự kiện và câu lạc bộ", "活动和俱乐部",
                "Wydarzenia i kluby"),
              t("Computers and Wi-Fi", "Комп'ютери та Wi-Fi", "Máy tính và Wi-Fi", "电脑和无线网络",
                "Komputery i Wi-Fi"),
              t("A quiet place to study", "Тихе місце для навчання", "Chỗ yên tĩnh để học",
                "安静的学习场所", "Ciche miejsce do nauki"),
              t("Activities for children", "Заняття для дітей", "Hoạt động cho trẻ em",
                "儿童活动", "Zajęcia dla dzieci"),
          ), allow_other=True),
        SATISFIED,
        Q("disappointed", QuestionKind.LONG_TEXT,
          t("We are sorry. What disappointed you?", "Нам шкода. Що вас розчарувало?",
            "Chúng tôi rất tiếc. Điều gì khiến bạn không hài lòng?", "很抱歉。哪些方面让您失望？",
            "Przykro nam. Co was rozczarowało?"),
          condition=("satisfaction", ("1", "2"))),
        Q("recommend", QuestionKind.RECOMMEND,
          t("How likely are you to recommend the library to a friend? (0 to 10)",
            "Наскільки ймовірно, що ви порадите бібліотеку другові? (від 0 до 10)",
            "Bạn có sẵn lòng giới thiệu thư viện cho bạn bè không? (0 đến 10)",
            "您向朋友推荐图书馆的可能性有多大？（0 到 10）",
            "Jak bardzo prawdopodobne jest, że polecicie bibliotekę znajomym? (od 0 do 10)")),
        Q("agree", QuestionKind.LIKERT,
          t("How far do you agree?", "Наскільки ви погоджуєтеся?", "Bạn đồng ý đến mức nào?",
            "您在多大程度上同意？", "Na ile się zgadzacie?"),
          rows=options(
              t("Staff are helpful", "Працівники готові допомогти", "Nhân viên nhiệt tình giúp đỡ",
                "工作人员乐于助人", "Pracownicy chętnie pomagają"),
              t("The opening hours suit me", "Години роботи мені зручні",
                "Giờ mở cửa phù hợp với tôi", "开放时间适合我", "Godziny otwarcia mi odpowiadają"),
              t("I find what I am looking for", "Я знаходжу те, що шукаю", "Tôi tìm được thứ mình cần",
                "我能找到想要的东西", "Znajduję to, czego szukam"),
          )),
        Q("better", QuestionKind.LONG_TEXT,
          t("What should we do better?", "Що нам варто робити краще?",
            "Chúng tôi nên cải thiện điều gì?", "我们应该在哪些方面做得更好？",
            "Co powinniśmy robić lepiej?")),
        Q("about_heading", QuestionKind.SECTION,
          t("About you", "Про вас", "Về bạn", "关于您", "O was")),
        Q("age", QuestionKind.AGE_BAND,
          t("How old are you?", "Скільки вам років?", "Bạn bao nhiêu tuổi?", "您的年龄是？",
            "Ile macie lat?")),
    ),
)

EXPRESS = Blueprint(
    "express", pgettext_lazy("survey template", "Quarterly express poll"), SurveyKind.EXPRESS,
    t("Express poll", "Експрес-опитування", "Thăm dò nhanh", "快速调查", "Szybka ankieta"),
    t("Three questions, one minute.", "Три запитання, одна хвилина.", "Ba câu hỏi, một phút.",
      "三个问题，一分钟。", "Trzy pytania, jedna minuta."),
    (
        SATISFIED,
        Q("more_of", QuestionKind.SINGLE,
          t("What would you like more of?", "Чого б вам хотілося більше?",
            "Bạn muốn thư viện có thêm điều gì?", "您希望增加什么？", "Czego chcielibyście więcej?"),
          options=options(
              t("New books", "Нових книжок", "Sách mới", "新书", "Nowych książek"),
              t("Events", "Заходів", "Sự kiện", "活动", "Wydarzeń"),
              t("Longer opening hours", "Довших годин роботи", "Giờ mở cửa dài hơn", "更长的开放时间",
                "Dłuższych godzin otwarcia"),
              t("E-books", "Електронних книжок", "Sách điện tử", "电子书", "E-booków"),
          ), allow_other=True, required=True),
        Q("comment", QuestionKind.SHORT_TEXT,
          t("Anything else?", "Ще щось?", "Bạn còn muốn nói gì thêm không?", "还有其他意见吗？",
            "Coś jeszcze?")),
        Q("branch", QuestionKind.BRANCH,
          t("Which library do you use most?", "Якою бібліотекою ви користуєтеся найчастіше?",
            "Bạn thường đến thư viện nào nhất?", "您最常去哪个图书馆？",
            "Z której biblioteki korzystacie najczęściej?")),
    ),
)

EVENT = Blueprint(
    "event", pgettext_lazy("survey template", "Event feedback"), SurveyKind.EVENT,
    t("How was the event?", "Як вам захід?", "Bạn thấy sự kiện thế nào?", "您觉得这次活动怎么样？",
      "Jak wam się podobało wydarzenie?"),
    t("Tell us in a minute.", "Розкажіть нам за хвилину.", "Hãy cho chúng tôi biết trong một phút.",
      "用一分钟告诉我们。", "Powiedzcie nam w minutę."),
    (
        Q("rating", QuestionKind.RATING,
          t("How did you like it? (1 = not at all, 5 = very much)",
            "Як вам сподобалося? (1 — зовсім ні, 5 — дуже)",
            "Bạn thích sự kiện đến mức nào? (1 = không hề, 5 = rất thích)",
            "您有多喜欢？（1 = 完全不喜欢，5 = 非常喜欢）",
            "Jak wam się podobało? (1 — wcale, 5 — bardzo)"), required=True, satisfaction=True),
        Q("heard", QuestionKind.SINGLE,
          t("How did you hear about it?", "Як ви про нього дізналися?",
            "Bạn biết đến sự kiện qua đâu?", "您是如何得知这次活动的？",
            "Skąd dowiedzieliście się o wydarzeniu?"),
          options=options(
              t("In the library", "У бібліотеці", "Tại thư viện", "在图书馆", "W bibliotece"),
              t("Social media", "Соціальні мережі", "Mạng xã hội", "社交媒体", "Media społecznościowe"),
              t("From friends", "Від друзів", "Từ bạn bè", "朋友介绍", "Od znajomych"),
          ), allow_other=True),
        Q("comment", QuestionKind.LONG_TEXT,
          t("What would you change?", "Що б ви змінили?", "Bạn muốn thay đổi điều gì?",
            "您想改变什么？", "Co byście zmienili?")),
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {b.code: b for b in (ANNUAL, EXPRESS, EVENT)}
