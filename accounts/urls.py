from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("me/settings/", views.profile_edit, name="settings"),
    path("me/export.json", views.data_export, name="export"),
    path("me/delete/", views.account_delete, name="delete"),
    path("<str:username>/", views.profile_detail, name="profile"),
]
