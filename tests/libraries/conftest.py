from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine


@pytest.fixture(autouse=True)
def time_machine_at_start():
    """Screens read the clock (this week's hours, which days are still to come); pin it to
    1 December 2026 so that the dates in these tests stay in the future."""
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Kyiv")), tick=False):
        yield
