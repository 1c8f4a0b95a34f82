"""The patron's pages under /suggest/: "suggest we buy this" (from an empty search or a
title's page in the catalogue, or the portal) and the list of their suggestions with
where each stands. Suggesting needs the patron signed in: they are told of each step."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bibliohub.catalog.models import Record
from bibliohub.demand import selectors, services
from bibliohub.demand.errors import DemandRefused
from bibliohub.demand.forms import SuggestionForm
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron
from bibliohub.portal.session import patron_required
from bibliohub.web.forms import show_refusal


def _record(request: HttpRequest) -> Record | None:
    given = request.POST.get("record") or request.GET.get("record") or ""
    return Record.objects.filter(pk=int(given)).first() if given.isdigit() else None


@patron_required
def suggest(request: HttpRequest, patron: Patron) -> HttpResponse:
    branches = Branch.objects.filter(network_id=patron.network_id, is_active=True).order_by(
        "-is_central", "sort_order", "name"
    )
    record = _record(request)
    initial = {
        "title": request.GET.get("title", "")[:500] or (record.title if record else ""),
        "author": request.GET.get("author", "")[:300]
        or (record.authors[0] if record is not None and record.authors else ""),
        "isbn": request.GET.get("isbn", "")[:20],
        "branch": patron.home_branch_id,
        "wants_hold": True,
    }
    form = SuggestionForm(request.POST or None, branches=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.suggest(
                branch=d["branch"], title=d["title"], author=d["author"], isbn=d["isbn"],
                format=d["format"], language=d["language"], reason=d["reason"],
                wants_hold=d["wants_hold"], patron=patron, record=record,
                actor=Actor.for_patron(patron), at=timezone.now(),
            )
        except DemandRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request, _("Thank you: we have your suggestion and will tell you what we decide.")
            )
            return redirect("demand:mine")
    return render(request, "demand/suggest.html", {
        "form": form, "record": record, "section": "suggestions", "patron": patron,
    })


@patron_required
def mine(request: HttpRequest, patron: Patron) -> HttpResponse:
    return render(request, "demand/mine.html", {
        "suggestions": selectors.suggestions_of(patron)[:200], "section": "suggestions",
        "patron": patron,
    })
