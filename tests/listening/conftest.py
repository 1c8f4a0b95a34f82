"""Complaints and suggestions on top of tests/conftest.py: everything happens around AT,
Tuesday 1 December 2026 at 10:00 in Kyiv."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bibliohub.history import Actor
from bibliohub.listening import services
from bibliohub.listening.models import Feedback, FeedbackChannel

KYIV = ZoneInfo("Europe/Kyiv")
AT = datetime(2026, 12, 1, 10, 0, tzinfo=KYIV)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def submit(branch, *, email: str = "", at: datetime = AT, **given) -> Feedback:
    values = {
        "kind": "complaint", "topic": "opening_hours", "text": "Please open on Sundays.",
        "channel": FeedbackChannel.FORM, "language": "uk", "contact_email": email,
        "actor": Actor.for_public(), "at": at,
    } | given
    return services.submit(branch=branch, **values)
