"""Staff catalogue screens, included under /staff/catalogue/."""

from django.urls import path

from bibliohub.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.search, name="search"),
    path("records/new/", views.record_create, name="record_create"),
    path("records/<int:record_id>/", views.record_detail, name="record"),
    path("records/<int:record_id>/edit/", views.record_edit, name="record_edit"),
    path("records/<int:record_id>/copies/add/", views.item_add, name="item_add"),
    path("copies/", views.item_lookup, name="item_lookup"),
    path("copies/<int:item_id>/edit/", views.item_edit, name="item_edit"),
    path("copies/<int:item_id>/withdraw/", views.item_withdraw, name="item_withdraw"),
    path("import/", views.marc_upload, name="marc_upload"),
]
