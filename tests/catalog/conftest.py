"""Fixtures for the MARC tests: the shared test files and small records built in code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

MARC_DATA = Path(__file__).resolve().parent.parent / "data" / "marc"
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def marc_data() -> Path:
    return MARC_DATA


@pytest.fixture
def at() -> datetime:
    return AT
