"""The front desk (checkout, checkin, renewals, holds, transfers, fines) and the rule screens.

Each view parses the request, fetches what it acts on (refusing what the user may not
touch), calls one circulation service and shows the outcome in words. The desk works for one
branch, chosen once per session from the user's branches; every service call records it.

The scanning screens keep their latest results in the session, so that the list above the
barcode field survives a full page load (without htmx) and a reload; with htmx, each scan
returns only its own result, which the page puts at the top of the list."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from bibliohub.accounts import access
from bibliohub.accounts.decorators import HtmxHttpRequest, StaffRequest, staff_required
from bibliohub.catalog.models import Item, Record
from bibliohub.catalog.views import item_for_edit
from bibliohub.circulation import exports, rules, selectors, services
from bibliohub.circulation.errors import (
    CirculationError,
    InvalidOperation,
    OverrideNotAllowed,
    RefusalReason,
    Refused,
)
from bibliohub.circulation.forms import (
    CardForm,
    CirculationRuleForm,
    DamagedForm,
    DeskBranchForm,
    EndOfTermForm,
    ExplainForm,
    HoldDateForm,
    ItemBarcodeForm,
    PayForm,
    SendForm,
    TermForm,
    WaiveForm,
)
from bibliohub.circulation.models import CirculationRule, Fine, Loan, Payment, Refund, Term
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons import selectors as patron_selectors
from bibliohub.patrons.models import Patron

DESK_SESSION_KEY = "desk_branch"
# How many scan results the screen keeps above the barcode field.
RESULTS_KEPT = 30
LOANS_PER_PAGE = 50

View = Callable[..., HttpResponseBase]


# --- The desk's branch ----------------------------------------------------------------------


def desk_branch(request: StaffRequest) -> Branch | None:
    """The branch this session works at: the one chosen, if the user still works there,
    else their only branch; None when they must choose."""
    branches = access.branches_for(request.user)
    chosen = request.session.get(DESK_SESSION_KEY)
    if chosen is not None and (branch := branches.filter(pk=chosen).first()) is not None:
        return branch
    only = list(branches[:2])
    if len(only) == 1:
        request.session[DESK_SESSION_KEY] = only[0].pk
        return only[0]
    return None


def desk_required(view: View) -> View:
    """Staff only, working at a desk branch (`request.desk_branch`); sends the user to choose
    the branch first when they work at several. A scan sent by htmx after the session ended
    (or before a branch was chosen) turns the whole page to the login or branch page instead
    of putting that page into the list of results."""

    @staff_required
    @wraps(view)
    def at_desk(request: StaffRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        branch = desk_branch(request)
        if branch is None:
            if not access.branches_for(request.user).exists():
                raise PermissionDenied(
                    _("No branch is assigned to you, so you cannot work at a desk.")
                )
            return _whole_page_to(request, reverse("staff:circulation:choose_desk"))
        request.desk_branch = branch  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.htmx and not request.user.is_authenticated:
            return _whole_page_to(request, reverse(settings.LOGIN_URL))
        return at_desk(request, *args, **kwargs)

    return wrapper


def _whole_page_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    """Send the browser to `url`, to come back afterwards to the page it is on."""
    if request.htmx:
        back = request.htmx.current_url_abs_path
    else:  # a form sent to a screen that only takes POST cannot be come back to
        back = request.get_full_path() if request.method == "GET" else ""
    target = f"{url}?{urlencode({'next': back or ''})}"
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)


@staff_required
@require_http_methods(["GET", "POST"])
def choose_desk(request: StaffRequest) -> HttpResponse:
    branches = access.branches_for(request.user)
    if not branches.exists():
        raise PermissionDenied(_("No branch is assigned to you, so you cannot work at a desk."))
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = DeskBranchForm(
        request.POST or None,
        branches=branches,
        initial={"branch": request.session.get(DESK_SESSION_KEY)},
    )
    if request.method == "POST" and form.is_valid():
        request.session[DESK_SESSION_KEY] = form.cleaned_data["branch"].pk
        request.session.pop("desk:checkin", None)
        messages.success(
            request,
            _("You are working at %(branch)s.")
            % {"branch": form.cleaned_data["branch"].display_name()},
        )
        return redirect(next_url or "staff:circulation:checkout_start")
    return render(
        request,
        "circulation/choose_desk.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


def _desk(request: HttpRequest) -> Branch:
    return request.desk_branch  # type: ignore[attr-defined]


def _actor(request: StaffRequest) -> Actor:
    """Who acts on the staff screens: the signed-in member of staff."""
    return Actor.for_staff(request.user)


def _patron_at_desk(request: HttpRequest, patron_id: int) -> Patron:
    """A patron of the desk's network (patrons borrow at every branch of their network)."""
    return get_object_or_404(
        Patron.objects.select_related("category", "home_branch"),
        pk=patron_id,
        network_id=_desk(request).network_id,
    )


def _item_by_barcode(barcode: str) -> Item | None:
    return Item.objects.select_related("record", "branch").filter(barcode=barcode.strip()).first()


def _reasons(codes: list[str]) -> list[str]:
    return [RefusalReason(code).message for code in codes]


def _remember(request: HttpRequest, key: str, result: dict[str, Any]) -> None:
    """Keep `result` last in the session's list (the newest sits next to the barcode field)."""
    result["key"] = secrets.token_hex(4)  # for unique ids of the forms each result offers
    request.session[key] = [*request.session.get(key, []), result][-RESULTS_KEPT:]


def _local(iso: str | None) -> datetime | None:
    moment = parse_datetime(iso) if iso else None
    return timezone.localtime(moment) if moment else None


# --- Checkout -------------------------------------------------------------------------------


@desk_required
def checkout_start(request: StaffRequest) -> HttpResponse:
    """Scan a patron card to start lending."""
    form = CardForm(request.GET or None)
    if form.is_bound and form.is_valid():
        patron = patron_selectors.patron_by_card(
            form.cleaned_data["card"], network=_desk(request).network_id
        )
        if patron is not None:
            # A new patron at the desk: the results kept for the one before are done with.
            # (a session has keys() but cannot be iterated itself)
            for key in [k for k in request.session.keys() if k.startswith("desk:checkout:")]:  # noqa: SIM118
                del request.session[key]
            return redirect("staff:circulation:checkout", patron_id=patron.pk)
        form.add_error(
            "card",
            _("No patron has the card %(card)s.") % {"card": form.cleaned_data["card"].strip()},
        )
    return render(
        request,
        "circulation/checkout_start.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _checkout_key(patron: Patron) -> str:
    return f"desk:checkout:{patron.pk}"


@desk_required
@require_http_methods(["GET", "POST"])
def checkout(request: StaffRequest, patron_id: int) -> HttpResponse:
    """Lend items to one patron, one scan after another. Each result (the due date, or every
    reason for a refusal) joins the list above the barcode field, the newest last."""
    patron = _patron_at_desk(request, patron_id)
    if request.method == "POST":
        form = ItemBarcodeForm(request.POST)
        result = _lend(request, patron, form)
        if result is not None:
            _remember(request, _checkout_key(patron), result)
        if request.htmx:
            context: dict[str, Any] = {
                "r": _present_checkout(result) if result else None,
                "form": form,
                "patron": patron,
            }
            if result is not None and result["ok"]:
                # The loan list below the field gains the new loan (an out-of-band swap).
                context.update(
                    _loans_context(request, patron, at=timezone.now()), refresh_loans=True
                )
            return render(request, "circulation/_checkout_result.html", context)
        if result is None:
            return _checkout_page(request, patron, form, status=400)
        return redirect("staff:circulation:checkout", patron_id=patron.pk)
    if request.GET.get("new") == "1":
        request.session.pop(_checkout_key(patron), None)
    return _checkout_page(request, patron, ItemBarcodeForm())


def _lend(request: StaffRequest, patron: Patron, form: ItemBarcodeForm) -> dict[str, Any] | None:
    """Try the checkout; the result as plain data for the session, or None for a form error."""
    if not form.is_valid():
        return None
    barcode = form.cleaned_data["barcode"].strip()
    item = _item_by_barcode(barcode)
    if item is None:
        return {"ok": False, "barcode": barcode, "unknown": True}
    override = form.cleaned_data["override_reason"].strip() or None
    base = {"barcode": barcode, "title": item.record.full_title, "item_id": item.pk}
    try:
        loan = services.checkout(
            patron=patron,
            item=item,
            branch=_desk(request),
            actor=_actor(request),
            at=timezone.now(),
            override_reason=override,
        )
    except Refused as refusal:
        return {
            **base,
            "ok": False,
            "codes": refusal.codes,
            "overridable": refusal.overridable,
            "record_id": refusal.record_id if refusal.hold_possible else None,
        }
    except OverrideNotAllowed as error:
        return {
            **base,
            "ok": False,
            "codes": [],
            "error": str(error),
            "overridable": True,
            "record_id": None,
        }
    return {
        **base,
        "ok": True,
        "due": loan.due_at.isoformat(),
        "loan_id": loan.pk,
        "override_reason": override or "",
    }


def _present_checkout(result: dict[str, Any]) -> dict[str, Any]:
    return {
        **result,
        "due": _local(result.get("due")),
        "reasons": _reasons(result.get("codes", [])),
    }


def _checkout_page(
    request: HttpRequest, patron: Patron, form: ItemBarcodeForm, *, status: int = 200
) -> HttpResponse:
    at = timezone.now()
    results = [_present_checkout(r) for r in request.session.get(_checkout_key(patron), [])]
    return render(
        request,
        "circulation/checkout.html",
        {
            "patron": patron,
            "form": form,
            "results": results,
            "blocks": _block_messages(patron, branch=_desk(request), at=at),
            **_loans_context(request, patron, at=at),
        },
        status=status,
    )


def _block_messages(patron: Patron, *, branch: Branch, at: datetime) -> list[str]:
    """Why the patron may not borrow at this desk now: the answer checkout gives."""
    return selectors.standing(patron, branch=branch, at=at).messages


def loan_list(patron: Patron) -> QuerySet[Loan]:
    """The patron's current loans with only what the desk lists show: not the whole MARC
    record and long fields of each title, which a page of fifty would load for nothing."""
    return (
        selectors.loans_for(patron)
        .select_related(None)
        .select_related("item__record")
        .only(
            "pk",
            "due_at",
            "renewals",
            "checked_out_at",
            "patron_id",
            "item__id",
            "item__barcode",
            "item__record__id",
            "item__record__title",
            "item__record__subtitle",
        )
    )


def _loans_context(request: HttpRequest, patron: Patron, *, at: datetime) -> dict[str, Any]:
    """One page of the patron's current loans (never all of a patron with a thousand)."""
    loans = loan_list(patron)
    paginator = Paginator(loans, LOANS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return {"loans_page": page, "now": at}


@desk_required
def loans(request: StaffRequest, patron_id: int) -> HttpResponse:
    """The patron's loans, one page at a time (htmx swaps the list in place)."""
    patron = _patron_at_desk(request, patron_id)
    context = {"patron": patron, **_loans_context(request, patron, at=timezone.now())}
    template = "circulation/_loans.html" if request.htmx else "circulation/loans.html"
    return render(request, template, context)


@desk_required
@require_POST
def place_hold(request: StaffRequest, patron_id: int) -> HttpResponse:
    """Place a hold on the title of a copy that is out, from a checkout refusal, to pick up at
    this desk's branch."""
    patron = _patron_at_desk(request, patron_id)
    record = get_object_or_404(Record, pk=request.POST.get("record_id") or 0)
    override = request.POST.get("override_reason", "").strip() or None
    dates = HoldDateForm(request.POST)
    if not dates.is_valid():
        messages.error(request, _("No hold placed: the day it is not needed after is not a date."))
        return redirect("staff:circulation:checkout", patron_id=patron.pk)
    try:
        hold = services.place_hold(
            patron=patron,
            record=record,
            pickup_branch=_desk(request),
            actor=_actor(request),
            at=timezone.now(),
            override_reason=override,
            not_needed_after=dates.cleaned_data["not_needed_after"],
        )
    except InvalidOperation as error:
        messages.error(request, _("No hold placed: %(reasons)s") % {"reasons": str(error)})
    except Refused as refusal:
        messages.error(
            request,
            _("No hold placed: %(reasons)s") % {"reasons": " ".join(_reasons(refusal.codes))},
        )
    except OverrideNotAllowed as error:
        messages.error(request, str(error))
    else:
        position = selectors.queue_position(hold)
        messages.success(
            request,
            _("Hold placed on “%(title)s”, number %(position)s in the queue.")
            % {"title": record.full_title, "position": position or 1},
        )
    return redirect("staff:circulation:checkout", patron_id=patron.pk)


# --- Renewals and loan outcomes -------------------------------------------------------------


@desk_required
@require_POST
def renew(request: StaffRequest, patron_id: int) -> HttpResponse:
    """Renew one loan (`loan`), the ticked ones (`loans`), or all (`all`); one message for
    what was renewed and one per refusal, with every reason."""
    patron = _patron_at_desk(request, patron_id)
    branch, at = _desk(request), timezone.now()
    if "all" in request.POST:
        outcome = services.renew_all(
            patron=patron, branch=branch, actor=_actor(request), at=at
        )
        renewed, refused = (
            outcome.renewed,
            [(loan, [r.value for r in reasons]) for loan, reasons in outcome.refused],
        )
    else:
        # A row's own Renew button sends `loan`; the buttons under the list send the ticks.
        ids = request.POST.getlist("loan") or request.POST.getlist("loans")
        chosen = list(selectors.loans_for(patron).filter(pk__in=[i for i in ids if i.isdigit()]))
        if not chosen:
            messages.error(request, _("Tick the loans to renew first."))
        renewed, refused = [], []
        override = request.POST.get("override_reason", "").strip() or None
        for loan in chosen:
            try:
                renewed.append(
                    services.renew(
                        loan=loan,
                        branch=branch,
                        actor=_actor(request),
                        at=at,
                        override_reason=override,
                    )
                )
            except Refused as refusal:
                refused.append((loan, refusal.codes))
            except OverrideNotAllowed as error:
                messages.error(request, str(error))
    if renewed:
        messages.success(
            request,
            _("Renewed: %(list)s.")
            % {
                "list": "; ".join(
                    _("%(title)s, due %(due)s")
                    % {
                        "title": loan.item.record.full_title,
                        "due": timezone.localtime(loan.due_at).strftime("%Y-%m-%d"),
                    }
                    for loan in renewed
                )
            },
        )
    for loan, codes in refused:
        messages.error(
            request,
            _("Not renewed: %(title)s. %(reasons)s")
            % {"title": loan.item.record.full_title, "reasons": " ".join(_reasons(codes))},
        )
    return redirect(
        request.POST.get("back", "")
        if _safe(request, request.POST.get("back"))
        else reverse("staff:circulation:checkout", args=[patron.pk])
    )


def _safe(request: HttpRequest, url: str | None) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()})


LOAN_OUTCOMES = {
    "lost": (services.mark_lost, gettext_lazy("Marked lost: %(title)s.")),
    "claims_returned": (
        services.claims_returned,
        gettext_lazy("Recorded as claimed returned: %(title)s."),
    ),
}


@desk_required
@require_http_methods(["GET", "POST"])
def loan_outcome(request: StaffRequest, loan_id: int) -> HttpResponse:
    """End a loan otherwise than by a return: lost, or claimed returned (`outcome`)."""
    loan = get_object_or_404(
        Loan.objects.select_related("item__record", "patron__category"),
        pk=loan_id,
        patron__network_id=_desk(request).network_id,
    )
    if request.method == "POST":
        outcome = request.POST.get("outcome", "")
        if outcome not in LOAN_OUTCOMES:
            return render(request, "circulation/loan_outcome.html", {"loan": loan}, status=400)
        service, done = LOAN_OUTCOMES[outcome]
        try:
            service(loan=loan, branch=_desk(request), actor=_actor(request), at=timezone.now())
        except InvalidOperation as error:
            messages.error(request, str(error))
        else:
            messages.success(request, str(done) % {"title": loan.item.record.full_title})
        return redirect("staff:circulation:checkout", patron_id=loan.patron_id)
    return render(request, "circulation/loan_outcome.html", {"loan": loan})


# --- Checkin --------------------------------------------------------------------------------

CHECKIN_KEY = "desk:checkin"


@desk_required
@require_http_methods(["GET", "POST"])
def checkin(request: StaffRequest) -> HttpResponse:
    """Take items back, one scan after another, and say where each goes."""
    form = ItemBarcodeForm(request.POST or None)
    if request.method == "POST":
        result = _return(request, form)
        if result is not None:
            _remember(request, CHECKIN_KEY, result)
        if request.htmx:
            return render(
                request,
                "circulation/_checkin_result.html",
                {"r": _present_checkin(result) if result else None, "form": form},
            )
        if result is not None:
            return redirect("staff:circulation:checkin")
    results = [_present_checkin(r) for r in request.session.get(CHECKIN_KEY, [])]
    return render(
        request,
        "circulation/checkin.html",
        {"form": form if form.errors else ItemBarcodeForm(), "results": results},
        status=400 if form.errors else 200,
    )


def _return(request: StaffRequest, form: ItemBarcodeForm) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    barcode = form.cleaned_data["barcode"].strip()
    item = _item_by_barcode(barcode)
    if item is None:
        return {"barcode": barcode, "unknown": True}
    branch = _desk(request)
    try:
        outcome = services.checkin(
            item=item, branch=branch, actor=_actor(request), at=timezone.now()
        )
    except CirculationError as error:
        return {"barcode": barcode, "title": item.record.full_title, "error": str(error)}
    loan, hold, transfer = outcome.loan, outcome.hold, outcome.transfer
    result: dict[str, Any] = {
        "barcode": barcode,
        "title": item.record.full_title,
        "item_id": item.pk,
        "was_on_loan": loan is not None,
        "patron_id": loan.patron_id if loan is not None else None,
        "patron_name": loan.patron.full_name
        if loan is not None and loan.patron is not None
        else "",
        "fine": str(outcome.fine.amount)
        if outcome.fine is not None and outcome.fine.amount
        else "",
        "status": outcome.item.get_status_display(),
    }
    if outcome.found is not None and outcome.found.changed:
        refunds = outcome.found.refunds
        result.update(
            lost_cancelled=str(outcome.found.cancelled) if outcome.found.cancelled else "",
            refund=str(outcome.found.refunded) if refunds else "",
            refund_patron_id=refunds[0].patron_id if refunds else None,
        )
    if hold is not None and transfer is None:
        result.update(
            where="hold_shelf",
            hold_for=hold.patron.full_name,
            hold_card=hold.patron.card_barcode,
            expires=hold.expires_at.isoformat() if hold.expires_at else None,
        )
    elif hold is not None:
        result.update(
            where="transit_hold",
            to_branch=hold.pickup_branch.display_name(),
            hold_for=hold.patron.full_name,
        )
    elif transfer is not None:
        result.update(where="transit_home", to_branch=transfer.to_branch.display_name())
    elif outcome.item.status == "available":
        result.update(where="shelf")
    else:
        result.update(where="other")
    return result


def _present_checkin(result: dict[str, Any]) -> dict[str, Any]:
    return {**result, "expires": _local(result.get("expires"))}


@desk_required
@require_http_methods(["GET", "POST"])
def item_damaged(request: StaffRequest, item_id: int) -> HttpResponse:
    """Take a returned item out of circulation as damaged, charging its last borrower if asked
    (who that is, the service decides; the page shows who it will be). Only for a copy of a
    branch the user works for."""
    item = item_for_edit(request.user, item_id)
    last = selectors.last_loan(item)
    patron = last.patron if last is not None else None
    form = DamagedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_damaged(
                item=item,
                branch=_desk(request),
                actor=_actor(request),
                at=timezone.now(),
                note=form.cleaned_data["note"],
                amount=form.cleaned_data["amount"],
            )
        except InvalidOperation as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("%(barcode)s is marked damaged.") % {"barcode": item.barcode}
            )
            return redirect("staff:circulation:checkin")
    return render(
        request,
        "circulation/item_damaged.html",
        {"form": form, "item": item, "patron": patron},
        status=400 if form.errors else 200,
    )


# --- Holds and transfers --------------------------------------------------------------------


@desk_required
def holds_to_pull(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "circulation/holds_to_pull.html",
        {"pulls": selectors.holds_to_pull(_desk(request), at=timezone.now())},
    )


@desk_required
def hold_shelf(request: StaffRequest) -> HttpResponse:
    holds = list(selectors.hold_shelf(_desk(request))[:500])
    return render(request, "circulation/hold_shelf.html", {"holds": holds, "now": timezone.now()})


@desk_required
@require_http_methods(["GET", "POST"])
def transit(request: StaffRequest) -> HttpResponse:
    """What is on its way here (receive it) and what left from here; send an item by hand."""
    branch = _desk(request)
    others = Branch.objects.filter(network_id=branch.network_id, is_active=True).exclude(
        pk=branch.pk
    )
    form = SendForm(request.POST or None, branches=others)
    if request.method == "POST" and form.is_valid():
        item = _item_by_barcode(form.cleaned_data["barcode"])
        if item is None:
            form.add_error(
                "barcode",
                _("No copy has the barcode %(barcode)s.")
                % {"barcode": form.cleaned_data["barcode"]},
            )
        else:
            try:
                services.send_transfer(
                    item=item,
                    to_branch=form.cleaned_data["to_branch"],
                    branch=branch,
                    actor=_actor(request),
                    at=timezone.now(),
                )
            except InvalidOperation as error:
                form.add_error("barcode", str(error))
            else:
                messages.success(
                    request,
                    _("%(barcode)s is in transit to %(branch)s.")
                    % {
                        "barcode": item.barcode,
                        "branch": form.cleaned_data["to_branch"].display_name(),
                    },
                )
                return redirect("staff:circulation:transit")
    return render(
        request,
        "circulation/transit.html",
        {
            "form": form,
            "incoming": list(selectors.in_transit(branch)[:500]),
            "outgoing": list(selectors.in_transit(branch, outgoing=True)[:500]),
        },
        status=400 if form.errors else 200,
    )


@desk_required
@require_POST
def receive(request: StaffRequest) -> HttpResponse:
    item = _item_by_barcode(request.POST.get("barcode", ""))
    if item is None:
        messages.error(
            request,
            _("No copy has the barcode %(barcode)s.")
            % {"barcode": request.POST.get("barcode", "")},
        )
        return redirect("staff:circulation:transit")
    try:
        arrival = services.receive_transfer(
            item=item, branch=_desk(request), actor=_actor(request), at=timezone.now()
        )
    except InvalidOperation as error:
        messages.error(request, str(error))
    else:
        routing = arrival.routing
        if routing.hold is not None and routing.transfer is None:
            where = _("put it on the hold shelf for %(name)s") % {
                "name": routing.hold.patron.full_name
            }
        elif routing.transfer is not None:
            where = _("send it on to %(branch)s") % {
                "branch": routing.transfer.to_branch.display_name()
            }
        else:
            where = _("put it back on the shelf")
        messages.success(
            request,
            _("%(barcode)s received: %(where)s.") % {"barcode": item.barcode, "where": where},
        )
    return redirect("staff:circulation:transit")


# --- Fines ----------------------------------------------------------------------------------


@desk_required
@require_http_methods(["GET", "POST"])
def fines(request: StaffRequest, patron_id: int) -> HttpResponse:
    """The patron's unpaid fines; take a payment (oldest fines first) or waive one."""
    patron = _patron_at_desk(request, patron_id)
    open_fines = list(selectors.fines_for(patron))
    owed = sum((f.outstanding for f in open_fines), 0)
    form = PayForm(request.POST or None, initial={"amount": owed or None})
    if request.method == "POST" and form.is_valid():
        try:
            payment = services.pay(
                patron=patron,
                amount=form.cleaned_data["amount"],
                actor=_actor(request),
                branch=_desk(request),
                at=timezone.now(),
            )
        except InvalidOperation as error:
            form.add_error("amount", str(error))
        else:
            return redirect("staff:circulation:receipt", payment_id=payment.pk)
    return render(
        request,
        "circulation/fines.html",
        {
            "patron": patron,
            "fines": open_fines,
            "owed": owed,
            "form": form,
            "waive_form": WaiveForm(),
            "refunds": list(selectors.refunds_due(patron)),
        },
        status=400 if form.errors else 200,
    )


@desk_required
@require_POST
def waive(request: StaffRequest, fine_id: int) -> HttpResponse:
    fine = get_object_or_404(
        Fine.objects.select_related("patron"),
        pk=fine_id,
        patron__network_id=_desk(request).network_id,
    )
    form = WaiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the fine is waived."))
    else:
        try:
            services.waive(
                fine=fine,
                reason=form.cleaned_data["reason"],
                actor=_actor(request),
                at=timezone.now(),
                branch=_desk(request),
            )
        except InvalidOperation as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Fine of %(amount)s waived.") % {"amount": fine.outstanding}
            )
    return redirect("staff:circulation:fines", patron_id=fine.patron_id)


@desk_required
def receipt(request: StaffRequest, payment_id: int) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.select_related("patron", "branch", "staff"),
        pk=payment_id,
        branch__network_id=_desk(request).network_id,
    )
    lines = payment.lines.select_related("fine__item__record", "fine__refund")
    return render(request, "circulation/receipt.html", {"payment": payment, "lines": lines})


@desk_required
@require_POST
def pay_out_refund(request: StaffRequest, refund_id: int) -> HttpResponse:
    """Give the patron back what they paid for a lost copy that turned up; then the receipt."""
    refund = get_object_or_404(Refund, pk=refund_id, patron__network_id=_desk(request).network_id)
    try:
        refund = services.pay_out_refund(
            refund=refund,
            actor=_actor(request),
            branch=_desk(request),
            at=timezone.now(),
        )
    except InvalidOperation as error:
        messages.error(request, str(error))
        return redirect("staff:circulation:fines", patron_id=refund.patron_id)
    return redirect("staff:circulation:refund_receipt", refund_id=refund.pk)


@desk_required
def refund_receipt(request: StaffRequest, refund_id: int) -> HttpResponse:
    refund = get_object_or_404(
        Refund.objects.select_related(
            "patron", "paid_out_branch", "item__record", "fine__loan"
        ).defer("item__record__marc"),
        pk=refund_id,
        paid_out_at__isnull=False,
        paid_out_branch__network_id=_desk(request).network_id,
    )
    return render(request, "circulation/refund_receipt.html", {"refund": refund})


# --- Rules and terms ------------------------------------------------------------------------


@staff_required
def rule_list(request: StaffRequest) -> HttpResponse:
    """Every rule, most specific first, as rules.SPECIFICITY orders them."""
    order = {level.key: n for n, level in enumerate(rules.SPECIFICITY)}
    found = list(CirculationRule.objects.select_related("branch", "patron_category", "item_type"))
    found.sort(key=lambda r: (order[rules.level_of(r).key], str(r)))
    return render(
        request,
        "circulation/rule_list.html",
        {
            "rules": [(r, rules.level_of(r)) for r in found],
            "can_edit": access.can_manage_network(request.user),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: StaffRequest, rule_id: int | None = None) -> HttpResponse:
    """Add or change a rule. Rules are network policy: network managers edit them."""
    if not access.can_manage_network(request.user):
        raise PermissionDenied(_("Only network managers can change circulation rules."))
    rule = get_object_or_404(CirculationRule, pk=rule_id) if rule_id else None
    form = CirculationRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.save_rule(form.save(commit=False), actor=_actor(request), at=timezone.now())
        messages.success(request, _("Rule saved."))
        return redirect("staff:circulation:rules")
    return render(
        request,
        "circulation/rule_form.html",
        {"form": form, "rule": rule},
        status=400 if form.errors else 200,
    )


def _network_id(request: StaffRequest) -> int:
    branch = (
        desk_branch(request) or access.branches_for(request.user).first() or Branch.objects.first()
    )
    if branch is None:
        raise Http404
    return branch.network_id


@staff_required
def term_list(request: StaffRequest) -> HttpResponse:
    terms = (
        Term.objects.filter(network_id=_network_id(request))
        .select_related("branch")
        .order_by("-starts_on")
    )
    return render(
        request,
        "circulation/term_list.html",
        {"terms": terms, "can_edit": access.can_manage_network(request.user)},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def term_edit(request: StaffRequest, term_id: int | None = None) -> HttpResponse:
    if not access.can_manage_network(request.user):
        raise PermissionDenied(_("Only network managers can change school terms."))
    network_id = _network_id(request)
    term = get_object_or_404(Term, pk=term_id, network_id=network_id) if term_id else None
    form = TermForm(request.POST or None, instance=term, network_id=network_id)
    if request.method == "POST" and form.is_valid():
        services.save_term(form.save(commit=False), actor=_actor(request), at=timezone.now())
        messages.success(request, _("Term saved."))
        return redirect("staff:circulation:terms")
    return render(
        request,
        "circulation/term_form.html",
        {"form": form, "term": term},
        status=400 if form.errors else 200,
    )


@desk_required
def explain(request: StaffRequest) -> HttpResponse:
    """Which rule applies to this patron and this item at this desk, why, and the due date
    it would give now."""
    form = ExplainForm(request.GET or None)
    context: dict[str, Any] = {"form": form}
    branch = _desk(request)
    if form.is_bound and form.is_valid():
        patron = patron_selectors.patron_by_card(
            form.cleaned_data["card"], network=branch.network_id
        )
        item = _item_by_barcode(form.cleaned_data["barcode"])
        if patron is None:
            form.add_error(
                "card", _("No patron has the card %(card)s.") % {"card": form.cleaned_data["card"]}
            )
        if item is None:
            form.add_error(
                "barcode",
                _("No copy has the barcode %(barcode)s.")
                % {"barcode": form.cleaned_data["barcode"]},
            )
        if patron is not None and item is not None:
            context.update(patron=patron, item=item, branch=branch)
            try:
                explanation = rules.load_explanation(
                    branch=branch, category=patron.category_id, item_type=item.item_type_id
                )
            except rules.NoRuleApplies as error:
                context["no_rule"] = str(error)
            else:
                # An explanation's policy always comes from a saved rule, so it has an id.
                rule = CirculationRule.objects.select_related(
                    "branch", "patron_category", "item_type"
                ).get(pk=cast(int, explanation.policy.rule_id))
                context.update(
                    explanation=explanation,
                    rule=rule,
                    policy=explanation.policy,
                    due=None
                    if not explanation.policy.is_loanable
                    else timezone.localtime(
                        rules.load_due_date(explanation.policy, branch=branch, start=timezone.now())
                    ),
                )
    return render(request, "circulation/explain.html", context, status=400 if form.errors else 200)


# --- End of term ----------------------------------------------------------------------------


@desk_required
def end_of_term(request: StaffRequest) -> HttpResponse:
    """Everything out to the students of this branch, per class, to collect at term end;
    also as CSV and XLSX (?format=csv or xlsx)."""
    branch = _desk(request)
    form = EndOfTermForm(request.GET or None)
    school_class = form.cleaned_data["school_class"].strip() if form.is_valid() else ""
    loans_out = exports.loans_by_class(branch=branch, school_class=school_class)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return exports.download(loans_out, fmt=fmt, branch=branch, at=timezone.now())
    classes = (
        Loan.objects.filter(returned_at__isnull=True, patron__home_branch=branch)
        .exclude(patron__school_class="")
        .values("patron__school_class")
        .annotate(n=Count("pk"))
        .order_by("patron__school_class")
    )
    paginator = Paginator(loans_out, 200)
    return render(
        request,
        "circulation/end_of_term.html",
        {
            "form": form,
            "classes": classes,
            "page": paginator.get_page(request.GET.get("page")),
            "school_class": school_class,
            "now": timezone.now(),
        },
    )


# --- Desk home ------------------------------------------------------------------------------


@desk_required
def desk_home(request: StaffRequest) -> HttpResponse:
    branch = _desk(request)
    return render(
        request,
        "circulation/desk_home.html",
        {
            "branch": branch,
            "n_to_pull": len(selectors.holds_to_pull(branch, at=timezone.now())),
            "n_on_shelf": selectors.hold_shelf(branch).count(),
            "n_incoming": selectors.in_transit(branch).count(),
            "n_branches": access.branches_for(request.user).count(),
            "pending": patron_selectors.pending_registrations(
                branches=access.branches_for(request.user)
            ).count(),
        },
    )
