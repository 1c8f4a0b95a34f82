"""The patron portal on the OPAC: sign-in, self-registration and "my account". Each view
parses its input, fetches only the signed-in patron's own rows (another patron's loan or hold
is a 404), calls one patrons or circulation service as the patron (or, registering, as someone
not signed in), and puts the outcome or every refusal reason into words. What the patron does
for their own account online is recorded at their home branch, whose staff look after it."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from bibliohub.catalog.models import Record
from bibliohub.circulation import selectors as circulation
from bibliohub.circulation import services as circulation_services
from bibliohub.circulation.errors import InvalidOperation, RefusalReason, Refused
from bibliohub.circulation.models import Hold, HoldStatus, Loan
from bibliohub.history import Actor
from bibliohub.patrons import pins
from bibliohub.patrons import services as patron_services
from bibliohub.patrons.errors import InvalidPatronData, PinRefusal, PinRefused
from bibliohub.patrons.models import Patron
from bibliohub.portal import session
from bibliohub.portal.forms import (
    ChangePinForm,
    ChildRegistrationForm,
    DetailsForm,
    NotNeededAfterForm,
    PickupForm,
    RegistrationForm,
    SignInForm,
    active_branches,
)
from bibliohub.portal.session import patron_required

# How long a lost-item charge cancelled because the copy turned up stays on "My fines".
FOUND_CHARGES_SHOWN = timedelta(days=90)
# Lists show the title; the whole MARC record it is extracted from stays in the database.
_NO_MARC_LOAN = ("item__record__marc",)


def _now() -> datetime:
    return timezone.now()


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _use_language(response: HttpResponse, language: str) -> HttpResponse:
    """Show the pages in `language` from the next request on, as the language switcher does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


# The reasons as a patron reads them about themselves; the others read well as they are.
_TO_THE_PATRON = {
    RefusalReason.PATRON_BLOCKED_PENDING: gettext_lazy(
        "Your registration has not been confirmed yet."
    ),
    RefusalReason.PATRON_BLOCKED_MANUAL: gettext_lazy(
        "The library has blocked your card; ask at the desk."
    ),
    RefusalReason.CARD_EXPIRED: gettext_lazy(
        "Your library card has expired; renew it at the desk."
    ),
    RefusalReason.FINES_OVER_LIMIT: gettext_lazy("You owe more in fines than the limit."),
    RefusalReason.OVERDUE: gettext_lazy("You have overdue items; return them first."),
    RefusalReason.LOAN_LIMIT: gettext_lazy("You have as many loans as you may have."),
    RefusalReason.TOO_SOON: gettext_lazy(
        "It is too soon: renewing it today would not give you any more time."
    ),
    RefusalReason.ALREADY_HELD: gettext_lazy("You already have a hold on this title."),
    RefusalReason.ALREADY_ON_LOAN_TO_PATRON: gettext_lazy("You already have this title on loan."),
}


def _refusal_text(reasons: list[RefusalReason]) -> str:
    return " ".join(str(_TO_THE_PATRON.get(r, r.message)) for r in reasons)


def _as_patron(patron: Patron) -> Actor:
    """Who acts in the portal: the signed-in patron, online."""
    return Actor.for_patron(patron)


# --- Signing in -------------------------------------------------------------------------------


# What the portal says when a card and PIN are not taken because of guessing: the same
# reasons as a self-check machine gives, worded for the reader at home.
_SIGN_IN_WAITS = {
    PinRefusal.CARD_LOCKED: gettext_lazy(
        "Signing in with this card has failed too many times. Try again after %(time)s, or "
        "ask at the desk."
    ),
    PinRefusal.TOO_MANY_HERE: gettext_lazy(
        "Too many sign-ins have failed from your connection, whatever the cards. Try again "
        "after %(time)s, or ask at the desk."
    ),
}


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, reverse("portal:loans"))
    if session.current_patron(request) is not None and request.method == "GET":
        return redirect(next_url)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        pin = form.cleaned_data["pin"]
        try:
            patron = session.authenticate(
                request, card_number=form.cleaned_data["card_number"], pin=pin
            )
        except PinRefused as refused:
            if waits := [r for r in refused.reasons if r in _SIGN_IN_WAITS]:
                return _locked_out(request, waits, refused.until)
            form.add_error(None, _("The card number or the PIN is not right."))
        else:
            session.sign_in(request, patron)
            translation.activate(patron.language)
            if pins.is_shorter_than_policy(pin, network=patron.network_id):
                messages.warning(
                    request,
                    _(
                        "Your library now asks for longer PINs. Your PIN still works; please "
                        "choose a new one under My details."
                    ),
                )
            return _use_language(HttpResponseRedirect(next_url), patron.language)
    return render(request, "portal/sign_in.html", {"form": form, "next": next_url})


def _locked_out(
    request: HttpRequest, reasons: list[PinRefusal], until: datetime | None
) -> HttpResponse:
    time = ""
    if until is not None:
        local = timezone.localtime(until)
        same_day = local.date() == timezone.localdate()
        time = date_format(local, "TIME_FORMAT" if same_day else "SHORT_DATETIME_FORMAT")
    return render(
        request,
        "portal/locked_out.html",
        {
            "reasons": [r.value for r in reasons],
            "explanations": [str(_SIGN_IN_WAITS[r]) % {"time": time} for r in reasons],
        },
        status=429,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session.sign_out(request)
    messages.info(request, _("You have signed out."))
    return redirect("web:home")


# --- Registering ------------------------------------------------------------------------------


def _details(data: dict) -> patron_services.PatronDetails:
    return patron_services.PatronDetails(
        family_name=data["family_name"],
        given_names=data["given_names"],
        date_of_birth=data.get("date_of_birth"),
        email=data.get("email", ""),
        phone=data.get("phone", ""),
        address=data.get("address", ""),
        language=data["language"],
        school_class=data.get("school_class", ""),
    )


def _put_errors(form, error: InvalidPatronData) -> None:
    for field, texts in error.errors.items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _register(
    request: HttpRequest, form: RegistrationForm, *, guardian: Patron | None
) -> Patron | None:
    """Self-register from a valid form with its PIN, or put the service's errors on the form:
    as someone not signed in, or as the signed-in guardian registering their child."""
    data = form.cleaned_data
    actor = Actor.for_public() if guardian is None else Actor.for_patron(guardian)
    at = _now()
    try:
        # One transaction: never a registration without the PIN its owner chose.
        with transaction.atomic():
            patron = patron_services.self_register(
                _details(data),
                category=data["category"],
                home_branch=data["home_branch"],
                actor=actor,
                at=at,
                guardian=guardian,
            )
            return pins.set_pin(
                patron, pin=data["pin"], actor=actor, at=at, branch=patron.home_branch
            )
    except InvalidPatronData as error:
        _put_errors(form, error)
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        patron = _register(request, form, guardian=None)
        if patron is not None:
            return render(request, "portal/registered.html", {"registered": patron})
    return render(request, "portal/register.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@patron_required
def register_child(request: HttpRequest, patron: Patron) -> HttpResponse:
    form = ChildRegistrationForm(
        request.POST or None,
        initial={
            "family_name": patron.family_name,
            "language": patron.language,
            "home_branch": patron.home_branch_id,
            "address": patron.address,
            "phone": patron.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        child = _register(request, form, guardian=patron)
        if child is not None:
            return render(
                request,
                "portal/registered.html",
                {"registered": child, "patron": patron, "section": "details"},
            )
    return render(
        request,
        "portal/register_child.html",
        {"form": form, "patron": patron, "section": "details"},
    )


# --- My loans ---------------------------------------------------------------------------------


@never_cache
@require_safe
@patron_required
def loans(request: HttpRequest, patron: Patron) -> HttpResponse:
    now = _now()
    return render(
        request,
        "portal/loans.html",
        {
            "patron": patron,
            "section": "loans",
            "loans": list(circulation.loans_for(patron).defer(*_NO_MARC_LOAN)),
            "now": now,
            # Whether they may borrow (at their home library): the answer checkout gives.
            "blocks": [
                _TO_THE_PATRON.get(r, r.label)
                for r in circulation.standing(patron, branch=patron.home_branch, at=now).reasons
            ],
        },
    )


@require_POST
@patron_required
def renew(request: HttpRequest, patron: Patron, loan_id: int) -> HttpResponse:
    loan = get_object_or_404(
        Loan.objects.select_related("item__record", "branch"),
        pk=loan_id,
        patron=patron,
        returned_at__isnull=True,
    )
    title = loan.item.record.title
    try:
        loan = circulation_services.renew(
            loan=loan, branch=loan.branch, actor=_as_patron(patron), at=_now()
        )
    except Refused as refusal:
        messages.error(
            request,
            _("“%(title)s” was not renewed: %(reasons)s")
            % {"title": title, "reasons": _refusal_text(refusal.reasons)},
        )
    else:
        messages.success(
            request,
            _("“%(title)s” is renewed, now due %(due)s.")
            % {"title": title, "due": _date(loan.due_at)},
        )
    return redirect("portal:loans")


@require_POST
@patron_required
def renew_all(request: HttpRequest, patron: Patron) -> HttpResponse:
    result = circulation_services.renew_all(
        patron=patron, branch=patron.home_branch, actor=_as_patron(patron), at=_now()
    )
    if result.renewed:
        messages.success(
            request,
            ngettext("%(count)d item renewed.", "%(count)d items renewed.", len(result.renewed))
            % {"count": len(result.renewed)},
        )
    for loan, reasons in result.refused:
        messages.error(
            request,
            _("“%(title)s” was not renewed: %(reasons)s")
            % {"title": loan.item.record.title, "reasons": _refusal_text(reasons)},
        )
    if not result.renewed and not result.refused:
        messages.info(request, _("You have nothing on loan to renew."))
    return redirect("portal:loans")


def _date(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATE_FORMAT")


# --- My holds ---------------------------------------------------------------------------------


@never_cache
@require_safe
@patron_required
def holds(request: HttpRequest, patron: Patron) -> HttpResponse:
    rows = []
    branches = list(active_branches().filter(network_id=patron.network_id))
    for hold in circulation.with_queue_positions(circulation.active_holds(patron)).defer(
        "record__marc"
    ):
        form = date_form = None
        if hold.status == HoldStatus.WAITING:
            form = PickupForm(
                initial={"pickup_branch": hold.pickup_branch_id},
                network_id=patron.network_id,
                branches=branches,
                prefix=f"hold-{hold.pk}",
            )
            date_form = NotNeededAfterForm(
                initial={"not_needed_after": hold.not_needed_after}, prefix=f"date-{hold.pk}"
            )
        rows.append((hold, hold.position, form, date_form))
    return render(
        request, "portal/holds.html", {"patron": patron, "section": "holds", "holds": rows}
    )


def _own_active_hold(patron: Patron, hold_id: int) -> Hold:
    return get_object_or_404(
        Hold.objects.select_related("record"),
        pk=hold_id,
        patron=patron,
        status__in=[HoldStatus.WAITING, HoldStatus.IN_TRANSIT, HoldStatus.READY],
    )


@require_POST
@patron_required
def cancel_hold(request: HttpRequest, patron: Patron, hold_id: int) -> HttpResponse:
    hold = _own_active_hold(patron, hold_id)
    try:
        circulation_services.cancel_hold(
            hold=hold,
            actor=_as_patron(patron),
            at=_now(),
            reason=_("Cancelled by the reader online"),
        )
    except InvalidOperation as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Your hold on “%(title)s” is cancelled.") % {"title": hold.record.title}
        )
    return redirect("portal:holds")


@require_POST
@patron_required
def change_pickup(request: HttpRequest, patron: Patron, hold_id: int) -> HttpResponse:
    hold = _own_active_hold(patron, hold_id)
    form = PickupForm(request.POST, network_id=patron.network_id, prefix=f"hold-{hold.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose one of the libraries in the list."))
        return redirect("portal:holds")
    branch = form.cleaned_data["pickup_branch"]
    try:
        circulation_services.change_pickup(
            hold=hold, pickup_branch=branch, actor=_as_patron(patron), at=_now()
        )
    except InvalidOperation as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(title)s” will wait for you at %(branch)s.")
            % {"title": hold.record.title, "branch": branch.display_name()},
        )
    return redirect("portal:holds")


@require_POST
@patron_required
def change_not_needed_after(request: HttpRequest, patron: Patron, hold_id: int) -> HttpResponse:
    hold = _own_active_hold(patron, hold_id)
    form = NotNeededAfterForm(request.POST, prefix=f"date-{hold.pk}")
    if not form.is_valid():
        messages.error(
            request, _("Give the day you no longer need it as a date, or leave it empty.")
        )
        return redirect("portal:holds")
    day = form.cleaned_data["not_needed_after"]
    try:
        circulation_services.change_not_needed_after(
            hold=hold, not_needed_after=day, actor=_as_patron(patron), at=_now()
        )
    except InvalidOperation as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("You will wait for “%(title)s” until %(day)s.")
            % {"title": hold.record.title, "day": date_format(day, "DATE_FORMAT")}
            if day is not None
            else _("You will wait for “%(title)s” until it comes.") % {"title": hold.record.title},
        )
    return redirect("portal:holds")


@require_POST
def place_hold(request: HttpRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record.objects.only("pk", "title"), pk=record_id)
    record_url = reverse("web:record", args=[record.pk])
    patron = session.current_patron(request)
    if patron is None:
        return redirect(f"{reverse('portal:sign-in')}?{urlencode({'next': record_url})}")
    form = PickupForm(request.POST, network_id=patron.network_id)
    if not form.is_valid():
        if "not_needed_after" in form.errors:
            messages.error(
                request, _("Give the day you no longer need it as a date, or leave it empty.")
            )
        else:
            messages.error(request, _("Choose one of the libraries in the list."))
        return redirect(record_url)
    branch = form.cleaned_data["pickup_branch"]
    try:
        circulation_services.place_hold(
            patron=patron,
            record=record,
            pickup_branch=branch,
            actor=_as_patron(patron),
            at=_now(),
            not_needed_after=form.cleaned_data["not_needed_after"],
        )
    except Refused as refusal:
        messages.error(
            request,
            _("The hold was not placed: %(reasons)s") % {"reasons": _refusal_text(refusal.reasons)},
        )
        return redirect(record_url)
    except InvalidOperation as error:
        messages.error(request, _("The hold was not placed: %(reasons)s") % {"reasons": error})
        return redirect(record_url)
    messages.success(
        request,
        _(
            "You are in the queue for “%(title)s”; we will tell you when it waits for you at %(branch)s."
        )
        % {"title": record.title, "branch": branch.display_name()},
    )
    return redirect("portal:holds")


# --- My fines, history, details, data ---------------------------------------------------------


@never_cache
@require_safe
@patron_required
def fines(request: HttpRequest, patron: Patron) -> HttpResponse:
    rows = list(circulation.fines_for(patron).defer(*_NO_MARC_LOAN))
    return render(
        request,
        "portal/fines.html",
        {
            "patron": patron,
            "section": "fines",
            "fines": rows,
            "total": circulation.amount_owed(patron),
            "refunds": list(circulation.refunds_due(patron)),
            "found": list(
                circulation.found_charges(patron, since=_now() - FOUND_CHARGES_SHOWN)[:50]
            ),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@patron_required
def history(request: HttpRequest, patron: Patron) -> HttpResponse:
    if request.method == "POST":
        keep = request.POST.get("keep") == "yes"
        patron = patron_services.set_reading_history(
            patron,
            keep=keep,
            actor=Actor.for_patron(patron),
            at=_now(),
            branch=patron.home_branch,
        )
        messages.success(
            request,
            _("Your reading history is on: we keep what you return.")
            if keep
            else _("Your reading history is off: returned items are forgotten after a while."),
        )
        return redirect("portal:history")
    return render(
        request,
        "portal/history.html",
        {
            "patron": patron,
            "section": "history",
            "loans": list(circulation.reading_history(patron).defer(*_NO_MARC_LOAN)[:500]),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@patron_required
def details(request: HttpRequest, patron: Patron) -> HttpResponse:
    form = DetailsForm.for_patron(patron, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        current = patron_services.PatronDetails(
            family_name=patron.family_name,
            given_names=patron.given_names,
            date_of_birth=patron.date_of_birth,
            email=data["email"],
            phone=data["phone"],
            address=data["address"],
            language=data["language"],
            school_class=patron.school_class,
        )
        try:
            patron = patron_services.update_details(
                patron,
                current,
                category=patron.category,
                home_branch=patron.home_branch,
                guardian=patron.guardian,
                branch=patron.home_branch,
                actor=Actor.for_patron(patron),
                at=_now(),
            )
        except InvalidPatronData as error:
            _put_errors(form, error)
        else:
            translation.activate(patron.language)
            messages.success(request, _("Your details are saved."))
            return _use_language(redirect("portal:details"), patron.language)
    return render(
        request,
        "portal/details.html",
        {
            "patron": patron,
            "section": "details",
            "form": form,
            "pin_form": ChangePinForm(patron),
            "children": list(patron.wards.order_by("given_names", "pk")),
        },
    )


@never_cache
@require_POST
@patron_required
def change_pin(request: HttpRequest, patron: Patron) -> HttpResponse:
    form = ChangePinForm(patron, request.POST)
    if form.is_valid():
        try:
            patron = pins.set_pin(
                patron,
                pin=form.cleaned_data["pin"],
                actor=Actor.for_patron(patron),
                at=_now(),
                branch=patron.home_branch,
            )
        except InvalidPatronData as error:
            _put_errors(form, error)
        else:
            # The session was signed with the old PIN; sign this one in again under the new.
            session.sign_in(request, patron)
            messages.success(request, _("Your new PIN is set."))
            return redirect("portal:details")
    return render(
        request,
        "portal/details.html",
        {
            "patron": patron,
            "section": "details",
            "form": DetailsForm.for_patron(patron),
            "pin_form": form,
            "children": list(patron.wards.order_by("given_names", "pk")),
        },
    )


@never_cache
@require_POST
@patron_required
def download_data(request: HttpRequest, patron: Patron) -> HttpResponse:
    """Everything the library holds about the patron, as a JSON file. POST, because each
    download is recorded."""
    data = patron_services.export_patron_data(
        patron, actor=Actor.for_patron(patron), at=_now(), branch=patron.home_branch
    )
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-library-data.json"'
    return response
