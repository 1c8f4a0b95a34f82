"""Fixtures for the MARC tests: the shared test files and small records built in code; and
Debian's yaz-ztest, the Z39.50 server copy cataloguing is tested against."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


@pytest.fixture(scope="module")
def ztest() -> Iterator[int]:
    """yaz-ztest on a free port: every search finds dummy records (Library of Congress-like
    MARC 21 in MARC-8)."""
    port = free_port()
    process = subprocess.Popen(
        ["yaz-ztest", "-l", "/dev/null", f"tcp:127.0.0.1:{port}"], stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_listening(port)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=5)
