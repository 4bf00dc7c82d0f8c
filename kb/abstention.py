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
FEATURES = ("dense_sentence", "dense_passage", "dense_gap", "dense_z", "lexical_gap", "agreement", "kind_missing", "kind_asked",
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
    mean=(0.0435, 0.0637, 0.0295, 3.2095, 0.4788, 0.3527, 0.1364, 0.3958, 0.0785, 0.2348, 0.3263, 0.4082, 0.2676,
          0.0707, 0.0923),
    scale=(0.0442, 0.0381, 0.0206, 0.7671, 0.2042, 0.2673, 0.3432, 0.489, 0.1833, 0.4239, 0.3335, 0.3726, 0.3418,
           0.1723, 0.2076),
    coef=(0.8737, 2.4338, 1.05, -0.6764, -0.1633, 0.2535, 0.772, -1.164, 0.3416, 1.1837, 0.868, -0.6357, -1.135,
          0.9888, 0.8197),
    intercept=0.8694, threshold=0.35)


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

