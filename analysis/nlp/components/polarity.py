"""What a direction word does to a symptom: the polarity of the cue they make ("less pain", "more energy",
"pain went from a 6 to a 3")."""

from __future__ import annotations

# Composition of a direction word with a symptom word -> the polarity of the cue they make.
COMPOSE = {
    ("up", "bad"): "worsened",
    ("up", "good"): "helped",
    ("down", "bad"): "helped",
    ("down", "good"): "worsened",
    ("stopped", "bad"): "helped",  # "the cramps stopped" (not "happy to stop")
    ("absent", "bad"): "helped",
    ("absent", "good"): "worsened",
    ("improve", "bad"): "helped",
    ("improve", "good"): "helped",
    ("improve", "body"): "helped",
    ("worsen", "bad"): "worsened",
    ("worsen", "good"): "worsened",
    ("worsen", "body"): "worsened",
}
COMPOSED_WEIGHT = 1.0
