"""Retrieval per language with and without query translation, and the foreign keyword list's
weight chosen on held-out folds.

    python bench/crosslingual.py --set faq=../shared/eval/faq/questions_de_en.jsonl@faq-index \
        --set letters=eval/dev_questions.jsonl@index [--set fr=tests/data/faq/questions_fr.jsonl@faq-index] \
        [--weights 0,0.5,1,1.5,2] [--folds 5]
    python bench/crosslingual.py --set … --dense-mixes 0,0.25,0.35,0.5,0.7
    python bench/crosslingual.py --set faq=../shared/eval/faq/questions.jsonl@faq-index --set … --fusions rank,score

An item is found when a hit's source file is its `doc`, or (letters) when a hit covers one of its
evidence quotes as the letters' scorer counts it. Prints R@1, R@5 and MRR@10 per set and
language for each source (none, dictionary, model vocabulary, both) and weight, then, per
source, the weight chosen on k-1 folds and its held-out figures. With --dense-mixes it instead
compares how much of the embedding of a foreign query's Dutch words joins its dense vector
(kb.search.FOREIGN_DENSE_MIX), both sources, and reports the mix chosen on held-out folds. With
--fusions it compares how each list fuses its dense and keyword candidates (kb.ranking RANK or
SCORE) and chooses one for Dutch and one for foreign queries on held-out folds, Dutch questions
included (kb.search.DUTCH_FUSION, FOREIGN_FUSION)."""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from calibrate import covers  # bench/ is on sys.path

import kb  # noqa: F401
from kb.backend import open_store
from kb.dictionary import Dictionaries
from kb.embed import make_embedder
from kb.search import Searcher
from kb.settings import Settings
from kb.translate import Translator
from kb.wordspace import WordSpaceCache


def rank_of(item: dict, hits: list) -> int | None:
    for h in hits:
        if "doc" in item and Path(h.document.source).name == item["doc"]:
            return h.rank
        if any(covers(h.chunk.text, e["quote"]) for e in item.get("evidence", [])):
            return h.rank
    return None


def run(sets: list[str], weights: list[Any], folds: int, similarities: list[float], only: list[str],
        mixes: list[float] | None = None, fusions: list[str] | None = None) -> None:
    settings = Settings.from_env()
    embedder = make_embedder(settings)
    dicts = Dictionaries(settings.dictionary_dir)
    ranks: dict[tuple[str, float], list[tuple[str, str, str, int | None]]] = defaultdict(list)
    for spec in sets:
        name, rest = spec.split("=", 1)
        path, index = rest.split("@", 1)
        store = open_store(settings.with_paths(index_dir=Path(index)))
        space = WordSpaceCache(Path(index))
        sources = {"none": None, "dictionary": Translator(dicts), "wordspace": Translator(None, space),
                   "both": Translator(dicts, space)}
        sources.update({f"wordspace@{t}": Translator(None, space, t) for t in similarities})
        sources = {k: v for k, v in sources.items() if k in only} if only else sources
        if mixes:
            sources, weights = {"dense-mix": Translator(dicts, space)}, mixes
        if fusions:
            sources, weights = {"fusion": Translator(dicts, space)}, fusions
        items = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
        items = [it for it in items if it.get("kind") != "unanswerable"]
        for source, translator in sources.items():
            for w in weights:
                searcher = (Searcher(store, embedder, translator=translator, foreign_dense=w) if mixes else
                            Searcher(store, embedder, translator=translator, fusions=(w, w)) if fusions else
                            Searcher(store, embedder, foreign_lexical=w, translator=translator))
                for it in items:
                    hits = searcher.search(it["question"], top_k=10)
                    ranks[(source, w)].append((name, it.get("lang", "nl"), it.get("doc") or it["id"], rank_of(it, hits)))
    for key, rs in ranks.items():
        print(key, summary(rs))
    for source in sorted({s for s, _ in ranks}):
        if fusions:  # one choice for Dutch queries, one for foreign ones, each on its own questions
            held_out(source, weights, ranks, folds, lambda lang: lang == "nl", "Dutch")
            held_out(source, weights, ranks, folds, lambda lang: lang != "nl", "foreign")
        else:
            held_out(source, weights, ranks, folds)


def summary(rs: list[tuple[str, str, str, int | None]]) -> str:
    by: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    for name, lang, _, r in rs:
        by[(name, lang)].append(r)
    return "  ".join(f"{n}/{lang}: R@1={_r(v, 1):.3f} R@5={_r(v, 5):.3f} MRR={_mrr(v):.3f} (n={len(v)})"
                     for (n, lang), v in sorted(by.items()))


def _r(v: list[int | None], k: int) -> float:
    return sum(r is not None and r <= k for r in v) / max(len(v), 1)


def _mrr(v: list[int | None]) -> float:
    return float(np.mean([1 / r if r else 0.0 for r in v])) if v else 0.0


def held_out(source: str, weights: list[Any], ranks: dict, k: int,
             chosen_for: Callable[[str], bool] = lambda lang: lang != "nl", who: str = "") -> None:
    """The weight chosen on k-1 folds by MRR over the questions `chosen_for` accepts (by language),
    and its figures on the held-out fold, for those questions."""
    base = ranks[(source, weights[0])]
    groups = sorted({g for _, _, g, _ in base})
    fold = {g: i % k for i, g in enumerate(np.random.default_rng(7).permutation(groups))}
    chosen: list = [None] * len(base)
    picks = []
    for f in range(k):
        def train_mrr(w: float, f: int = f) -> float:
            return _mrr([r for (_, lang, g, r) in ranks[(source, w)] if fold[g] != f and chosen_for(lang)])
        best = max(weights, key=train_mrr)
        picks.append(best)
        for i, (_, _, g, _) in enumerate(base):
            if fold[g] == f:
                chosen[i] = ranks[(source, best)][i]
    kept = [c for c in chosen if chosen_for(c[1])]
    print(f"held-out {source} {who}: chosen per fold {picks}\n   {summary(kept)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", action="append", required=True)
    ap.add_argument("--weights", default="0,0.5,1,1.5,2")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--similarities", default="0.91,0.95", help="word-space thresholds to try besides the default")
    ap.add_argument("--sources", default="", help="comma-separated subset of the sources to compare")
    ap.add_argument("--dense-mixes", default="", help="compare these FOREIGN_DENSE_MIX values instead")
    ap.add_argument("--fusions", default="", help="compare these fusions (rank,score) instead")
    a = ap.parse_args()
    run(a.set, [float(w) for w in a.weights.split(",")], a.folds, [float(t) for t in a.similarities.split(",")],
        [s for s in a.sources.split(",") if s], [float(m) for m in a.dense_mixes.split(",") if m] or None,
        [f for f in a.fusions.split(",") if f] or None)


if __name__ == "__main__":
    main()
