from django.contrib import admin
from django.urls import include, path

from analysis.dashboard_urls import api_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("analysis/", include("analysis.urls")),
    path("dashboard/", include("analysis.dashboard_urls")),
    path("api/", include(api_patterns)),
    path("", include("forum.urls")),
]
