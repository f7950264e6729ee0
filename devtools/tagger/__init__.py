"""Training, evaluating, benchmarking and explaining the outcome tagger (analysis.nlp). Like the tagger,
imports no Django: run as `python -m devtools.tagger.train`, or through the analysis management commands."""
