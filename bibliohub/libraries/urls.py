"""Staff screens for branches and opening hours, included under /staff/branches/."""

from django.urls import path

from bibliohub.libraries import views

app_name = "libraries"

urlpatterns = [
    path("", views.branch_list, name="branches"),
    path("<slug:code>/", views.branch_detail, name="branch"),
    path("<slug:code>/hours/", views.weekly_hours_edit, name="hours"),
    path("<slug:code>/exceptions/", views.exception_add, name="exception_add"),
    path("<slug:code>/exceptions/<int:exception_id>/remove/", views.exception_remove, name="exception_remove"),
]
