"""Reads for the public dashboards. Every figure comes from the rollup tables, in a fixed number of queries
whatever the number of posts (analysis.rollups keeps them exact).

distributions: the shape of one group's outcomes; figures: the dashboard page; members, claims and
tagger_quality: its parts; drill_down: the posts behind a bar; evidence: their highlighted excerpts.
"""
