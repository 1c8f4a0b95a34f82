"""Copy cataloguing screens, included under /staff/catalogue/copy/."""

from django.urls import path

from bibliohub.interop.copycat import views

app_name = "copycat"

urlpatterns = [
    path("", views.copy_search, name="search"),
    path("import/", views.copy_import, name="import"),
    path("catalogues/", views.targets, name="targets"),
    path("catalogues/new/", views.target_edit, name="target_add"),
    path("catalogues/<int:pk>/", views.target_edit, name="target_edit"),
    path("catalogues/<int:pk>/delete/", views.target_delete, name="target_delete"),
]
