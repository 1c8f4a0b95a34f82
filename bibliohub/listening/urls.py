"""Public pages under /feedback/."""

from django.urls import path

from bibliohub.listening import views

app_name = "listening"

urlpatterns = [
    path("", views.feedback, name="feedback"),
    path("received/", views.received, name="received"),
    path("you-said-we-did/", views.you_said_we_did, name="published"),
]
