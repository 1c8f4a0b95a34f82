"""A few complaints, suggestions and thanks in the demo network, in the readers' languages,
answered in time or late, so that the complaints' indicators show something. Added once: a
network that has any is left alone."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from bibliohub.accounts.models import User
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.listening import services
from bibliohub.listening.models import Feedback, FeedbackChannel

# branch, kind, topic, language, text, days ago received, days to answer (None: open), answer
ITEMS = (
    ("central", "complaint", "opening_hours", "vi",
     "Thư viện nên mở cửa vào Chủ nhật.", 60, 10,
     "Từ tháng sau, thư viện trung tâm mở cửa Chủ nhật từ 10 đến 16 giờ."),
    ("central", "complaint", "building", "uk", "Ліфт знову не працює.", 45, 35,
     "Ліфт відремонтовано; вибачте, що так довго."),
    ("north", "complaint", "service", "pl", "Długo czekałam przy ladzie.", 30, 5,
     "W godzinach szczytu otwieramy teraz drugie stanowisko."),
    ("riverside", "complaint", "collection", "en", "Too few large-print books.", 20, None, ""),
    ("school", "suggestion", "collection", "zh-hans", "希望多买一些科幻小说。", 15, 4,
     "谢谢！我们已订购了十本科幻小说。"),
    ("central", "thanks", "staff", "en", "Thank you for the story time!", 10, 1,
     "Thank you: we have passed it on to the team."),
)


def load_demo_feedback(network: Network, *, at: datetime) -> list[str]:
    if Feedback.objects.filter(network=network).exists():
        return []
    branches = {b.code: b for b in Branch.objects.filter(network=network)}
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return []
    staff = Actor.for_staff(admin)
    added = 0
    with transaction.atomic():
        for code, kind, topic, language, text, days_ago, answer_days, reply in ITEMS:
            if code not in branches:
                continue
            received = at - timedelta(days=days_ago)
            item = services.submit(
                branch=branches[code], kind=kind, topic=topic, text=text,
                channel=FeedbackChannel.FORM, language=language, actor=Actor.for_public(),
                at=received,
            )
            if answer_days is not None:
                services.answer(item, text=reply, actor=staff,
                                at=received + timedelta(days=answer_days))
            added += 1
    return [f"{added} complaints, suggestions and thanks"]
