"""The seed corpus: its YAML files read and validated without Django (corpus), and written to the
database (importer)."""
