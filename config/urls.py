from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("analysis/", include("analysis.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("dashboards.urls")),
    path("", include("forum.urls")),
]
