"""The outbox for network managers and administrators: every e-mail, filtered by state or
searched, each message as it was written, and a failed one sent again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.history import Actor
from bibliohub.mail import selectors, services
from bibliohub.mail.errors import MailRefused
from bibliohub.mail.models import Message, State

LIMIT = 200


@staff_required
def outbox(request: StaffRequest) -> HttpResponse:
    access.require_outbox(request.user)
    state = request.GET.get("state", "")
    query = request.GET.get("q", "").strip()
    found = selectors.outbox(state=state, query=query)
    return render(request, "mail/outbox.html", {
        "messages_shown": found[:LIMIT],
        "limit": LIMIT,
        "state": state if state in State.values else "",
        "query": query,
        "states": State.choices,
        "counts": selectors.counts_by_state(),
    })


@staff_required
def message(request: StaffRequest, pk: int) -> HttpResponse:
    access.require_outbox(request.user)
    found = get_object_or_404(Message, pk=pk)
    return render(request, "mail/message.html", {"message": found, "State": State})


@require_POST
@staff_required
def resend(request: StaffRequest, pk: int) -> HttpResponseRedirect:
    access.require_outbox(request.user)
    found = get_object_or_404(Message, pk=pk)
    try:
        services.resend(found, at=timezone.now(), actor=Actor.for_staff(request.user))
    except MailRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The e-mail is queued to be sent again."))
    return redirect("staff:mail:message", pk=found.pk)
