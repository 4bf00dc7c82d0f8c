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
# so it enters once for Dutch and once for foreign questions.
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
# held-out figures are in the README. The threshold is the best of the held-out trade-off.
CALIBRATION = Calibration(
    mean=(0.044, 0.0637, 0.0295, 3.2095, 0.4817, 0.3538, 0.1648, 0.036, 0.3958, 0.0735, 0.2348, 0.3307, 0.4172,
          0.2676, 0.065, 0.0921),
    scale=(0.0443, 0.0381, 0.0206, 0.7671, 0.1999, 0.2668, 0.371, 0.1863, 0.489, 0.1787, 0.4239, 0.3326, 0.3751,
           0.3418, 0.1549, 0.2026),
    coef=(1.425, 2.6514, 0.8824, -0.5441, -0.1377, 0.2545, 0.5703, -1.1193, -0.9085, 0.5219, 1.4975, 0.8363,
          -0.4299, -1.059, 0.1619, 1.7721),
    intercept=0.9218, threshold=0.4)


def design_row(features: Mapping[str, float]) -> list[float]:
    """The model's inputs, in FEATURES order, from the evidence's named features."""
    f = features.get("foreign", 0.0)
    derived = dict(features)
    for name in ("keyword_sentence", "keyword_passages", "unknown"):
        derived[f"{name}_nl"] = features.get(name, 0.0) * (1 - f)
        derived[f"{name}_foreign"] = features.get(name, 0.0) * f
    return [float(derived.get(name, 0.0)) for name in FEATURES]


def answer_probability(features: Mapping[str, float], calibration: Calibration = CALIBRATION) -> float:
    row = design_row(features)
    z = calibration.intercept + sum(c * (x - m) / s for c, x, m, s in
                                    zip(calibration.coef, row, calibration.mean, calibration.scale, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

