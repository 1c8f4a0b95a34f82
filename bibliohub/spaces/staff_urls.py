"""Staff screens, included under /staff/spaces/."""

from django.urls import path

from bibliohub.spaces import staff_views

app_name = "spaces"

urlpatterns = [
    path("", staff_views.booking_list, name="bookings"),
    path("day/", staff_views.day, name="day"),
    path("<int:pk>/book/", staff_views.book, name="book"),
    path("bookings/<int:pk>/<slug:action>/", staff_views.act, name="act"),
    path("rooms/", staff_views.resource_list, name="resources"),
    path("rooms/new/", staff_views.resource_edit, name="resource_add"),
    path("rooms/<int:pk>/", staff_views.resource_edit, name="resource_edit"),
]
