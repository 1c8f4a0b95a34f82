"""The gate in front of every staff screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from bibliohub.accounts.access import is_staff_user

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    """Anonymous visitors go to the login page; a logged-in account without a staff role
    gets the friendly 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not is_staff_user(request.user):
            raise PermissionDenied(_("These pages are for library staff."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)
