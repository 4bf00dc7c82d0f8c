"""Score retrieval on the development set in one warm process; parameters from the command line.

    python bench/eval_dev.py --index index [--time-weight 1.0] [--foreign-lexical 0.5]
Prints the scorer's figures overall, per language and per kind."""

from __future__ import annotations

import argparse
from pathlib import Path

from devset import QUESTIONS, load_questions, score_search  # bench/ is on sys.path

import kb  # noqa: F401
from kb import search as search_mod
from kb.backend import open_store
from kb.embed import make_embedder
from kb.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, default=Path("index"))
    ap.add_argument("--set", type=Path, default=QUESTIONS)
    ap.add_argument("--time-weight", type=float, default=search_mod.TIME_WEIGHT)
    ap.add_argument("--foreign-lexical", type=float, default=search_mod.FOREIGN_LEXICAL_WEIGHT)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--rrf-k", type=int, default=search_mod.SEARCH_RRF_K)
    a = ap.parse_args()
    settings = Settings.from_env().with_paths(index_dir=a.index)
    searcher = search_mod.Searcher(open_store(settings), make_embedder(settings), time_weight=a.time_weight,
                                   foreign_lexical=a.foreign_lexical, rrf_k=a.rrf_k)
    run = {it["id"]: [h.to_dict() for h in searcher.search(it["question"], top_k=a.k)]
           for it in load_questions(a.set)}
    res = score_search(run, a.set)
    for key, val in res.items():
        if isinstance(val, dict):
            print(f"{key:16}", " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                        for k, v in val.items()))
        else:
            print(key, val)


if __name__ == "__main__":
    main()
