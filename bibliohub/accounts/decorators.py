"""The gate in front of every staff screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from bibliohub.accounts.access import can_view_plans, is_staff_user
from bibliohub.accounts.models import User

View = Callable[..., HttpResponseBase]


class HtmxHttpRequest(HttpRequest):
    """A request as views see it: HtmxMiddleware (see settings) has given it `htmx`. For
    annotations only."""

    htmx: HtmxDetails


class StaffRequest(HtmxHttpRequest):
    """The request of a view behind `staff_required`: its user is a member of staff. For
    annotations only."""

    user: User


def staff_required(view: View) -> View:
    """Anonymous visitors go to the login page; a logged-in account without a staff role
    gets the friendly 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not is_staff_user(request.user):
            raise PermissionDenied(_("These pages are for library staff."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def plan_reader_required(view: View) -> View:
    """For the screens of programmes and SWOT analyses that the monitoring group reads too:
    staff and members of the monitoring group pass; anonymous visitors go to the login page;
    any other account gets the 403 page. What each may read is checked by the view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if not can_view_plans(request.user):
            raise PermissionDenied(_("These pages are for library staff and the monitoring group."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)
