"""Pure rules: when an answer is due, whether a file may be attached."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from bibliohub.listening.errors import FeedbackReason

# Photos and PDF documents, known by their first bytes rather than by the name sent.
SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"%PDF-": "application/pdf",
}
EXTENSIONS = {"image/jpeg": {"jpg", "jpeg"}, "image/png": {"png"}, "application/pdf": {"pdf"}}


def deadline(received_at: datetime, *, days: int) -> datetime:
    """The moment the answer is due: `days` calendar days after receipt."""
    return received_at + timedelta(days=days)


def attachment_problems(name: str, head: bytes, size: int, *, max_bytes: int) -> list[FeedbackReason]:
    """What is wrong with a file called `name`, of `size` bytes, starting with `head`."""
    problems = []
    if size > max_bytes:
        problems.append(FeedbackReason.ATTACHMENT_TOO_LARGE)
    content_type = next((t for sig, t in SIGNATURES.items() if head.startswith(sig)), None)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if content_type is None or extension not in EXTENSIONS[content_type]:
        problems.append(FeedbackReason.ATTACHMENT_TYPE)
    return problems


def days_to_answer(received_at: datetime, answered_at: datetime) -> int:
    """Calendar days from receipt to answer, in the network's time zone (0 the same day)."""
    return max((timezone.localdate(answered_at) - timezone.localdate(received_at)).days, 0)


# What the history's entries say an item was about (their `topic`), for the roll-ups to
# count by: "complaint.building" when received; when answered, also whether in time and
# the days it took, "complaint.building.late.34", so that the share answered in time and
# the median days come from the roll-ups alone.
IN_TIME, LATE = "in_time", "late"


def received_topic(kind: str, topic: str) -> str:
    return f"{kind}.{topic}"


def answered_topic(kind: str, topic: str, *, in_time: bool, days: int) -> str:
    return f"{kind}.{topic}.{IN_TIME if in_time else LATE}.{min(days, 9999)}"


def parse_topic(code: str) -> tuple[str, str, bool | None, int | None]:
    """(kind, topic, in time, days) of a recorded topic; the last two None when the entry
    did not say (a received item, or an entry recorded before answers said it)."""
    parts = code.split(".")
    kind = parts[0]
    topic = parts[1] if len(parts) > 1 else ""
    if len(parts) >= 4 and parts[3].isdigit():
        return kind, topic, parts[2] == IN_TIME, int(parts[3])
    return kind, topic, None, None
