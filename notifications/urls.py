from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
    path("read-all/", views.notifications_mark_all_read, name="read_all"),
    path("follow/t/<int:thread_id>/", views.thread_watch, name="thread_watch"),
    path("follow/c/<slug:slug>/", views.category_watch, name="category_watch"),
    path("email/", views.email_settings, name="email_settings"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
