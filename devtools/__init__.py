"""Development tooling, never imported by the running product: the tagger's training, evaluation and
benchmarks (devtools.tagger) and the worker processes the tests and benchmarks start."""
