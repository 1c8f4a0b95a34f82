from django.contrib import admin
from django.urls import include, path

from bibliohub.api import api
from bibliohub.interop.oaipmh.views import endpoint as oai_endpoint
from bibliohub.interop.sru.views import endpoint as sru_endpoint

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("oai", oai_endpoint, name="oai"),
    path("sru", sru_endpoint, name="sru"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("bibliohub.accounts.urls")),
    path("staff/", include("bibliohub.staff_urls")),
    path("spaces/", include("bibliohub.spaces.urls")),
    path("account/", include("bibliohub.portal.urls")),
    path("events/", include("bibliohub.programs.urls")),
    path("community/", include("bibliohub.community.urls")),
    path("feedback/", include("bibliohub.listening.urls")),
    path("suggest/", include("bibliohub.demand.urls")),
    path("plans/", include("bibliohub.planning.urls")),
    path("", include("bibliohub.web.urls")),
]
