"""The `demo` command builds its history (loans lent weeks ago, fines, holds waiting, the school
term) around the moment it runs, so the clock starts at AT for every test here and runs on."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Tuesday 24 November 2026, 10:00 in Kyiv.
AT = datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.fixture(autouse=True)
def _clock_from_at():
    with time_machine.travel(AT, tick=True):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The demo's plans attach a photo to a progress update: keep it out of var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
