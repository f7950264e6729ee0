from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from analysis import selectors, services
from analysis.forms import AuthorLabelForm, ModeratorCorrectionForm
from analysis.permissions import check_can_correct_tags, check_can_label_own_post
from forum.models import Post
from forum.permissions import check_can_moderate


def _back_to_post(post):
    return redirect("forum:post", post_id=post.id)


@login_required
@require_POST
def post_tag_label(request, post_id):
    post = get_object_or_404(Post.objects.select_related("thread"), pk=post_id)
    check_can_label_own_post(request.user, post)
    form = AuthorLabelForm(request.POST)
    if form.is_valid():
        services.post_tag_label_by_author(
            post=post, author=request.user, outcome=form.cleaned_data["outcome"]
        )
        messages.success(request, "Thank you: your own reading of your post is now shown beside it.")
    else:
        messages.error(request, "Choose one of the outcomes.")
    return _back_to_post(post)


@login_required
@require_POST
def post_tag_correct(request, post_id):
    post = get_object_or_404(Post.objects.select_related("thread"), pk=post_id)
    check_can_correct_tags(request.user, post)
    form = ModeratorCorrectionForm(request.POST)
    if form.is_valid():
        services.post_tag_correct_by_moderator(
            post=post,
            moderator=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, "Tag corrected and logged.")
    else:
        messages.error(request, "Choose one of the outcomes.")
    next_url = request.POST.get("next")
    if next_url == "review":
        return redirect("analysis:review")
    return _back_to_post(post)


@login_required
def review_queue(request):
    check_can_moderate(request.user)
    return render(
        request,
        "analysis/review.html",
        {
            "queue": selectors.tags_review_queue()[:50],
            "failed": selectors.tags_failed()[:50],
            "agreement": selectors.tagger_author_agreement(),
            "correction_form": ModeratorCorrectionForm(),
        },
    )
