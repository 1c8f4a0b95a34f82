"""OPAC pages under /spaces/."""

from django.urls import path

from bibliohub.spaces import views

app_name = "spaces"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.resource_day, name="resource"),
    path("<int:pk>/book/", views.book, name="book"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/cancel/", views.cancel, name="cancel"),
]
