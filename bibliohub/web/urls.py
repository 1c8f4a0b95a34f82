from django.urls import path

from bibliohub.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("search/", views.search, name="search"),
    path("new/", views.new_items, name="new"),
    path("record/<int:pk>/", views.record_detail, name="record"),
    path("record/<int:pk>/marc.mrc", views.record_marc, name="record-marc"),
    path("record/<int:pk>/marc.xml", views.record_marcxml, name="record-marcxml"),
]
