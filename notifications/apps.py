from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and email"

    def ready(self):
        # Registers the tasks in every process (web, worker, beat): notifications.hooks sends them by name.
        from notifications import tasks  # noqa: F401
