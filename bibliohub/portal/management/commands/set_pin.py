"""`bibliohub set-pin CARD [--network ID]`: set a patron's portal PIN, read from standard input
(so it stays out of the shell history), e.g. for a patron who forgot theirs and asked at the
desk, or for the demo patrons."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bibliohub.history import Actor
from bibliohub.patrons.errors import InvalidPatronData
from bibliohub.patrons.models import Patron
from bibliohub.patrons.pins import set_pin


class Command(BaseCommand):
    help = "Set a patron's PIN for the OPAC; the PIN is read from standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("card", help="The patron's card number.")
        parser.add_argument("--network", type=int, help="The network's id, if there are several.")

    def handle(self, *args: Any, card: str, network: int | None, **options: Any) -> None:
        patrons = Patron.objects.filter(card_barcode=card.strip()).exclude(card_barcode="")
        if network is not None:
            patrons = patrons.filter(network_id=network)
        found = list(patrons[:2])
        if not found:
            raise CommandError(f"no patron has the card {card!r}")
        if len(found) > 1:
            raise CommandError(f"several networks have the card {card!r}; say which with --network")
        pin = sys.stdin.readline().rstrip("\r\n")
        try:
            # Run on the server by an administrator, whom the command does not know.
            set_pin(found[0], pin=pin, actor=Actor.system("set-pin"), at=timezone.now())
        except InvalidPatronData as error:
            raise CommandError(" ".join(error.errors["pin"])) from None
        self.stdout.write(f"PIN set for card {card}")
