"""Public pages under /surveys/."""

from django.urls import path

from bibliohub.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    # Before the surveys' addresses: no survey is called "mine" (services.RESERVED).
    path("mine/", views.mine, name="mine"),
    path("<slug:slug>/", views.answer, name="answer"),
    path("<slug:slug>/kiosk/", views.kiosk, name="kiosk"),
    path("<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/kiosk/thanks/", views.kiosk_thanks, name="kiosk_thanks"),
    path("<slug:slug>/invitation/<str:token>/", views.invited, name="invited"),
]
