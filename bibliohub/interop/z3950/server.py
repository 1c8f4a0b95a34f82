"""Run the Z39.50 responder: the worker on a Unix socket in this process and the Perl
responder (one process, forking one per client) talking to it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from bibliohub.interop.z3950.worker import Worker

RESPONDER = Path(__file__).with_name("responder.pl")


class ResponderError(Exception):
    """The responder could not start (Perl or Net::Z3950::SimpleServer missing, port taken)."""


@contextmanager
def running(host: str, port: int, *, log_file: str = "") -> Iterator[subprocess.Popen]:
    """Serve Z39.50 on host:port while the block runs; yields the responder's process.
    Raises ResponderError if it does not start listening within ten seconds."""
    perl = shutil.which("perl")
    if perl is None:
        raise ResponderError("perl is not installed (scripts/setup.sh installs it)")
    # The responder cannot tell us it failed to listen, and another server answering on the
    # port would look like it listening: check the port is free first.
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise ResponderError(f"the responder cannot listen on {host}:{port}: {error.strerror or error}") from None
    directory = tempfile.mkdtemp(prefix="bibliohub-z3950-")
    path = os.path.join(directory, "worker.sock")
    worker = Worker(path)
    thread = threading.Thread(target=worker.serve_forever, name="z3950-worker", daemon=True)
    thread.start()
    arguments = [perl, str(RESPONDER), "-l", log_file or os.devnull, f"tcp:{host}:{port}"]
    errors = open(os.path.join(directory, "stderr"), "w+b")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        arguments, env={**os.environ, "BIBLIOHUB_Z3950_SOCKET": path}, stdin=subprocess.DEVNULL,
        stderr=errors,
    )
    try:
        _wait_listening(process, host, port, errors)
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        errors.close()
        worker.shutdown()
        worker.server_close()
        shutil.rmtree(directory, ignore_errors=True)


def _wait_listening(process: subprocess.Popen, host: str, port: int, errors: IO[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            errors.seek(0)
            error = errors.read().decode("utf-8", "replace")
            raise ResponderError(f"the responder stopped: {error.strip() or process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ResponderError(f"the responder did not listen on {host}:{port}")
