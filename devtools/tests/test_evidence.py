"""Evidence sentences from annotators' rationales (devtools.tagger.evidence): the rationale finds the
sentence that reports what exercise did, not the illness story around it, and the silver labels follow the
post's outcome. Every text here is our own."""

import pytest

from analysis.nlp.pipeline import build_pipeline
from devtools.tagger.evidence import align, idf_table, parse, rationale_names, silver_labels
from devtools.tagger.evidence_model import SENTENCE_CLASSES, fit_sentences, posts_features, sentence_proba

POST = (
    "My fibro has been grim since the spring and the flares come whatever I do. "
    "The rheumatologist changed my tablets twice. "
    "In June I joined a gentle aqua class at the leisure centre. "
    "After six sessions my shoulders ache much less and I sleep through the night."
)
WHY = "Aqua class eased her shoulder ache and she now sleeps through the night."


@pytest.fixture(scope="module")
def nlp():
    return build_pipeline(method="rules")


@pytest.fixture(scope="module")
def parsed(nlp):
    return parse(nlp, [POST])[0]


def test_the_rationale_is_aligned_to_the_report_not_to_the_illness_story(nlp, parsed):
    # given a post whose first sentences are the background illness and whose last one is the report
    idf = idf_table([parsed])
    # when the annotator's rationale is aligned to its sentences
    chosen, scores = align(parsed, WHY, rationale_names(nlp, [WHY])[0], idf)
    # then the report is the best sentence and the background flare sentence is not chosen
    assert chosen[0] == 3
    assert 0 not in chosen
    assert scores[3] > scores[0]


def test_silver_labels_follow_the_posts_outcome(parsed):
    n = len(parsed.texts)
    labels = silver_labels(parsed, "helped", [3], [0.0] * (n - 1) + [0.9])
    assert labels == ["other"] * (n - 1) + ["benefit"]
    assert silver_labels(parsed, "worsened", [3], [0.0] * n)[3] == "harm"
    # a post with no outcome: no sentence is the writer's report
    assert silver_labels(parsed, "none", [], [0.0] * n) == ["other"] * n
    # an outcome whose evidence was not found: the post is not fitted on at all
    assert silver_labels(parsed, "helped", [], [0.0] * n) is None
    # a sentence that scored near the threshold may be evidence worded differently: neither label
    assert silver_labels(parsed, "helped", [3], [0.2] + [0.0] * (n - 2) + [0.9])[0] is None


def test_the_sentence_reader_learns_which_sentences_are_reports(nlp):
    # given a few made-up posts: a background sentence, then what the exercise did
    posts = [
        "I was diagnosed with ME four years ago. Since starting yoga my back aches less.",
        "My pain got worse over the winter. After the walking group I feel far more energetic.",
        "Long covid left me exhausted for months. The swimming lessons wiped me out for days.",
        "I have had fibro since my twenties. Every pilates class leaves me flat on the sofa for a week.",
    ] * 4
    outcomes = ["helped", "helped", "worsened", "worsened"] * 4
    rows = [p.rows for p in parse(nlp, posts)]
    labels = [
        ["other", "benefit" if o == "helped" else "harm"] for o in outcomes
    ]  # two sentences in each post
    assert all(len(r.sentences) == 2 for r in rows)
    fitted = fit_sentences(rows, labels, c=1.0)
    # when it reads a new post in the same shape
    new = parse(nlp, ["I was diagnosed with fibro last year. Since the walking group my back aches less."])[0]
    p = sentence_proba(new.rows, fitted)
    # then the report is read as a benefit and the diagnosis as no report
    assert SENTENCE_CLASSES[p[1].argmax()] == "benefit"
    assert SENTENCE_CLASSES[p[0].argmax()] == "other"
    # and the post's benefit-evidence feature is higher than its harm-evidence one
    h_max, w_max = posts_features([new.rows], fitted)[0][:2]
    assert h_max > w_max
