"""Staff screens of copy cataloguing, under /staff/catalogue/copy/: search other catalogues
beside ours, import a record, and keep the list of catalogues searched. Cataloguers and
managers only (accounts.access.require_record_editor), as for editing records."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.catalog import services as catalog
from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.models import Record
from bibliohub.history import Actor
from bibliohub.interop.copycat import services
from bibliohub.interop.copycat.client import search_targets
from bibliohub.interop.copycat.forms import CopySearchForm, TargetForm
from bibliohub.interop.copycat.matching import ours_for
from bibliohub.interop.copycat.models import CopyTarget

# The record travels from the results to the import signed, so what is imported is what the
# target sent; a page left open for a day is searched again.
SALT = "bibliohub.copycat.record"
MAX_AGE = 24 * 3600


def _payload(target: CopyTarget, marc: bytes) -> str:
    return signing.dumps({"t": target.pk, "m": base64.b64encode(marc).decode("ascii")}, salt=SALT, compress=True)


@staff_required
@require_http_methods(["GET"])
def copy_search(request: StaffRequest) -> HttpResponse:
    access.require_record_editor(request.user)
    targets = CopyTarget.objects.filter(enabled=True)
    submitted = bool({"isbn", "title", "author"} & request.GET.keys())
    initial = {"targets": list(targets)}
    form = CopySearchForm(request.GET if submitted else None, targets=targets, initial=initial)
    results = []
    if submitted and form.is_valid():
        for answer in search_targets(list(form.cleaned_data["targets"]), form.query()):
            rows = [(c, ours_for(c), _payload(answer.target, c.transport())) for c in answer.candidates]
            results.append((answer, rows))
    status = 400 if submitted and form.errors else 200
    return render(request, "copycat/search.html", {
        "form": form, "results": results, "submitted": submitted, "has_targets": targets.exists(),
    }, status=status)


@staff_required
@require_POST
def copy_import(request: StaffRequest) -> HttpResponse:
    """Catalogue the chosen record as new, or over one of ours (`overlay`, keeping its copies)."""
    access.require_record_editor(request.user)
    try:
        payload = signing.loads(request.POST.get("record", ""), salt=SALT, max_age=MAX_AGE)
        marc, _repairs = iso2709.decode(base64.b64decode(payload["m"]))
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return HttpResponseBadRequest(_("The record to import is missing or has expired: search again."))
    target = CopyTarget.objects.filter(pk=payload.get("t")).first()
    source = target.name if target else "?"
    overlay = None
    if request.POST.get("overlay"):
        overlay = get_object_or_404(Record, pk=request.POST["overlay"])
    actor = Actor.for_import(source=source, staff=request.user)
    try:
        record = catalog.catalogue_copy(marc, overlay=overlay, source=source, actor=actor, at=timezone.now())
    except catalog.CatalogueChangeRefused as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        return redirect("staff:copycat:search")
    if overlay is not None:
        messages.success(request, _("Our record was replaced by the copy from %(target)s; its copies are kept.") % {"target": source})
        return redirect("staff:catalog:record", record_id=record.pk)
    if access.branches_for(request.user).exists():
        messages.success(request, _("Record copied from %(target)s. Add the copies now.") % {"target": source})
        return redirect("staff:catalog:item_add", record_id=record.pk)
    # A cataloguer of the whole network with no branch of her own: the branches add copies.
    messages.success(request, _("Record copied from %(target)s.") % {"target": source})
    return redirect("staff:catalog:record", record_id=record.pk)


@staff_required
@require_http_methods(["GET"])
def targets(request: StaffRequest) -> HttpResponse:
    access.require_record_editor(request.user)
    return render(request, "copycat/targets.html", {"targets": CopyTarget.objects.all()})


@staff_required
@require_http_methods(["GET", "POST"])
def target_edit(request: StaffRequest, pk: int | None = None) -> HttpResponse:
    access.require_record_editor(request.user)
    target = get_object_or_404(CopyTarget, pk=pk) if pk is not None else None
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST":
        if form.is_valid():
            services.save_target(form.instance, actor=Actor.for_staff(request.user), at=timezone.now())
            messages.success(request, _("Catalogue %(name)s saved.") % {"name": form.instance.name})
            return redirect("staff:copycat:targets")
        return render(request, "copycat/target_form.html", {"form": form, "target": target}, status=400)
    return render(request, "copycat/target_form.html", {"form": form, "target": target})


@staff_required
@require_POST
def target_delete(request: StaffRequest, pk: int) -> HttpResponse:
    access.require_record_editor(request.user)
    target = get_object_or_404(CopyTarget, pk=pk)
    services.delete_target(target, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("Catalogue %(name)s deleted.") % {"name": target.name})
    return redirect("staff:copycat:targets")

