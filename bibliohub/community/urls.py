"""Public pages under /community/."""

from django.urls import path

from bibliohub.community import views

app_name = "community"

urlpatterns = [
    path("", views.career, name="career"),
    path("mentors/", views.mentors, name="mentors"),
    path("mentors/request/", views.request_mentoring, name="request"),
]
