"""`bibliohub z3950` as an operator runs it: a process of its own over a database, answering
yaz-client until it is told to stop (SIGTERM stops the Perl responder with it), and a
one-line reason when it cannot listen."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.catalog.conftest import free_port, wait_listening

ROOT = Path(__file__).resolve().parents[2]


def bibliohub(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bibliohub", *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs,
    )


@pytest.fixture
def database(tmp_path) -> dict[str, str]:
    env = {**os.environ, "BIBLIOHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    # Migrating a fresh database takes a while on a busy machine.
    init = bibliohub("init", env=env)
    _, errors = init.communicate(timeout=600)  # read as it runs: a full pipe would block it
    assert init.returncode == 0, errors
    return env


def test_the_command_serves_until_terminated(database, tmp_path):
    port = free_port()
    server = bibliohub("z3950", "--port", str(port), env=database)
    try:
        wait_listening(port)
        script = tmp_path / "commands"
        script.write_text(f"open tcp:127.0.0.1:{port}/Default\nfind @attr 1=4 anything\nquit\n")
        out = subprocess.run(["yaz-client", "-f", str(script)], capture_output=True, text=True, timeout=60).stdout
        assert "Number of hits: 0" in out, out
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=15) == 0
    # The responder went with it: the port is free again.
    time.sleep(0.2)
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_a_port_in_use_is_a_one_line_reason(database):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        server = bibliohub("z3950", "--port", str(port), env=database)
        _, err = server.communicate(timeout=30)
    assert server.returncode != 0
    assert b"responder" in err
