"""Staff screens of programmes and SWOT analyses, included under /staff/plans/. The monitoring
group reads some of them too (see staff_views)."""

from django.urls import path

from bibliohub.planning import staff_views as views

app_name = "planning"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="programme_new"),
    path("<int:pk>/", views.programme_detail, name="programme"),
    path("<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/status/", views.programme_status, name="programme_status"),
    path("<int:pk>/publish/", views.programme_publish, name="programme_publish"),
    path("<int:pk>/delete/", views.programme_delete, name="programme_delete"),
    path("<int:pk>/copy/", views.programme_copy, name="programme_copy"),
    path("<int:pk>/actions.<str:fmt>", views.actions_download, name="actions_download"),
    path("<int:programme_pk>/directions/new/", views.direction_edit, name="direction_new"),
    path("<int:programme_pk>/indicators/new/", views.measure_edit, name="measure_new"),
    path("directions/<int:pk>/edit/", views.direction_edit, name="direction_edit"),
    path("directions/<int:pk>/delete/", views.direction_delete, name="direction_delete"),
    path("directions/<int:direction_pk>/goals/new/", views.goal_edit, name="goal_new"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("goals/<int:goal_pk>/actions/new/", views.action_edit, name="action_new"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/delete/", views.action_delete, name="action_delete"),
    path("actions/<int:pk>/progress/", views.progress_new, name="progress_new"),
    path("updates/<int:pk>/public/", views.update_public, name="update_public"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("indicators/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("indicators/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
    path("swot/", views.swot_list, name="swots"),
    path("swot/new/", views.swot_new, name="swot_new"),
    path("swot/<int:pk>/", views.swot_detail, name="swot"),
    path("swot/<int:pk>/edit/", views.swot_edit, name="swot_edit"),
    path("swot/<int:pk>/print/", views.swot_print, name="swot_print"),
    path("swot/<int:swot_pk>/points/new/", views.point_edit, name="point_new"),
    path("swot/points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("swot/points/<int:pk>/delete/", views.point_delete, name="point_delete"),
]
