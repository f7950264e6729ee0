from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Outcome analysis"

    def ready(self):
        # Registers the tasks in every process (web, worker, commands): analysis.queueing sends them by name.
        from analysis import tasks  # noqa: F401
