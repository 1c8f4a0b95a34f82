"""Staff screens under /staff/."""

from django.urls import path

from bibliohub.web import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.home, name="home"),
]
