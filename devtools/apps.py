from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    # An app only so that its management commands (benchmarks, the tagger's evaluation) are found.
    name = "devtools"
    verbose_name = "Development tools"
