"""Staff screens under /staff/surveys/: the surveys of one's branches and of the network, a
new survey (empty or from a template), its settings and questions, opening and closing it,
invitation links, a printable poster, and the results with the free-text answers and the
raw answers as a spreadsheet (without identities). Results show only the answers of the
branches a member of staff acts for (network managers see every one)."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from bibliohub.accounts import access
from bibliohub.accounts.decorators import StaffRequest, staff_required
from bibliohub.history import Actor
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.selectors import patron_by_card
from bibliohub.surveys import selectors, services
from bibliohub.surveys.errors import SurveyRefused
from bibliohub.surveys.forms import (
    InvitationsForm,
    InvitePatronsForm,
    NewSurveyForm,
    QuestionForm,
    ResultsFilterForm,
    SurveyForm,
    TextSearchForm,
    question_initial,
    quotas_text,
)
from bibliohub.surveys.models import Audience, Question, SurveyState
from bibliohub.web.forms import show_refusal
from bibliohub.web.spreadsheets import Table, download

TEXT_ROWS = 500


def _language(request: StaffRequest) -> str:
    return (request.LANGUAGE_CODE or "en").lower()


@staff_required
def survey_list(request: StaffRequest) -> HttpResponse:
    found = selectors.surveys_for_staff(request.user)
    language = _language(request)
    return render(request, "surveys/staff/list.html", {
        "surveys": [(s, s.title(language)) for s in found],
    })


def _buildable_branches(request: StaffRequest) -> Any:
    return access.branches_for(request.user).order_by("sort_order", "name")


@staff_required
@require_http_methods(["GET", "POST"])
def new_survey(request: StaffRequest) -> HttpResponse:
    form = NewSurveyForm(request.POST or None, branches=_buildable_branches(request),
                         initial={"language": _language(request)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        branch: Branch | None = d["branch"]
        network = branch.network if branch is not None else get_object_or_404(
            Network.objects.order_by("pk")[:1]
        )
        actor, now = Actor.for_staff(request.user), timezone.now()
        try:
            if d["blueprint"]:
                survey = services.start_from_blueprint(
                    code=d["blueprint"], network=network, branch=branch, slug=d["slug"],
                    language=d["language"], languages=d["languages"], actor=actor, at=now,
                )
            else:
                survey = services.save_survey(
                    network=network, branch=branch, slug=d["slug"], kind="questionnaire",
                    language=d["language"], languages=d["languages"],
                    titles={d["language"]: d["title"]}, actor=actor, at=now,
                )
        except SurveyRefused as refused:
            show_refusal(form, refused)
        except access.NotPermitted:
            form.add_error("branch", _("Only network managers make surveys of the whole network."))
        else:
            messages.success(request, _("The survey is made as a draft: check it, then open it."))
            return redirect("staff:surveys:detail", pk=survey.pk)
    return render(request, "surveys/staff/new.html", {"form": form},
                  status=400 if form.errors else 200)


@staff_required
def detail(request: StaffRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_view(request.user, pk)
    language = _language(request)
    site = request.build_absolute_uri(reverse("surveys:answer", args=[survey.slug]))
    return render(request, "surveys/staff/detail.html", {
        "survey": survey, "title": survey.title(language),
        "questions": [(q, q.text(language)) for q in selectors.questions(survey)],
        "may_build": selectors.may_build(request.user, survey), "link": site,
        "notice_link": selectors.public_link(survey),
        "kiosk_link": request.build_absolute_uri(reverse("surveys:kiosk", args=[survey.slug])),
        "languages": [get_language_info(c)["name_local"] for c in survey.languages],
    })


@staff_required
@require_http_methods(["GET", "POST"])
def edit_survey(request: StaffRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_edit(request.user, pk)
    others = selectors.surveys_for_staff(request.user).exclude(pk=survey.pk)
    initial: dict[str, Any] = {
        "slug": survey.slug, "kind": survey.kind, "language": survey.language,
        "languages": survey.languages, "audience": survey.audience,
        "anonymous": survey.anonymous,
        "opens_at": timezone.localtime(survey.opens_at) if survey.opens_at else None,
        "closes_at": timezone.localtime(survey.closes_at) if survey.closes_at else None,
        "quotas": quotas_text(survey.quotas), "previous": survey.previous_id,
        "reminder_days": survey.reminder_days,
    }
    for code in survey.languages:
        initial[f"title_{code}"] = survey.titles.get(code, "")
        initial[f"intro_{code}"] = survey.intros.get(code, "")
        initial[f"thanks_{code}"] = survey.thanks.get(code, "")
    form = SurveyForm(request.POST or None, survey=survey, others=others, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def texts(prefix: str) -> dict[str, str]:
            return {code: d.get(f"{prefix}_{code}", "") for code in survey.languages}

        try:
            services.save_survey(
                survey=survey, network=survey.network, branch=survey.branch, slug=d["slug"],
                kind=d["kind"], language=d["language"], languages=d["languages"],
                titles=texts("title"), intros=texts("intro"), thanks=texts("thanks"),
                audience=d["audience"], anonymous=d["anonymous"], opens_at=d["opens_at"],
                closes_at=d["closes_at"], quotas=d["quotas"], previous=d["previous"],
                reminder_days=d["reminder_days"], actor=Actor.for_staff(request.user),
                at=timezone.now(),
            )
        except SurveyRefused as refused:
            show_refusal(form, refused)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:surveys:detail", pk=survey.pk)
    return render(request, "surveys/staff/edit.html", {
        "survey": survey, "form": form, "title": survey.title(_language(request)),
    }, status=400 if form.errors else 200)


@staff_required
@require_POST
def set_state(request: StaffRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_edit(request.user, pk)
    state = request.POST.get("state")
    if state not in (SurveyState.OPEN, SurveyState.CLOSED):
        return HttpResponse(status=400)
    try:
        services.set_state(survey, state=state, actor=Actor.for_staff(request.user),
                           at=timezone.now())
    except SurveyRefused as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect("staff:surveys:detail", pk=survey.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def question(request: StaffRequest, pk: int, question_id: int | None = None) -> HttpResponse:
    survey = selectors.survey_for_edit(request.user, pk)
    found: Question | None = None
    if question_id is not None:
        found = get_object_or_404(Question, pk=question_id, survey=survey)
    initial = question_initial(found, survey.languages) if found else {"scale_min": 1, "scale_max": 5}
    form = QuestionForm(request.POST or None, survey=survey, question=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.save_question(
                survey=survey, question=found, code=d["code"], kind=d["kind"],
                texts=form.texts("text"),
                options=form.choices("options", found.options if found else []),
                rows=form.choices("rows", found.rows if found else []),
                allow_other=d["allow_other"], required=d["required"],
                scale_min=d["scale_min"], scale_max=d["scale_max"],
                condition_question=d["condition_question"], condition_values=form.condition(),
                is_satisfaction=d["is_satisfaction"], actor=Actor.for_staff(request.user),
                at=timezone.now(),
            )
        except SurveyRefused as refused:
            for name, wordings in refused.errors.items():
                target = f"{name}_{survey.language}" if name in ("texts", "options", "rows") else name
                for wording in wordings:
                    form.add_error(target if target in form.fields else None, wording)
        else:
            messages.success(request, _("Saved."))
            return redirect("staff:surveys:detail", pk=survey.pk)
    return render(request, "surveys/staff/question.html", {
        "survey": survey, "question": found, "form": form, "title": survey.title(_language(request)),
    }, status=400 if form.errors else 200)


@staff_required
@require_POST
def remove_question(request: StaffRequest, pk: int, question_id: int) -> HttpResponse:
    survey = selectors.survey_for_edit(request.user, pk)
    found = get_object_or_404(Question, pk=question_id, survey=survey)
    services.remove_question(found, actor=Actor.for_staff(request.user), at=timezone.now())
    messages.success(request, _("The question is removed."))
    return redirect("staff:surveys:detail", pk=survey.pk)


@staff_required
@require_http_methods(["GET", "POST"])
def invitations(request: StaffRequest, pk: int) -> HttpResponse:
    """Make invitation links, invite patrons by their card numbers, and list the links made
    with whether each was used."""
    survey = selectors.survey_for_edit(request.user, pk)
    inviting = request.method == "POST" and "cards" in request.POST
    form = InvitationsForm(request.POST if request.method == "POST" and not inviting else None)
    invite_form = InvitePatronsForm(request.POST if inviting else None)
    now = timezone.now()
    if not inviting and request.method == "POST" and form.is_valid():
        services.make_invitations(survey, count=form.cleaned_data["count"],
                                  actor=Actor.for_staff(request.user), at=now)
        messages.success(request, _("The links are made."))
        return redirect("staff:surveys:invitations", pk=survey.pk)
    if inviting and invite_form.is_valid():
        cards = invite_form.card_numbers()
        found = {card: patron_by_card(card, network=survey.network_id) for card in cards}
        unknown = [card for card, patron in found.items() if patron is None]
        if unknown:
            invite_form.add_error("cards", _("No patron has these cards: %(cards)s") % {
                "cards": ", ".join(unknown)})
        else:
            try:
                made = services.invite_patrons(
                    survey, patrons=[p for p in found.values() if p is not None],
                    actor=Actor.for_staff(request.user), at=now,
                )
            except SurveyRefused as refused:
                for wording in refused.messages:
                    invite_form.add_error("cards", wording)
            else:
                messages.success(request, ngettext(
                    "One patron is invited.", "%(count)d patrons are invited.", len(made)
                ) % {"count": len(made)})
                return redirect("staff:surveys:invitations", pk=survey.pk)
    links = [
        (request.build_absolute_uri(reverse("surveys:invited", args=[survey.slug, i.token])),
         i.used_at)
        for i in survey.invitations.filter(patron__isnull=True).order_by("-created_at", "pk")[:1000]
    ]
    addressed = survey.invitations.filter(patron__isnull=False)
    return render(request, "surveys/staff/invitations.html", {
        "survey": survey, "form": form, "links": links, "title": survey.title(_language(request)),
        "invite_form": invite_form if survey.audience != Audience.ANYONE else None,
        "invited": addressed.count(), "reminded": addressed.exclude(reminded_at=None).count(),
    }, status=400 if form.errors or invite_form.errors else 200)


@staff_required
def poster(request: StaffRequest, pk: int) -> HttpResponse:
    """A page to print and put up: the title, a QR code a phone's camera opens the survey
    with, and the survey's address, large."""
    survey = selectors.survey_for_view(request.user, pk)
    languages = survey.languages or [survey.language]
    link = request.build_absolute_uri(reverse("surveys:answer", args=[survey.slug]))
    # SVG drawn with attributes only (no style), so the Content-Security-Policy holds; the
    # title names it for screen readers. Error correction M survives a crease in the paper.
    qr = segno.make(link, error="m").svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None,
        title=_("QR code of the survey's address"),
    )
    return render(request, "surveys/staff/poster.html", {
        "survey": survey,
        "titles": [(code, survey.title(code)) for code in languages],
        "link": link,
        "qr": mark_safe(qr.replace("<svg ", '<svg role="img" ', 1)),
    })


def _filters(request: StaffRequest, branches: list[Branch]) -> tuple[ResultsFilterForm, dict[str, Any]]:
    form = ResultsFilterForm(request.GET or None, branches=branches)
    chosen: dict[str, Any] = {}
    if form.is_valid():
        d = form.cleaned_data
        chosen = {
            "branch": next((b for b in branches if b.code == d["branch"]), None),
            "age_band": d["age_band"], "answer_language": d["language"],
        }
    return form, chosen


@staff_required
def results(request: StaffRequest, pk: int) -> HttpResponse:
    survey = selectors.survey_for_view(request.user, pk)
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        asked, rows = selectors.raw_answers(survey, request.user)
        table = Table(
            name=_("Answers"),
            columns=[_("Sent on"), _("Branch"), _("Age group"), _("Language"), _("Channel"),
                     *[q.code for q in asked]],
            row=lambda row: row,
        )
        return download(table, rows, fmt=fmt, filename=f"survey-{survey.slug}")
    branches = list(access.branches_for(request.user).filter(network_id=survey.network_id)
                    .order_by("sort_order", "name"))
    form, chosen = _filters(request, branches)
    found = selectors.results(survey, request.user, language=_language(request), **chosen)
    return render(request, "surveys/staff/results.html", {
        "survey": survey, "title": survey.title(_language(request)), "form": form,
        "results": found,
    })


@staff_required
def text_answers(request: StaffRequest, pk: int) -> HttpResponse:
    """The free-text answers, newest first, searchable."""
    survey = selectors.survey_for_view(request.user, pk)
    form = TextSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    only: Question | None = None
    if request.GET.get("question", "").isdigit():
        only = survey.questions.filter(pk=int(request.GET["question"])).first()
        if only is None:
            raise Http404
    found = list(selectors.text_answers(survey, request.user, question=only, search=search)[
        : TEXT_ROWS + 1])
    language = _language(request)
    return render(request, "surveys/staff/texts.html", {
        "survey": survey, "title": survey.title(language), "form": form,
        "answers": [(a, a.question.text(language)) for a in found[:TEXT_ROWS]],
        "more": len(found) > TEXT_ROWS,
    })
