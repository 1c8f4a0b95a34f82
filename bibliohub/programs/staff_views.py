"""Staff screens for events, scoped to the branches the member of staff works for: the list of
dates, a new event, one date's registrations with check-in and walk-ins, exports, and contest
entries."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.history import Actor
from bibliohub.libraries.models import Network
from bibliohub.patrons.models import Patron
from bibliohub.programs import exports, selectors, services
from bibliohub.programs.errors import ProgramRefused
from bibliohub.programs.forms import (
    CancelDateForm,
    CapacityForm,
    EventEditForm,
    EventForm,
    OccurrenceChangeForm,
    PolicyForm,
    ResultForm,
    StaffRegistrationForm,
    WalkInForm,
)
from bibliohub.programs.models import (
    Event,
    Occurrence,
    ProgramPolicy,
    Registration,
    RegistrationMode,
    Submission,
)


def _occurrence_for_staff(user, occurrence_id: int) -> Occurrence:
    """The date, if `user` works for its branch; 404 if it does not exist, 403 otherwise."""
    occurrence = get_object_or_404(
        Occurrence.objects.select_related("event", "event__branch", "event__room"), pk=occurrence_id
    )
    access.require_branch(user, occurrence.event.branch_id)
    return occurrence


def _event_for_staff(user, event_id: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("branch"), pk=event_id)
    access.require_branch(user, event.branch_id)
    return event


@staff_required
def event_list(request: StaffRequest) -> HttpResponse:
    """The next five weeks (or past four, with ?past=1) at this member of staff's branches."""
    now = timezone.now()
    past = request.GET.get("past") == "1"
    start, end = (now - timedelta(days=28), now) if past else (now - timedelta(hours=12), now + timedelta(days=35))
    branch_ids = None if request.user.is_network_wide else list(access.branches_for(request.user).values_list("pk", flat=True))
    occurrences = selectors.staff_occurrences(branch_ids=branch_ids, start=start, end=end)
    if fmt := request.GET.get("format"):
        header = [_("Date"), _("Starts"), _("Event"), _("Branch"), pgettext("event format", "Format"), _("Audience"), _("Status"),
                  _("Places"), _("Places taken"), _("Waiting"), pgettext("event attendance", "Checked in"), _("Walk-ins")]
        rows = [
            [f"{timezone.localtime(o.starts_at):%Y-%m-%d}", f"{timezone.localtime(o.starts_at):%H:%M}",
             o.event.display_title(), o.event.branch.display_name(), o.event.get_format_display(),
             ", ".join(str(a.get_band_display()) for a in o.event.audiences.all()), o.get_status_display(),
             o.event.capacity, *((o.own_taken, o.own_waiting) if o.event.registration == RegistrationMode.PER_OCCURRENCE else ("", "")),
             o.checked_in, o.walk_in_total]
            for o in occurrences.prefetch_related("event__audiences")
        ]
        return exports.download([(_("Events"), header, rows)], name="events", fmt=fmt)
    return render(request, "programs/staff/list.html", {"occurrences": occurrences, "past": past})


@staff_required
def event_new(request: StaffRequest) -> HttpResponse:
    branches = access.branches_for(request.user)
    form = EventForm(request.POST or None, branches=branches)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        starts_at, ends_at = form.times
        details = _details_from(form, capacity=d["capacity"], registration=d["registration"])
        try:
            event = services.create_event(
                details, branch=d["branch"], starts_at=starts_at, ends_at=ends_at,
                recurrence=d["recurrence"].strip(), organiser=request.user, actor=Actor.for_staff(request.user),
                at=timezone.now(),
            )
        except ProgramRefused as refusal:
            for message in refusal.messages:
                form.add_error("recurrence" if refusal.reasons[0] == "bad_recurrence" else None,
                               f"{message} {refusal.detail}".strip())
        else:
            messages.success(request, _("The event is created with %(count)d date(s).") % {"count": event.occurrences.count()})
            first_date = cast(Occurrence, event.occurrences.first())  # create_event makes at least one
            return redirect("staff:programs:occurrence", occurrence_id=first_date.pk)
    return render(request, "programs/staff/new.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _details_from(form: EventForm, *, capacity: int | None, registration: str, published: bool = True) -> services.EventDetails:
    d = form.cleaned_data
    return services.EventDetails(
        title=d["title"], titles=form.translations("title"), description=d["description"],
        descriptions=form.translations("description"), kind=d["kind"], format=d["format"],
        audiences=d["audiences"], room=d["room"], place=d["place"], address=d["address"],
        online_url=d["online_url"], presenters=form.presenter_list, categories=list(d["categories"]),
        partners=list(d["partners"]), tags=form.tag_list, registration=registration, capacity=capacity,
        waitlist=d["waitlist"], registration_opens_days=d["registration_opens_days"],
        registration_closes_hours=d["registration_closes_hours"] or 0,
        submissions_close_at=d["submissions_close_at"], is_published=published,
    )


@staff_required
def event_edit(request: StaffRequest, event_id: int) -> HttpResponse:
    event = _event_for_staff(request.user, event_id)
    form = EventEditForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        details = _details_from(form, capacity=event.capacity, registration=event.registration,
                                published=form.cleaned_data["is_published"])
        try:
            services.update_event(event, details, actor=Actor.for_staff(request.user), at=timezone.now())
        except ProgramRefused as refusal:
            for message in refusal.messages:
                form.add_error("room", f"{message} {refusal.detail}".strip())
        else:
            messages.success(request, _("The event is saved."))
            # Every event has a date: create_event makes at least one and none is ever deleted.
            next_date = cast(Occurrence, selectors.upcoming_dates(event, at=timezone.now()).first() or event.occurrences.last())
            return redirect("staff:programs:occurrence", occurrence_id=next_date.pk)
    return render(request, "programs/staff/edit.html", {"form": form, "event": event},
                  status=400 if request.method == "POST" else 200)


@staff_required
def occurrence_detail(request: StaffRequest, occurrence_id: int) -> HttpResponse:
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    return _render_occurrence(request, occurrence)


def _render_occurrence(request, occurrence: Occurrence, *, status: int = 200, **forms) -> HttpResponse:
    summary = selectors.attendance_summary(occurrence)
    local_start, local_end = timezone.localtime(occurrence.starts_at), timezone.localtime(occurrence.ends_at)
    context = {
        "occurrence": occurrence,
        "event": occurrence.event,
        "registrations": selectors.registrations_for(occurrence),
        "summary": summary,
        "rating": selectors.event_rating(occurrence.event),
        "walk_in_form": forms.get("walk_in_form") or WalkInForm(initial_counts=summary.walk_ins),
        "change_form": forms.get("change_form") or OccurrenceChangeForm(initial={
            "day": local_start.date(), "starts": local_start.time(), "ends": local_end.time(), "note": occurrence.note,
        }),
        "cancel_form": CancelDateForm(),
        "capacity_form": CapacityForm(initial={"capacity": occurrence.event.capacity}),
        "register_form": forms.get("register_form") or StaffRegistrationForm(),
        "dates": occurrence.event.occurrences.all(),
    }
    return render(request, "programs/staff/occurrence.html", context, status=status)


@staff_required
@require_POST
def staff_register(request: StaffRequest, occurrence_id: int) -> HttpResponse:
    """Register a patron (a child too: the guardian gets the messages) at the desk."""
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    form = StaffRegistrationForm(request.POST)
    if form.is_valid():
        patron = Patron.objects.select_related("guardian").filter(
            network_id=occurrence.event.branch.network_id, card_barcode=form.cleaned_data["card_number"].strip()
        ).first()
        if patron is None:
            form.add_error("card_number", _("No patron has this card number."))
        else:
            series = occurrence.event.registration == "series"
            try:
                registration = services.register(
                    occurrence=None if series else occurrence, event=occurrence.event if series else None,
                    attendee=services.Attendee(patron=patron, registered_by=patron.guardian),
                    actor=Actor.for_staff(request.user), at=timezone.now(),
                )
            except ProgramRefused as refusal:
                for message in refusal.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("%(name)s: %(status)s.") % {
                    "name": registration.attendee_name, "status": registration.get_status_display()})
                return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)
    return _render_occurrence(request, occurrence, status=400, register_form=form)


def _registration_of(occurrence: Occurrence, registration_id: int) -> Registration:
    return get_object_or_404(
        Registration.objects.filter(Q(occurrence=occurrence) | Q(occurrence__isnull=True)),
        pk=registration_id, event_id=occurrence.event_id,
    )


@staff_required
@require_POST
def check_in(request: StaffRequest, occurrence_id: int, registration_id: int) -> HttpResponse:
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    registration = _registration_of(occurrence, registration_id)
    if request.POST.get("undo"):
        services.undo_check_in(registration, occurrence=occurrence, actor=Actor.for_staff(request.user), at=timezone.now())
    else:
        services.check_in(registration, occurrence=occurrence, actor=Actor.for_staff(request.user), at=timezone.now())
    return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)


@staff_required
@require_POST
def cancel_registration(request: StaffRequest, occurrence_id: int, registration_id: int) -> HttpResponse:
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    registration = _registration_of(occurrence, registration_id)
    promoted = services.cancel_registration(registration, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("Registration cancelled."))
    if promoted:
        messages.info(request, _("%(name)s moved from the waiting list to a place and is told by e-mail.") % {"name": promoted.attendee_name})
    return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)


@staff_required
@require_POST
def walk_ins(request: StaffRequest, occurrence_id: int) -> HttpResponse:
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    form = WalkInForm(request.POST, initial_counts={})
    if not form.is_valid():
        return _render_occurrence(request, occurrence, status=400, walk_in_form=form)
    services.record_walk_ins(occurrence, counts=form.counts, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("Walk-ins saved."))
    return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)


@staff_required
@require_POST
def close_attendance(request: StaffRequest, occurrence_id: int) -> HttpResponse:
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    missing = services.close_attendance(occurrence, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("Attendance closed; %(count)d did not come.") % {"count": missing})
    return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)


@staff_required
@require_POST
def change_date(request: StaffRequest, occurrence_id: int) -> HttpResponse:
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    form = OccurrenceChangeForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = form.times
        try:
            services.change_occurrence(occurrence, starts_at=starts_at, ends_at=ends_at,
                                       note=form.cleaned_data["note"], actor=Actor.for_staff(request.user), at=timezone.now())
        except ProgramRefused as refusal:
            for message in refusal.messages:
                form.add_error(None, f"{message} {refusal.detail}".strip())
        else:
            messages.success(request, _("This date is changed; people registered are told."))
            return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)
    return _render_occurrence(request, occurrence, status=400, change_form=form)


@staff_required
@require_POST
def cancel_date(request: StaffRequest, occurrence_id: int) -> HttpResponse:
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    form = CancelDateForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    services.cancel_occurrence(occurrence, note=note, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("This date is cancelled; people registered are told."))
    return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)


@staff_required
@require_POST
def change_capacity(request: StaffRequest, occurrence_id: int) -> HttpResponse:
    """More (or fewer) places for the whole event; more places go to the waiting list first."""
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    form = CapacityForm(request.POST)
    if form.is_valid():
        promoted = services.change_capacity(occurrence.event, capacity=form.cleaned_data["capacity"],
                                            actor=Actor.for_staff(request.user), at=timezone.now())
        messages.success(request, _("Places saved; %(count)d moved from the waiting list.") % {"count": len(promoted)})
    else:
        messages.error(request, _("Places must be a whole number from 1, or empty for no limit."))
    return redirect("staff:programs:occurrence", occurrence_id=occurrence.pk)


@staff_required
def policy(request: StaffRequest) -> HttpResponse:
    """The network's no-show rule and reminder time: for network managers."""
    if not access.can_manage_network(request.user):
        raise PermissionDenied(_("Only network managers can change the rules for events."))
    network = get_object_or_404(Network.objects.order_by("pk")[:1])
    current = ProgramPolicy.objects.filter(network=network).first() or ProgramPolicy(network=network)
    form = PolicyForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.set_policy(network, **form.cleaned_data, actor=Actor.for_staff(request.user), at=timezone.now())
        messages.success(request, _("The rules for events are saved."))
        return redirect("staff:programs:policy")
    return render(request, "programs/staff/policy.html", {"form": form, "network": network},
                  status=400 if request.method == "POST" else 200)


# --- Exports ----------------------------------------------------------------------------------


def _export_rows(occurrence: Occurrence) -> tuple[list[str], list[list[object]]]:
    header = [pgettext("person", "Name"), pgettext("contact details", "Contact"), _("E-mail"), _("Card number"), _("Age band"), _("Status"),
              _("Registered"), _("Attended")]
    rows: list[list[object]] = []
    for r in selectors.registrations_for(occurrence):
        rows.append([
            r.attendee_name, r.contact_name, r.contact_email, r.patron.card_barcode if r.patron else "",
            r.get_age_band_display(), r.get_status_display(),
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"), _("yes") if r.attended else _("no"),
        ])
    return header, rows


@staff_required
def export(request: StaffRequest, occurrence_id: int, fmt: str) -> HttpResponse:
    """The registration and attendance list of one date as CSV or XLSX (with a second sheet
    of totals: registered, attended, walk-ins by age band)."""
    occurrence = _occurrence_for_staff(request.user, occurrence_id)
    header, rows = _export_rows(occurrence)
    summary = selectors.attendance_summary(occurrence)
    totals = [
        [_("Registered"), summary.registered],
        [_("Attended"), summary.attended],
        [_("Did not come"), summary.did_not_come],
        *([_("Walk-ins: %(band)s") % {"band": band}, count] for band, count in summary.walk_ins.items()),
        [_("Total present"), summary.total],
    ]
    name = f"event-{occurrence.event_id}-{timezone.localtime(occurrence.starts_at):%Y-%m-%d}"
    return exports.download(
        [(_("Registrations"), header, rows), (_("Attendance"), [_("Count"), ""], totals)], name=name, fmt=fmt
    )


# --- Contest entries --------------------------------------------------------------------------


@staff_required
def entries(request: StaffRequest, event_id: int) -> HttpResponse:
    event = _event_for_staff(request.user, event_id)
    submissions = event.submissions.all()
    return render(request, "programs/staff/entries.html", {
        "event": event,
        "rows": [(s, ResultForm(prefix=str(s.pk), initial={"result": s.result, "rank": s.rank, "published": s.result_published}))
                 for s in submissions],
    })


@staff_required
@require_POST
def entry_result(request: StaffRequest, event_id: int, submission_id: int) -> HttpResponse:
    event = _event_for_staff(request.user, event_id)
    submission = get_object_or_404(Submission, pk=submission_id, event=event)
    form = ResultForm(request.POST, prefix=str(submission.pk))
    if form.is_valid():
        d = form.cleaned_data
        services.record_result(submission, result=d["result"], rank=d["rank"], published=d["published"],
                               actor=Actor.for_staff(request.user), at=timezone.now())
        messages.success(request, _("Result saved."))
    else:
        messages.error(request, _("The place must be a whole number from 1."))
    return redirect("staff:programs:entries", event_id=event.pk)



@staff_required
def entry_file(request: StaffRequest, event_id: int, submission_id: int) -> FileResponse:
    """An entry's attached file, for the staff of the event's branch only: entries are not
    public until the jury publishes a result, and then only the title and name are."""
    event = _event_for_staff(request.user, event_id)
    submission = get_object_or_404(Submission, pk=submission_id, event=event)
    if not submission.file:
        raise Http404
    return FileResponse(submission.file.open("rb"), as_attachment=True,
                        filename=submission.file.name.rsplit("/", 1)[-1])
