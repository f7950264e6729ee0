"""The public dashboards and their read-only API. In config/urls.py:

path("dashboard/", include("analysis.dashboard_urls")),
path("api/", include(api_patterns)),  # from analysis.dashboard_urls import api_patterns
"""

from django.urls import path

from analysis import api_views, dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.dashboard, name="index"),
    path("export.csv", dashboard_views.dashboard_export, {"fmt": "csv"}, name="export_csv"),
    path("export.json", dashboard_views.dashboard_export, {"fmt": "json"}, name="export_json"),
    path("posts/", dashboard_views.drill_down, name="posts"),
    path("posts/export.csv", dashboard_views.drill_down_export, {"fmt": "csv"}, name="posts_export_csv"),
    path("posts/export.json", dashboard_views.drill_down_export, {"fmt": "json"}, name="posts_export_json"),
]

api_patterns = (
    [
        path("", api_views.api_index, name="index"),
        path("dashboard/", api_views.api_dashboard, name="dashboard"),
        path("posts/", api_views.api_posts, name="posts"),
        path("claims/", api_views.api_claims, name="claims"),
    ],
    "api",
)
