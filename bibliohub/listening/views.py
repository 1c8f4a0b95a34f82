"""Public pages under /feedback/: the form for complaints, suggestions and thanks (anyone,
no account needed), the page that gives the number, and "you said, we did"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.listening import selectors, services
from bibliohub.listening.errors import FeedbackRefused
from bibliohub.listening.forms import PublicFeedbackForm
from bibliohub.listening.models import FeedbackChannel
from bibliohub.portal.session import client_address, current_patron
from bibliohub.web.forms import show_refusal


def feedback(request: HttpRequest) -> HttpResponse:
    """The form; a message sent is given its number at once (shown on the next page)."""
    branches = Branch.objects.filter(is_active=True).order_by("-is_central", "sort_order", "name")
    patron = current_patron(request)
    initial: dict[str, str] = {"language": (get_language() or "en").lower()}
    if patron is not None:
        initial |= {"contact_name": patron.full_name, "contact_email": patron.email,
                    "language": patron.language}
    form = PublicFeedbackForm(
        request.POST or None, request.FILES or None, branches=branches, initial=initial,
    )
    if request.method == "POST" and form.is_spam:
        # Tell a robot nothing: it looks as if the message went through.
        request.session["feedback_number"] = ""
        return redirect("listening:received")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        # Signed in and not anonymous: the item is the patron's (in their data export).
        signed = any(d[f].strip() for f in ("contact_name", "contact_email", "contact_phone"))
        try:
            item = services.submit(
                branch=d["branch"], kind=d["kind"], topic=d["topic"], text=d["text"],
                channel=FeedbackChannel.FORM, language=d["language"],
                contact_name=d["contact_name"], contact_email=d["contact_email"],
                contact_phone=d["contact_phone"], attachment=d["attachment"],
                place=client_address(request) or "unknown", patron=patron,
                actor=(Actor.for_patron(patron) if patron is not None and signed
                       else Actor.for_public()),
                at=timezone.now(),
            )
        except FeedbackRefused as refused:
            show_refusal(form, refused)
        else:
            request.session["feedback_number"] = item.number
            request.session["feedback_email"] = bool(item.contact_email)
            return redirect("listening:received")
    return render(request, "listening/feedback.html", {"form": form})


def received(request: HttpRequest) -> HttpResponse:
    return render(request, "listening/received.html", {
        "number": request.session.get("feedback_number"),
        "mailed": request.session.get("feedback_email", False),
    })


def you_said_we_did(request: HttpRequest) -> HttpResponse:
    """The summaries the library chose to publish, and nothing else of the items."""
    return render(request, "listening/you_said_we_did.html", {
        "items": selectors.published()[:200],
    })
