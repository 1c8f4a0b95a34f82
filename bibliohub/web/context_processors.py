from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from bibliohub.accounts.access import is_monitor, is_staff_user


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "LANGUAGES": settings.LANGUAGES,
        "is_staff_user": is_staff_user(getattr(request, "user", None)),
        "is_monitor": is_monitor(getattr(request, "user", None)),
    }
