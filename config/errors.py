from django.shortcuts import render

from core.text_input import typed_text_from


def csrf_failure(request, reason=""):
    """A page in the forum's own words, instead of Django's technical one.

    Nothing was saved, so the page says so and hands back what the member typed (title, post, note; never
    other fields) to copy, escaped like any other text on the page.
    """
    typed = typed_text_from(request.POST) if request.method == "POST" else []
    return render(request, "403_csrf.html", {"typed": typed}, status=403)
