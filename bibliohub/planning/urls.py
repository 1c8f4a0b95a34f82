"""Published programmes on the public site, under /plans/."""

from django.urls import path

from bibliohub.planning import views

app_name = "plans"

urlpatterns = [
    path("", views.published_list, name="list"),
    path("<int:pk>/", views.published_programme, name="programme"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.published_evidence, name="evidence"),
]
