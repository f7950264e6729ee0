"""Synthetic forum writing for the HTTP benchmark: our own sentences, shuffled into posts of realistic length.

Nothing here is real members' writing. The lengths follow a long tail (most posts 60–250 words, a few past
800), and some posts carry the Markdown members use: paragraphs, lists, emphasis, quotes and links, so the
thread page renders what it renders in production.
"""

from __future__ import annotations

import random

SENTENCES = [
    "I tried walking for ten minutes every morning and kept it up for three weeks.",
    "The first week went fine, then I crashed for four days and could barely get out of bed.",
    "Pacing with a heart rate monitor made a real difference to how often I flare.",
    "My physio suggested gentle stretching after a warm shower, which seems to help the stiffness.",
    "Swimming in a warm pool is the only exercise that doesn't leave me sore the next day.",
    "I keep a diary of what I did and how I felt two days later, because the payback comes late.",
    "Graded exercise made everything worse for me, and it took months to get back to where I was.",
    "Yoga on a mat at home, ten minutes at most, is about my limit on a good day.",
    "Cycling on a stationary bike at a very low resistance has been manageable so far.",
    "The brain fog after a busy day is worse than the pain, to be honest.",
    "Resting before I feel tired, not after, was the hardest habit to learn.",
    "I use a timer and stop when it rings, even when I feel I could do more.",
    "Tai chi classes for older people turned out to be slow enough for me.",
    "Strength work with light bands twice a week helped my knees without a flare.",
    "After covid I could not climb the stairs without stopping halfway.",
    "My sleep improved a little once I stopped exercising in the evening.",
    "Some days the fatigue arrives out of nowhere, whatever I did the day before.",
    "I am not sure whether the walking helped or whether it was the new medication.",
    "Low dose naltrexone took the edge off the pain, though the first weeks were rough.",
    "Short walks with the dog, split into two or three a day, work better than one long one.",
    "My doctor says movement helps, but she has never seen me the day after.",
    "Hydrotherapy was lovely while I was in the water and exhausting for the rest of the day.",
    "Lying down with my legs raised for twenty minutes after lunch keeps the afternoons bearable.",
    "I stopped counting steps because it turned every walk into a target to beat.",
    "Gardening counts as exercise for me now, and I do it sitting on a little stool.",
    "The worst crash came after a wedding where I danced for half an hour.",
    "Breathing exercises calm my heart rate when I stand up too quickly.",
    "I wish someone had told me about post-exertional malaise at the start.",
    "Compression socks and salt helped with the dizziness more than any exercise did.",
    "I still miss running, and some days that is harder than the symptoms.",
]
OPENERS = ["Thank you for sharing this.", "Same here.", "This is so familiar.", "Welcome!", "Good question."]
WORDS = [
    "walking", "pacing", "swimming", "yoga", "stretching", "cycling", "fatigue", "pain", "flare", "crash",
    "rest", "sleep", "physio", "heart", "rate", "monitor", "fog", "stairs", "pool", "bands",
]  # fmt: skip
TITLE_SHAPES = [
    "Has anyone tried {a} with {b}?",
    "{A} and the crash two days later",
    "What {a} did for my {b}",
    "Starting {a} again after a bad year",
    "{A}: worth it or not?",
    "Questions about {a} and {b}",
]


def post_length(rng: random.Random) -> int:
    """Words in a post: median about 120, a long tail past 800, never under 8."""
    return max(8, min(1200, int(rng.lognormvariate(4.8, 0.7))))


def _sentences(rng: random.Random, words: int) -> list[str]:
    chosen, count = [], 0
    while count < words:
        sentence = rng.choice(SENTENCES)
        chosen.append(sentence)
        count += len(sentence.split())
    return chosen


def post_body(rng: random.Random) -> str:
    """One post's Markdown."""
    sentences = _sentences(rng, post_length(rng))
    if rng.random() < 0.3:
        sentences.insert(0, rng.choice(OPENERS))
    paragraphs, current = [], []
    for sentence in sentences:
        if rng.random() < 0.08:
            sentence = f"**{sentence}**"
        elif rng.random() < 0.05:
            sentence = f"*{sentence}*"
        current.append(sentence)
        if len(current) >= rng.randint(2, 5):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    roll = rng.random()
    if roll < 0.12:
        items = rng.sample(WORDS, 3)
        paragraphs.insert(
            min(1, len(paragraphs)), "\n".join(f"- {word}: a little, most days" for word in items)
        )
    elif roll < 0.2:
        paragraphs.insert(0, f"> {rng.choice(SENTENCES)}")
    elif roll < 0.24:
        paragraphs.append("There is more about pacing on [the charity's page](https://example.org/pacing).")
    return "\n\n".join(paragraphs)


def thread_title(rng: random.Random, number: int) -> str:
    a, b = rng.sample(WORDS, 2)
    return f"{rng.choice(TITLE_SHAPES).format(a=a, b=b, A=a.capitalize())} ({number})"
