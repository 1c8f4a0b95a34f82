"""Staff screens for patrons: find, register (with a printable card), the patron page, edit,
renew the card, blocks, confirming online registrations, erasure, the patron's data and
registration from a CSV file. Each view parses the request, fetches the patron of the
desk's network, calls one patron service and shows the outcome."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest
from bibliohub.circulation import selectors as circulation_selectors
from bibliohub.circulation.views import desk_required, loan_list
from bibliohub.history import Actor
from bibliohub.history import selectors as history
from bibliohub.history.models import Entry
from bibliohub.libraries.models import Branch
from bibliohub.patrons import pins, selectors, services
from bibliohub.patrons.csv_import import register_from_csv
from bibliohub.patrons.errors import (
    BlockAlreadyLifted,
    ErasureRefused,
    InvalidPatronData,
    NotActive,
    NotPending,
)
from bibliohub.patrons.forms import (
    BlockForm,
    ConfirmForm,
    CsvUploadForm,
    DeskPinForm,
    EraseForm,
    PatronForm,
    PatronSearchForm,
    show_errors,
)
from bibliohub.patrons.kinds import patrons as patrons_domain
from bibliohub.patrons.models import Block, Patron

PAGE_SIZE = 25


def _desk(request: HttpRequest):  # -> Branch
    return request.desk_branch  # type: ignore[attr-defined]


def _patron(request: HttpRequest, patron_id: int) -> Patron:
    """A patron of the desk's network (404 for any other)."""
    return get_object_or_404(
        Patron.objects.select_related("category", "home_branch", "guardian"),
        pk=patron_id,
        network_id=_desk(request).network_id,
    )


@desk_required
def search(request: StaffRequest) -> HttpResponse:
    """Find patrons by name, class, card number or e-mail; a card number that matches opens
    the patron at once."""
    form = PatronSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"].strip()
        network_id = _desk(request).network_id
        exact = selectors.patron_by_card(text, network=network_id)
        if exact is not None and not request.htmx:
            return redirect("staff:patrons:detail", patron_id=exact.pk)
        found = selectors.find_patrons(text, network=network_id)
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "patrons/_search_results.html" if request.htmx else "patrons/search.html"
    return render(request, template, {"form": form, "page": page})


@desk_required
@require_http_methods(["GET", "POST"])
def register(request: StaffRequest) -> HttpResponse:
    """Register a patron at this desk; the card is issued at once and its page printed."""
    branch = _desk(request)
    form = PatronForm(
        request.POST or None,
        branches=_network_branches(branch),
        network_id=branch.network_id,
        initial={"home_branch": branch.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            patron = services.register_patron(
                form.details(),
                category=form.cleaned_data["category"],
                branch=branch,
                actor=Actor.for_staff(request.user),
                at=timezone.now(),
                home_branch=form.cleaned_data["home_branch"],
                card_barcode=form.cleaned_data["card_number"],
                guardian=form.cleaned_data["guardian_card"],
            )
        except InvalidPatronData as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is registered with card %(card)s.")
                % {"name": patron.full_name, "card": patron.card_barcode},
            )
            return redirect("staff:patrons:card", patron_id=patron.pk)
    return render(
        request,
        "patrons/form.html",
        {"form": form, "patron": None},
        status=400 if form.errors else 200,
    )


def _network_branches(branch):  # -> QuerySet[Branch]
    return Branch.objects.filter(network_id=branch.network_id, is_active=True)


@desk_required
def detail(request: StaffRequest, patron_id: int) -> HttpResponse:
    """Everything about one patron at a glance; loans one page at a time."""
    patron = _patron(request, patron_id)
    at = timezone.now()
    loans = Paginator(loan_list(patron), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "patrons/detail.html",
        {
            "patron": patron,
            # Whether they may borrow at this desk: the answer checkout gives.
            "blocks": circulation_selectors.standing(patron, branch=_desk(request), at=at).messages,
            "manual_blocks": patron.blocks.select_related("staff", "lifted_by").order_by(
                "-starts_at"
            )[:20],
            "children": patron.wards.select_related("category").order_by(
                "family_name", "given_names"
            ),
            "loans_page": loans,
            "holds": list(circulation_selectors.active_holds(patron)),
            "fines": list(circulation_selectors.fines_for(patron)),
            "owed": circulation_selectors.amount_owed(patron),
            "events": _patron_entries(patron),
            "erasure_refusals": [r.message for r in selectors.erasure_refusals(patron)],
            "now": at,
            "block_form": BlockForm(),
        },
    )


def _patron_entries(patron: Patron) -> list[tuple[Entry, Branch | None]]:
    """The latest things done to the patron's registration, card, blocks and privacy
    choices, each with its branch (loans, holds and fines have their own lists)."""
    entries = list(history.entries(patron_id=patron.pk, domain=patrons_domain.code)[:20])
    branches = Branch.objects.in_bulk({e.branch_id for e in entries if e.branch_id})
    return [(e, branches.get(e.branch_id)) for e in entries]


@desk_required
def card(request: StaffRequest, patron_id: int) -> HttpResponse:
    """The card to print: name, number, expiry and the number as a Code 128 barcode."""
    patron = _patron(request, patron_id)
    if not patron.card_barcode:
        messages.error(request, _("No card has been issued yet: confirm the registration first."))
        return redirect("staff:patrons:detail", patron_id=patron.pk)
    return render(
        request,
        "patrons/card.html",
        {"patron": patron, "barcode_svg": barcode_svg(patron.card_barcode)},
    )


def barcode_svg(number: str) -> str:
    """`number` as an inline SVG Code 128 barcode (the symbology library scanners read by
    default), without the XML prologue so it can sit inside the page."""
    from barcode import Code128
    from barcode.writer import SVGWriter

    out = io.BytesIO()
    Code128(number, writer=SVGWriter()).write(
        out,
        # 0.33 mm bars read well with cheap desk scanners; a 14-digit card fits a card-size print.
        options={
            "write_text": False,
            "module_width": 0.33,
            "module_height": 12.0,
            "quiet_zone": 4.0,
        },
    )
    svg = out.getvalue().decode("utf-8")
    # The writer colours the bars with style attributes, which the Content-Security-Policy
    # refuses on the page; the same colours as presentation attributes are allowed.
    svg = _STYLE_FILL.sub(r'fill="\1"', svg)
    return svg[svg.index("<svg") :]


_STYLE_FILL = re.compile(r'style="fill:\s*([#\w]+);?\s*"')


@desk_required
@require_http_methods(["GET", "POST"])
def edit(request: StaffRequest, patron_id: int) -> HttpResponse:
    patron = _patron(request, patron_id)
    branch = _desk(request)
    form = PatronForm(
        request.POST or None,
        branches=_network_branches(branch),
        network_id=branch.network_id,
        editing=True,
        initial=PatronForm.initial_from(patron),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_details(
                patron,
                form.details(),
                category=form.cleaned_data["category"],
                home_branch=form.cleaned_data["home_branch"],
                guardian=form.cleaned_data["guardian_card"],
                branch=branch,
                actor=Actor.for_staff(request.user),
                at=timezone.now(),
            )
        except InvalidPatronData as error:
            show_errors(form, error)
        except access.NotPermitted as refused:
            form.add_error("home_branch", refused.message)
        else:
            messages.success(request, _("Details saved."))
            return redirect("staff:patrons:detail", patron_id=patron.pk)
    return render(
        request,
        "patrons/form.html",
        {"form": form, "patron": patron},
        status=400 if form.errors else 200,
    )


@desk_required
@require_POST
def renew_card(request: StaffRequest, patron_id: int) -> HttpResponse:
    patron = _patron(request, patron_id)
    try:
        patron = services.renew_card(
            patron, branch=_desk(request), actor=Actor.for_staff(request.user), at=timezone.now()
        )
    except NotActive as error:
        messages.error(request, str(error))
    else:
        expires = cast(date, patron.card_expires_on)  # renew_card has just set it
        messages.success(request, _("Card renewed until %(day)s.") % {"day": expires.isoformat()})
    return redirect("staff:patrons:detail", patron_id=patron.pk)


@desk_required
@require_http_methods(["GET", "POST"])
def block(request: StaffRequest, patron_id: int) -> HttpResponse:
    patron = _patron(request, patron_id)
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_block(
                patron,
                reason=form.cleaned_data["reason"],
                branch=_desk(request),
                actor=Actor.for_staff(request.user),
                at=timezone.now(),
                ends_at=form.ends_at(),
            )
        except InvalidPatronData as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The card is blocked."))
            return redirect("staff:patrons:detail", patron_id=patron.pk)
    return render(
        request,
        "patrons/block.html",
        {"form": form, "patron": patron},
        status=400 if form.errors else 200,
    )


@desk_required
@require_http_methods(["GET", "POST"])
def set_pin(request: StaffRequest, patron_id: int) -> HttpResponse:
    """A new PIN, typed by the reader at the desk (one who forgot theirs, or whose card is
    locked after wrong PINs: a new PIN unlocks it)."""
    patron = _patron(request, patron_id)
    at = timezone.now()
    form = DeskPinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pins.set_pin(
                patron,
                pin=form.cleaned_data["pin"],
                actor=Actor.for_staff(request.user),
                at=at,
                branch=_desk(request),
            )
        except InvalidPatronData as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The new PIN is set."))
            return redirect("staff:patrons:detail", patron_id=patron.pk)
    return render(
        request,
        "patrons/pin.html",
        {
            "form": form,
            "patron": patron,
            "policy": pins.policy_for(patron.network_id),
            "locked_until": (
                pins.locked_until(patron.card_barcode, at=at) if patron.card_barcode else None
            ),
        },
        status=400 if form.errors else 200,
    )


@desk_required
@require_POST
def lift_block(request: StaffRequest, block_id: int) -> HttpResponse:
    found = get_object_or_404(
        Block.objects.select_related("patron"),
        pk=block_id,
        patron__network_id=_desk(request).network_id,
    )
    try:
        services.lift_block(
            found, branch=_desk(request), actor=Actor.for_staff(request.user), at=timezone.now()
        )
    except BlockAlreadyLifted as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Block lifted."))
    return redirect("staff:patrons:detail", patron_id=found.patron_id)


@desk_required
def pending(request: StaffRequest) -> HttpResponse:
    """Online registrations waiting for staff, for the branches this user works at."""
    waiting = selectors.pending_registrations(branches=access.branches_for(request.user))
    page = Paginator(waiting, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "patrons/pending.html", {"page": page, "form": ConfirmForm()})


@desk_required
@require_POST
def confirm(request: StaffRequest, patron_id: int) -> HttpResponse:
    patron = _patron(request, patron_id)
    access.require_branch(request.user, patron.home_branch_id)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            patron = services.confirm_patron(
                patron,
                branch=_desk(request),
                actor=Actor.for_staff(request.user),
                at=timezone.now(),
                card_barcode=form.cleaned_data["card_number"],
            )
        except (NotPending, InvalidPatronData) as error:
            text = (
                " ".join(m for ms in error.errors.values() for m in ms)
                if isinstance(error, InvalidPatronData)
                else str(error)
            )
            messages.error(request, text)
            return redirect("staff:patrons:pending")
        messages.success(
            request,
            _("%(name)s is confirmed with card %(card)s.")
            % {"name": patron.full_name, "card": patron.card_barcode},
        )
        return redirect("staff:patrons:card", patron_id=patron.pk)
    return redirect("staff:patrons:pending")


@desk_required
@require_http_methods(["GET", "POST"])
def erase(request: StaffRequest, patron_id: int) -> HttpResponse:
    """Erase a patron for good, once nothing stands in the way; the screen lists what does."""
    patron = _patron(request, patron_id)
    access.require_patron_erasure(Actor.for_staff(request.user), patron)
    form = EraseForm(request.POST or None)
    refusals = [r.message for r in selectors.erasure_refusals(patron)]
    if request.method == "POST" and form.is_valid():
        try:
            services.erase_patron(
                patron,
                branch=_desk(request),
                actor=Actor.for_staff(request.user),
                at=timezone.now(),
            )
        except ErasureRefused as error:
            refusals = [r.message for r in error.reasons]
        else:
            messages.success(request, _("The patron is erased."))
            return redirect("staff:patrons:search")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "patrons/erase.html",
        {"form": form, "patron": patron, "refusals": refusals},
        status=status,
    )


@desk_required
@require_POST
def data(request: StaffRequest, patron_id: int) -> HttpResponse:
    """Everything the library holds about the patron, as a JSON file to hand over (a POST:
    the export is recorded in the history)."""
    patron = _patron(request, patron_id)
    exported = services.export_patron_data(
        patron, at=timezone.now(), branch=_desk(request), actor=Actor.for_staff(request.user)
    )
    response = HttpResponse(
        json.dumps(exported, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="patron-{patron.card_barcode or patron.pk}.json"'
    )
    return response


@desk_required
@require_http_methods(["GET", "POST"])
def csv_upload(request: StaffRequest) -> HttpResponse:
    """Register many patrons from a CSV file: a dry run first (nothing saved) with the
    per-row report; then the same file again with "register them now"."""
    branch = _desk(request)
    branches = access.branches_for(request.user).filter(network_id=branch.network_id)
    form = CsvUploadForm(
        request.POST or None,
        request.FILES or None,
        branches=branches,
        initial={"home_branch": branch.pk},
    )
    report = None
    if request.method == "POST" and form.is_valid():
        home = form.cleaned_data["home_branch"]
        access.require_branch(request.user, home)
        file = form.cleaned_data["file"]
        report = register_from_csv(
            file,
            branch=home,
            category_default=form.cleaned_data["category"],
            actor=Actor.for_import(source=file.name, staff=request.user),
            at=timezone.now(),
            dry_run=not form.cleaned_data["register"],
        )
    status = 400 if form.errors or (report is not None and not report.ok) else 200
    return render(
        request, "patrons/csv_upload.html", {"form": form, "report": report}, status=status
    )
