"""Staff screens under /staff/feedback/: the list of one's branches' complaints,
suggestions and thanks, the desk form for spoken and paper ones, and an item's page with
the steps of handling it."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.history import Actor
from bibliohub.listening import export, selectors, services
from bibliohub.listening.errors import FeedbackRefused
from bibliohub.listening.forms import (
    AnswerForm,
    AssessForm,
    AssignForm,
    DeskFeedbackForm,
    FilterForm,
    PublishForm,
)
from bibliohub.listening.models import OPEN_STATES, Feedback
from bibliohub.web.forms import show_refusal
from bibliohub.web.spreadsheets import download

SCREEN_ROWS = 500


@staff_required
def feedback_list(request: StaffRequest) -> HttpResponse:
    branches = list(access.branches_for(request.user))
    form = FilterForm(request.GET or None, branches=branches)
    now = timezone.now()
    filters = {}
    if form.is_valid():
        d = form.cleaned_data
        filters = {
            "branch": next((b for b in branches if b.code == d["branch"]), None),
            "state": d["state"] or None,
            "kind": d["kind"] or None,
            "topic": d["topic"] or None,
            "overdue": d["overdue"],
        }
    found = selectors.feedback_for_staff(request.user, at=now, **filters)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return download(export.TABLE, found, fmt=fmt, filename=f"feedback-{now:%Y%m%d}")
    items = list(found[: SCREEN_ROWS + 1])
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "listening/staff/list.html", {
        "form": form, "items": items[:SCREEN_ROWS], "more": len(items) > SCREEN_ROWS, "now": now,
        "open_states": [str(s) for s in OPEN_STATES], "query": query.urlencode(),
    })


@staff_required
def desk_form(request: StaffRequest) -> HttpResponse:
    """Record a complaint, suggestion or thanks spoken at the desk or left on paper."""
    form = DeskFeedbackForm(
        request.POST or None, request.FILES or None, branches=access.branches_for(request.user),
        initial={"language": request.LANGUAGE_CODE, "branch": request.session.get("desk_branch")},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.submit(
                branch=d["branch"], kind=d["kind"], topic=d["topic"], text=d["text"],
                channel=d["channel"], language=d["language"], contact_name=d["contact_name"],
                contact_email=d["contact_email"], contact_phone=d["contact_phone"],
                attachment=d["attachment"], actor=Actor.for_staff(request.user),
                at=timezone.now(),
            )
        except FeedbackRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(
                request, _("Recorded as number %(number)s.") % {"number": item.number}
            )
            return redirect("staff:listening:detail", pk=item.pk)
    return render(request, "listening/staff/new.html", {"form": form})


def _forms(item: Feedback, data: dict[str, object] | None = None) -> dict[str, object]:
    return {
        "assess_form": AssessForm(initial={"topic": item.topic, "no_extra_study": item.no_extra_study}),
        "assign_form": AssignForm(
            staff=selectors.assignable(item), initial={"assignee": item.assignee_id}
        ),
        "answer_form": AnswerForm(initial={"text": item.answer}),
        "publish_form": PublishForm(
            initial={"publish": item.publish, "summary": item.public_summary}
        ),
    } | (data or {})


@staff_required
def detail(request: StaffRequest, pk: int) -> HttpResponse:
    item = selectors.feedback_for_edit(request.user, pk)
    return render(request, "listening/staff/detail.html", {"item": item, "now": timezone.now()} | _forms(item))


@staff_required
def attachment(request: StaffRequest, pk: int) -> FileResponse:
    item = selectors.feedback_for_edit(request.user, pk)
    if not item.attachment:
        raise Http404
    return FileResponse(item.attachment.open("rb"), as_attachment=True)


@staff_required
@require_POST
def act(request: StaffRequest, pk: int, action: str) -> HttpResponse:
    """One step of handling: acknowledge, assess, assign, answer, close, reopen, publish."""
    item = selectors.feedback_for_edit(request.user, pk)
    actor, now = Actor.for_staff(request.user), timezone.now()
    failed: dict[str, object] = {}
    try:
        if action == "acknowledge":
            services.acknowledge(item, actor=actor, at=now)
        elif action == "assess":
            form = AssessForm(request.POST)
            if not form.is_valid():
                failed = {"assess_form": form}
            else:
                services.assess(item, no_extra_study=form.cleaned_data["no_extra_study"],
                                topic=form.cleaned_data["topic"], actor=actor, at=now)
        elif action == "assign":
            assign_form = AssignForm(request.POST, staff=selectors.assignable(item))
            if not assign_form.is_valid():
                failed = {"assign_form": assign_form}
            else:
                services.assign(item, assignee=assign_form.cleaned_data["assignee"],
                                actor=actor, at=now)
        elif action == "answer":
            answer_form = AnswerForm(request.POST)
            if not answer_form.is_valid():
                failed = {"answer_form": answer_form}
            else:
                services.answer(item, text=answer_form.cleaned_data["text"], actor=actor, at=now)
        elif action == "close":
            services.close(item, actor=actor, at=now)
        elif action == "reopen":
            services.reopen(item, actor=actor, at=now)
        elif action == "publish":
            publish_form = PublishForm(request.POST)
            if not publish_form.is_valid():
                failed = {"publish_form": publish_form}
            else:
                try:
                    services.publish(item, publish=publish_form.cleaned_data["publish"],
                                     summary=publish_form.cleaned_data["summary"],
                                     actor=actor, at=now)
                except FeedbackRefused as refused:
                    show_refusal(publish_form, refused)
                    failed = {"publish_form": publish_form}
        else:
            raise Http404
    except FeedbackRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
        return redirect("staff:listening:detail", pk=item.pk)
    if failed:
        return render(request, "listening/staff/detail.html",
                      {"item": item, "now": now} | _forms(item, failed), status=400)
    messages.success(request, _("Saved."))
    return redirect("staff:listening:detail", pk=item.pk)
