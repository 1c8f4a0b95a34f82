"""Staff screens for branches and their opening hours."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.history import Actor
from bibliohub.libraries import hours, services
from bibliohub.libraries.forms import (
    CalendarExceptionForm,
    WeeklyHoursForm,
    format_periods,
)
from bibliohub.libraries.models import Branch, CalendarException, OpeningPeriod, Weekday
from bibliohub.web.forms import show_refusal

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@staff_required
def branch_list(request: StaffRequest) -> HttpResponse:
    """Every branch with its regular week, so staff can answer "when is Riverside open?";
    the ones this user may change link to their hours."""
    branches = Branch.objects.filter(is_active=True).prefetch_related(
        Prefetch("opening_periods", queryset=OpeningPeriod.objects.order_by("weekday", "opens"))
    )
    editable = set(access.branches_for(request.user).values_list("pk", flat=True))
    rows = []
    for branch in branches:
        periods = list(branch.opening_periods.all())
        # The same sum as hours.weekly_hours, over the rows already fetched for the table.
        weekly = sum((p.closes.hour * 60 + p.closes.minute) - (p.opens.hour * 60 + p.opens.minute) for p in periods) / 60
        rows.append({
            "branch": branch,
            "editable": branch.pk in editable,
            "week": _week_rows(periods),
            "weekly_hours": weekly,
        })
    return render(request, "libraries/branch_list.html", {"rows": rows})


@staff_required
def branch_detail(request: StaffRequest, code: str) -> HttpResponse:
    branch = access.branch_for_edit(request.user, code)
    return _render_detail(request, branch)


@staff_required
@require_POST
def weekly_hours_edit(request: StaffRequest, code: str) -> HttpResponse:
    branch = access.branch_for_edit(request.user, code)
    form = WeeklyHoursForm(request.POST)
    if form.is_valid():
        try:
            services.set_weekly_hours(
                branch, week=form.week, actor=Actor.for_staff(request.user), at=timezone.now()
            )
        except services.CalendarChangeRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Opening hours saved."))
            return redirect("staff:libraries:branch", code=branch.code)
    return _render_detail(request, branch, hours_form=form, status=400)


@staff_required
@require_POST
def exception_add(request: StaffRequest, code: str) -> HttpResponse:
    branch = access.branch_for_edit(request.user, code)
    form = CalendarExceptionForm(request.POST, network_wide_allowed=access.can_manage_network(request.user))
    if form.is_valid():
        d = form.cleaned_data
        every_branch = bool(d.get("every_branch"))
        if every_branch and not access.can_manage_network(request.user):
            raise PermissionDenied(_("Only network managers can change the hours of every branch."))
        try:
            services.add_calendar_exception(
                network=branch.network, branch=None if every_branch else branch, day=d["date"],
                closed=d["kind"] == CalendarExceptionForm.CLOSED, opens=d["opens"], closes=d["closes"],
                reason=d["reason"], actor=Actor.for_staff(request.user), at=timezone.now(),
            )
        except services.CalendarChangeRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("The change for %(date)s is saved.") % {"date": d["date"].isoformat()})
            return redirect("staff:libraries:branch", code=branch.code)
    return _render_detail(request, branch, exception_form=form, status=400)


@staff_required
@require_POST
def exception_remove(request: StaffRequest, code: str, exception_id: int) -> HttpResponse:
    branch = access.branch_for_edit(request.user, code)
    exception = get_object_or_404(
        CalendarException,
        Q(branch=branch) | Q(branch__isnull=True, network_id=branch.network_id),
        pk=exception_id,
    )
    if exception.branch_id is None and not access.can_manage_network(request.user):
        raise PermissionDenied(_("Only network managers can change the hours of every branch."))
    try:
        services.remove_calendar_exception(
            exception, actor=Actor.for_staff(request.user), at=timezone.now()
        )
    except services.CalendarChangeRefused as refusal:
        for message in refusal.errors.get("", []):
            messages.error(request, message)
    else:
        messages.success(request, _("The change for %(date)s is removed.") % {"date": exception.date.isoformat()})
    return redirect("staff:libraries:branch", code=branch.code)


def _render_detail(
    request: StaffRequest,
    branch: Branch,
    *,
    hours_form: WeeklyHoursForm | None = None,
    exception_form: CalendarExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    today = timezone.localdate()
    periods = list(OpeningPeriod.objects.filter(branch=branch))
    week_start = today - timedelta(days=today.weekday())
    exceptions = (
        CalendarException.objects.filter(
            Q(branch=branch) | Q(branch__isnull=True, network_id=branch.network_id), date__gte=today
        )
        .select_related("branch")
        .order_by("date", "branch_id")[:60]
    )
    manager = access.can_manage_network(request.user)
    return render(request, "libraries/branch_detail.html", {
        "branch": branch,
        "week": _week_rows(periods),
        "weekly_hours": hours.weekly_hours(branch),
        "this_week": hours.week_schedule(branch, week_start),
        "next_week": hours.week_schedule(branch, week_start + timedelta(days=7)),
        "exceptions": [(e, e.branch_id is not None or manager) for e in exceptions],
        "hours_form": hours_form or WeeklyHoursForm(initial=WeeklyHoursForm.initial_for(periods)),
        "exception_form": exception_form or CalendarExceptionForm(network_wide_allowed=manager),
        "can_manage_network": manager,
    }, status=status)


def _week_rows(periods: list[OpeningPeriod]) -> list[tuple[StrOrPromise, str]]:
    by_day: dict[int, list] = {day: [] for day in Weekday.values}
    for p in periods:
        by_day[p.weekday].append((p.opens, p.closes))
    return [(Weekday(day).label, format_periods(sorted(ps))) for day, ps in by_day.items()]
