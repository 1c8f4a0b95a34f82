"""Public pages: the calendar, an event, registration, the registrant's own page (reached by
a secret link), contest entries and iCalendar feeds."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron
from bibliohub.portal.session import current_patron, patron_required
from bibliohub.programs import ical, selectors, services
from bibliohub.programs.errors import ProgramRefused
from bibliohub.programs.forms import (
    EntryForm,
    GuestRegistrationForm,
    PatronRegistrationForm,
)
from bibliohub.programs.models import (
    Audience,
    Category,
    Event,
    EventKind,
    Occurrence,
    Registration,
    RegistrationMode,
    RegistrationStatus,
)
from bibliohub.surveys import selectors as survey_selectors
from bibliohub.surveys import services as surveys
from bibliohub.surveys.errors import SurveyRefused
from bibliohub.surveys.forms import show_questions

CALENDAR_DAYS = 31


def _published_event(event_id: int) -> Event:
    return get_object_or_404(
        Event.objects.select_related("branch", "room").filter(is_published=True), pk=event_id
    )


def calendar(request: HttpRequest) -> HttpResponse:
    """Dates for the next month (or from a chosen day), filtered by branch, audience and
    category, grouped by day."""
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("from", "")) if request.GET.get("from") else today
    except ValueError:
        start = today
    filters = {
        "branch_code": request.GET.get("branch", ""),
        "audience": request.GET.get("audience", ""),
        "category_code": request.GET.get("category", ""),
    }
    if filters["audience"] not in Audience.values:
        filters["audience"] = ""
    occurrences = list(
        selectors.calendar_occurrences(start=start, end=start + timedelta(days=CALENDAR_DAYS - 1), **filters)
    )
    days = [
        (day, list(items))
        for day, items in groupby(occurrences, key=lambda o: timezone.localtime(o.starts_at).date())
    ]
    feed_query = "&".join(
        f"{key}={value}" for key, value in (("branch", filters["branch_code"]), ("audience", filters["audience"])) if value
    )
    return render(request, "programs/calendar.html", {
        "days": days,
        "start": start,
        "next_start": start + timedelta(days=CALENDAR_DAYS),
        "filters": filters,
        "branches": Branch.objects.filter(is_active=True),
        "audiences": Audience.choices,
        "categories": Category.objects.all(),
        "feed_url": reverse("programs:feed") + (f"?{feed_query}" if feed_query else ""),
    })


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _published_event(event_id)
    at = timezone.now()
    occurrences = list(selectors.upcoming_dates(event, at=at))
    places = selectors.places_by_date(event, occurrences)
    dates = []
    for occurrence in occurrences:
        taken, waiting = places.get(occurrence.pk, (0, 0))
        dates.append({"occurrence": occurrence, "taken": taken, "waiting": waiting,
                      "left": None if event.capacity is None else max(0, event.capacity - taken)})
    results = event.submissions.filter(result_published=True).order_by("rank", "submitted_at")
    return render(request, "programs/event.html", {
        "event": event,
        "dates": dates,
        "series_registration": event.registration == RegistrationMode.SERIES,
        "takes_entries": event.kind != EventKind.PROGRAMME,
        "results": results,
    })


def register(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = get_object_or_404(
        Occurrence.objects.select_related("event", "event__branch").filter(event__is_published=True),
        pk=occurrence_id,
    )
    return _registration_page(request, event=occurrence.event, occurrence=occurrence)


def register_series(request: HttpRequest, event_id: int) -> HttpResponse:
    return _registration_page(request, event=_published_event(event_id), occurrence=None)


def _registration_page(request: HttpRequest, *, event: Event, occurrence: Occurrence | None) -> HttpResponse:
    """A signed-in patron chooses themselves or one of their children; anyone else registers
    as a guest with a name and an e-mail address."""
    patron = current_patron(request)
    language = request.LANGUAGE_CODE
    form: PatronRegistrationForm | GuestRegistrationForm
    if patron is not None:
        people = {str(patron.pk): patron, **{str(w.pk): w for w in patron.wards.all()}}
        choices = [(pk, p.full_name) for pk, p in people.items()]
        form = PatronRegistrationForm(request.POST or None, choices=choices)
    else:
        form = GuestRegistrationForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        if patron is not None:
            chosen: Patron = people[form.cleaned_data["attendee"]]
            attendee = services.Attendee(
                patron=chosen, registered_by=patron if chosen.pk != patron.pk else None
            )
        else:
            assert isinstance(form, GuestRegistrationForm)  # no patron: the guest form
            d = form.cleaned_data
            attendee = services.Attendee(
                name=form.attendee_name, contact_name=d["contact_name"].strip(),
                contact_email=d["contact_email"], language=language, age_band=d["age_band"],
            )
        try:
            # A patron (for themselves or their child) online; anyone else as a guest.
            actor = Actor.for_patron(patron) if patron is not None else Actor.for_public()
            registration = services.register(
                occurrence=occurrence, event=None if occurrence else event, attendee=attendee,
                actor=actor, at=timezone.now(),
            )
        except ProgramRefused as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            if registration.status == RegistrationStatus.WAITLISTED:
                messages.info(request, _("All places are taken: you are on the waiting list. We will write if a place frees up."))
            else:
                messages.success(request, _("You are registered. We will e-mail you a confirmation."))
            return redirect("programs:manage", token=registration.token)
    taken = selectors.places_taken(occurrence)[0] if occurrence else selectors.series_places_taken(event)
    return render(request, "programs/register.html", {
        "event": event, "occurrence": occurrence, "form": form, "patron": patron,
        "full": event.capacity is not None and taken >= event.capacity,
    }, status=400 if request.method == "POST" else 200)


@patron_required
def mine(request: HttpRequest, patron: Patron) -> HttpResponse:
    """A signed-in patron's registrations and their children's, still to come."""
    registrations = (
        Registration.objects.filter(Q(patron=patron) | Q(registered_by=patron))
        .exclude(status=RegistrationStatus.CANCELLED)
        .filter(Q(occurrence__ends_at__gt=timezone.now()) | Q(occurrence__isnull=True))
        .select_related("event", "event__branch", "event__room", "occurrence")
        .order_by("occurrence__starts_at", "created_at")
    )
    return render(request, "programs/mine.html", {"registrations": registrations, "patron": patron})


def _registrant(request: HttpRequest, registration: Registration) -> Actor:
    """Who acts through a registration's secret link: the patron it is for (or their
    guardian) when they are signed in, otherwise whoever holds the link, not signed in."""
    patron = current_patron(request)
    if patron is not None and patron.pk in {registration.patron_id, registration.registered_by_id}:
        return Actor.for_patron(patron)
    return Actor.for_public()


def _registration_by_token(token: str) -> Registration:
    registration = Registration.objects.select_related("event", "event__branch", "occurrence").filter(token=token).first()
    if registration is None:
        raise Http404(_("This link is not valid."))
    return registration


def manage(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's page: status, cancellation, and feedback after attending."""
    registration = _registration_by_token(token)
    return _manage_page(request, registration)


def _manage_page(
    request: HttpRequest, registration: Registration, *, posted: Any = None,
    errors: dict[str, list[str]] | None = None, status: int = 200,
) -> HttpResponse:
    """The registrant's page, with the feedback survey's questions about the first date
    they came to and have not told us about yet."""
    at = timezone.now()
    due = selectors.feedback_due(registration, at=at)
    feedback: dict[str, Any] = {}
    if due:
        survey = surveys.event_feedback_survey(network=registration.event.branch.network, at=at)
        language = survey.answer_language((get_language() or "en").lower())
        branches = list(Branch.objects.filter(network_id=survey.network_id, is_active=True)
                        .order_by("-is_central", "sort_order", "name"))
        feedback = {
            "feedback_for": due[0], "feedback_language": language,
            "feedback_questions": show_questions(
                survey_selectors.questions(survey), language=language, branches=branches,
                saved={}, posted=posted, errors=errors,
            ),
        }
    return render(request, "programs/manage.html", {
        "registration": registration,
        "event": registration.event,
        "dates": ([registration.occurrence] if registration.occurrence else
                  list(registration.event.occurrences.filter(ends_at__gt=at))),
        **feedback,
    }, status=status)


@require_POST
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_by_token(token)
    services.cancel_registration(registration, actor=_registrant(request, registration), at=timezone.now())
    messages.success(request, _("Your registration is cancelled. Thank you for letting us know."))
    return redirect("programs:manage", token=token)


@require_POST
def manage_feedback(request: HttpRequest, token: str, occurrence_id: int) -> HttpResponse:
    """The feedback on one date, answered through the network's event feedback survey."""
    registration = _registration_by_token(token)
    occurrence = get_object_or_404(Occurrence, pk=occurrence_id, event=registration.event)
    try:
        services.leave_feedback(
            registration, occurrence=occurrence, data=request.POST,
            language=(get_language() or "en").lower(),
            actor=_registrant(request, registration), at=timezone.now(),
        )
    except ProgramRefused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    except SurveyRefused as refused:
        fields = {name: wordings for name, wordings in refused.errors.items() if name}
        for wording in refused.errors.get("", []):
            messages.error(request, wording)
        if fields:
            return _manage_page(request, registration, posted=request.POST, errors=fields,
                                status=400)
    else:
        messages.success(request, _("Thank you for your feedback."))
    return redirect("programs:manage", token=token)


def submit_entry(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _published_event(event_id)
    if event.kind == EventKind.PROGRAMME:
        raise Http404(_("This event does not take entries."))
    patron = current_patron(request)
    initial = {"author_name": patron.full_name, "contact_email": patron.email} if patron else None
    form = EntryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.submit_entry(
                event, author_name=d["author_name"], contact_email=d["contact_email"], title=d["title"],
                text=d["text"], file=d["file"], age_band=d["age_band"], patron=patron,
                actor=Actor.for_patron(patron) if patron is not None else Actor.for_public(),
                at=timezone.now(),
            )
        except ProgramRefused as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Thank you: your entry is received."))
            return redirect("programs:event", event_id=event.pk)
    return render(request, "programs/entry.html", {"event": event, "form": form},
                  status=400 if request.method == "POST" else 200)


def _ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def event_ics(request: HttpRequest, event_id: int) -> HttpResponse:
    event = _published_event(event_id)
    occurrences = selectors._with_event(event.occurrences.all())
    content = ical.calendar_bytes(
        occurrences, name=event.display_title(), host=request.get_host().split(":")[0],
        url_for=lambda e: request.build_absolute_uri(reverse("programs:event", args=[e.pk])),
        at=timezone.now(),
    )
    return _ics_response(content, f"event-{event.pk}.ics")


def feed_ics(request: HttpRequest) -> HttpResponse:
    """A subscribable calendar of a branch and/or an audience (both optional)."""
    branch_code = request.GET.get("branch", "")
    audience = request.GET.get("audience", "")
    if audience and audience not in Audience.values:
        raise Http404
    branch = get_object_or_404(Branch, code=branch_code) if branch_code else None
    name_parts = [branch.display_name() if branch else _("All branches")]
    if audience:
        name_parts.append(str(Audience(audience).label))
    content = ical.calendar_bytes(
        selectors.feed_occurrences(branch_code=branch_code, audience=audience, since=timezone.now()),
        name=" · ".join([_("Library events"), *name_parts]),
        host=request.get_host().split(":")[0],
        url_for=lambda e: request.build_absolute_uri(reverse("programs:event", args=[e.pk])),
        at=timezone.now(),
    )
    return _ics_response(content, "events.ics")
