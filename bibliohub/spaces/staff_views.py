"""Staff screens under /staff/spaces/: the bookings of one's branches (with approval,
check-in, return and cancellation), a day of every room, booking for anyone, exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.history import Actor
from bibliohub.patrons.selectors import patron_by_card
from bibliohub.spaces import export, selectors, services
from bibliohub.spaces.errors import BookingRefused, InvalidOperation
from bibliohub.spaces.forms import BookingFilterForm, ResourceForm, RuleForm, StaffBookingForm
from bibliohub.spaces.models import Booking, Resource

# Lists on screen stop here; the export has every row.
SCREEN_ROWS = 500


@staff_required
def booking_list(request: StaffRequest) -> HttpResponse:
    branches = list(access.branches_for(request.user))
    form = BookingFilterForm(request.GET or None, branches=branches)
    today = timezone.localdate()
    filters: selectors.BookingFilters = {"start": today, "end": today + timedelta(days=13)}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "branch": next((b for b in branches if b.code == data["branch"]), None),
            "start": data["start"] or (None if data["end"] else today),
            "end": data["end"],
            "status": data["status"] or None,
            "kind": data["kind"] or None,
        }
    bookings = selectors.bookings_for_staff(request.user, **filters)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        name = f"bookings-{today:%Y%m%d}.{fmt}"
        if fmt == "csv":
            response = HttpResponse(export.to_csv(bookings), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                export.to_xlsx(bookings),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    rows = list(bookings[: SCREEN_ROWS + 1])
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "spaces/staff/bookings.html", {
        "form": form,
        "bookings": rows[:SCREEN_ROWS],
        "more": len(rows) > SCREEN_ROWS,
        "waiting": selectors.waiting_for_approval(request.user).count(),
        "query": query.urlencode(),
    })


@staff_required
def day(request: StaffRequest) -> HttpResponse:
    """Every room and piece of equipment of one branch on one day, with its bookings."""
    branches = list(access.branches_for(request.user))
    branch = next((b for b in branches if b.code == request.GET.get("branch")), None)
    branch = branch or (branches[0] if branches else None)
    the_day = parse_date(request.GET.get("date") or "") or timezone.localdate()
    resources = list(selectors.staff_resources(request.user, branch=branch)) if branch else []
    views = selectors.day_view(resources, the_day, at=timezone.now(), with_bookings=True)
    return render(request, "spaces/staff/day.html", {
        "branches": branches, "branch": branch, "day": the_day, "views": views,
        "previous_day": the_day - timedelta(days=1), "next_day": the_day + timedelta(days=1),
    })


@staff_required
def book(request: StaffRequest, pk: int) -> HttpResponse:
    """Book a room or equipment for a patron (by card) or an outside group."""
    resource = get_object_or_404(Resource.objects.select_related("branch"), pk=pk, is_active=True)
    access.require_branch(request.user, resource.branch)
    initial = {"day": parse_date(request.GET.get("date") or "") or timezone.localdate()}
    form = StaffBookingForm(request.POST or None, initial=initial)
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patron = None
        if data["card"].strip():
            patron = patron_by_card(data["card"].strip(), network=resource.branch.network_id)
            if patron is None:
                form.add_error("card", _("No patron has this card number."))
        if not form.errors:
            start, end = form.times()
            try:
                services.book(
                    resource=resource, start=start, end=end, at=timezone.now(), patron=patron,
                    group_name=data["group_name"], contact_name=data["contact_name"],
                    contact_email=data["contact_email"], contact_phone=data["contact_phone"],
                    language=data["language"], attendees=data["attendees"],
                    purpose=data["purpose"], actor=Actor.for_staff(request.user),
                    override=data["override"],
                )
            except BookingRefused as refused:
                refusal = refused
            else:
                messages.success(request, pgettext("room booking", "Booked."))
                return redirect(f"{_day_url(resource)}&date={start.date():%Y-%m-%d}")
    return render(request, "spaces/staff/book.html", {
        "resource": resource, "form": form, "refusal": refusal,
    })


ACTIONS: dict[str, tuple[Callable[..., Booking], str]] = {
    "approve": (services.approve, _("Approved.")),
    "check-in": (services.check_in, _("Checked in.")),
    "returned": (services.mark_returned, _("Marked as returned.")),
    "cancel": (services.cancel, _("Cancelled.")),
}


@staff_required
@require_POST
def act(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("resource__branch"), pk=pk)
    access.require_branch(request.user, booking.resource.branch)
    now = timezone.now()
    actor = Actor.for_staff(request.user)
    try:
        if action == "decline":
            services.decline(booking, actor=actor, at=now, note=request.POST.get("note", ""))
            done = _("Declined.")
        elif action in ACTIONS:
            service, done = ACTIONS[action]
            service(booking, actor=actor, at=now)
        else:
            return HttpResponse(status=404)
    except InvalidOperation:
        messages.error(request, _("This cannot be done to the booking in its present state."))
    else:
        messages.success(request, str(done))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("staff:spaces:bookings")


def _day_url(resource: Resource) -> str:
    return f"{reverse('staff:spaces:day')}?branch={resource.branch.code}"


@staff_required
def resource_list(request: StaffRequest) -> HttpResponse:
    resources = (
        Resource.objects.filter(branch__in=access.branches_for(request.user))
        .select_related("branch", "resource_type", "rule")
        .order_by("branch__sort_order", "branch__code", "kind", "sort_order", "code")
    )
    return render(request, "spaces/staff/resources.html", {"resources": resources})


@staff_required
def resource_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    """Add or change a room or piece of equipment of one's branches, and its own booking
    rules (when it should not follow its type's)."""
    branches = access.branches_for(request.user)
    resource = None
    if pk is not None:
        resource = get_object_or_404(Resource.objects.select_related("branch"), pk=pk)
        access.require_branch(request.user, resource.branch)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource, branches=branches)
    own_rule = getattr(resource, "rule", None) if resource else None
    rule_form = RuleForm(request.POST or None, instance=own_rule, prefix="rule")
    wants_own_rule = request.POST.get("own_rule") == "on" if request.method == "POST" else own_rule is not None
    if request.method == "POST" and form.is_valid() and (not wants_own_rule or rule_form.is_valid()):
        now = timezone.now()
        actor = Actor.for_staff(request.user)
        access.require_branch(request.user, form.cleaned_data["branch"])
        saved = services.save_resource(
            form.save(commit=False), features=list(form.cleaned_data["features"]),
            actor=actor, at=now,
        )
        if wants_own_rule:
            rule = rule_form.save(commit=False)
            rule.resource, rule.kind = saved, saved.kind
            services.save_rule(rule, actor=actor, at=now)
        elif own_rule is not None:
            services.remove_rule(own_rule, actor=actor, at=now)
        messages.success(request, _("Saved."))
        return redirect("staff:spaces:resources")
    return render(request, "spaces/staff/resource_form.html", {
        "form": form, "rule_form": rule_form, "resource": resource, "own_rule": wants_own_rule,
    })
