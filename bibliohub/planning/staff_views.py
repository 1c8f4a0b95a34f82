"""Staff screens under /staff/plans/: the programmes (list, a programme's page with its
directions, goals, actions and indicators, month by month for a short one), starting one
(blank, from a template or as a copy of last year's), editing every part, recording progress
with photos and files, the action list as CSV or XLSX, and the yearly SWOT analyses with
their print view.

Staff and the monitoring group read these screens (`plan_reader_required`); only staff
write (`staff_required` and the checks of planning.permissions). What the monitoring group
sees leaves out who did what and the files of updates that are not public."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, plan_reader_required, staff_required
from bibliohub.community.models import Partner
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures.wording import plan_figures
from bibliohub.planning import blueprints, codes, forms, permissions, selectors
from bibliohub.planning.errors import PlanningRefused
from bibliohub.planning.models import (
    Action,
    ActionStatus,
    Evidence,
    Goal,
    Programme,
    ProgrammeStatus,
    Quadrant,
    Swot,
)
from bibliohub.planning.services import programmes, progress, structure, swot
from bibliohub.web.forms import show_refusal
from bibliohub.web.spreadsheets import Table, download


def _actor(request: StaffRequest) -> Actor:
    return Actor.for_staff(request.user)


def _invalid(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(
    request: HttpRequest, form: Any, *, title: str, back: str, programme: Programme | None = None,
    multipart: bool = False, intro: str = "", delete: str = "",
) -> HttpResponse:
    return render(request, "planning/staff/form.html", {
        "form": form, "title": title, "back": back, "programme": programme,
        "multipart": multipart, "intro": intro, "delete": delete,
    }, status=400 if form.is_bound and form.errors else 200)


def _branches(programme: Programme) -> Any:
    return Branch.objects.filter(network=programme.network_id, is_active=True).order_by(
        "sort_order", "code"
    )


# --- programmes -------------------------------------------------------------------------------


@plan_reader_required
def programme_list(request: StaffRequest) -> HttpResponse:
    """The programmes this person may read, current ones first, with how far each has got."""
    user = request.user
    found = list(permissions.programmes_for(user).order_by("status", "-starts_on", "pk"))
    today = timezone.localdate()
    summaries = selectors.summaries(found, today=today)
    groups = [
        (status, [(p, summaries[p.pk]) for p in found if p.status == status])
        for status in (ProgrammeStatus.ADOPTED, ProgrammeStatus.DRAFT, ProgrammeStatus.CLOSED)
    ]
    return render(request, "planning/staff/list.html", {
        "groups": [(s, rows) for s, rows in groups if rows],
        "can_create": access.can_create_programmes(user),
        "today": today,
    })


@staff_required
def programme_new(request: StaffRequest) -> HttpResponse:
    """Start a programme: blank, from a built-in template, or as a copy of one (each its
    own form on the page)."""
    user = request.user
    scopes = permissions.scopes_for_new(user)
    if not scopes[0] and not scopes[1].exists():
        raise PermissionDenied(_("You cannot start a programme."))
    how = request.POST.get("how") if request.method == "POST" else None
    blank = forms.ProgrammeForm(
        request.POST if how == "blank" else None, scopes=scopes, prefix="blank",
        language=get_language(),
    )
    template = forms.TemplateForm(request.POST if how == "template" else None, scopes=scopes,
                                  prefix="template")
    at = timezone.now()
    if how == "blank" and blank.is_valid():
        branch = blank.branch()
        permissions.require_scope(user, branch)
        try:
            programme = programmes.create_programme(
                network=_network_of(branch), branch=branch, details=blank.details(),
                actor=_actor(request), at=at,
            )
        except ValidationError as error:
            _invalid(blank, error)
        except PlanningRefused as refused:
            show_refusal(blank, refused)
        else:
            messages.success(request, _("The programme is started as a draft."))
            return redirect("staff:planning:programme", programme.pk)
    if how == "template" and template.is_valid():
        branch = template.branch()
        permissions.require_scope(user, branch)
        blueprint = blueprints.get(template.cleaned_data["blueprint"])
        starts_on = template.cleaned_data["starts_on"] or blueprint.usual_start(timezone.localdate(at))
        try:
            programme = programmes.start_from_blueprint(
                blueprint.code, network=_network_of(branch), branch=branch, starts_on=starts_on,
                actor=_actor(request), at=at,
            )
        except PlanningRefused as refused:
            show_refusal(template, refused)
        else:
            messages.success(request, _("The programme is started from the template as a draft."))
            return redirect("staff:planning:programme", programme.pk)
    copyable = permissions.programmes_for(user).order_by("-starts_on", "pk")[:20]
    return render(request, "planning/staff/new.html", {
        "blank": blank, "template": template, "copyable": copyable,
        "blueprints": blueprints.every(),
    }, status=400 if how else 200)


def _network_of(branch: Branch | None) -> Network:
    """The branch's network, or for the network's own programme the installation's (one
    installation holds one network)."""
    if branch is not None:
        return branch.network
    network = Network.objects.order_by("pk").first()
    if network is None:
        raise Http404
    return network


def live_figures(programme: Programme, *, today: date) -> dict[str, list[Any]]:
    """The computed figures of the indicators the programme names, for its years so far
    (measures.wording.plan_figures), keyed by code."""
    codes: list[str] = []
    for listed in programme.measures.values_list("indicator_codes", flat=True):
        codes.extend(c for c in listed if c not in codes)
    return plan_figures(
        codes, network_id=programme.network_id, branch_id=programme.branch_id,
        starts_on=programme.starts_on, ends_on=programme.ends_on, today=today,
    )


@plan_reader_required
def programme_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """A programme as a whole: its indicators, directions, goals and actions with their
    status, and how far it has got; ?view=months lays a short one out month by month."""
    user = request.user
    programme = permissions.programme_for_view(user, pk)
    today = timezone.localdate()
    view = selectors.overview(programme, today=today)
    months = None
    if request.GET.get("view") == "months" and (programme.ends_on - programme.starts_on).days <= 400:
        months = selectors.by_month(view)
    return render(request, "planning/staff/programme.html", {
        "programme": programme,
        "view": view,
        "months": months,
        "short": (programme.ends_on - programme.starts_on).days <= 400,
        "can_edit": access.can_edit_programme(user, branch_id=programme.branch_id),
        "personal": access.can_see_personal_data(user),
        "swots": selectors.swots_of_programme(programme, permissions.swots_for(user)),
        "statuses": ActionStatus.choices,
        "today": today,
        "live": live_figures(programme, today=today),
    })


@staff_required
def programme_edit(request: StaffRequest, pk: int) -> HttpResponse:
    programme = permissions.programme_for_edit(request.user, pk)
    form = forms.ProgrammeForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programmes.save_programme(programme, details=form.details(), actor=_actor(request),
                                      at=timezone.now())
        except ValidationError as error:
            _invalid(form, error)
        except PlanningRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("staff:planning:programme", programme.pk)
    return _form_page(
        request, form, title=_("Edit the programme"), programme=programme,
        back=reverse("staff:planning:programme", args=[pk]),
        delete=reverse("staff:planning:programme_delete", args=[pk]) if programme.is_draft else "",
    )


@staff_required
@require_POST
def programme_status(request: StaffRequest, pk: int) -> HttpResponse:
    programme = permissions.programme_for_edit(request.user, pk)
    status = request.POST.get("status", "")
    if status not in ProgrammeStatus.values:
        raise Http404
    programmes.set_programme_status(programme, status=status, actor=_actor(request), at=timezone.now())
    messages.success(request, {
        ProgrammeStatus.ADOPTED: _("The programme is in force."),
        ProgrammeStatus.CLOSED: _("The programme is closed."),
        ProgrammeStatus.DRAFT: _("The programme is a draft again."),
    }[ProgrammeStatus(status)])
    return redirect("staff:planning:programme", programme.pk)


@staff_required
@require_POST
def programme_publish(request: StaffRequest, pk: int) -> HttpResponse:
    programme = permissions.programme_for_edit(request.user, pk)
    published = request.POST.get("published") == "1"
    try:
        programmes.set_published(programme, published=published, actor=_actor(request), at=timezone.now())
    except PlanningRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The programme is on the public site.") if published
                         else _("The programme is no longer on the public site."))
    return redirect("staff:planning:programme", programme.pk)


@staff_required
def programme_delete(request: StaffRequest, pk: int) -> HttpResponse:
    programme = permissions.programme_for_edit(request.user, pk)
    if request.method == "POST":
        try:
            programmes.delete_programme(programme, actor=_actor(request), at=timezone.now())
        except PlanningRefused as refused:
            messages.error(request, refused.message)
            return redirect("staff:planning:programme", programme.pk)
        messages.success(request, _("The draft programme is deleted."))
        return redirect("staff:planning:list")
    return render(request, "planning/staff/confirm_delete.html", {
        "programme": programme, "what": programme,
        "back": reverse("staff:planning:programme", args=[pk]),
    })


@staff_required
def programme_copy(request: StaffRequest, pk: int) -> HttpResponse:
    """Start next year's programme as a copy of this one: dates moved on, statuses reset,
    no updates."""
    user = request.user
    source = permissions.programme_for_view(user, pk)
    scopes = permissions.scopes_for_new(user)
    if not scopes[0] and not scopes[1].exists():
        raise PermissionDenied(_("You cannot start a programme."))
    form = forms.CopyForm(request.POST or None, source=source,
                          proposed=programmes.proposed_copy(source), scopes=scopes)
    if request.method == "POST" and form.is_valid():
        branch = form.branch()
        permissions.require_scope(user, branch)
        try:
            copy = programmes.copy_programme(source, details=form.details(), branch=branch,
                                             actor=_actor(request), at=timezone.now())
        except ValidationError as error:
            _invalid(form, error)
        except PlanningRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The copy is started as a draft: every action is not started yet."))
            return redirect("staff:planning:programme", copy.pk)
    return _form_page(
        request, form, title=_("Copy “%(title)s”") % {"title": source},
        intro=_("The copy has the same directions, goals, actions and indicators, with their "
                "dates moved by as much as the start; every action starts again as not "
                "started, without the progress updates."),
        back=reverse("staff:planning:programme", args=[pk]),
    )


def action_table(*, personal: bool) -> Table:
    """The action list as a spreadsheet: the monitoring group's has no responsible person."""
    columns = [
        _("Strategic direction"), pgettext("plan", "Goal"), _("What will be done"),
        _("Expected result"), _("Coordinated by"), _("Carried out at"),
        *([_("Responsible")] if personal else []), _("Partners"), _("Funding"),
        _("Starts"), _("Due"), _("Months"), _("Status"), _("Last update"), pgettext("plan", "Indicators"),
    ]

    def row(item: selectors.ActionRow) -> list[Any]:
        action = item.action
        places = [str(_("Every branch"))] if action.all_branches else []
        places += [b.display_name() for b in action.branches.all()]
        return [
            str(action.goal.direction.text("title")), str(action.goal.text("title")),
            str(action.text("title")), str(action.text("expected_result")),
            action.coordinator.display_name() if action.coordinator else "",
            "; ".join(places),
            *([(action.owner.get_full_name() or action.owner.get_username()) if action.owner else ""]
              if personal else []),
            "; ".join(p.display_name() for p in action.partners.all()),
            action.get_funding_display() if action.funding else "",
            action.starts_on, action.due_on,
            ", ".join(formats.date_format(m, "YEAR_MONTH_FORMAT") for m in action.month_days()),
            str(item.status.label), item.last_update,
            ", ".join(action.indicator_codes),
        ]

    return Table(name=_("Actions"), columns=columns, row=row)


@plan_reader_required
def actions_download(request: StaffRequest, pk: int, fmt: str) -> HttpResponse:
    """The programme's actions as CSV or XLSX, in the reader's language."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    programme = permissions.programme_for_view(request.user, pk)
    view = selectors.overview(programme, today=timezone.localdate())
    table = action_table(personal=access.can_see_personal_data(request.user))
    return download(table, view.rows, fmt=fmt, filename=f"programme-{programme.pk}-actions")


# --- directions, goals, actions, indicators ---------------------------------------------------


def _back_to(programme: Programme, anchor: str = "") -> str:
    return reverse("staff:planning:programme", args=[programme.pk]) + (f"#{anchor}" if anchor else "")


@staff_required
def direction_edit(request: StaffRequest, pk: int | None = None, programme_pk: int | None = None) -> HttpResponse:
    user = request.user
    direction = permissions.direction_for_edit(user, pk) if pk else None
    programme = direction.programme if direction else permissions.programme_for_edit(user, programme_pk or 0)
    form = forms.HeadingForm(request.POST or None, programme=programme, obj=direction)
    if request.method == "POST" and form.is_valid():
        try:
            saved = structure.save_direction(direction, programme=programme, heading=form.heading(),
                                             actor=_actor(request), at=timezone.now())
        except ValidationError as error:
            _invalid(form, error)
        except PlanningRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The strategic direction is saved."))
            return redirect(_back_to(programme, f"direction-{saved.pk}"))
    return _form_page(
        request, form, programme=programme,
        title=_("Edit the strategic direction") if direction else _("New strategic direction"),
        back=_back_to(programme),
        delete=reverse("staff:planning:direction_delete", args=[pk]) if direction else "",
    )


@staff_required
def goal_edit(request: StaffRequest, pk: int | None = None, direction_pk: int | None = None) -> HttpResponse:
    user = request.user
    goal = permissions.goal_for_edit(user, pk) if pk else None
    direction = goal.direction if goal else permissions.direction_for_edit(user, direction_pk or 0)
    programme = direction.programme
    form = forms.HeadingForm(request.POST or None, programme=programme, obj=goal,
                             directions=programme.directions.all(),
                             initial={"direction": direction.pk})
    if request.method == "POST" and form.is_valid():
        try:
            saved = structure.save_goal(goal, direction=form.cleaned_data["direction"],
                                        heading=form.heading(), actor=_actor(request), at=timezone.now())
        except ValidationError as error:
            _invalid(form, error)
        except PlanningRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The goal is saved."))
            return redirect(_back_to(programme, f"goal-{saved.pk}"))
    return _form_page(
        request, form, programme=programme,
        title=_("Edit the goal") if goal else _("New goal"), back=_back_to(programme),
        delete=reverse("staff:planning:goal_delete", args=[pk]) if goal else "",
    )


def _action_form(request: StaffRequest, programme: Programme, *, action: Action | None = None,
                 goal: Goal | None = None) -> forms.ActionForm:
    return forms.ActionForm(
        request.POST or None, programme=programme, action=action, goal=goal,
        goals=Goal.objects.filter(direction__programme=programme).select_related("direction")
        .order_by("direction__position", "direction_id", "position", "pk"),
        branches=_branches(programme), staff=forms.staff_choices(),
        partners=Partner.objects.filter(network=programme.network_id, is_active=True),
    )


@staff_required
def action_edit(request: StaffRequest, pk: int | None = None, goal_pk: int | None = None) -> HttpResponse:
    user = request.user
    action = permissions.action_for_edit(user, pk) if pk else None
    goal = action.goal if action else permissions.goal_for_edit(user, goal_pk or 0)
    programme = action.programme if action else goal.direction.programme
    form = _action_form(request, programme, action=action, goal=goal)
    if request.method == "POST" and form.is_valid():
        try:
            saved = structure.save_action(action, goal=form.cleaned_data["goal"], details=form.details(),
                                          actor=_actor(request), at=timezone.now())
        except ValidationError as error:
            _invalid(form, error)
        except PlanningRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The action is saved."))
            return redirect("staff:planning:action", saved.pk)
    return _form_page(
        request, form, programme=programme,
        title=_("Edit the action") if action else _("New action"),
        back=reverse("staff:planning:action", args=[pk]) if action else _back_to(programme),
        delete=reverse("staff:planning:action_delete", args=[pk]) if action else "",
    )


@staff_required
def measure_edit(request: StaffRequest, pk: int | None = None, programme_pk: int | None = None) -> HttpResponse:
    user = request.user
    measure = permissions.measure_for_edit(user, pk) if pk else None
    programme = measure.programme if measure else permissions.programme_for_edit(user, programme_pk or 0)
    goal_pk = request.GET.get("goal")
    form = forms.MeasureForm(
        request.POST or None, programme=programme, measure=measure,
        goals=Goal.objects.filter(direction__programme=programme),
        initial={"goal": goal_pk} if goal_pk and not measure else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            structure.save_measure(measure, programme=programme, details=form.details(),
                                   actor=_actor(request), at=timezone.now())
        except ValidationError as error:
            _invalid(form, error)
        except PlanningRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("The indicator is saved."))
            return redirect(_back_to(programme, "indicators"))
    return _form_page(
        request, form, programme=programme,
        title=_("Edit the indicator") if measure else _("New indicator of the programme"),
        intro=_("How the plan words it, the indicators it is measured by, and what is expected."),
        back=_back_to(programme, "indicators"),
        delete=reverse("staff:planning:measure_delete", args=[pk]) if measure else "",
    )


def _delete_page(request: StaffRequest, *, what: Any, programme: Programme, back: str,
                 delete: Any, done: str, then: str) -> HttpResponse:
    if request.method == "POST":
        try:
            delete(actor=_actor(request), at=timezone.now())
        except PlanningRefused as refused:
            messages.error(request, refused.message)
            return redirect(back)
        messages.success(request, done)
        return redirect(then)
    return render(request, "planning/staff/confirm_delete.html", {
        "programme": programme, "what": what, "back": back,
    })


@staff_required
def direction_delete(request: StaffRequest, pk: int) -> HttpResponse:
    direction = permissions.direction_for_edit(request.user, pk)
    return _delete_page(
        request, what=direction, programme=direction.programme, back=_back_to(direction.programme),
        delete=lambda **kw: structure.delete_direction(direction, **kw),
        done=_("The strategic direction is deleted."), then=_back_to(direction.programme),
    )


@staff_required
def goal_delete(request: StaffRequest, pk: int) -> HttpResponse:
    goal = permissions.goal_for_edit(request.user, pk)
    programme = goal.direction.programme
    return _delete_page(
        request, what=goal, programme=programme, back=_back_to(programme),
        delete=lambda **kw: structure.delete_goal(goal, **kw),
        done=_("The goal is deleted."), then=_back_to(programme),
    )


@staff_required
def action_delete(request: StaffRequest, pk: int) -> HttpResponse:
    action = permissions.action_for_edit(request.user, pk)
    return _delete_page(
        request, what=action, programme=action.programme,
        back=reverse("staff:planning:action", args=[pk]),
        delete=lambda **kw: structure.delete_action(action, **kw),
        done=_("The action is deleted."), then=_back_to(action.programme),
    )


@staff_required
def measure_delete(request: StaffRequest, pk: int) -> HttpResponse:
    measure = permissions.measure_for_edit(request.user, pk)
    return _delete_page(
        request, what=measure, programme=measure.programme, back=_back_to(measure.programme, "indicators"),
        delete=lambda **kw: structure.delete_measure(measure, **kw),
        done=_("The indicator is deleted."), then=_back_to(measure.programme, "indicators"),
    )


# --- an action and its progress ---------------------------------------------------------------


def _progress_form(request: StaffRequest, action: Action, data: Any = None, files: Any = None) -> forms.ProgressForm:
    return forms.ProgressForm(
        data, files, branches=_branches(action.programme),
        initial={"on": timezone.localdate(), "status": action.status},
    )


def _action_page(request: StaffRequest, action: Action, form: forms.ProgressForm | None,
                 *, status: int = 200) -> HttpResponse:
    user = request.user
    personal = access.can_see_personal_data(user)
    today = timezone.localdate()
    return render(request, "planning/staff/action.html", {
        "action": action,
        "programme": action.programme,
        "shown_status": action.shown_status(today),
        "updates": selectors.updates_for(action, personal=personal),
        "indicators": selectors.indicator_names(action.indicator_codes),
        "form": form,
        "can_edit": access.can_edit_programme(user, branch_id=action.programme.branch_id),
        "personal": personal,
        "today": today,
    }, status=status)


@plan_reader_required
def action_detail(request: StaffRequest, pk: int) -> HttpResponse:
    """An action, its updates with their evidence, and the form to record progress for
    those who may."""
    action = permissions.action_for_view(request.user, pk)
    may_report = not action.programme.is_closed and permissions.may_report_progress(request.user, action)
    return _action_page(request, action, _progress_form(request, action) if may_report else None)


@staff_required
@require_POST
def progress_new(request: StaffRequest, pk: int) -> HttpResponse:
    """Record progress on an action: the full form with files from the action's page, or
    only a new status from the programme's page (with htmx, the answer is the action's row
    again)."""
    action = permissions.action_for_progress(request.user, pk)
    at = timezone.now()
    if request.POST.get("quick"):
        quick = forms.StatusForm(request.POST)
        if not quick.is_valid():
            raise Http404
        try:
            progress.record_progress(action, on=timezone.localdate(at), status=quick.cleaned_data["status"],
                                     language=get_language() or "en", actor=_actor(request), at=at)
        except PlanningRefused as refused:
            messages.error(request, refused.message)
        if request.htmx:
            return _action_row(request, action.pk)
        messages.success(request, _("The status is saved."))
        return redirect(_back_to(action.programme, f"action-{action.pk}"))

    form = _progress_form(request, action, request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        uploads = [progress.Upload(name=f.name or "", content=f, size=f.size or 0, caption=d["caption"])
                   for f in d["attachments"]]
        links = [progress.Link(url=url, caption=d["caption"]) for url in form.link_list()]
        try:
            progress.record_progress(
                action, on=d["on"], status=d["status"], note=d["note"], language=get_language() or "en",
                branch=d["branch"], is_public=d["is_public"], files=uploads, links=links,
                actor=_actor(request), at=at,
            )
        except PlanningRefused as refused:
            file_problem = any(code.startswith("file_") for code in refused.codes)
            form.add_error("attachments" if file_problem else None, refused.message)
        else:
            messages.success(request, _("The progress is recorded."))
            return redirect("staff:planning:action", action.pk)
    return _action_page(request, action, form, status=400)


def _action_row(request: StaffRequest, pk: int) -> HttpResponse:
    action = permissions.action_for_view(request.user, pk)
    today = timezone.localdate()
    view = selectors.overview(action.programme, today=today)
    row = next(r for r in view.rows if r.action.pk == pk)
    return render(request, "planning/staff/_action_row.html", {
        "row": row, "programme": action.programme, "statuses": ActionStatus.choices,
        "can_edit": access.can_edit_programme(request.user, branch_id=action.programme.branch_id),
        "personal": access.can_see_personal_data(request.user), "today": today,
    })


@staff_required
@require_POST
def update_public(request: StaffRequest, pk: int) -> HttpResponse:
    update = permissions.update_for_edit(request.user, pk)
    public = request.POST.get("public") == "1"
    progress.set_update_public(update, is_public=public, actor=_actor(request), at=timezone.now())
    messages.success(request, _("The update is public.") if public else _("The update is for staff only."))
    return redirect("staff:planning:action", update.action_id)


@staff_required
@require_POST
def evidence_remove(request: StaffRequest, pk: int) -> HttpResponse:
    item = permissions.evidence_for_edit(request.user, pk)
    action_id = item.update.action_id
    try:
        progress.remove_evidence(item, actor=_actor(request), at=timezone.now())
    except PlanningRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The file or link is removed."))
    return redirect("staff:planning:action", action_id)


def serve_evidence(item: Evidence) -> HttpResponseBase:
    """A stored file as its checked type: photos and videos shown in the page, documents
    downloaded; never sniffed as anything else, never run as a page (a sandbox)."""
    if not item.file:
        raise Http404
    inline = item.kind in ("photo", "video")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    response = FileResponse(
        handle, content_type=item.content_type, as_attachment=not inline,
        filename=item.original_name or item.file.name.rsplit("/", 1)[-1],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@plan_reader_required
def evidence_file(request: StaffRequest, pk: int) -> HttpResponseBase:
    """An update's file, for whoever may read the programme; for the monitoring group only
    the files of public updates."""
    return serve_evidence(permissions.evidence_for_view(request.user, pk))


# --- SWOT -------------------------------------------------------------------------------------


@plan_reader_required
def swot_list(request: StaffRequest) -> HttpResponse:
    user = request.user
    return render(request, "planning/staff/swot_list.html", {
        "swots": permissions.swots_for(user).order_by("-year", "branch__sort_order", "pk"),
        "can_create": access.can_create_programmes(user),
    })


@staff_required
def swot_new(request: StaffRequest) -> HttpResponse:
    user = request.user
    scopes = permissions.scopes_for_new(user)
    if not scopes[0] and not scopes[1].exists():
        raise PermissionDenied(_("You cannot start a SWOT analysis."))
    form = forms.SwotForm(request.POST or None, scopes=scopes, language=get_language(),
                          initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        branch = form.branch()
        permissions.require_scope(user, branch)
        d = form.cleaned_data
        try:
            saved = swot.save_swot(
                None, network=_network_of(branch), branch=branch, year=d["year"],
                language=d["language"], summary=d["summary"], summaries=form.translations("summary"),
                actor=_actor(request), at=timezone.now(),
            )
        except PlanningRefused as refused:
            form.add_error("year", refused.message)
        else:
            messages.success(request, _("The SWOT analysis is started: add its points."))
            return redirect("staff:planning:swot", saved.pk)
    return _form_page(request, form, title=_("New SWOT analysis"), back=reverse("staff:planning:swots"))


@staff_required
def swot_edit(request: StaffRequest, pk: int) -> HttpResponse:
    found = permissions.swot_for_edit(request.user, pk)
    form = forms.SwotForm(request.POST or None, swot=found)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            swot.save_swot(found, network=found.network, branch=found.branch, year=d["year"],
                           language=d["language"], summary=d["summary"],
                           summaries=form.translations("summary"), actor=_actor(request), at=timezone.now())
        except PlanningRefused as refused:
            form.add_error("year", refused.message)
        else:
            messages.success(request, _("The SWOT analysis is saved."))
            return redirect("staff:planning:swot", found.pk)
    return _form_page(request, form, title=_("Edit the SWOT analysis"),
                      back=reverse("staff:planning:swot", args=[pk]))


def _swot_context(request: StaffRequest, found: Swot) -> dict[str, Any]:
    can_edit = access.can_edit_programme(request.user, branch_id=found.branch_id)
    return {
        "swot": found,
        "view": selectors.swot_view(found),
        "can_edit": can_edit,
        "add_forms": {
            q.value: forms.PointForm(swot=found, quadrant=q.value, translate=False, prefix=q.value)
            for q in Quadrant
        } if can_edit else {},
        "indicator_names": codes.known_codes(),
    }


@plan_reader_required
def swot_detail(request: StaffRequest, pk: int) -> HttpResponse:
    found = permissions.swot_for_view(request.user, pk)
    return render(request, "planning/staff/swot.html", _swot_context(request, found))


@plan_reader_required
def swot_print(request: StaffRequest, pk: int) -> HttpResponse:
    """The analysis on one page, for printing (the print style sheet leaves the screens'
    navigation out)."""
    found = permissions.swot_for_view(request.user, pk)
    return render(request, "planning/staff/swot_print.html", {
        **_swot_context(request, found), "can_edit": False, "add_forms": {},
    })


@staff_required
def point_edit(request: StaffRequest, pk: int | None = None, swot_pk: int | None = None) -> HttpResponse:
    """Add a point (from the quadrant's short form, which with htmx puts the quadrant back
    in the page) or change one with its translations."""
    user = request.user
    point = permissions.point_for_edit(user, pk) if pk else None
    found = point.swot if point else permissions.swot_for_edit(user, swot_pk or 0)
    prefix = request.POST.get("prefix") or None if not point else None
    form = forms.PointForm(request.POST or None, swot=found, point=point, prefix=prefix,
                           translate=prefix is None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = swot.save_point(point, swot=found, details=form.details(), actor=_actor(request),
                                    at=timezone.now())
        except ValidationError as error:
            _invalid(form, error)
        except PlanningRefused as refused:
            show_refusal(form, refused)
        else:
            if request.htmx and prefix:
                context = _swot_context(request, found)
                return render(request, "planning/staff/_quadrant.html", {
                    **context, "quadrant": Quadrant(saved.quadrant),
                    "points": dict(context["view"].quadrants)[Quadrant(saved.quadrant)],
                    "add_form": context["add_forms"][saved.quadrant],
                    "saved": saved,
                })
            messages.success(request, _("The point is saved."))
            return redirect(reverse("staff:planning:swot", args=[found.pk]) + f"#{saved.quadrant}")
    if request.htmx and prefix:
        context = _swot_context(request, found)
        quadrant = Quadrant(request.POST.get(f"{prefix}-quadrant") or prefix)
        return render(request, "planning/staff/_quadrant.html", {
            **context, "quadrant": quadrant, "points": dict(context["view"].quadrants)[quadrant],
            "add_form": form,
        }, status=400)
    return _form_page(
        request, form, title=_("Edit the point") if point else _("New point"),
        back=reverse("staff:planning:swot", args=[found.pk]),
        delete=reverse("staff:planning:point_delete", args=[pk]) if point else "",
    )


@staff_required
def point_delete(request: StaffRequest, pk: int) -> HttpResponse:
    point = permissions.point_for_edit(request.user, pk)
    back = reverse("staff:planning:swot", args=[point.swot_id])
    if request.method == "POST":
        swot.delete_point(point, actor=_actor(request), at=timezone.now())
        messages.success(request, _("The point is deleted."))
        return redirect(back)
    return render(request, "planning/staff/confirm_delete.html", {"what": point, "back": back})
