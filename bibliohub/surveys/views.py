"""Public pages under /surveys/: the open surveys, answering one (on the website, by an
invitation link, signed in to the patron account, or on the tablet at the desk, which
starts afresh after each person), and the thanks.

Answers are saved as the person goes: the page posts the form in the background (htmx)
after each change, to a draft response whose random token is kept in the session; "Send"
saves and completes it. A robot that fills the hidden field is thanked and nothing is kept."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from bibliohub.history import Actor
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron
from bibliohub.portal.session import client_address, current_patron, patron_required
from bibliohub.surveys import selectors, services
from bibliohub.surveys.errors import SurveyReason, SurveyRefused
from bibliohub.surveys.forms import show_questions
from bibliohub.surveys.models import Audience, Channel, Invitation, Response, Survey


def _draft_key(survey: Survey) -> str:
    return f"surveys.draft.{survey.pk}"


def _invitation_key(survey: Survey) -> str:
    return f"surveys.invitation.{survey.pk}"


def index(request: HttpRequest) -> HttpResponse:
    language = (get_language() or "en").lower()
    found = list(selectors.open_surveys(at=timezone.now()))
    return render(request, "surveys/index.html", {
        "surveys": [(s, s.title(s.answer_language(language)), s.intro(s.answer_language(language)))
                    for s in found],
    })


@patron_required
def mine(request: HttpRequest, patron: Patron) -> HttpResponse:
    """The open surveys in the patron's account, with those answered "once each" marked."""
    language = (get_language() or "en").lower()
    now = timezone.now()
    found = [
        s for s in selectors.open_surveys(at=now).filter(network_id=patron.network_id)
        if s.audience != Audience.INVITED
    ]
    return render(request, "surveys/mine.html", {
        "patron": patron, "section": "surveys",
        "surveys": [
            (s, s.title(s.answer_language(language)),
             s.audience == Audience.PATRONS and services.has_answered(s, patron))
            for s in found
        ],
    })


def invited(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """An invitation link: remember it for this survey and go to the questions."""
    survey = selectors.public_survey(slug)
    request.session[_invitation_key(survey)] = token
    return redirect("surveys:answer", slug=survey.slug)


@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, slug: str) -> HttpResponse:
    return _answer(request, selectors.public_survey(slug), kiosk=False)


@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, slug: str) -> HttpResponse:
    """The survey on a tablet at the desk: nobody is signed in, and each person starts
    afresh."""
    return _answer(request, selectors.public_survey(slug), kiosk=True)


def _answer(request: HttpRequest, survey: Survey, *, kiosk: bool) -> HttpResponse:
    now = timezone.now()
    language = survey.answer_language((get_language() or "en").lower())
    patron: Patron | None = None if kiosk else current_patron(request)
    token = request.session.get(_invitation_key(survey))
    invitation = Invitation.objects.filter(survey=survey, token=token).first() if token else None
    channel = (
        Channel.KIOSK if kiosk else Channel.INVITATION if invitation else
        Channel.PORTAL if patron is not None else Channel.WEB
    )
    actor = Actor.for_patron(patron) if patron is not None else Actor.for_public()
    refusals = services.admission_refusals(survey, patron=patron, invitation=invitation, at=now)
    draft = selectors.draft_for(survey, request.session.get(_draft_key(survey)))
    background = request.headers.get("HX-Request") == "true"
    errors: dict[str, list[str]] = {}
    top: list[str] = [r.message for r in refusals]
    if request.method == "POST" and not refusals:
        if request.POST.get("website"):
            request.session.pop(_draft_key(survey), None)
            return _done(survey, kiosk=kiosk)
        try:
            if draft is None:
                draft = services.start_response(
                    survey=survey, language=language, channel=channel, patron=patron,
                    invitation=invitation, actor=actor, at=now,
                )
                request.session[_draft_key(survey)] = draft.token
            problems = services.save_answers(draft, data=request.POST, language=language, at=now)
            errors = {code: [r.message for r in reasons] for code, reasons in problems.items()}
            if background:
                return render(request, "surveys/_saved.html", {"errors": errors, "at": now})
            if "send" in request.POST and not errors:
                services.complete(draft, patron=patron, invitation=invitation,
                                  place=client_address(request) or "unknown", actor=actor, at=now)
                request.session.pop(_draft_key(survey), None)
                request.session.pop(_invitation_key(survey), None)
                return _done(survey, kiosk=kiosk)
            if "send" not in request.POST and not errors:
                messages.success(request, _saved_message())
                return redirect(request.path)
        except SurveyRefused as refused:
            if background:
                return render(request, "surveys/_saved.html", {"refused": refused.messages})
            for name, wordings in refused.errors.items():
                if name:
                    errors[name] = wordings
                else:
                    top += wordings
    elif request.method == "POST" and background:
        return render(request, "surveys/_saved.html", {"refused": top})
    return _page(request, survey, language=language, draft=draft, errors=errors, top=top,
                 kiosk=kiosk, can_answer=not refusals,
                 sign_in=not kiosk and SurveyReason.SIGN_IN in refusals, posted=request.POST if errors else None,
                 status=400 if (errors or (top and request.method == "POST")) else 200)


def _saved_message() -> str:
    from django.utils.translation import gettext

    return gettext("Your answers are saved. You can come back and finish later on this device.")


def _page(
    request: HttpRequest,
    survey: Survey,
    *,
    language: str,
    draft: Response | None,
    errors: dict[str, list[str]],
    top: list[str],
    kiosk: bool,
    can_answer: bool,
    sign_in: bool = False,
    posted: Any,
    status: int,
) -> HttpResponse:
    saved = {a.question_id: a for a in draft.answers.all()} if draft is not None else {}
    branches = list(
        Branch.objects.filter(network_id=survey.network_id, is_active=True)
        .order_by("-is_central", "sort_order", "name")
    )
    shown = show_questions(selectors.questions(survey), language=language, branches=branches,
                           saved=saved, posted=posted, errors=errors)
    return render(request, "surveys/answer.html", {
        "survey": survey, "title": survey.title(language), "intro": survey.intro(language),
        "questions": shown, "top": top, "kiosk": kiosk, "can_answer": can_answer,
        "answer_language": language, "error_count": len(errors),
        "sign_in": (
            f"{reverse('portal:sign-in')}?{urlencode({'next': request.path})}" if sign_in else ""
        ),
        "action": reverse("surveys:kiosk" if kiosk else "surveys:answer", args=[survey.slug]),
    }, status=status)


def _done(survey: Survey, *, kiosk: bool) -> HttpResponse:
    if kiosk:
        return redirect("surveys:kiosk_thanks", slug=survey.slug)
    return redirect("surveys:thanks", slug=survey.slug)


def thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = selectors.public_survey(slug)
    language = survey.answer_language((get_language() or "en").lower())
    return render(request, "surveys/thanks.html", {
        "survey": survey, "title": survey.title(language), "text": survey.thanks_text(language),
        "kiosk": False,
    })


def kiosk_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    """Thanks on the tablet, which goes back to an empty survey by itself after a moment."""
    survey = selectors.public_survey(slug)
    if not survey.slug:
        raise Http404
    language = survey.answer_language((get_language() or "en").lower())
    return render(request, "surveys/thanks.html", {
        "survey": survey, "title": survey.title(language), "text": survey.thanks_text(language),
        "kiosk": True, "again": reverse("surveys:kiosk", args=[survey.slug]),
    })
