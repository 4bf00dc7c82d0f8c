"""Answer or decline: a calibrated decision from what retrieval and the sentence scorer know.

A logistic model over the question-level evidence (kb.relevance.Evidence.features) gives the
probability that the corpus answers the question. Its coefficients and the threshold were chosen
by bench/calibrate.py with k-fold cross-validation over both development sets, their unanswerable
questions and each set's questions asked of the other set's corpus; the README gives the
held-out figures. Nothing here names a question's words."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

# Keyword evidence means something else for a question in another language than the corpus's,
# so it enters once for Dutch and once for foreign questions. With a model per language group
# (CALIBRATIONS) the other half is constant in each; the split still serves a model fitted on both
# (bench/calibrate.py falls back to one when a group's data holds a single class).
FEATURES = ("dense_sentence", "dense_passage", "dense_gap", "dense_z", "lexical_gap", "agreement", "kind_missing", "amount_missing", "kind_asked",
            "kind_support", "foreign",
            "keyword_sentence_nl", "keyword_passages_nl", "unknown_nl",
            "keyword_sentence_foreign", "keyword_passages_foreign")


@dataclass(frozen=True)
class Calibration:
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # answer when the probability is at least this


# bench/calibrate.py (answerable and unanswerable balanced, 5 folds), refitted on all folds; its
# held-out figures are in the README. Dutch questions and the others each have a model and a
# threshold of their own: e5 scores a German, English or French question against Dutch passages
# lower, and its keywords come through a translation, so the same evidence means less. Each
# threshold is the best of its group's held-out trade-off.
CALIBRATIONS: dict[str, Calibration] = {
    "nl": Calibration(
        mean=(0.0466, 0.0699, 0.0295, 3.1981, 0.4739, 0.3616, 0.1601, 0.0345, 0.3916, 0.076, 0.0, 0.4302, 0.5427,
              0.3529, 0.0, 0.0),
        scale=(0.0462, 0.038, 0.0217, 0.7774, 0.208, 0.2747, 0.3667, 0.1825, 0.4881, 0.1875, 0.0, 0.3178, 0.3389,
               0.354, 0.0, 0.0),
        coef=(1.4577, 2.6869, 0.6048, -0.4168, 0.1668, 0.2689, 0.8419, -1.1236, -0.7727, 0.3797, 0.0, 0.943,
              -0.2849, -0.5371, 0.0, 0.0),
        intercept=-0.0061, threshold=0.4),
    "foreign": Calibration(
        mean=(0.0249, 0.0322, 0.0234, 3.1998, 0.4884, 0.267, 0.1477, 0.0227, 0.4015, 0.0543, 1.0, 0.0, 0.0, 0.0,
              0.2482, 0.3743),
        scale=(0.0357, 0.0294, 0.0145, 0.6987, 0.175, 0.2181, 0.3548, 0.149, 0.4902, 0.1215, 0.0, 0.0, 0.0, 0.0,
               0.1909, 0.2385),
        coef=(1.143, 1.5907, 3.035, -1.7502, -0.2621, 0.1716, 0.3011, -0.3828, -0.5595, 0.2842, 0.0, 0.0, 0.0,
              0.0, 0.1518, 0.0591),
        intercept=0.8852, threshold=0.55),
}


def calibration_for(features: Mapping[str, float]) -> Calibration:
    """The model that decides a question with these features: Dutch or foreign."""
    return CALIBRATIONS["foreign" if features.get("foreign") else "nl"]


def design_row(features: Mapping[str, float]) -> list[float]:
    """The model's inputs, in FEATURES order, from the evidence's named features."""
    f = features.get("foreign", 0.0)
    derived = dict(features)
    for name in ("keyword_sentence", "keyword_passages", "unknown"):
        derived[f"{name}_nl"] = features.get(name, 0.0) * (1 - f)
        derived[f"{name}_foreign"] = features.get(name, 0.0) * f
    return [float(derived.get(name, 0.0)) for name in FEATURES]


def answer_probability(features: Mapping[str, float], calibration: Calibration | None = None) -> float:
    """The probability that the documents answer, by the question's own model unless one is given."""
    calibration = calibration or calibration_for(features)
    row = design_row(features)
    # a feature constant in a group's training data (scale 0) carries no weight there
    z = calibration.intercept + sum(c * (x - m) / s for c, x, m, s in
                                    zip(calibration.coef, row, calibration.mean, calibration.scale, strict=True) if s > 0)
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

