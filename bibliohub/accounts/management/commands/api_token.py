"""`bibliohub api-token --user NAME --name "what for"`: issue a member of staff a token for
the REST API and print it (once: only its digest is kept); `--list` shows a user's tokens,
`--revoke ID` revokes one. Run by an administrator on the server."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bibliohub.accounts.access import is_staff_user
from bibliohub.accounts.models import ApiToken, User
from bibliohub.accounts.services import issue_api_token, revoke_api_token
from bibliohub.history import Actor


class Command(BaseCommand):
    help = "Issue, list or revoke a staff member's tokens for the REST API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The staff member's user name.")
        parser.add_argument("--name", help="What the new token is for.")
        parser.add_argument("--list", action="store_true", help="List the user's tokens.")
        parser.add_argument("--revoke", type=int, metavar="ID", help="Revoke this token.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None or not is_staff_user(user):
            raise CommandError(f"no active staff member {options['user']!r}")
        actor = Actor.system("api-token")
        now = timezone.now()
        if options["list"]:
            for issued in ApiToken.objects.filter(user=user):
                state = f"revoked {issued.revoked_at:%Y-%m-%d}" if issued.revoked_at else "active"
                self.stdout.write(f"{issued.pk}\t…{issued.hint}\t{issued.name}\t{state}")
            return
        if options["revoke"] is not None:
            token = ApiToken.objects.filter(user=user, pk=options["revoke"]).first()
            if token is None:
                raise CommandError(f"{user.username} has no token {options['revoke']}")
            revoke_api_token(token, actor=actor, at=now)
            self.stdout.write(f"revoked {token.pk}")
            return
        if not (options["name"] or "").strip():
            raise CommandError("--name says what the token is for")
        _token, secret = issue_api_token(user, name=options["name"], actor=actor, at=now)
        self.stdout.write(secret)
