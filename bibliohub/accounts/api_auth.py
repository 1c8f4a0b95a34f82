"""How staff authenticate to the REST API: in the browser, with the session they signed in
with (and Django's CSRF token for anything that changes something); from a script, with a
token of their own in an `Authorization: Bearer …` header (`bibliohub api-token`). Either
way the API acts as that member of staff, with her role and branches (accounts.access)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from bibliohub.accounts.access import is_staff_user
from bibliohub.accounts.models import ApiToken, User
from bibliohub.accounts.services import token_digest

# A token's last use is noted at most this often (not a write per request).
_NOTE_USE_EVERY = timedelta(minutes=10)


class StaffSession(SessionAuth):
    """A member of staff signed in to the staff screens."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if is_staff_user(user) else None


class StaffToken(HttpBearer):
    """A member of staff's API token, not revoked, of an active staff account."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(token), revoked_at__isnull=True)
            .first()
        )
        if found is None or not is_staff_user(found.user):
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > _NOTE_USE_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


STAFF = [StaffToken(), StaffSession()]
