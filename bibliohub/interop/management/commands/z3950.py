"""`bibliohub z3950 [--host 127.0.0.1] [--port 2100] [--log FILE]`: answer Z39.50 searches of
the catalogue (copy cataloguing in Koha, Evergreen, MarcEdit) until interrupted."""

from __future__ import annotations

import signal
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bibliohub.interop.z3950.server import ResponderError, running


class Command(BaseCommand):
    help = "Serve Z39.50 (Type-1 queries with Bib-1 attributes; USMARC and MARCXML records)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=2100)
        parser.add_argument("--log", default="", metavar="FILE", help="YAZ's log of requests (default: none).")

    def handle(self, *args, **options) -> None:
        # SIGTERM (systemd, docker stop) ends the block below like Ctrl-C, stopping the responder.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            with running(options["host"], options["port"], log_file=options["log"]) as process:
                self.stderr.write(f"Z39.50 on {options['host']}:{options['port']}")
                status = process.wait()
            # Only a signal ends this command on purpose; the responder stopping is a failure.
            raise CommandError(f"the Z39.50 responder stopped (exit status {status}); see its --log")
        except ResponderError as error:
            raise CommandError(str(error)) from error
        except KeyboardInterrupt:
            pass
