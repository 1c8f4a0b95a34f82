"""Public event pages under /events/."""

from django.urls import path

from bibliohub.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("feed.ics", views.feed_ics, name="feed"),
    path("mine/", views.mine, name="mine"),
    path("<int:event_id>/", views.event_detail, name="event"),
    path("<int:event_id>.ics", views.event_ics, name="event_ics"),
    path("<int:event_id>/register/", views.register_series, name="register_series"),
    path("<int:event_id>/entry/", views.submit_entry, name="entry"),
    path("dates/<int:occurrence_id>/register/", views.register, name="register"),
    path("registration/<str:token>/", views.manage, name="manage"),
    path("registration/<str:token>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("registration/<str:token>/feedback/<int:occurrence_id>/", views.manage_feedback, name="manage_feedback"),
]
