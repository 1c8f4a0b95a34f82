"""SIP2 checkout round trips: concurrent self-check clients against `bibliohub sip2`.

    .venv/bin/python bench/sip2.py                          # SQLite, 4 clients, 2,000 checkouts
    .venv/bin/python bench/sip2.py --clients 4 -n 4000
    url=$(scripts/pg-test-cluster.sh start /tmp/pg-bench-sip2 55448)
    .venv/bin/python bench/sip2.py --db $url                 # a fresh database in that cluster
    .venv/bin/python bench/sip2.py --db $url --workers 2     # two server processes
    .venv/bin/python bench/sip2.py --handler-ratio            # the SIP2 layer's own cost
    .venv/bin/python bench/sip2.py --pin                      # every checkout carries the PIN
    .venv/bin/python bench/sip2.py --idle 300                 # new logins beside 300 idle ones
    .venv/bin/python bench/sip2.py --idle 300 --code ../base  # the same, another checkout's server

A fresh database (SQLite in a temporary directory with the project's settings: WAL and
synchronous=FULL, so every loan is on disk when it is confirmed; or a new database in the
PostgreSQL cluster given) gets one branch, a default loan rule, one patron per client and N
items. The server runs as its own process (`python -m bibliohub sip2`), as in production;
each client logs in on its own connection and checks out its share of the items one after
another, timing each round trip from the first byte sent to the CR of the answer (checksum
and sequence number on, every answer read and checked). The first WARMUP round trips of each
client are not counted. Prints throughput, percentiles and a markdown row for
docs/performance.md.

`--idle N` times logins instead: LOGINS new connections (connect, log in, read the answer,
close) made by the clients at once, first with no other connection open, then again after N
connections have logged in and sit idle; it also reports the server's threads and memory
with them open. The terminal's password is stored with 1,000 PBKDF2 iterations instead of
Django's 1,000,000 (which take about half a second of CPU per login), so that what is timed
is the server, not the hash. `--code DIR` runs the server, and loads the data, with the code
of another checkout (e.g. a worktree of an older commit), for before/after comparisons.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

PASSWORD = "bench-terminal-password"
WARMUP = 10
SERVICE_CHECKOUTS = 200


def _fresh_postgres(url: str) -> tuple[str, str]:
    import psycopg

    name = f"bench_sip2_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PIN = "2468"


def _load(n: int, clients: int, *, pin: bool = False, cheap_terminal_hash: bool = False) -> None:
    """Schema and data, through Django in this process."""
    import django
    from django.core.management import call_command

    django.setup()
    from django.utils import timezone

    from bibliohub.catalog.models import Item, ItemType, Record
    from bibliohub.circulation.models import CirculationRule
    from bibliohub.interop.sip2.models import SelfCheckTerminal
    from bibliohub.libraries.models import Branch, Network, OpeningPeriod
    from bibliohub.patrons.models import Patron, PatronCategory, PatronStatus

    call_command("migrate", verbosity=0)
    now = timezone.now()
    network = Network.objects.create(name="Bench network")
    branch = Branch.objects.create(network=network, code="central", name="Central Library")
    # Opening hours as a real branch has them: the due date is fitted to them.
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(branch=branch, weekday=d, opens="09:00", closes="20:00") for d in range(6)
    )
    book = ItemType.objects.create(code="book", name="Book")
    category = PatronCategory.objects.create(code="adult", name="Adult")
    CirculationRule.objects.create(loan_period=21, renewals_allowed=2)
    terminal = SelfCheckTerminal(login="bench", name="Bench", branch=branch)
    terminal.set_password(PASSWORD)
    if cheap_terminal_hash:
        from django.contrib.auth.hashers import PBKDF2PasswordHasher

        hasher = PBKDF2PasswordHasher()
        terminal.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    terminal.save()
    patrons = Patron.objects.bulk_create(
        Patron(
            network=network, card_barcode=c if isinstance(c, str) else f"P{c:04d}", family_name="Reader", given_names=str(c),
            home_branch=branch, category=category, status=PatronStatus.ACTIVE,
            card_expires_on=(now + timezone.timedelta(days=365)).date(), created_at=now,
            confirmed_at=now,
        )
        for c in [*range(clients), "SERVICE"]
    )  # fmt: skip
    if pin:
        for patron in patrons:
            patron.hash_pin(PIN)
        Patron.objects.bulk_update(patrons, ["pin"])
    # A title per 20 copies, so that hold look-ups see realistic queues of copies.
    records = Record.objects.bulk_create(
        Record(marc=b"", title=f"Title {i}", created_at=now, updated_at=now)
        for i in range(n // 20 + 1)
    )
    Item.objects.bulk_create(
        (
            Item(
                record=records[i // 20], barcode=f"I{i:07d}", branch=branch, item_type=book,
                created_at=now, updated_at=now,
            )
            for i in range(n)
        ),
        batch_size=1000,
    )  # fmt: skip


def _service_alone(barcodes: list[str]) -> list[float]:
    """Seconds per call of the checkout service itself, in this process, for the same kind
    of checkout: what SIP2 adds is the difference."""
    from django.utils import timezone

    from bibliohub.catalog.models import Item
    from bibliohub.circulation import services
    from bibliohub.history import Actor
    from bibliohub.interop.sip2.models import SelfCheckTerminal
    from bibliohub.libraries.models import Branch
    from bibliohub.patrons.models import Patron

    branch = Branch.objects.get(code="central")
    terminal = SelfCheckTerminal.objects.get()
    patron = Patron.objects.select_related("category").get(card_barcode="SERVICE")
    times = []
    for i, barcode in enumerate(barcodes):
        started = time.perf_counter()
        item = Item.objects.get(barcode=barcode)
        services.checkout(
            patron=patron, item=item, branch=branch, actor=Actor.for_terminal(terminal),
            at=timezone.now(),
        )
        if i >= WARMUP:
            times.append(time.perf_counter() - started)
    return times


def _handler_ratio(first: int, rounds: int = 10, per_round: int = 100) -> tuple[float, float]:
    """Median milliseconds per checkout through the SIP2 layer in-process (decode, handler,
    encode: no network, no threads) and through the service directly, interleaved in rounds
    so that a busy machine slows both alike."""
    from django.utils import timezone

    from bibliohub.catalog.models import Item
    from bibliohub.circulation import services
    from bibliohub.history import Actor
    from bibliohub.interop.sip2 import codec, handlers
    from bibliohub.interop.sip2.models import SelfCheckTerminal
    from bibliohub.patrons.models import Patron

    session = handlers.Session(peer="bench")
    session.terminal = terminal = SelfCheckTerminal.objects.select_related("branch").get()
    branch = session.terminal.branch
    patron = Patron.objects.select_related("category").get(card_barcode="SERVICE")

    def via_sip2(i: int) -> None:
        request = codec.Checkout(
            institution_id="central", patron_identifier="P0000", item_identifier=f"I{i:07d}"
        )
        frame = codec.encode(request, sequence=i)
        reply = codec.encode(handlers.handle(session, codec.decode(frame).message), sequence=i)
        assert reply.startswith(b"121"), reply

    def direct(i: int) -> None:
        item = Item.objects.get(barcode=f"I{i:07d}")
        services.checkout(
            patron=patron, item=item, branch=branch, actor=Actor.for_terminal(terminal),
            at=timezone.now(),
        )

    runs: dict[str, list[float]] = {"sip2": [], "direct": []}
    i = first
    for _ in range(rounds):
        for name, call in (("sip2", via_sip2), ("direct", direct)):
            started = time.perf_counter()
            for _ in range(per_round):
                call(i)
                i += 1
            runs[name].append((time.perf_counter() - started) / per_round * 1000)
    return statistics.median(runs["sip2"]), statistics.median(runs["direct"])


def _start_server(env: dict[str, str], workers: int, code: Path) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [sys.executable, "-m", "bibliohub", "sip2", "--port", "0", "--workers", str(workers)],
        cwd=code, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert server.stderr is not None
    for line in server.stderr:
        if "listening on" in line:
            port = int(line.rsplit(":", 1)[1])
            # Keep draining the server's log so that it never blocks on a full pipe.
            threading.Thread(target=server.stderr.read, daemon=True).start()
            return server, port
    raise SystemExit(f"the SIP2 server did not start (exit {server.wait()})")


class Client(threading.Thread):
    def __init__(
        self, port: int, card: str, barcodes: list[str], start: threading.Barrier, *, pin: str = ""
    ):
        super().__init__(daemon=True)
        self.port, self.card, self.barcodes, self.start_barrier = port, card, barcodes, start
        self.pin = pin
        self.times: list[float] = []
        self.failures: list[str] = []

    def round_trip(self, sock: socket.socket, frame: bytes) -> tuple[bytes, float]:
        started = time.perf_counter()
        sock.sendall(frame)
        reply = b""
        while not reply.endswith(b"\r"):
            chunk = sock.recv(4096)
            if not chunk:
                raise ConnectionError("server closed the connection")
            reply += chunk
        return reply, time.perf_counter() - started

    def run(self) -> None:
        from bibliohub.interop.sip2 import codec

        with socket.create_connection(("127.0.0.1", self.port)) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            login = codec.encode(codec.Login(login_user_id="bench", login_password=PASSWORD))
            reply, _ = self.round_trip(sock, login)
            assert codec.decode(reply).message == codec.LoginResponse(ok=True), reply
            self.start_barrier.wait()
            for i, barcode in enumerate(self.barcodes):
                frame = codec.encode(
                    codec.Checkout(
                        institution_id="central", patron_identifier=self.card,
                        item_identifier=barcode, terminal_password="",
                        patron_password=self.pin or None,
                    ),
                    sequence=i,
                )  # fmt: skip
                reply, elapsed = self.round_trip(sock, frame)
                response = codec.decode(reply).message
                assert isinstance(response, codec.CheckoutResponse), reply
                if not response.ok:
                    self.failures.append(f"{barcode}: {response.screen_message}")
                if i >= WARMUP:
                    self.times.append(elapsed)


def _read_answer(sock: socket.socket) -> bytes:
    reply = b""
    while not reply.endswith(b"\r"):
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("server closed the connection")
        reply += chunk
    return reply


def _login_frame() -> bytes:
    from bibliohub.interop.sip2 import codec

    return codec.encode(codec.Login(login_user_id="bench", login_password=PASSWORD), sequence=0)


def _new_logins(port: int, logins: int, clients: int) -> tuple[float, list[float], int]:
    """Wall seconds for `logins` new connections made by `clients` threads at once, the
    seconds of each from connecting to the login answer, and how many failed (reset or
    refused by the server, or no answer within 30 s)."""
    frame = _login_frame()

    def one(_: int) -> float | None:
        started = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
                sock.sendall(frame)
                sock.settimeout(30)
                reply = _read_answer(sock)
                elapsed = time.perf_counter() - started
        except OSError:
            return None
        assert reply.startswith(b"941"), reply
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one, range(logins)))
    times = sorted(t for t in results if t is not None)
    return time.perf_counter() - started, times, len(results) - len(times)


def _open_idle(port: int, n: int) -> tuple[list[socket.socket], int]:
    """`n` connections that log in and then sit idle, as self-checks do between readers, and
    how many of them got no login answer within a minute."""
    frame = _login_frame()
    idle = [socket.create_connection(("127.0.0.1", port), timeout=120) for _ in range(n)]
    for sock in idle:
        sock.sendall(frame)
    unanswered = 0
    deadline = time.monotonic() + 60
    for sock in idle:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            assert _read_answer(sock).startswith(b"941")
        except OSError:
            unanswered += 1
    return idle, unanswered


def _server_usage(pid: int) -> tuple[int, float, float]:
    """Threads, resident MB and CPU seconds so far of the server process and its worker
    processes (Linux)."""
    threads, rss_kb, ticks = 0, 0, 0
    pending = [pid]
    while pending:
        p = pending.pop()
        status = Path(f"/proc/{p}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        threads += int(fields["Threads"])
        rss_kb += int(fields["VmRSS"].split()[0])
        stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(stat[11]) + int(stat[12])  # utime, stime
        for task in Path(f"/proc/{p}/task").iterdir():
            pending += [int(c) for c in (task / "children").read_text().split()]
    return threads, rss_kb / 1024, ticks / os.sysconf("SC_CLK_TCK")


def _idle_bench(
    port: int, server_pid: int, idle: int, logins: int, clients: int, backend: str
) -> None:
    def report(label: str, wall: float, times: list[float], failed: int) -> None:
        ms = [t * 1000 for t in times] or [float("nan")]
        p50, p95 = _percentile(ms, 50), _percentile(ms, 95)
        print(
            f"{logins} new logins from {clients} clients, {label}: {wall:.2f} s "
            f"({logins / wall:.0f}/s); each p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
            + (f"; {failed} FAILED (reset, refused or not answered)" if failed else "")
        )

    _new_logins(port, min(logins, 20), clients)  # warm-up: threads, connections, caches
    threads, rss, _cpu = _server_usage(server_pid)
    print(f"{backend}: server threads {threads}, resident {rss:.0f} MB")
    wall, times, failed = _new_logins(port, logins, clients)
    report("no other connection open", wall, times, failed)
    started = time.perf_counter()
    sockets, unanswered = _open_idle(port, idle)
    opened = time.perf_counter() - started
    try:
        threads, rss, _cpu = _server_usage(server_pid)
        print(
            f"{idle} idle connections logged in within {opened:.2f} s; server threads {threads}, "
            f"resident {rss:.0f} MB"
            + (f"; {unanswered} got NO login answer within a minute" if unanswered else "")
        )
        wall, times, failed = _new_logins(port, logins, clients)
        report(f"{idle} idle connections open", wall, times, failed)
        p95 = _percentile([t * 1000 for t in times] or [float("nan")], 95)
        print(
            f"| {logins} new logins, {clients} clients, {idle} idle connections, {backend} "
            f"| {wall:.2f} s | p95 {p95:.1f} ms | {failed} failed "
            f"| {threads} threads, {rss:.0f} MB |"
        )
    finally:
        for sock in sockets:
            sock.close()


def _percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, round(p / 100 * (len(sorted_values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="checkouts in all")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--handler-ratio",
        action="store_true",
        help="only compare the SIP2 layer in-process with the service, 1,000 checkouts each",
    )
    parser.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    parser.add_argument("--db", help="postgres://… of a throwaway cluster (default: SQLite)")
    parser.add_argument(
        "--pin", action="store_true",
        help="patrons have PINs and every checkout sends it (AD), as many self-check machines do",
    )  # fmt: skip
    parser.add_argument(
        "--idle", type=int, metavar="N",
        help="time new logins with N logged-in idle connections open (and with none), not checkouts",
    )  # fmt: skip
    parser.add_argument("--logins", type=int, default=100, help="new logins to time (--idle)")
    parser.add_argument(
        "--code", type=Path, default=ROOT,
        help="the checkout whose server is measured (default: this one)",
    )  # fmt: skip
    args = parser.parse_args()
    code = args.code.resolve()
    sys.path.insert(0, str(code))

    tmp = Path(tempfile.mkdtemp(prefix="bench-sip2-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bibliohub.settings", BIBLIOHUB_VAR_DIR=str(tmp))
    env.setdefault("BIBLIOHUB_LOG_LEVEL", "WARNING")
    pg_name = None
    if args.db:
        env["BIBLIOHUB_DATABASE_URL"], pg_name = _fresh_postgres(args.db)
    else:
        env["BIBLIOHUB_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(env)
    backend = "PostgreSQL" if args.db else "SQLite (WAL, synchronous=FULL)"
    if args.workers > 1:
        backend += f", {args.workers} server processes"
    if args.pin:
        backend += ", PIN sent with every checkout"
    if code != ROOT:
        backend += f", server from {code}"
    server = None
    try:
        if args.idle is not None:
            _load(0, 1, cheap_terminal_hash=True)
            from django.db import connections

            connections.close_all()
            server, port = _start_server(env, args.workers, code)
            _idle_bench(port, server.pid, args.idle, args.logins, args.clients, backend)
            return
        if args.handler_ratio:
            _load(2000, 1)
            sip2_ms, direct_ms = _handler_ratio(0)
            print(
                f"{backend}, in-process, median of 10 interleaved rounds of 100: through SIP2 "
                f"{sip2_ms:.1f} ms, service alone {direct_ms:.1f} ms per checkout "
                f"(ratio {sip2_ms / direct_ms:.2f})"
            )
            return
        _load(args.n + SERVICE_CHECKOUTS, args.clients, pin=args.pin)
        alone = _service_alone([f"I{i:07d}" for i in range(args.n, args.n + SERVICE_CHECKOUTS)])
        from django.db import connections

        connections.close_all()
        server, port = _start_server(env, args.workers, code)
        barrier = threading.Barrier(args.clients + 1)
        per_client = args.n // args.clients
        clients = [
            Client(
                port,
                f"P{c:04d}",
                [f"I{i:07d}" for i in range(c * per_client, (c + 1) * per_client)],
                barrier,
                pin=PIN if args.pin else "",
            )
            for c in range(args.clients)
        ]
        for client in clients:
            client.start()
        barrier.wait()
        started = time.perf_counter()
        cpu_before = _server_usage(server.pid)[2]
        for client in clients:
            client.join()
        wall = time.perf_counter() - started
        server_cpu = _server_usage(server.pid)[2] - cpu_before
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        if pg_name and args.db:
            _drop_postgres(args.db, pg_name)

    failures = [f for c in clients for f in c.failures]
    if failures:
        raise SystemExit(f"{len(failures)} checkouts refused, e.g. {failures[:3]}")
    times = sorted(t for c in clients for t in c.times)
    total = per_client * args.clients
    ms = [t * 1000 for t in times]
    throughput = total / wall
    p50, p95, p99 = (_percentile(ms, p) for p in (50, 95, 99))
    print(f"{backend}: {args.clients} clients, {total} checkouts in {wall:.2f} s")
    print(f"throughput {throughput:.0f}/s; round trip p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"p99 {p99:.1f} ms, max {ms[-1]:.1f} ms (mean {statistics.mean(ms):.1f} ms)")  # fmt: skip
    print(f"server CPU {server_cpu:.1f} s, {server_cpu / total * 1000:.2f} ms a checkout")
    alone_ms = sorted(t * 1000 for t in alone)
    a50, a95 = _percentile(alone_ms, 50), _percentile(alone_ms, 95)
    print(f"the checkout service alone, one caller in-process: p50 {a50:.1f} ms, p95 {a95:.1f} ms "
          f"({1000 / statistics.mean(alone_ms):.0f}/s)")  # fmt: skip
    print(
        f"| SIP2 checkout round trip, {args.clients} clients, {backend} | {throughput:.0f}/s "
        f"| {p95:.1f} ms | ≥ 300/s, p95 ≤ 20 ms |"
    )


if __name__ == "__main__":
    main()
