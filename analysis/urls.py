from django.urls import path

from analysis import views

app_name = "analysis"

urlpatterns = [
    path("posts/<int:post_id>/label/", views.post_tag_label, name="post_label"),
    path("posts/<int:post_id>/correct/", views.post_tag_correct, name="post_correct"),
    path("moderation/tags/", views.review_queue, name="review"),
]
