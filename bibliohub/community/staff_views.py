"""Staff screens under /staff/community/: partners and what the library does with them,
referrals, volunteers, shifts and hours, the business and career page, businesses and mentors,
mentoring requests, and the dynamics of partners. Every list downloads as CSV or XLSX with the
same columns it shows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.accounts.models import User
from bibliohub.community import export, forms, permissions, selectors
from bibliohub.community.errors import CommunityRefused
from bibliohub.community.models import (
    Direction,
    HoursStatus,
    MentorKind,
    PartnerKind,
    ReferralOutcome,
    RequestStatus,
    SignupStatus,
    Skill,
    Topic,
    Volunteer,
)
from bibliohub.community.services import career, partners, volunteers
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.selectors import patron_by_card

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Lists on screen stop here; the download has every row.
SCREEN_ROWS = 500


# --- shared helpers ---------------------------------------------------------------------------


def _branches(user: User) -> QuerySet[Branch]:
    return access.branches_for(user).order_by("sort_order", "name")


def _branch_filter(request: StaffRequest) -> Branch | None:
    code = request.GET.get("branch")
    return _branches(request.user).filter(code=code).first() if code else None


def _network(branches: Iterable[Branch]) -> Network:
    branch = next(iter(branches), None)
    if branch is None:
        raise ValidationError(_("Choose at least one branch."))
    return branch.network


def _refused(request: HttpRequest, refused: CommunityRefused) -> None:
    for message in refused.messages:
        messages.error(request, message)


def _table_page(
    request: HttpRequest,
    *,
    table: export.Table,
    objects: Any,
    filename: str,
    title: str,
    link: str | None = None,
    filters: list[dict[str, Any]] | None = None,
    actions: list[tuple[str, str]] | None = None,
    row_actions: str | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """One list page, or its download when ?format=csv|xlsx. `link` names the URL each
    row's first cell leads to (given the object's pk)."""
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return export.response(table, objects, fmt=fmt, filename=filename)
    shown = list(objects[: SCREEN_ROWS + 1]) if hasattr(objects, "__getitem__") else list(objects)
    query = request.GET.copy()
    query.pop("format", None)
    return render(request, "community/staff/list.html", {
        "title": title,
        "headers": table.headers(),
        "rows": [
            (obj, table.row(obj), reverse(link, args=[obj.pk]) if link else "")
            for obj in shown[:SCREEN_ROWS]
        ],
        "more": len(shown) > SCREEN_ROWS,
        "query": query.urlencode(),
        "filters": filters or [],
        "actions": actions or [],
        "row_actions": row_actions,
        **(extra or {}),
    })


def _choice_filter(name: str, label: str, choices: Iterable[tuple[str, StrOrPromise]], value: str | None) -> dict[str, Any]:
    return {"name": name, "label": label, "choices": [("", _("All"))] + [(str(k), str(v)) for k, v in choices],
            "value": value or ""}


def _branch_choices(request: StaffRequest) -> dict[str, Any]:
    return _choice_filter(
        "branch", _("Branch"), [(b.code, b.display_name()) for b in _branches(request.user)],
        request.GET.get("branch"),
    )


def _text_filter(request: HttpRequest, label: str) -> dict[str, Any]:
    return {"name": "q", "label": label, "text": True, "value": request.GET.get("q", "")}


def _form_page(request: HttpRequest, form: Any, *, title: str, back: str, multipart: bool = False,
               intro: str = "") -> HttpResponse:
    return render(request, "community/staff/form.html", {
        "form": form, "title": title, "back": back, "multipart": multipart, "intro": intro,
    })


def _apply_validation_error(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- home -------------------------------------------------------------------------------------


@staff_required
def home(request: StaffRequest) -> HttpResponse:
    user = request.user
    return render(request, "community/staff/home.html", {
        "hours_waiting": selectors.hours_for_staff(user, status=HoursStatus.LOGGED).count(),
        "requests_new": selectors.requests_for_staff(user, status=RequestStatus.NEW).count(),
        "open_referrals": selectors.referrals_for_staff(user, outcome="open").count(),
    })


# --- partners ---------------------------------------------------------------------------------


@staff_required
def partner_list(request: StaffRequest) -> HttpResponse:
    active = {"yes": True, "no": False}.get(request.GET.get("active", ""))
    objects = selectors.partners_for_staff(
        request.user, kind=request.GET.get("kind") or None, branch=_branch_filter(request),
        active=active, text=request.GET.get("q", "").strip(),
    )
    return _table_page(
        request, table=export.PARTNERS, objects=objects, filename="partners", title=_("Partners"),
        link="staff:community:partner",
        filters=[
            _text_filter(request, _("Name or offer")),
            _choice_filter("kind", _("Type"), PartnerKind.choices, request.GET.get("kind")),
            _branch_choices(request),
            _choice_filter("active", _("Active"), [("yes", _("yes")), ("no", _("no"))], request.GET.get("active")),
        ],
        actions=[(reverse("staff:community:partner_new"), _("New partner"))],
    )


@staff_required
def partner_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    partner = permissions.partner_for_edit(request.user, pk) if pk else None
    form = forms.PartnerForm(request.POST or None, branches=_branches(request.user), partner=partner)
    if request.method == "POST" and form.is_valid():
        current = list(partner.branches.all()) if partner else []
        chosen = permissions.merged_branches(request.user, form.cleaned_data["branches"], current)
        try:
            saved = partners.save_partner(
                partner, network=partner.network if partner else _network(chosen),
                details=form.details(chosen), actor=Actor.for_staff(request.user), at=timezone.now(),
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Partner saved."))
            return redirect("staff:community:partner", saved.pk)
    back = reverse("staff:community:partner", args=[pk]) if pk else reverse("staff:community:partners")
    return _form_page(request, form, title=_("Edit partner") if partner else _("New partner"), back=back)


@staff_required
def partner_detail(request: StaffRequest, pk: int) -> HttpResponse:
    partner = permissions.partner_for_edit(request.user, pk)
    return render(request, "community/staff/partner.html", {
        "partner": partner,
        "contacts": partner.contacts.all(),
        "agreements": partner.agreements.all(),
        "activities": selectors.activities_for_staff(request.user, partner=partner),
        "referrals": selectors.referrals_for_staff(request.user, partner=partner)[:50],
        "events": selectors.co_hosted_events(partner),
        "mentors": partner.mentors.all(),
        "today": timezone.localdate(),
    })


@staff_required
def contact_new(request: StaffRequest, pk: int) -> HttpResponse:
    partner = permissions.partner_for_edit(request.user, pk)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partners.save_contact(None, partner=partner, actor=Actor.for_staff(request.user), at=timezone.now(),
                                  **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Contact saved."))
            return redirect("staff:community:partner", partner.pk)
    return _form_page(request, form, title=_("New contact at %(partner)s") % {"partner": partner},
                      back=reverse("staff:community:partner", args=[pk]))


@staff_required
def agreement_new(request: StaffRequest, pk: int) -> HttpResponse:
    partner = permissions.partner_for_edit(request.user, pk)
    form = forms.AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            partners.save_agreement(None, partner=partner, actor=Actor.for_staff(request.user), at=timezone.now(),
                                    **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("staff:community:partner", partner.pk)
    return _form_page(request, form, title=_("New agreement with %(partner)s") % {"partner": partner},
                      back=reverse("staff:community:partner", args=[pk]), multipart=True)


@staff_required
def agreement_document(request: StaffRequest, pk: int) -> FileResponse:
    """The signed document, for staff who may see the partner (never a public URL)."""
    agreement = permissions.agreement_for_edit(request.user, pk)
    if not agreement.document:
        raise Http404
    return FileResponse(agreement.document.open("rb"), as_attachment=True,
                        filename=agreement.document.name.rsplit("/", 1)[-1])


@staff_required
def activity_new(request: StaffRequest, pk: int) -> HttpResponse:
    partner = permissions.partner_for_edit(request.user, pk)
    form = forms.ActivityForm(request.POST or None, branches=_branches(request.user),
                              initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            partners.record_activity(partner=partner, actor=Actor.for_staff(request.user), at=timezone.now(),
                                     **form.cleaned_data)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Joint activity recorded."))
            return redirect("staff:community:partner", partner.pk)
    return _form_page(request, form, title=_("Joint activity with %(partner)s") % {"partner": partner},
                      back=reverse("staff:community:partner", args=[pk]))


@staff_required
def activity_list(request: StaffRequest) -> HttpResponse:
    return _table_page(
        request, table=export.ACTIVITIES, objects=selectors.activities_for_staff(request.user),
        filename="joint-activities", title=_("Joint activities"),
    )


# --- referrals --------------------------------------------------------------------------------


@staff_required
def referral_list(request: StaffRequest) -> HttpResponse:
    objects = selectors.referrals_for_staff(
        request.user, branch=_branch_filter(request), direction=request.GET.get("direction") or None,
        outcome=request.GET.get("outcome") or None,
        start=parse_date(request.GET.get("start") or ""), end=parse_date(request.GET.get("end") or ""),
    )
    return _table_page(
        request, table=export.REFERRALS, objects=objects, filename="referrals", title=_("Referrals"),
        link="staff:community:referral_outcome",
        filters=[
            _branch_choices(request),
            _choice_filter("direction", _("Direction"), Direction.choices, request.GET.get("direction")),
            _choice_filter("outcome", _("Outcome"), ReferralOutcome.choices, request.GET.get("outcome")),
            {"name": "start", "label": pgettext("date range", "From"), "date": True, "value": request.GET.get("start", "")},
            {"name": "end", "label": pgettext("date range", "Until"), "date": True, "value": request.GET.get("end", "")},
        ],
        actions=[(reverse("staff:community:referral_new"), _("Log a referral"))],
    )


@staff_required
def referral_new(request: StaffRequest) -> HttpResponse:
    form = forms.ReferralForm(
        request.POST or None, branches=_branches(request.user),
        partners=selectors.partners_for_staff(request.user, active=True),
        initial={"on": timezone.localdate(), "partner": request.GET.get("partner")},
    )
    if request.method == "POST" and form.is_valid():
        partners.log_referral(actor=Actor.for_staff(request.user), at=timezone.now(), **form.cleaned_data)
        messages.success(request, _("Referral logged."))
        return redirect("staff:community:referrals")
    return _form_page(request, form, title=_("Log a referral"), back=reverse("staff:community:referrals"))


@staff_required
def referral_outcome(request: StaffRequest, pk: int) -> HttpResponse:
    referral = permissions.referral_for_edit(request.user, pk)
    form = forms.OutcomeForm(request.POST or None,
                             initial={"outcome": referral.outcome, "note": referral.outcome_note})
    if request.method == "POST" and form.is_valid():
        partners.set_referral_outcome(referral, outcome=form.cleaned_data["outcome"],
                                      note=form.cleaned_data["note"], actor=Actor.for_staff(request.user), at=timezone.now())
        messages.success(request, _("Outcome saved."))
        return redirect("staff:community:referrals")
    intro = f"{referral.on:%Y-%m-%d} · {referral.get_direction_display()} · {referral.partner} — {referral.reason}"
    return _form_page(request, form, title=_("Outcome of a referral"), intro=intro,
                      back=reverse("staff:community:referrals"))


# --- volunteers -------------------------------------------------------------------------------


@staff_required
def volunteer_list(request: StaffRequest) -> HttpResponse:
    active = {"yes": True, "no": False}.get(request.GET.get("active", ""))
    objects = selectors.volunteers_for_staff(
        request.user, branch=_branch_filter(request), skill=request.GET.get("skill") or None,
        active=active, text=request.GET.get("q", "").strip(),
    )
    return _table_page(
        request, table=export.VOLUNTEERS, objects=objects, filename="volunteers", title=_("Volunteers"),
        link="staff:community:volunteer",
        filters=[
            _text_filter(request, _("Name or e-mail")),
            _branch_choices(request),
            _choice_filter("skill", _("Skill"), [(s.code, s.display_name()) for s in Skill.objects.all()],
                           request.GET.get("skill")),
            _choice_filter("active", _("Active"), [("yes", _("yes")), ("no", _("no"))], request.GET.get("active")),
        ],
        actions=[
            (reverse("staff:community:volunteer_new"), _("New volunteer")),
            (reverse("staff:community:shifts"), _("Shifts")),
            (reverse("staff:community:hours"), _("Hours")),
            (reverse("staff:community:hours_totals"), _("Totals")),
        ],
    )


@staff_required
def volunteer_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    volunteer = permissions.volunteer_for_edit(request.user, pk) if pk else None
    form = forms.VolunteerForm(request.POST or None, branches=_branches(request.user), volunteer=volunteer,
                               initial=None if volunteer else {"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        current = list(volunteer.branches.all()) if volunteer else []
        chosen = permissions.merged_branches(request.user, form.cleaned_data["branches"], current)
        details = form.details(chosen)
        try:
            if volunteer is not None:
                saved = volunteers.update_volunteer(volunteer, details=details, actor=Actor.for_staff(request.user),
                                                    at=timezone.now())
            else:
                network = _network(chosen)
                patron = None
                card = form.cleaned_data["card"].strip()
                if card:
                    patron = patron_by_card(card, network=network.pk)
                    if patron is None:
                        raise ValidationError({"card": _("No patron has this card number.")})
                saved = volunteers.register_volunteer(
                    network=network, details=details, patron=patron,
                    consent=form.cleaned_data["consent"], actor=Actor.for_staff(request.user), at=timezone.now(),
                )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Volunteer saved."))
            return redirect("staff:community:volunteer", saved.pk)
    back = reverse("staff:community:volunteer", args=[pk]) if pk else reverse("staff:community:volunteers")
    return _form_page(request, form, title=_("Edit volunteer") if volunteer else _("New volunteer"), back=back)


@staff_required
def volunteer_detail(request: StaffRequest, pk: int) -> HttpResponse:
    volunteer = permissions.volunteer_for_edit(request.user, pk)
    now = timezone.now()
    return render(request, "community/staff/volunteer.html", {
        "volunteer": volunteer,
        "signups": volunteer.signups.filter(status=SignupStatus.SIGNED_UP, shift__ends_at__gt=now)
        .select_related("shift__branch"),
        "open_shifts": selectors.open_shifts_for(volunteer, at=now)
        .filter(branch__in=_branches(request.user))[:20],
        "hours": selectors.hours_for_staff(request.user, volunteer=volunteer)[:50],
        "totals": _volunteer_years(request.user, volunteer),
    })


def _volunteer_years(user: User, volunteer: Volunteer) -> list[selectors.HoursTotal]:
    """Confirmed hours per year at the branches `user` works for."""
    rows = (
        selectors.hours_for_staff(user, volunteer=volunteer, status=HoursStatus.CONFIRMED)
        .annotate(y=ExtractYear("on")).values("y")
        .annotate(minutes=Sum("minutes"), entries=Count("pk")).order_by("y")
    )
    return [selectors.HoursTotal(r["y"], str(r["y"]), r["minutes"], r["entries"]) for r in rows]


@staff_required
@require_POST
def volunteer_consent(request: StaffRequest, pk: int) -> HttpResponse:
    volunteer = permissions.volunteer_for_edit(request.user, pk)
    given = request.POST.get("given") == "yes"
    volunteers.set_consent(volunteer, given=given, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("Consent recorded.") if given else _("Consent withdrawn."))
    return redirect("staff:community:volunteer", pk)


@staff_required
@require_POST
def volunteer_sign_up(request: StaffRequest, pk: int, shift_pk: int) -> HttpResponse:
    volunteer = permissions.volunteer_for_edit(request.user, pk)
    shift = permissions.shift_for_edit(request.user, shift_pk)
    try:
        volunteers.sign_up(shift, volunteer=volunteer, actor=Actor.for_staff(request.user), at=timezone.now())
    except CommunityRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Signed up."))
    return redirect("staff:community:volunteer", pk)


# --- shifts -----------------------------------------------------------------------------------


@staff_required
def shift_list(request: StaffRequest) -> HttpResponse:
    start = parse_date(request.GET.get("start") or "") or timezone.localdate()
    end = parse_date(request.GET.get("end") or "")
    zone = timezone.get_current_timezone()
    objects = selectors.shifts_for_staff(
        request.user, branch=_branch_filter(request),
        start=datetime.combine(start, time(), tzinfo=zone),
        end=datetime.combine(end + timedelta(days=1), time(), tzinfo=zone) if end else None,
    )
    return _table_page(
        request, table=export.SHIFTS, objects=objects, filename="volunteer-shifts",
        title=_("Volunteer shifts"), link="staff:community:shift",
        filters=[
            _branch_choices(request),
            {"name": "start", "label": pgettext("date range", "From"), "date": True, "value": start.isoformat()},
            {"name": "end", "label": pgettext("date range", "Until"), "date": True, "value": request.GET.get("end", "")},
        ],
        actions=[(reverse("staff:community:shift_new"), _("New shift"))],
    )


@staff_required
def shift_new(request: StaffRequest) -> HttpResponse:
    form = forms.ShiftForm(request.POST or None, branches=_branches(request.user))
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        d = form.cleaned_data
        try:
            shift = volunteers.save_shift(
                None, branch=d["branch"], title=d["title"], starts_at=starts_at, ends_at=ends_at,
                capacity=d["capacity"], description=d["description"], skills=list(d["skills"]),
                actor=Actor.for_staff(request.user), at=timezone.now(),
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Shift saved."))
            return redirect("staff:community:shift", shift.pk)
    return _form_page(request, form, title=_("New shift"), back=reverse("staff:community:shifts"))


@staff_required
def shift_detail(request: StaffRequest, pk: int) -> HttpResponse:
    shift = permissions.shift_for_edit(request.user, pk)
    signups = shift.signups.filter(status=SignupStatus.SIGNED_UP).select_related("volunteer")
    candidates = selectors.volunteers_for_staff(request.user, branch=shift.branch, active=True).filter(
        consented_at__isnull=False
    ).exclude(pk__in=signups.values("volunteer"))
    return render(request, "community/staff/shift.html", {
        "shift": shift, "signups": signups,
        "form": forms.SignupForm(volunteers=candidates),
        "full": signups.count() >= shift.capacity,
    })


@staff_required
@require_POST
def shift_sign_up(request: StaffRequest, pk: int) -> HttpResponse:
    shift = permissions.shift_for_edit(request.user, pk)
    form = forms.SignupForm(request.POST, volunteers=selectors.volunteers_for_staff(request.user))
    if form.is_valid():
        try:
            volunteers.sign_up(shift, volunteer=form.cleaned_data["volunteer"], actor=Actor.for_staff(request.user),
                               at=timezone.now())
        except CommunityRefused as refused:
            _refused(request, refused)
        else:
            messages.success(request, _("Signed up."))
    else:
        messages.error(request, _("Choose a volunteer."))
    return redirect("staff:community:shift", pk)


@staff_required
@require_POST
def shift_cancel(request: StaffRequest, pk: int) -> HttpResponse:
    shift = permissions.shift_for_edit(request.user, pk)
    volunteers.cancel_shift(shift, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("Shift cancelled."))
    return redirect("staff:community:shift", pk)


@staff_required
@require_POST
def signup_cancel(request: StaffRequest, pk: int) -> HttpResponse:
    signup = permissions.signup_for_edit(request.user, pk)
    try:
        volunteers.cancel_signup(signup, actor=Actor.for_staff(request.user), at=timezone.now())
    except CommunityRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Taken off the shift."))
    return redirect("staff:community:shift", signup.shift_id)


# --- hours ------------------------------------------------------------------------------------


@staff_required
def hours_list(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", HoursStatus.LOGGED)
    year = request.GET.get("year", "")
    objects = selectors.hours_for_staff(
        request.user, status=status or None, branch=_branch_filter(request),
        year=int(year) if year.isdigit() else None,
    )
    return _table_page(
        request, table=export.HOURS, objects=objects, filename="volunteer-hours",
        title=_("Volunteer hours"), row_actions="community/staff/_hours_actions.html",
        filters=[
            _choice_filter("status", _("Status"), HoursStatus.choices, status),
            _branch_choices(request),
            {"name": "year", "label": _("Year"), "text": True, "value": year},
        ],
        actions=[(reverse("staff:community:hours_new"), _("Log hours")),
                 (reverse("staff:community:hours_totals"), _("Totals"))],
    )


@staff_required
def hours_new(request: StaffRequest) -> HttpResponse:
    form = forms.HoursForm(
        request.POST or None, branches=_branches(request.user),
        volunteers=selectors.volunteers_for_staff(request.user, active=True),
        initial={"on": timezone.localdate(), "volunteer": request.GET.get("volunteer")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteers.log_hours(actor=Actor.for_staff(request.user), at=timezone.now(), **form.cleaned_data)
        except CommunityRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Hours logged; they count once confirmed."))
            return redirect("staff:community:hours")
    return _form_page(request, form, title=_("Log hours"), back=reverse("staff:community:hours"))


@staff_required
@require_POST
def hours_decide(request: StaffRequest, pk: int, decision: str) -> HttpResponse:
    entry = permissions.hours_for_edit(request.user, pk)
    decide = {"confirm": volunteers.confirm_hours, "reject": volunteers.reject_hours}.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(entry, actor=Actor.for_staff(request.user), at=timezone.now(), note=request.POST.get("note", "")[:300])
    except CommunityRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("Hours confirmed.") if decision == "confirm" else _("Hours not confirmed."))
    # Back to the same filtered list; only the query string is taken from the form.
    query = request.POST.get("query", "").lstrip("?").replace("/", "%2F")
    return redirect(f"{reverse('staff:community:hours')}?{query}")


@staff_required
def hours_totals(request: StaffRequest) -> HttpResponse:
    by = request.GET.get("by") if request.GET.get("by") in {"volunteer", "branch", "year"} else "volunteer"
    year = request.GET.get("year", str(timezone.localdate().year))
    branch = _branch_filter(request)
    objects = selectors.hours_totals(
        branches=[branch] if branch else _branches(request.user), by=by,  # type: ignore[arg-type]
        year=int(year) if year.isdigit() else None,
    )
    return _table_page(
        request, table=export.HOURS_TOTALS, objects=objects, filename=f"volunteer-hours-by-{by}",
        title=_("Confirmed volunteer hours"),
        filters=[
            _choice_filter("by", _("Per"), [("volunteer", _("Volunteer")), ("branch", _("Branch")),
                                            ("year", _("Year"))], by),
            _branch_choices(request),
            {"name": "year", "label": _("Year"), "text": True, "value": year},
        ],
    )


# --- business and career ----------------------------------------------------------------------


@staff_required
def resource_list(request: StaffRequest) -> HttpResponse:
    objects = selectors.resources_for_staff(request.user, branch=_branch_filter(request))
    return _table_page(
        request, table=export.RESOURCES, objects=objects, filename="career-links",
        title=_("Business and career links"), link="staff:community:resource_edit",
        filters=[_branch_choices(request)],
        actions=[(reverse("staff:community:resource_new"), _("New link")),
                 (reverse("community:career"), _("Public page"))],
    )


@staff_required
def resource_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    resource = permissions.resource_for_edit(request.user, pk) if pk else None
    form = forms.ResourceForm(request.POST or None, branches=_branches(request.user), resource=resource)
    if request.method == "POST" and form.is_valid():
        try:
            career.save_resource(resource, branch=form.cleaned_data["branch"], details=form.details(),
                                 actor=Actor.for_staff(request.user), at=timezone.now())
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Link saved."))
            return redirect("staff:community:resources")
    return _form_page(request, form, title=_("Edit link") if resource else _("New link"),
                      back=reverse("staff:community:resources"))


@staff_required
def mentor_list(request: StaffRequest) -> HttpResponse:
    objects = selectors.mentors_for_staff(
        request.user, kind=request.GET.get("kind") or None, branch=_branch_filter(request),
        topic=request.GET.get("topic") or None, text=request.GET.get("q", "").strip(),
    )
    return _table_page(
        request, table=export.MENTORS, objects=objects, filename="businesses-and-mentors",
        title=_("Businesses and mentors"), link="staff:community:mentor_edit",
        filters=[
            _text_filter(request, _("Name, organisation or expertise")),
            _choice_filter("kind", _("Type"), MentorKind.choices, request.GET.get("kind")),
            _choice_filter("topic", _("Topic"), Topic.choices, request.GET.get("topic")),
            _branch_choices(request),
        ],
        actions=[(reverse("staff:community:mentor_new"), _("New business or mentor")),
                 (reverse("staff:community:requests"), _("Mentoring requests")),
                 (reverse("community:mentors"), _("Public directory"))],
    )


@staff_required
def mentor_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    mentor = permissions.mentor_for_edit(request.user, pk) if pk else None
    form = forms.MentorForm(request.POST or None, branches=_branches(request.user),
                            partners=selectors.partners_for_staff(request.user), mentor=mentor)
    if request.method == "POST" and form.is_valid():
        current = list(mentor.branches.all()) if mentor else []
        chosen = permissions.merged_branches(request.user, form.cleaned_data["branches"], current)
        try:
            career.save_mentor(
                mentor, network=mentor.network if mentor else _network(chosen),
                details=form.details(chosen), public_consent=form.cleaned_data["public_consent"],
                actor=Actor.for_staff(request.user), at=timezone.now(),
            )
        except ValidationError as error:
            _apply_validation_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:community:mentors")
    return _form_page(request, form, title=_("Edit business or mentor") if mentor else _("New business or mentor"),
                      back=reverse("staff:community:mentors"))


@staff_required
def request_list(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    objects = selectors.requests_for_staff(request.user, status=status or None, branch=_branch_filter(request))
    return _table_page(
        request, table=export.REQUESTS, objects=objects, filename="mentoring-requests",
        title=_("Mentoring requests"), link="staff:community:request",
        filters=[_choice_filter("status", _("Status"), RequestStatus.choices, status), _branch_choices(request)],
    )


@staff_required
def request_detail(request: StaffRequest, pk: int) -> HttpResponse:
    mentoring = permissions.request_for_edit(request.user, pk)
    mentors = selectors.mentors_for_staff(request.user).filter(is_active=True, network=mentoring.branch.network)
    initial: dict[str, Any] = {"mentor": mentoring.mentor_id or mentoring.wished_mentor_id}
    if mentoring.appointment_at:
        local = timezone.localtime(mentoring.appointment_at)
        initial |= {"day": local.date(), "time": local.time()}
    match_form = forms.MatchForm(None, mentors=mentors, initial=initial)
    outcome_form = forms.OutcomeTextForm(None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "match":
                match_form = forms.MatchForm(request.POST, mentors=mentors)
                if match_form.is_valid():
                    career.match_request(mentoring, mentor=match_form.cleaned_data["mentor"],
                                         appointment_at=match_form.appointment(), actor=Actor.for_staff(request.user),
                                         at=timezone.now(), notify=match_form.cleaned_data["notify"])
                    messages.success(request, _("Appointment arranged."))
                    return redirect("staff:community:request", pk)
            elif action in {"met", "close"}:
                outcome_form = forms.OutcomeTextForm(request.POST)
                if outcome_form.is_valid():
                    text = outcome_form.cleaned_data["outcome"]
                    if action == "met":
                        career.log_meeting(mentoring, outcome=text, actor=Actor.for_staff(request.user), at=timezone.now())
                        messages.success(request, _("Meeting logged."))
                    else:
                        career.close_request(mentoring, note=text, actor=Actor.for_staff(request.user), at=timezone.now())
                        messages.success(request, _("Request closed."))
                    return redirect("staff:community:request", pk)
        except CommunityRefused as refused:
            _refused(request, refused)
    return render(request, "community/staff/request.html", {
        "mentoring": mentoring, "match_form": match_form, "outcome_form": outcome_form,
        "finished": mentoring.status in {RequestStatus.MET, RequestStatus.CLOSED},
    })


# --- dynamics ---------------------------------------------------------------------------------


@staff_required
def dynamics(request: StaffRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    period: selectors.Period = "quarter" if request.GET.get("period") == "quarter" else "year"
    start_year = _year(request.GET.get("from"), this_year - 4)
    end_year = max(start_year, _year(request.GET.get("to"), this_year))
    end_year = min(end_year, start_year + 50)
    branch = _branch_filter(request)
    if branch is None and not request.user.is_network_wide:
        branch = _branches(request.user).first()
    network = branch.network if branch else Network.objects.order_by("pk").first()
    objects = (
        selectors.partner_dynamics(network=network, start_year=start_year, end_year=end_year,
                                   period=period, branch=branch)
        if network else []
    )
    branch_filter = _branch_choices(request)
    if not request.user.is_network_wide:
        branch_filter["choices"] = branch_filter["choices"][1:]
    return _table_page(
        request, table=export.DYNAMICS, objects=objects, filename=f"partner-dynamics-{period}",
        title=_("Dynamics of partners"),
        filters=[
            _choice_filter("period", _("Per"), [("year", _("Year")), ("quarter", _("Quarter"))], period),
            {"name": "from", "label": _("From year"), "text": True, "value": str(start_year)},
            {"name": "to", "label": _("To year"), "text": True, "value": str(end_year)},
            branch_filter,
        ],
        extra={"intro": _("A partner is active in a period when it co-hosted an event, took part in a "
                          "joint activity or a referral then. Each date of a co-hosted event counts.")},
    )


def _year(value: str | None, default: int) -> int:
    return int(value) if value and value.isdigit() and 1900 <= int(value) <= 2999 else default

