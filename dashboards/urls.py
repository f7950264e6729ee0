"""The public dashboards (under /dashboard/) and their read-only JSON API (under /api/): one namespace."""

from django.urls import path

from dashboards import api, views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.dashboard, name="index"),
    path("dashboard/details/", views.details, name="details"),
    path("dashboard/export.csv", views.figures_export, {"fmt": "csv"}, name="export_csv"),
    path("dashboard/export.json", views.figures_export, {"fmt": "json"}, name="export_json"),
    path("dashboard/posts/", views.drill_down, name="posts"),
    path("dashboard/posts/export.csv", views.drill_down_export, {"fmt": "csv"}, name="posts_export_csv"),
    path("dashboard/posts/export.json", views.drill_down_export, {"fmt": "json"}, name="posts_export_json"),
    path("api/", api.api_index, name="api_index"),
    path("api/dashboard/", api.api_dashboard, name="api_dashboard"),
    path("api/posts/", api.api_posts, name="api_posts"),
    path("api/claims/", api.api_claims, name="api_claims"),
]
