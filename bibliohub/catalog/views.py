"""Staff catalogue screens: search, records, copies, MARC upload. Each view parses the request,
fetches with the permission checks of bibliohub.accounts.access (which refuses what the user
may not touch), calls one service and shows the outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.accounts.models import User
from bibliohub.catalog import services
from bibliohub.catalog.forms import (
    BarcodeForm,
    ItemForm,
    MarcUploadForm,
    RecordForm,
    WithdrawForm,
)
from bibliohub.catalog.models import Item, ItemType, Record
from bibliohub.catalog.selectors import recent_changes
from bibliohub.history import Actor
from bibliohub.search.service import search as run_search
from bibliohub.search.types import SearchQuery
from bibliohub.web.forms import show_refusal

PAGE_SIZE = 20


def item_for_edit(user: User, item_id: int) -> Item:
    """The copy, if `user` may change it: 404 if it does not exist, 403 if it is another
    branch's (access.require_branch)."""
    item = get_object_or_404(Item.objects.select_related("branch", "record"), pk=item_id)
    access.require_branch(user, item.branch)
    return item


def record_for_edit(user: User, record_id: int) -> Record:
    """The record, if `user` may edit records (access.require_record_editor): 403 before
    anything is read, 404 if it does not exist."""
    access.require_record_editor(user)
    return get_object_or_404(Record, pk=record_id)


@staff_required
def search(request: StaffRequest) -> HttpResponse:
    """One box for everything at the desk: a barcode opens the copy's record, anything else
    searches the catalogue."""
    text = request.GET.get("q", "").strip()
    page = _page_number(request)
    result = None
    if text:
        item = Item.objects.filter(barcode=text).only("pk", "record_id").first()
        if item is not None and not request.htmx:
            return redirect(reverse("staff:catalog:record", args=[item.record_id]) + f"#item-{item.pk}")
        result = run_search(SearchQuery(text=text, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE, with_facets=False))
    context = {
        "query_text": text,
        "result": result,
        "page": page,
        "has_next": bool(result and result.total > page * PAGE_SIZE),
        "can_edit_records": access.can_edit_records(request.user),
    }
    template = "catalog/_search_results.html" if request.htmx else "catalog/search.html"
    return render(request, template, context)


@staff_required
def record_detail(request: StaffRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record, pk=record_id)
    items = list(
        Item.objects.filter(record=record).select_related("branch", "location", "item_type")
    )
    editable = set(access.branches_for(request.user).values_list("pk", flat=True))
    return render(request, "catalog/record_detail.html", {
        "record": record,
        "items": [(item, item.branch_id in editable) for item in items],
        "can_edit_record": access.can_edit_records(request.user),
        "can_add_items": bool(editable),
        "history": recent_changes(record),
    })


@staff_required
@require_http_methods(["GET", "POST"])
def record_edit(request: StaffRequest, record_id: int) -> HttpResponse:
    record = record_for_edit(request.user, record_id)
    if request.method == "POST":
        form = RecordForm(request.POST)
        if form.is_valid():
            try:
                services.update_record(record, changes=form.to_changes(), actor=Actor.for_staff(request.user), at=timezone.now())
            except services.CatalogueChangeRefused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Record saved."))
                return redirect("staff:catalog:record", record_id=record.pk)
        return render(request, "catalog/record_form.html", {"form": form, "record": record}, status=400)
    form = RecordForm(initial=RecordForm.initial_from(services.RecordChanges.of(record)))
    return render(request, "catalog/record_form.html", {"form": form, "record": record})


@staff_required
@require_http_methods(["GET", "POST"])
def record_create(request: StaffRequest) -> HttpResponse:
    access.require_record_editor(request.user)
    if request.method == "POST":
        form = RecordForm(request.POST)
        if form.is_valid():
            try:
                record = services.create_record(changes=form.to_changes(), actor=Actor.for_staff(request.user), at=timezone.now())
            except services.CatalogueChangeRefused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Record created. Add the copies now."))
                return redirect("staff:catalog:item_add", record_id=record.pk)
        return render(request, "catalog/record_form.html", {"form": form, "record": None}, status=400)
    return render(request, "catalog/record_form.html", {"form": RecordForm(), "record": None})


@staff_required
@require_http_methods(["GET", "POST"])
def item_add(request: StaffRequest, record_id: int) -> HttpResponse:
    record = get_object_or_404(Record, pk=record_id)
    branches = access.branches_for(request.user)
    if not branches.exists():
        raise PermissionDenied(_("You cannot add copies: no branch is assigned to you."))
    if request.method == "POST":
        form = ItemForm(request.POST, branches=branches)
        if form.is_valid():
            data = form.to_data()
            access.require_branch(request.user, data.branch)
            try:
                services.add_item(record, data=data, actor=Actor.for_staff(request.user), at=timezone.now())
            except services.CatalogueChangeRefused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Copy %(barcode)s added.") % {"barcode": data.barcode})
                if "add_another" in request.POST:
                    return redirect("staff:catalog:item_add", record_id=record.pk)
                return redirect("staff:catalog:record", record_id=record.pk)
        return render(request, "catalog/item_form.html", {"form": form, "record": record, "item": None}, status=400)
    initial: dict[str, Any] = {"received_on": timezone.localdate(), "available_on": timezone.localdate()}
    if branches.count() == 1:
        initial["branch"] = branches.first()
    if len(types := list(ItemType.objects.all()[:2])) == 1:
        initial["item_type"] = types[0]
    form = ItemForm(initial=initial, branches=branches)
    return render(request, "catalog/item_form.html", {"form": form, "record": record, "item": None})


@staff_required
@require_http_methods(["GET", "POST"])
def item_edit(request: StaffRequest, item_id: int) -> HttpResponse:
    item = item_for_edit(request.user, item_id)
    branches = access.branches_for(request.user)
    keep_status = item.status if item.status not in services.EDITABLE_STATUSES else ""
    if request.method == "POST":
        form = ItemForm(request.POST, branches=branches, circulating_status=keep_status)
        if form.is_valid():
            data = form.to_data()
            access.require_branch(request.user, data.branch)  # moving it to another branch
            try:
                services.update_item(item, data=data, actor=Actor.for_staff(request.user), at=timezone.now())
            except services.CatalogueChangeRefused as refusal:
                show_refusal(form, refusal)
            else:
                messages.success(request, _("Copy %(barcode)s saved.") % {"barcode": data.barcode})
                return redirect("staff:catalog:record", record_id=item.record_id)
        return render(request, "catalog/item_form.html", {"form": form, "record": item.record, "item": item}, status=400)
    initial = {f: getattr(item, f) for f in (
        "barcode", "branch", "location", "call_number", "item_type", "status", "price",
        "received_on", "available_on", "public_note")}
    form = ItemForm(initial=initial, branches=branches, circulating_status=keep_status)
    return render(request, "catalog/item_form.html", {"form": form, "record": item.record, "item": item})


@staff_required
@require_http_methods(["GET", "POST"])
def item_withdraw(request: StaffRequest, item_id: int) -> HttpResponse:
    item = item_for_edit(request.user, item_id)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_item(item, reason=form.cleaned_data["reason"], actor=Actor.for_staff(request.user), at=timezone.now())
        except services.CatalogueChangeRefused as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, _("Copy %(barcode)s withdrawn.") % {"barcode": item.barcode})
            return redirect("staff:catalog:record", record_id=item.record_id)
    status = 400 if request.method == "POST" else 200
    return render(request, "catalog/item_withdraw.html", {"form": form, "item": item}, status=status)


@staff_required
def item_lookup(request: StaffRequest) -> HttpResponse:
    form = BarcodeForm(request.GET or None)
    item = None
    if form.is_bound and form.is_valid():
        barcode = form.cleaned_data["barcode"].strip()
        item = (
            Item.objects.select_related("record", "branch", "location", "item_type")
            .filter(barcode=barcode).first()
        )
        if item is None:
            form.add_error("barcode", _("No copy has the barcode %(barcode)s.") % {"barcode": barcode})
    can_edit = item is not None and access.can_act_on_branch(request.user, item.branch_id)
    template = "catalog/_item_card.html" if request.htmx else "catalog/item_lookup.html"
    return render(request, template, {"form": form, "item": item, "can_edit": can_edit})


@staff_required
@require_http_methods(["GET", "POST"])
def marc_upload(request: StaffRequest) -> HttpResponse:
    """Load a MARC file through the same importer as `bibliohub import-marc` and show the same
    report."""
    access.require_record_editor(request.user)
    branches = access.branches_for(request.user)
    form = MarcUploadForm(request.POST or None, request.FILES or None, branches=branches)
    report = None
    if request.method == "POST" and form.is_valid():
        from bibliohub.catalog.marc.importer import MarcFileError, import_marc  # kept lazy

        file = form.cleaned_data["file"]
        try:
            report = import_marc(
                [file], format=form.cleaned_data["format"], branch=form.cleaned_data["branch"],
                actor=Actor.for_import(source=file.name, staff=request.user), at=timezone.now(),
            )
        except MarcFileError as error:
            form.add_error("file", error.reason)
    status = 400 if form.errors else 200
    return render(request, "catalog/marc_upload.html", {"form": form, "report": report}, status=status)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1
