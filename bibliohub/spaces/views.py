"""OPAC pages: rooms and equipment to book, a day of free slots, booking and cancelling by a
signed-in patron."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron
from bibliohub.portal.session import current_patron
from bibliohub.spaces import rules, selectors, services
from bibliohub.spaces.errors import BookingRefused, InvalidOperation
from bibliohub.spaces.forms import PatronBookingForm
from bibliohub.spaces.models import Booking, Resource


def index(request: HttpRequest) -> HttpResponse:
    branches = list(Branch.objects.filter(is_active=True, resources__is_public=True,
                                          resources__is_active=True).distinct())
    chosen = next((b for b in branches if b.code == request.GET.get("branch")), None)
    resources = list(selectors.public_resources(branch=chosen))
    by_branch: dict[int, dict] = {}
    for r in resources:
        by_branch.setdefault(r.branch_id, {"branch": r.branch, "rooms": [], "equipment": []})
        by_branch[r.branch_id]["rooms" if r.kind == "room" else "equipment"].append(r)
    return render(request, "spaces/index.html", {
        "branches": branches, "chosen": chosen, "groups": list(by_branch.values()),
    })


def resource_day(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _public(pk)
    now = timezone.now()
    today = timezone.localdate(now)
    day = parse_date(request.GET.get("date") or "") or today
    [view] = selectors.day_view([resource], day, at=now)
    last_day = today + timedelta(days=view.rule.max_days_ahead)
    return render(request, "spaces/resource.html", {
        "resource": resource,
        "view": view,
        "day": day,
        "previous_day": day - timedelta(days=1) if day > today else None,
        "next_day": day + timedelta(days=1) if day < last_day else None,
        "patron": current_patron(request),
        "sign_in_url": _sign_in_url(request),
    })


def book(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose how long from a free slot, then book; a refusal is shown with its reasons."""
    patron = current_patron(request)
    if patron is None:
        return HttpResponseRedirect(_sign_in_url(request))
    resource = _public(pk)
    rule = rules.rule_for(resource)
    lengths = selectors.lengths(rule)
    if request.method == "POST":
        form = PatronBookingForm(request.POST, lengths=lengths)
    else:
        # Unbound, with the slot chosen as its start: a form bound to the slot alone would be
        # validated as it is shown and greet the reader with "This field is required".
        form = PatronBookingForm(initial={"start": request.GET.get("start", "")}, lengths=lengths)
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"]
        end = start + timedelta(minutes=form.cleaned_data["minutes"])
        try:
            booking = services.book(
                resource=resource, start=start, end=end, patron=patron,
                actor=Actor.for_patron(patron), at=timezone.now(),
                attendees=form.cleaned_data["attendees"], purpose=form.cleaned_data["purpose"],
            )
        except BookingRefused as refused:
            for reason in refused.reasons:
                messages.error(request, reason.message)
        else:
            if booking.status == "requested":
                messages.success(request, _("Your request is sent. Staff will confirm it."))
            else:
                messages.success(request, _("Booked. See you then!"))
            return redirect("spaces:mine")
    start = parse_datetime(request.POST.get("start") or request.GET.get("start") or "")
    if start is None or timezone.is_naive(start):
        raise Http404
    return render(request, "spaces/book.html", {
        "resource": resource, "form": form, "start": start, "patron": patron,
    })


def mine(request: HttpRequest) -> HttpResponse:
    patron = current_patron(request)
    if patron is None:
        return HttpResponseRedirect(_sign_in_url(request))
    bookings = selectors.bookings_for_patron(patron, at=timezone.now())
    return render(request, "spaces/mine.html", {"bookings": bookings, "patron": patron})


@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    patron = current_patron(request)
    if patron is None:
        return HttpResponseRedirect(_sign_in_url(request, next_url=reverse("spaces:mine")))
    booking = _own(patron, pk)
    try:
        services.cancel(booking, actor=Actor.for_patron(patron), at=timezone.now())
    except InvalidOperation:
        messages.error(request, _("This booking can no longer be cancelled online. Please call the library."))
    else:
        messages.success(request, _("The booking is cancelled."))
    return redirect("spaces:mine")


def _public(pk: int) -> Resource:
    return get_object_or_404(
        Resource.objects.select_related("branch", "resource_type"),
        pk=pk, is_public=True, is_active=True,
    )


def _own(patron: Patron, pk: int) -> Booking:
    # Another patron's booking answers 404, not 403: its existence is not theirs to know.
    return get_object_or_404(Booking, pk=pk, patron=patron)


def _sign_in_url(request: HttpRequest, *, next_url: str | None = None) -> str:
    return f"{reverse('portal:sign-in')}?{urlencode({'next': next_url or request.get_full_path()})}"

