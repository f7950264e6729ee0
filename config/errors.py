from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A page in the forum's own words, instead of Django's technical one."""
    return render(request, "403_csrf.html", status=403)
