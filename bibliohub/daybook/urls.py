"""The daily record book's staff screen, included under /staff/daybook/."""

from django.urls import path

from bibliohub.daybook import views

app_name = "daybook"

urlpatterns = [
    path("", views.start, name="start"),
    path("<slug:code>/<int:year>/<int:month>/", views.month, name="month"),
]
