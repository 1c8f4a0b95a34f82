"""Public pages under /community/: a branch's business and career page, the directory of
businesses and mentors who agreed to be listed, and the form to ask for a mentoring
appointment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from bibliohub.community import selectors
from bibliohub.community.errors import CommunityRefused
from bibliohub.community.forms import MentoringRequestForm
from bibliohub.community.models import Mentor, Topic
from bibliohub.community.services import career as services
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.portal.session import current_patron


def _branches() -> list[Branch]:
    return list(Branch.objects.filter(is_active=True).order_by("-is_central", "sort_order", "name"))


def _chosen(request: HttpRequest, branches: list[Branch]) -> Branch | None:
    code = request.GET.get("branch")
    if code:
        return next((b for b in branches if b.code == code), None)
    patron = current_patron(request)
    home = patron.home_branch_id if patron else None
    return next((b for b in branches if b.pk == home), None) or (branches[0] if branches else None)


def career(request: HttpRequest) -> HttpResponse:
    """The business and career page of one branch: links chosen by its staff, by topic."""
    branches = _branches()
    branch = _chosen(request, branches)
    return render(request, "community/career.html", {
        "branches": branches,
        "branch": branch,
        "topics": selectors.public_resources(branch) if branch else [],
        "language": get_language(),
    })


def mentors(request: HttpRequest) -> HttpResponse:
    """Businesses and mentors who agreed to be listed, with the contact details they chose."""
    branches = _branches()
    code = request.GET.get("branch")
    branch = next((b for b in branches if b.code == code), None) if code else None
    topic = request.GET.get("topic") if request.GET.get("topic") in Topic.values else None
    network = branch.network_id if branch else (branches[0].network_id if branches else None)
    listed = selectors.public_mentors(network, branch=branch, topic=topic) if network else []
    return render(request, "community/mentors.html", {
        "branches": branches, "branch": branch, "topic": topic, "topics": Topic.choices,
        "mentors": listed,
    })


def request_mentoring(request: HttpRequest) -> HttpResponse:
    """Ask for a mentoring appointment; a signed-in patron gives only the topic and message."""
    patron = current_patron(request)
    branches = Branch.objects.filter(is_active=True).order_by("-is_central", "sort_order", "name")
    wished = _listed_mentor(request.GET.get("mentor") or request.POST.get("mentor"))
    initial: dict[str, Any] = {"branch": patron.home_branch_id if patron else None}
    if wished is not None:
        initial["branch"] = initial["branch"] or next(iter(wished.branches.all()), None)
        initial["topic"] = next(iter(wished.topics), None)
    form = MentoringRequestForm(request.POST or None, branches=branches, signed_in=patron is not None,
                                initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.request_mentoring(
                branch=d["branch"], topic=d["topic"], message=d["message"], patron=patron,
                name=d.get("name", ""), email=d.get("email", ""), phone=d.get("phone", ""),
                language=patron.language if patron else get_language() or "en",
                wished_mentor=wished,
                actor=Actor.for_patron(patron) if patron is not None else Actor.for_public(),
                at=timezone.now(),
            )
        except CommunityRefused as refused:
            for message in refused.messages:
                form.add_error(None, message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. We have received your request and will write to you."))
            return redirect("community:mentors")
    return render(request, "community/request.html", {
        "form": form, "patron": patron, "wished": wished,
    })


def _listed_mentor(value: str | None) -> Mentor | None:
    """A mentor from the query string, only if the public may see them."""
    if not value or not value.isdigit():
        return None
    mentor = Mentor.objects.filter(pk=int(value), is_active=True, public_consent_at__isnull=False).first()
    return mentor if mentor is not None and mentor.takes_requests else None
