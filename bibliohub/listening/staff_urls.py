"""Staff screens, included under /staff/feedback/."""

from django.urls import path

from bibliohub.listening import staff_views

app_name = "listening"

urlpatterns = [
    path("", staff_views.feedback_list, name="list"),
    path("new/", staff_views.desk_form, name="new"),
    path("<int:pk>/", staff_views.detail, name="detail"),
    path("<int:pk>/attachment/", staff_views.attachment, name="attachment"),
    path("<int:pk>/<slug:action>/", staff_views.act, name="act"),
]
