"""The staff page of reports: choose the annual report or a statutory form, the year, the
branch (or the whole network), the format and the language, and download it or, for a
form, read it on a page. A branch librarian gets her branches' reports; the network's
managers and planners and the monitoring group the network's too (they hold no personal
data). Walls in accounts.access (report_branches, require_report)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, plan_reader_required
from bibliohub.libraries.models import Branch, Network
from bibliohub.measures.selectors import default_network
from bibliohub.reports import annual, statutory
from bibliohub.reports import render as renderers
from bibliohub.reports.forms import ANNUAL, NETWORK, PAGE, ReportChoice

ANNUAL_FORMATS = ("pdf", "xlsx", "csv")
FORM_FORMATS = ("xlsx", "csv", PAGE)


def _language(request: StaffRequest) -> str:
    """The language asked for (?language=), else the reader's."""
    asked = request.GET.get("language", "")
    known = {code for code, _name in settings.LANGUAGES}
    if asked in known:
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


def _network() -> Network:
    network = default_network()
    if network is None:
        raise Http404
    return network


def _file(content: bytes, *, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=renderers.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
@plan_reader_required
def start(request: StaffRequest) -> HttpResponseBase:
    branches = list(access.report_branches(request.user).order_by("sort_order", "name"))
    network = access.can_read_network_report(request.user)
    initial = {
        "document": ANNUAL,
        "year": timezone.localdate().year - 1,
        "scope": NETWORK if network else (branches[0].code if branches else ""),
        "fmt": "pdf",
        "language": translation.get_language(),
    }
    chosen = ReportChoice(
        request.GET if "year" in request.GET else None,
        initial=initial, branches=branches, network=network,
    )
    if chosen.is_bound and chosen.is_valid():
        data = chosen.cleaned_data
        kwargs = {"year": data["year"], "fmt": data["fmt"]}
        if data["scope"] != NETWORK:
            kwargs["code"] = data["scope"]
        if data["document"] == ANNUAL:
            name = "annual_network" if data["scope"] == NETWORK else "annual_branch"
        else:
            kwargs["form"] = data["document"]
            name = "form_network" if data["scope"] == NETWORK else "form_branch"
        url = reverse(f"staff:reports:{name}", kwargs=kwargs)
        return redirect(f"{url}?language={data['language']}")
    return render(
        request, "reports/start.html",
        {"chosen": chosen, "forms": list(statutory.forms().values()), "branches": branches},
    )


def _annual(request: StaffRequest, branch: Branch | None, year: int, fmt: str) -> HttpResponse:
    if fmt not in ANNUAL_FORMATS:
        raise Http404
    access.require_report(request.user, branch)
    network = branch.network if branch is not None else _network()
    language = _language(request)
    report = annual.build(
        network=network, branch=branch, year=year, language=language, today=timezone.localdate()
    )
    where = branch.code if branch is not None else "network"
    return _file(renderers.annual(report, fmt), fmt=fmt, name=f"annual-report-{year}-{where}")


@require_GET
@plan_reader_required
def annual_network(request: StaffRequest, year: int, fmt: str) -> HttpResponse:
    return _annual(request, None, year, fmt)


@require_GET
@plan_reader_required
def annual_branch(request: StaffRequest, code: str, year: int, fmt: str) -> HttpResponse:
    return _annual(request, get_object_or_404(Branch, code=code), year, fmt)


def _form(
    request: StaffRequest, form_code: str, branch: Branch | None, year: int, fmt: str
) -> HttpResponse:
    if fmt not in FORM_FORMATS:
        raise Http404
    try:
        form = statutory.get(form_code)
    except statutory.FormUnknown:
        raise Http404 from None
    access.require_report(request.user, branch)
    network = branch.network if branch is not None else _network()
    language = _language(request)
    filled = statutory.fill(form, network=network, branch=branch, year=year, language=language)
    if fmt == PAGE:
        with translation.override(language):
            return render(
                request, "reports/form_page.html",
                {"filled": filled, "form": form, "missing": renderers.missing_word(),
                 "branch": branch, "language": language,
                 "sections": [
                     (title, [(line, renderers.shown(line.value)) for line in lines])
                     for title, lines in filled.sections
                 ]},
            )
    where = branch.code if branch is not None else "network"
    return _file(
        renderers.form(filled, fmt, language=language), fmt=fmt,
        name=f"{form.code}-{form.version}-{year}-{where}",
    )


@require_GET
@plan_reader_required
def form_network(request: StaffRequest, form: str, year: int, fmt: str) -> HttpResponse:
    return _form(request, form, None, year, fmt)


@require_GET
@plan_reader_required
def form_branch(request: StaffRequest, form: str, code: str, year: int, fmt: str) -> HttpResponse:
    return _form(request, form, get_object_or_404(Branch, code=code), year, fmt)
