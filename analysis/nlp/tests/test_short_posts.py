"""Short, clear posts (our own wording) get the right tag with a confidence a reader can trust. Confidence
was calibrated on real passages, none shorter than 40 tokens and read right about half the time, so short
posts, read right nine times in ten, showed 0.3-0.6 (docs/tagger.md); a post with no cue tied to exercise
showed the model's belief in none though 72% of them are none (decision.evidence_scaled)."""

import pytest

SHORT_POSTS = [
    ("helped", "Swimming really helps my back."),
    ("helped", "Since starting gentle yoga I sleep much better and ache less."),
    ("helped", "The walking group has given me more energy than I've had in years."),
    ("helped", "Pilates has made a real difference to my neck pain."),
    ("helped", "Aqua aerobics leaves me calmer and less sore."),
    ("worsened", "Pilates made my neck pain much worse."),
    ("worsened", "The hydrotherapy class wiped me out for three days."),
    ("worsened", "Tried a spin class and my fibro flared for a week."),
    ("worsened", "Yoga left my shoulders in agony."),
    ("worsened", "A gentle swim and I was exhausted for days after."),
    ("mixed", "Walking helps my mood but my knees hurt more afterwards."),
    ("mixed", "Swimming helps the stiffness but flares my shoulder."),
    ("mixed", "Pilates has strengthened my core but wrecks my sleep."),
    ("none", "Is anyone here doing aqua aerobics? Looking for tips."),
    ("none", "Our yoga class moves to Thursdays from next month."),
    ("none", "I'm thinking of trying pilates after the holidays."),
    ("none", "The swimming pool is closed for repairs this week."),
]


@pytest.mark.parametrize(("outcome", "text"), SHORT_POSTS, ids=[t[:40] for _, t in SHORT_POSTS])
def test_a_short_clear_post_gets_its_tag_at_least_half_sure(tag, outcome, text):
    result = tag(text)
    assert result.outcome == outcome
    assert result.confidence >= 0.5, f"{outcome} at {result.confidence:.2f}"
