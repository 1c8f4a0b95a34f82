"""Staff screens for patrons, included under /staff/patrons/."""

from django.urls import path

from bibliohub.patrons import views

app_name = "patrons"

urlpatterns = [
    path("", views.search, name="search"),
    path("register/", views.register, name="register"),
    path("import/", views.csv_upload, name="csv_upload"),
    path("waiting/", views.pending, name="pending"),
    path("<int:patron_id>/", views.detail, name="detail"),
    path("<int:patron_id>/card/", views.card, name="card"),
    path("<int:patron_id>/edit/", views.edit, name="edit"),
    path("<int:patron_id>/renew-card/", views.renew_card, name="renew_card"),
    path("<int:patron_id>/block/", views.block, name="block"),
    path("<int:patron_id>/pin/", views.set_pin, name="set_pin"),
    path("<int:patron_id>/confirm/", views.confirm, name="confirm"),
    path("<int:patron_id>/erase/", views.erase, name="erase"),
    path("<int:patron_id>/data/", views.data, name="data"),
    path("blocks/<int:block_id>/lift/", views.lift_block, name="lift_block"),
]
