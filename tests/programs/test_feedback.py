"""Feedback on an event is answered through the network's event feedback survey, and the
ratings given before it are carried into it by a migration: the figures read the same."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.history.rollup import roll_up
from bibliohub.history.selectors import total
from bibliohub.programs import rules, selectors, services
from bibliohub.programs.errors import ProgramRefused, Reason
from bibliohub.programs.models import Feedback
from bibliohub.surveys import kinds as survey_kinds
from bibliohub.surveys.errors import SurveyReason, SurveyRefused
from bibliohub.surveys.models import Participation, Response, Survey
from bibliohub.surveys.services import event_feedback_slug
from tests.migrating import before, forward


def test_feedback_is_taken_from_people_who_came_after_the_event(story_time, register_guest, central_librarian):
    first = story_time.occurrences.first()
    anna = register_guest(first, "Anna A")
    borys = register_guest(first, "Borys B")
    services.check_in(anna, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    five = {"q-rating": ["5"], "q-comment": [" Lovely songs! "]}
    with pytest.raises(ProgramRefused) as early:
        services.leave_feedback(anna, occurrence=first, data=five, language="en",
                                actor=Actor.for_public(), at=first.starts_at)
    assert early.value.reasons == [Reason.NOT_FINISHED]
    with pytest.raises(ProgramRefused) as absent:
        services.leave_feedback(borys, occurrence=first, data=five, language="en",
                                actor=Actor.for_public(), at=first.ends_at)
    assert absent.value.reasons == [Reason.NOT_ATTENDED]
    assert selectors.feedback_due(anna, at=first.ends_at) == [first]
    response = services.leave_feedback(anna, occurrence=first, data=five, language="uk",
                                       actor=Actor.for_public(), at=first.ends_at)
    survey = Survey.objects.get(slug=event_feedback_slug(story_time.branch.network_id))
    assert (survey.kind, survey.anonymous, survey.state) == ("event", True, "open")
    assert (response.survey, response.complete, response.language, response.patron) == (survey, True, "uk", None)
    assert (response.about_type, response.about_id, response.branch) == (
        rules.FEEDBACK_ABOUT, first.pk, story_time.branch)
    answers = {a.question.code: a.value for a in response.answers.select_related("question")}
    assert answers == {"rating": 5, "comment": "Lovely songs!"}
    assert selectors.feedback_due(anna, at=first.ends_at) == []
    assert selectors.event_rating(story_time) == selectors.Rating(1, Decimal("5.00"))
    with pytest.raises(SurveyRefused) as twice:
        services.leave_feedback(anna, occurrence=first, data=five, language="en",
                                actor=Actor.for_public(), at=first.ends_at)
    assert twice.value.reasons == [SurveyReason.ALREADY_ANSWERED]
    assert Response.objects.filter(survey=survey).count() == 1


def test_feedback_names_nobody_and_scores_satisfaction_at_the_events_branch(
    story_time, child, parent, central_librarian
):
    first = story_time.occurrences.first()
    taras = services.register(occurrence=first, attendee=services.Attendee(patron=child, registered_by=parent),
                              actor=Actor.for_patron(parent), at=first.starts_at - timedelta(days=3))
    services.check_in(taras, occurrence=first, actor=Actor.for_staff(central_librarian), at=first.starts_at)
    with pytest.raises(SurveyRefused) as missing:
        services.leave_feedback(taras, occurrence=first, data={"q-rating-shown": ["1"]}, language="uk",
                                actor=Actor.for_patron(parent), at=first.ends_at)
    assert missing.value.errors.keys() == {"rating"}
    assert not Response.objects.exists()  # nothing kept of a refused answer
    services.leave_feedback(taras, occurrence=first, data={"q-rating": ["4"]}, language="uk",
                            actor=Actor.for_patron(parent), at=first.ends_at)
    surveyed = Entry.objects.filter(domain="surveys", kind__in=["started", "completed", "satisfaction_rated"])
    assert sorted(e.kind for e in surveyed) == ["completed", "satisfaction_rated", "started"]
    assert all((e.patron_id, e.actor) == (None, "public") for e in surveyed)
    rated = surveyed.get(kind="satisfaction_rated")
    assert (rated.branch_id, rated.amount) == (story_time.branch_id, Decimal("4.00"))
    assert not Response.objects.filter(patron__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_every_rating_into_the_survey_and_the_figures_read_the_same(
    story_time, register_guest, child, parent, central_librarian
):
    first, second = list(story_time.occurrences.order_by("starts_at")[:2])
    anna = register_guest(first, "Anna A")
    borys = register_guest(first, "Borys B")
    taras = services.register(occurrence=second, attendee=services.Attendee(patron=child, registered_by=parent),
                              actor=Actor.for_patron(parent), at=first.starts_at)
    ratings = [(anna, first, 5, "Lovely songs"), (borys, first, 3, ""), (taras, second, 2, "Too loud")]
    for registration, occurrence, _score, _comment in ratings:
        services.check_in(registration, occurrence=occurrence, actor=Actor.for_staff(central_librarian),
                          at=occurrence.starts_at)
    roll_up()
    day = first.starts_at.date()
    satisfaction_before = total([survey_kinds.RATED], start=day - timedelta(days=30), end=day + timedelta(days=30))
    with before("programs", "0004_occurrence_held_counted") as apps:
        OldFeedback = apps.get_model("programs", "Feedback")
        for registration, occurrence, score, comment in ratings:
            OldFeedback.objects.create(occurrence_id=occurrence.pk, registration_id=registration.pk,
                                       rating=score, comment=comment, at=occurrence.ends_at + timedelta(hours=1))
        scores = [f.rating for f in OldFeedback.objects.filter(occurrence__event_id=story_time.pk)]
        mean_before = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"))
        forward()
    assert mean_before == Decimal("3.33")
    assert selectors.event_rating(story_time) == selectors.Rating(3, mean_before)
    assert Feedback.objects.count() == 3  # the old rows stay readable
    survey = Survey.objects.get(slug=event_feedback_slug(story_time.branch.network_id))
    responses = list(Response.objects.filter(survey=survey).order_by("completed_at", "pk"))
    assert [(r.about_id, r.patron_id, r.complete, r.branch_id) for r in responses] == [
        (first.pk, None, True, story_time.branch_id), (first.pk, None, True, story_time.branch_id),
        (second.pk, None, True, story_time.branch_id)]
    assert [r.completed_at for r in responses] == [o.ends_at + timedelta(hours=1) for _r, o, _s, _c in ratings]
    assert responses[2].language == "en"  # the child's language
    comments = sorted(a.value for r in responses for a in r.answers.all() if a.question.code == "comment")
    assert comments == ["Lovely songs", "Too loud"]
    assert Participation.objects.filter(survey=survey).count() == 3
    # Nobody is asked again about a date they rated.
    assert selectors.feedback_due(anna, at=second.ends_at) == []
    assert selectors.feedback_due(taras, at=second.ends_at) == []
    with pytest.raises(SurveyRefused):
        services.leave_feedback(anna, occurrence=first, data={"q-rating": ["1"]}, language="en",
                                actor=Actor.for_public(), at=second.ends_at)
    # No figure of a past period changes: the satisfaction indicator reads what it read.
    roll_up()
    assert total([survey_kinds.RATED], start=day - timedelta(days=30), end=day + timedelta(days=30)) == satisfaction_before
    [carried] = Entry.objects.filter(domain="surveys", kind=survey_kinds.FEEDBACK_CARRIED_OVER.code)
    assert (carried.quantity, carried.detail) == (3, {"survey": survey.pk, "ratings": 3, "comments": 2})
