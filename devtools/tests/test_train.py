"""The training helpers: folds that keep a thread together, the evidence rule, calibration."""

import numpy as np

from devtools.tagger.evaluation import Item, load_split
from devtools.tagger.train import FOLDS, assign_folds, calibrate, decide, fit_temperature, group_of


def test_every_seed_thread_sits_in_one_fold_and_folds_are_balanced():
    items = load_split("train") + load_split("seed")
    folds = assign_folds(items)
    by_thread: dict[str, set[int]] = {}
    for item, k in zip(items, folds, strict=True):
        if ":" in item.id:
            by_thread.setdefault(group_of(item), set()).add(int(k))
    assert by_thread and all(len(ks) == 1 for ks in by_thread.values())
    sizes = np.bincount(folds, minlength=FOLDS)
    assert sizes.min() >= 0.8 * sizes.max()
    assert (assign_folds(items) == folds).all()  # deterministic


def test_gold_items_are_spread_over_the_folds_by_outcome():
    items = [Item(id=f"g-{i}", text="x", outcome=o) for i, o in enumerate(["helped", "none"] * 10)]
    folds = assign_folds(items)
    for outcome in ("helped", "none"):
        ks = [k for it, k in zip(items, folds, strict=True) if it.outcome == outcome]
        assert sorted(np.bincount(ks, minlength=FOLDS)) == [2] * FOLDS


def test_without_a_cue_an_outcome_needs_the_confidence_the_rule_asks_for():
    proba = np.array([[0.7, 0.1, 0.1, 0.1], [0.7, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.7]])
    has_cue = np.array([True, False, False])
    assert decide(proba, has_cue, None) == ["helped", "none", "none"]
    assert decide(proba, has_cue, 0.6) == ["helped", "helped", "none"]
    assert decide(proba, has_cue, 0.8) == ["helped", "none", "none"]


def test_temperature_keeps_the_choice_and_sharpens_an_underconfident_model():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 400)
    logits = rng.normal(0, 1, (400, 4))
    logits[np.arange(400), y] += 3.0
    sharp = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    flat = calibrate(sharp, 4.0)  # an over-regularised model: right, but unsure
    t = fit_temperature(flat, y)
    assert t < 0.5
    assert (calibrate(flat, t).argmax(1) == flat.argmax(1)).all()


def test_a_post_with_no_cue_tagged_none_is_as_sure_as_such_posts_are_right():
    # the model spreads half its belief over outcomes the evidence rule then refuses; 80% of these posts
    # are none, so the none shown should be about 0.8 sure, not 0.5
    from devtools.tagger.train_models import fit_evidence_scales, shown_proba

    rng = np.random.default_rng(1)
    n = 500
    proba = np.tile([0.2, 0.2, 0.1, 0.5], (n, 1))
    y = np.where(rng.random(n) < 0.8, 3, rng.integers(0, 3, n))
    has_cue = np.zeros(n, dtype=bool)
    scales = fit_evidence_scales(proba, y, has_cue, np.zeros(n, dtype=bool), None)
    assert scales[1] < 0.5
    shown = shown_proba(proba, has_cue, np.zeros(n, dtype=bool), None, scales)
    assert abs(shown[:, 3].mean() - 0.8) < 0.05
    assert decide(shown, has_cue, None) == decide(proba, has_cue, None)  # the tags do not change
