"""`bibliohub sip2 [--host 127.0.0.1] [--port 6001] [--tls-cert FILE --tls-key FILE]
[--workers N] [--threads N] [--login-timeout S] [--idle-timeout S] [--max-connections N]`:
serve SIP2 2.00 to self-check machines until interrupted."""

from __future__ import annotations

import logging
import ssl
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bibliohub.interop.sip2.server import SipServer, serve_in_processes, tls_context


class Command(BaseCommand):
    help = "Serve SIP2 to self-check machines (terminal accounts are managed in the admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=6001)
        parser.add_argument("--tls-cert", type=Path, metavar="FILE", help="PEM certificate.")
        parser.add_argument("--tls-key", type=Path, metavar="FILE", help="PEM private key.")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes serving connections (PostgreSQL only; one per core is plenty).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            help="Threads answering messages in each process, each with its own database "
            "connection (default BIBLIOHUB_SIP2_THREADS, 8).",
        )
        parser.add_argument(
            "--login-timeout",
            type=float,
            metavar="SECONDS",
            help="Close a connection that has not logged in this long after connecting "
            "(default BIBLIOHUB_SIP2_LOGIN_TIMEOUT, 60).",
        )
        parser.add_argument(
            "--idle-timeout",
            type=float,
            metavar="SECONDS",
            help="Close a logged-in connection that sends nothing for this long "
            "(default BIBLIOHUB_SIP2_IDLE_TIMEOUT, 1800).",
        )
        parser.add_argument(
            "--max-connections",
            type=int,
            metavar="N",
            help="Connections open at once in each process; more are closed at once "
            "(default BIBLIOHUB_SIP2_MAX_CONNECTIONS, 500).",
        )

    def handle(self, *args, **options) -> None:
        cert, key = options["tls_cert"], options["tls_key"]
        if bool(cert) != bool(key):
            raise CommandError("--tls-cert and --tls-key go together.")
        tls = None
        if cert:
            try:
                tls = tls_context(cert, key)
            except (OSError, ssl.SSLError) as exc:
                raise CommandError(f"cannot load the TLS certificate or key: {exc}") from exc
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be 1 or more.")
        if workers > 1 and connection.vendor == "sqlite":
            # SQLite takes one writer at a time; writers in other processes would poll for
            # the lock instead of queueing (see handlers.WRITES).
            raise CommandError("--workers above 1 needs PostgreSQL; SQLite serves from one.")
        defaults = {
            "threads": settings.SIP2_THREADS,
            "login_timeout": settings.SIP2_LOGIN_TIMEOUT,
            "idle_timeout": settings.SIP2_IDLE_TIMEOUT,
            "max_connections": settings.SIP2_MAX_CONNECTIONS,
        }
        limits = {
            f"--{name.replace('_', '-')}": default if options[name] is None else options[name]
            for name, default in defaults.items()
        }
        for option, value in limits.items():
            if value <= 0:
                raise CommandError(f"{option} must be above 0.")
        logging.getLogger("bibliohub.sip2").setLevel(logging.INFO)
        try:
            server = SipServer(
                (options["host"], options["port"]),
                tls=tls,
                threads=int(limits["--threads"]),
                login_timeout=limits["--login-timeout"],
                idle_timeout=limits["--idle-timeout"],
                max_connections=int(limits["--max-connections"]),
            )
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {options['host']}:{options['port']}: {exc}"
            ) from exc
        scheme = "SIP2 over TLS" if tls else "SIP2"
        print(f"{scheme} listening on {options['host']}:{server.port}", file=sys.stderr, flush=True)
        try:
            if workers > 1:
                serve_in_processes(server, workers)
            else:
                server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
