"""Score retrieval on the development set in one warm process; parameters from the command line.

    python bench/eval_dev.py --index index [--time-weight 1.0] [--foreign-lexical 0.5]
Prints the scorer's figures overall, per language and per kind."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import kb  # noqa: F401
from kb import search as search_mod
from kb.backend import open_store
from kb.embed import make_embedder
from kb.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, default=Path("index"))
    ap.add_argument("--set", type=Path, default=SHARED / "dev_questions.jsonl")
    ap.add_argument("--time-weight", type=float, default=search_mod.TIME_WEIGHT)
    ap.add_argument("--foreign-lexical", type=float, default=search_mod.FOREIGN_LEXICAL_WEIGHT)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--rrf-k", type=int, default=search_mod.SEARCH_RRF_K)
    a = ap.parse_args()
    settings = Settings.from_env().with_paths(index_dir=a.index)
    searcher = search_mod.Searcher(open_store(settings), make_embedder(settings), time_weight=a.time_weight,
                                   foreign_lexical=a.foreign_lexical, rrf_k=a.rrf_k)
    items = [json.loads(line) for line in a.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for it in items:
            hits = searcher.search(it["question"], top_k=a.k)
            fh.write(json.dumps({"id": it["id"], "hits": [h.to_dict() for h in hits]}, ensure_ascii=False) + "\n")
    out = subprocess.run([sys.executable, str(SHARED / "score.py"), str(a.set), "--search", fh.name],
                         capture_output=True, text=True, check=True).stdout
    res = json.loads(out)["search"]
    for key, val in res.items():
        if isinstance(val, dict):
            print(f"{key:16}", " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                        for k, v in val.items()))
        else:
            print(key, val)


if __name__ == "__main__":
    main()
