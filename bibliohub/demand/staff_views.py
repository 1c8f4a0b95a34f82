"""Staff screens under /staff/demand/: the list of one's branches' purchase suggestions, a
suggestion's page with the steps of handling it, the desk forms (a suggestion; a title asked
for and not held) and the unmet-demand report per branch and period."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.catalog.models import Record
from bibliohub.demand import export, selectors, services
from bibliohub.demand.errors import DemandRefused
from bibliohub.demand.forms import (
    DeclineForm,
    DeskSuggestionForm,
    FilterForm,
    ReceiveForm,
    ReportForm,
    TitleRequestForm,
)
from bibliohub.demand.models import NEXT_STATES, DemandSource, Suggestion
from bibliohub.history import Actor
from bibliohub.patrons.models import Patron
from bibliohub.patrons.selectors import patron_by_card
from bibliohub.web.forms import show_refusal
from bibliohub.web.spreadsheets import download

SCREEN_ROWS = 500


@staff_required
def suggestion_list(request: StaffRequest) -> HttpResponse:
    branches = list(access.branches_for(request.user))
    form = FilterForm(request.GET or None, branches=branches)
    filters: dict[str, object] = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {
            "branch": next((b for b in branches if b.code == d["branch"]), None),
            "state": d["state"] or None,
            "text": d["text"],
            "since": d["since"],
            "until": d["until"],
        }
    found = selectors.suggestions_for_staff(request.user, **filters)  # type: ignore[arg-type]
    fmt = request.GET.get("format")
    now = timezone.now()
    if fmt in {"csv", "xlsx"}:
        return download(export.TABLE, found, fmt=fmt, filename=f"suggestions-{now:%Y%m%d}")
    rows = list(found[: SCREEN_ROWS + 1])
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "demand/staff/list.html", {
        "form": form, "suggestions": rows[:SCREEN_ROWS], "more": len(rows) > SCREEN_ROWS,
        "query": query.urlencode(),
    })


def _patron(
    form: DeskSuggestionForm | TitleRequestForm, network_id: int
) -> tuple[bool, Patron | None]:
    """The patron of the card typed, if any; (False, None) when no patron holds it."""
    card = form.cleaned_data["card"].strip()
    if not card:
        return True, None
    patron = patron_by_card(card, network=network_id)
    if patron is None:
        form.add_error("card", _("No patron has this card."))
        return False, None
    return True, patron


@staff_required
def desk_suggestion(request: StaffRequest) -> HttpResponse:
    """Take a suggestion at the desk: a patron's (by card), or the staff's own."""
    form = DeskSuggestionForm(
        request.POST or None, branches=access.branches_for(request.user),
        initial={"branch": request.session.get("desk_branch")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        found, patron = _patron(form, d["branch"].network_id)
        if found:
            try:
                suggestion = services.suggest(
                    branch=d["branch"], title=d["title"], author=d["author"], isbn=d["isbn"],
                    format=d["format"], language=d["language"], reason=d["reason"],
                    wants_hold=d["wants_hold"], patron=patron,
                    actor=Actor.for_staff(request.user), at=timezone.now(),
                )
            except DemandRefused as refused:
                show_refusal(form, refused)
            else:
                messages.success(request, _("Suggestion recorded."))
                return redirect("staff:demand:detail", pk=suggestion.pk)
    return render(request, "demand/staff/new.html", {"form": form})


@staff_required
def desk_request(request: StaffRequest) -> HttpResponse:
    """Record a title asked for at the desk that the library does not have."""
    form = TitleRequestForm(
        request.POST or None, branches=access.branches_for(request.user),
        initial={"branch": request.session.get("desk_branch")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        found, patron = _patron(form, d["branch"].network_id)
        if found:
            try:
                services.request_title(
                    branch=d["branch"], isbn=d["isbn"], title=d["title"], author=d["author"],
                    subject=d["subject"], patron=patron, actor=Actor.for_staff(request.user),
                    at=timezone.now(),
                )
            except DemandRefused as refused:
                show_refusal(form, refused)
            else:
                messages.success(request, _("Request recorded: it counts as unmet demand."))
                return redirect("staff:demand:request")
    return render(request, "demand/staff/request.html", {"form": form})


def _page(request: StaffRequest, suggestion: Suggestion, *, status: int = 200,
          **forms: object) -> HttpResponse:
    context = {
        "suggestion": suggestion,
        "next_states": NEXT_STATES[suggestion.state],
        "decline_form": DeclineForm(),
        "receive_form": ReceiveForm(initial={"record": suggestion.record_id}),
    } | forms
    return render(request, "demand/staff/detail.html", context, status=status)


@staff_required
def detail(request: StaffRequest, pk: int) -> HttpResponse:
    return _page(request, selectors.suggestion_for_edit(request.user, pk))


@staff_required
@require_POST
def act(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    """One step: accept, decline, order, receive, close."""
    suggestion = selectors.suggestion_for_edit(request.user, pk)
    actor, now = Actor.for_staff(request.user), timezone.now()
    try:
        if action == "accept":
            services.accept(suggestion, actor=actor, at=now)
        elif action == "decline":
            decline_form = DeclineForm(request.POST)
            if not decline_form.is_valid():
                return _page(request, suggestion, status=400, decline_form=decline_form)
            services.decline(suggestion, reason=decline_form.cleaned_data["reason"],
                             note=decline_form.cleaned_data["note"], actor=actor, at=now)
        elif action == "order":
            services.mark_ordered(suggestion, actor=actor, at=now)
        elif action == "receive":
            receive_form = ReceiveForm(request.POST)
            record = None
            if receive_form.is_valid():
                record = Record.objects.filter(pk=receive_form.cleaned_data["record"]).first()
                if record is None:
                    receive_form.add_error("record", _("There is no title with this number."))
            if record is None:
                return _page(request, suggestion, status=400, receive_form=receive_form)
            services.receive(suggestion, record=record, actor=actor, at=now)
        elif action == "close":
            services.close(suggestion, actor=actor, at=now)
        else:
            raise Http404
    except DemandRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("staff:demand:detail", pk=suggestion.pk)
    messages.success(request, _("Saved."))
    return redirect("staff:demand:detail", pk=suggestion.pk)


@staff_required
def report(request: StaffRequest) -> HttpResponse:
    """The titles, authors and subjects most asked for and not supplied, per branch and
    period, each person counted once per title; and the searches that found nothing."""
    branches = list(access.branches_for(request.user))
    today = timezone.localdate()
    form = ReportForm(
        request.GET or {"start": date(today.year, 1, 1), "end": today}, branches=branches
    )
    context: dict[str, object] = {"form": form}
    if form.is_valid() and branches:
        d = form.cleaned_data
        chosen = [b for b in branches if not d["branch"] or b.code == d["branch"]]
        network_id = branches[0].network_id
        found = selectors.unmet_demand(
            network_id=network_id, start=d["start"], end=d["end"],
            branch_ids=[b.pk for b in chosen],
        )
        context["report"] = found
        context["sources"] = [
            (label, found.by_source[code]) for code, label in DemandSource.choices
        ]
        # Searches are nobody's and at no branch: the network's, for those who see it all.
        if len(chosen) == len(branches) and request.user.is_network_wide:
            context["searches"] = selectors.zero_result_searches(
                network_id=network_id, start=d["start"], end=d["end"]
            )
    return render(request, "demand/staff/report.html", context)
