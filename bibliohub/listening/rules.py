"""Pure rules: when an answer is due, whether a file may be attached."""

from __future__ import annotations

from datetime import datetime, timedelta

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
