"""Public pages under /suggest/: a patron's purchase suggestion and their suggestions."""

from django.urls import path

from bibliohub.demand import views

app_name = "demand"

urlpatterns = [
    path("", views.suggest, name="suggest"),
    path("mine/", views.mine, name="mine"),
]
