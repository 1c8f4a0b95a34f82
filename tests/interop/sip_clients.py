"""Two ways to talk to the server in tests: the PyPI Sip2 client (a real self-check client)
and a raw socket for what no well-behaved client sends. Every response is also decoded by
pysip2, strictly."""

from __future__ import annotations

import socket
from pathlib import Path

from pysip2.codec import decode_message
from Sip2.sip2 import Sip2


def strict(response: str | bytes):
    """pysip2's reading of a response (it raises on any width, field or checksum error)."""
    frame = response.encode() if isinstance(response, str) else response
    return decode_message(frame, encoding="utf-8").message


def sip2_client(port: int, log_dir: Path) -> Sip2:
    client = Sip2()
    client.hostName = "127.0.0.1"
    client.hostPort = port
    client.tlsEnable = False
    client.socketTimeout = 5
    client.logfile_path = str(log_dir)
    client.institutionId = "central"
    client.scLocation = "Entrance hall"
    client.connect()
    return client


class RawClient:
    """Sends bytes, reads one CR-terminated frame back."""

    def __init__(self, port: int, *, receive_buffer: int | None = None) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        if receive_buffer is not None:  # before connecting, or the window has grown already
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.connect(("127.0.0.1", port))
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read(self) -> bytes:
        while b"\r" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        frame, _, self.buffer = self.buffer.partition(b"\r")
        return frame + b"\r"

    def closed(self) -> bool:
        try:
            return self.sock.recv(1) == b""
        except TimeoutError:
            return False

    def close(self) -> None:
        self.sock.close()
