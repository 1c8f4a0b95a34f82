"""Staff event screens, included under /staff/events/."""

from django.urls import path

from bibliohub.programs import staff_views as views

app_name = "programs"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_new, name="new"),
    path("settings/", views.policy, name="policy"),
    path("dates/<int:occurrence_id>/", views.occurrence_detail, name="occurrence"),
    path("dates/<int:occurrence_id>/register/", views.staff_register, name="register"),
    path("dates/<int:occurrence_id>/registrations/<int:registration_id>/check-in/", views.check_in, name="check_in"),
    path("dates/<int:occurrence_id>/registrations/<int:registration_id>/cancel/", views.cancel_registration, name="cancel_registration"),
    path("dates/<int:occurrence_id>/walk-ins/", views.walk_ins, name="walk_ins"),
    path("dates/<int:occurrence_id>/close/", views.close_attendance, name="close"),
    path("dates/<int:occurrence_id>/places/", views.change_capacity, name="capacity"),
    path("dates/<int:occurrence_id>/change/", views.change_date, name="change"),
    path("dates/<int:occurrence_id>/cancel/", views.cancel_date, name="cancel"),
    path("dates/<int:occurrence_id>/export.<str:fmt>", views.export, name="export"),
    path("<int:event_id>/edit/", views.event_edit, name="edit"),
    path("<int:event_id>/entries/", views.entries, name="entries"),
    path("<int:event_id>/entries/<int:submission_id>/", views.entry_result, name="entry_result"),
    path("<int:event_id>/entries/<int:submission_id>/file/", views.entry_file, name="entry_file"),
]
