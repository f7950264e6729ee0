"""Django admin: study claims are edited here; outcome tags are for looking up (they are corrected on the
site, where the change is logged, and rewritten by the workers)."""

from django.contrib import admin
from django.db import models

from analysis.models import PostTag, StudyClaim


@admin.register(StudyClaim)
class StudyClaimAdmin(admin.ModelAdmin):
    list_display = [
        "short_name",
        "study_type",
        "direction",
        "certainty",
        "background",
        "sample_size",
        "position",
    ]
    list_filter = ["background", "study_type", "direction"]
    list_editable = ["position"]
    search_fields = ["short_name", "authors", "title", "journal", "doi", "intervention", "summary"]
    prepopulated_fields = {"slug": ["short_name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["short_name", "slug", "position"]}),
        (
            "Citation",
            {"fields": ["authors", "year", "title", "journal", "volume_pages", "doi", "url", "source_note"]},
        ),
        (
            "The study",
            {"fields": ["population", "sample_size", "study_type", "intervention", "interventions"]},
        ),
        ("The claim", {"fields": ["claimed_effect", "direction", "certainty", "summary", "background"]}),
    ]


@admin.register(PostTag)
class PostTagAdmin(admin.ModelAdmin):
    list_display = [
        "post_id",
        "status",
        "outcome",
        "confidence",
        "author_outcome",
        "moderator_outcome",
        "tagged_at",
    ]
    list_filter = ["status", "outcome", "author_outcome", "moderator_outcome"]
    search_fields = ["=post__id"]
    list_select_related = ["post"]
    show_full_result_count = False
    readonly_fields = [f.name for f in PostTag._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
