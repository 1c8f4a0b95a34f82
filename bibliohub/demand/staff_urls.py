"""Staff screens, included under /staff/demand/."""

from django.urls import path

from bibliohub.demand import staff_views

app_name = "demand"

urlpatterns = [
    path("", staff_views.suggestion_list, name="list"),
    path("new/", staff_views.desk_suggestion, name="new"),
    path("request/", staff_views.desk_request, name="request"),
    path("report/", staff_views.report, name="report"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", staff_views.act, name="act"),
]
