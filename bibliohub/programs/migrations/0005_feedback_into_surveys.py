"""The ratings of events (one per date and registration, 1 to 5, with a comment) become
answers to the network's event feedback survey, which asks for feedback from now on.

Per network with ratings, the survey `event-feedback-<network>` is made from the event
blueprint (open, anonymous, in the five languages) unless it exists. Each rating becomes a
completed response about its date ("programs.occurrence"), at the rating's moment, at the
event's branch, in the language of the patron it was for (else the survey's): the score is
the answer to the satisfaction question "rating" and the comment, if any, the answer to
"comment". The survey being anonymous, no response names anybody; that the registration
gave its feedback on the date is kept apart as the survey's keyed digest (as
`surveys.services.participation_digest` makes it), so that nobody is asked twice.

The rating rows stay, read-only. The history is not rewritten: each rating kept its
"feedback_left" entry, and no satisfaction score is added to past days, so no figure of a
past period changes; one "feedback_carried_over" entry per network says how many ratings
and comments were carried over."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import migrations
from django.utils import timezone
from django.utils.crypto import salted_hmac

from bibliohub.history.legacy import LegacyCopier
from bibliohub.surveys.blueprints import BLUEPRINTS, THANKS

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _digest(survey_id, participant):
    # The same as surveys.services.participation_digest.
    return salted_hmac(f"bibliohub.surveys.participation.{survey_id}", participant).hexdigest()


def _survey(apps, network_id, at):
    Survey = apps.get_model("surveys", "Survey")
    Question = apps.get_model("surveys", "Question")
    slug = f"event-feedback-{network_id}"
    found = Survey.objects.filter(slug=slug).first()
    if found is not None:
        return found
    blueprint = BLUEPRINTS["event"]
    main = settings.LANGUAGE_CODE.lower()
    main = main if main in LANGUAGES else "en"

    def texts(given):
        return {lang: given[lang] for lang in LANGUAGES if given.get(lang)}

    survey = Survey.objects.create(
        network_id=network_id, branch=None, slug=slug, kind=str(blueprint.kind), language=main,
        languages=[main, *[lang for lang in LANGUAGES if lang != main]],
        titles=texts(blueprint.title), intros=texts(blueprint.intro), thanks=texts(THANKS),
        audience="anyone", anonymous=True, state="open", quotas={}, created_at=at,
    )
    for position, q in enumerate(blueprint.questions):
        low, high = (0, 10) if str(q.kind) == "recommend" else q.scale
        Question.objects.create(
            survey=survey, position=position, code=q.code, kind=str(q.kind), texts=texts(q.text),
            helps={}, options=list(q.options), rows=list(q.rows), allow_other=q.allow_other,
            required=q.required, scale_min=low, scale_max=high, condition_values=[],
            is_satisfaction=q.satisfaction,
        )
    return survey


def carry_over(apps, schema_editor):
    Feedback = apps.get_model("programs", "Feedback")
    Question = apps.get_model("surveys", "Question")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    Participation = apps.get_model("surveys", "Participation")
    rows = (
        Feedback.objects.select_related(
            "occurrence__event__branch", "registration__patron"
        ).order_by("at", "pk")
    )
    now = timezone.now()
    surveys = {}
    counts = {}
    for feedback in rows.iterator(chunk_size=500):
        branch = feedback.occurrence.event.branch
        network_id = branch.network_id
        if network_id not in surveys:
            survey = _survey(apps, network_id, now)
            questions = {q.code: q for q in Question.objects.filter(survey=survey)}
            surveys[network_id] = (survey, questions)
            counts[network_id] = [0, 0]
        survey, questions = surveys[network_id]
        participant = (
            f"registration.{feedback.registration_id}.occurrence.{feedback.occurrence_id}"
        )
        digest = _digest(survey.pk, participant)
        if Participation.objects.filter(survey=survey, digest=digest).exists():
            continue  # carried over already
        patron = feedback.registration.patron
        language = patron.language if patron is not None and patron.language in survey.languages \
            else survey.language
        response = Response.objects.create(
            survey=survey, token=secrets.token_urlsafe(32), complete=True,
            started_at=feedback.at, completed_at=feedback.at, language=language, channel="web",
            branch_id=branch.pk, age_band="", patron=None,
            about_type="programs.occurrence", about_id=feedback.occurrence_id,
        )
        if "rating" in questions:
            Answer.objects.create(response=response, question=questions["rating"],
                                  value=feedback.rating, number=Decimal(feedback.rating))
        if feedback.comment.strip() and "comment" in questions:
            Answer.objects.create(response=response, question=questions["comment"],
                                  value=feedback.comment.strip())
            counts[network_id][1] += 1
        Participation.objects.create(survey=survey, digest=digest)
        counts[network_id][0] += 1
    copier = LegacyCopier(apps, domain="surveys")
    for network_id, (survey, _questions) in surveys.items():
        ratings, comments = counts[network_id]
        if not ratings:
            continue
        copier.add(
            kind="feedback_carried_over", at=now, channel="admin", actor="system",
            network_id=network_id, source="migration programs 0005",
            object_type="surveys.survey", object_id=survey.pk, quantity=ratings,
            detail={"survey": survey.pk, "ratings": ratings, "comments": comments},
        )
    copier.flush()


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_occurrence_held_counted"),
        ("surveys", "0002_feedback_about_and_reminders"),
        ("history", "0003_entry_topic"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
