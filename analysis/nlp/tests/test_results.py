"""The shape of a TagResult: what other code (the Celery task, the review queue, highlighting) relies on."""

import json

from analysis.nlp import TAGGER_VERSION, TagResult


def test_to_dict_has_the_documented_fields_and_is_json(tag):
    d = tag("Walking eases my pain, but hills wipe me out.").to_dict()
    assert set(d) == {"outcome", "confidence", "interventions", "symptoms", "evidence", "tagger_version"}
    assert json.loads(json.dumps(d)) == d


def test_confidence_is_a_probability(tag):
    for text in ("", "Yoga helps.", "I crashed after the gym.", "What do you all think of the new study?"):
        assert 0.0 <= tag(text).confidence <= 1.0


def test_evidence_offsets_point_at_the_evidence_text(tag):
    text = (
        "Bit of background first.\n\nSince March I swim twice a week. "
        "My shoulders ache far less and I sleep better."
    )
    result = tag(text)
    assert result.evidence
    for ev in result.evidence:
        assert text[ev.start : ev.end] == ev.text
        assert ev.outcome in ("helped", "worsened", "mixed")
    assert any("ache far less" in ev.text for ev in result.evidence)


def test_evidence_offsets_survive_control_characters_and_html(tag):
    text = "<p>Some\x00 noise\x1b first.</p>\n<p>Tai chi has made a real difference to my balance.</p>"
    result = tag(text)
    assert result.outcome == "helped"
    for ev in result.evidence:
        assert text[ev.start : ev.end] == ev.text


def test_each_intervention_has_a_name_kind_and_its_own_outcome(tag):
    result = tag("Pilates helped my back a lot. Codeine did nothing for me.")
    by_name = {i.name: i for i in result.interventions}
    assert by_name["pilates"].kind == "exercise" and by_name["pilates"].outcome == "helped"
    assert by_name["medication"].kind == "treatment"


def test_an_exercise_named_without_an_outcome_is_listed_with_none(tag):
    result = tag("I walk the dog most days. My neighbour gave me a lovely cake.")
    assert [(i.name, i.outcome) for i in result.interventions] == [("walking", "none")]


def test_results_carry_the_tagger_version(tag):
    assert tag("Yoga helps.").tagger_version == TAGGER_VERSION
    assert TAGGER_VERSION.startswith("1.")


def test_tag_many_streams_results_in_order_with_their_keys(tagger):
    texts = ["Walking helps.", "", "I crashed after yoga.", "Does swimming help?"] * 50
    got = list(tagger.tag_many(((t, i) for i, t in enumerate(texts)), batch_size=16))
    assert [key for _, key in got] == list(range(len(texts)))
    assert all(isinstance(res, TagResult) for res, _ in got)
    assert [res.outcome for res, _ in got[:4]] == ["helped", "none", "worsened", "none"]


def test_tag_many_agrees_with_tag(tagger):
    texts = ["Less pain since I started the bike.", "My GP says exercise helps. It made me worse."]
    assert [r.to_dict() for r, _ in tagger.tag_many((t, None) for t in texts)] == [
        tagger.tag(t).to_dict() for t in texts
    ]
