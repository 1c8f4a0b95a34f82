"""The public pages of published programmes: what the network plans and how far it has got,
in the reader's language, with the updates staff made public and their photos and files.
Nobody is named: no owner, no author."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bibliohub.planning import selectors
from bibliohub.planning.models import Evidence, Programme
from bibliohub.planning.staff_views import live_figures, serve_evidence


def published_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    found = list(selectors.public_programmes())
    summaries = selectors.summaries(found, today=today)
    return render(request, "planning/public/list.html", {
        "programmes": [(p, summaries[p.pk]) for p in found],
    })


def _published(pk: int) -> Programme:
    return get_object_or_404(selectors.public_programmes(), pk=pk)


def published_programme(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _published(pk)
    today = timezone.localdate()
    return render(request, "planning/public/programme.html", {
        "programme": programme,
        "view": selectors.overview(programme, today=today),
        "updates": selectors.public_updates(programme),
        "today": today,
        "live": live_figures(programme, today=today),
    })



def published_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponseBase:
    """A file of a public update of a published programme; 404 for anything else."""
    programme = _published(pk)
    item = get_object_or_404(
        Evidence.objects.select_related("update__action"),
        pk=evidence_pk, update__action__programme=programme, update__is_public=True,
    )
    if not item.file:
        raise Http404
    return serve_evidence(item)
