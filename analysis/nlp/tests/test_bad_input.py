"""tag() never raises on a str, whatever is in it."""

import random
import time

import pytest

from analysis.nlp.tagger import MAX_CHARS, prepare_text


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "?",
        "🙄🙄🙄 💪",
        "Caminar me ayuda mucho con el dolor. 走路对我有帮助。 Спасибо всем.",
        "<script>alert('x')</script><b>Yoga</b> helped&nbsp;me &amp; my back",
        "\x00\x01\x02\x1b[31m control \x7f characters \u200b\u202e reversed \ufeff",
        "\ud800 lone surrogates \udfff",
        "a" * 5000,
        "walking " * 3000,
        ". . . . ! ! ? ?" * 200,
        "I" + "\n" * 1000 + "crashed",
        "123 456 7/10 from 5 to 9 from to from",
    ],
)
def test_odd_text_is_tagged_without_an_error(tag, text):
    result = tag(text)
    assert result.outcome in ("helped", "worsened", "mixed", "none")
    for ev in result.evidence:
        assert text[ev.start : ev.end] == ev.text


def test_empty_text_is_none_with_full_confidence(tag):
    result = tag("")
    assert result.outcome == "none"
    assert result.confidence == 1.0
    assert result.interventions == [] and result.evidence == []


def test_a_one_megabyte_post_is_tagged_quickly(tag):
    # given a 1 MB post (a paste), when it is tagged, then it takes well under a second: only the first
    # MAX_CHARS characters are read
    text = ("After the pool I slept better than I have in years. " * 20000)[:1_000_000]
    start = time.perf_counter()
    result = tag(text)
    assert time.perf_counter() - start < 2.0
    assert result.outcome == "helped"
    assert all(ev.end <= MAX_CHARS for ev in result.evidence)


def test_non_english_text_does_not_crash_and_reads_some_spanish(tag):
    assert tag("Caminar me ayudó mucho con el dolor de espalda.").outcome == "helped"


def test_prepare_text_keeps_every_offset(tag):
    text = "a\x00b<i>c</i>\ud800d’e"
    prepared = prepare_text(text)
    assert len(prepared) == len(text)
    assert prepared[0] == "a" and prepared[2] == "b" and prepared[-1] == "e"


def test_prepare_text_rejects_what_is_not_a_string():
    with pytest.raises(TypeError):
        prepare_text(None)


def test_random_unicode_never_raises(tag):
    rng = random.Random(7)
    alphabet = [chr(i) for i in (*range(0, 0x250), *range(0x2000, 0x2070), *range(0x1F300, 0x1F650))]
    alphabet += ["\ud800", "\udc00", " ", "\n", "walk", "crash", "not ", "if ", "helped", '"', "from 5 to 9"]
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        result = tag(text)
        for ev in result.evidence:
            assert text[ev.start : ev.end] == ev.text
