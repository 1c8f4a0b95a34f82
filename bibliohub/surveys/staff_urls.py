"""Staff screens, included under /staff/surveys/."""

from django.urls import path

from bibliohub.surveys import staff_views

app_name = "surveys"

urlpatterns = [
    path("", staff_views.survey_list, name="list"),
    path("new/", staff_views.new_survey, name="new"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/settings/", staff_views.edit_survey, name="edit"),
    path("<int:pk>/state/", staff_views.set_state, name="state"),
    path("<int:pk>/questions/new/", staff_views.question, name="question_new"),
    path("<int:pk>/questions/<int:question_id>/", staff_views.question, name="question"),
    path("<int:pk>/questions/<int:question_id>/remove/", staff_views.remove_question,
         name="question_remove"),
    path("<int:pk>/invitations/", staff_views.invitations, name="invitations"),
    path("<int:pk>/poster/", staff_views.poster, name="poster"),
    path("<int:pk>/results/", staff_views.results, name="results"),
    path("<int:pk>/answers/", staff_views.text_answers, name="texts"),
]
