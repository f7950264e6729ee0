from django.db import connection
from django.http import JsonResponse

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answers /healthz before host validation and the HTTPS redirect.

    Container healthchecks call http://127.0.0.1:8000/healthz, which ALLOWED_HOSTS and SECURE_SSL_REDIRECT
    would otherwise reject. It says only that the process runs and the database answers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return JsonResponse({"status": "ok"})
        return self.get_response(request)
