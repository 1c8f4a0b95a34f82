"""The indicator screens, included under /staff/indicators/."""

from django.urls import path

from bibliohub.measures import staff_views

app_name = "measures"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("figure/<slug:code>/", staff_views.indicator, name="indicator"),
    path("targets/", staff_views.targets, name="targets"),
    path("closing/", staff_views.closing, name="closing"),
]
