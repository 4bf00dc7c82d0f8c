"""What an unrelated question scores in this corpus: the noise floor of dense similarity.

The cosine of a question with its best passage means little on its own: it runs higher in a
corpus of short pages than in one of long letters. Questions about anything but policy (cooking,
astronomy, sport, in the four languages users write in) are asked of the live generation once;
the mean of their best scores is the level a question must rise above to be about this corpus.
kb.relevance measures dense evidence from there."""

from __future__ import annotations

import threading

import numpy as np

from kb.embed import Embedder
from kb.store import StoreReader

PROBES = (
    "Hoe bak ik een appeltaart?", "Wat is de hoofdstad van Peru?", "Wie won het WK voetbal in 1974?",
    "Hoe vaak moet ik mijn kat voeren?", "Welke planeet staat het verst van de zon?",
    "Hoe repareer ik een lekke fietsband?", "Wie schreef De avonden?", "Welke wijn past bij vis?",
    "Hoe lang moet een ei koken?", "Hoe leer ik gitaar spelen?", "Wat eten pinguïns?",
    "Welk weer wordt het morgen?", "Wer malte die Mona Lisa?", "Wie backe ich Brot?",
    "Wie hoch ist die Zugspitze?", "How do I train for a marathon?", "What is the speed of light?",
    "Who wrote Hamlet?", "Comment faire une crêpe ?", "Quelle est la plus haute montagne d'Europe ?",
)

_lock = threading.Lock()
_floors: dict[tuple[str, ...], float] = {}


def noise_floor(store: StoreReader, embedder: Embedder) -> float:
    """Mean best dense score of the probes in the store's live generation (cached per generation)."""
    manifest = store.manifest()
    # a generation is told apart from another index's of the same name by when it was built
    built = (manifest.generation, manifest.created, str(manifest.chunks)) if manifest else ("-", "", "")
    key: tuple[str, ...] = (*built, embedder.model_id)
    with _lock:
        if key in _floors:
            return _floors[key]
    tops = []
    for probe in PROBES:
        best = store.dense_candidates(embedder.embed_query(probe), 1)
        if best:
            tops.append(best[0].score)
    floor = float(np.mean(tops)) if tops else 0.0
    with _lock:
        if len(_floors) > 64:
            _floors.clear()
        _floors[key] = floor
    return floor
