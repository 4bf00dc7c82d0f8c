"""Latency of an extractive answer (kb ask): search, sentence scoring with the model, the
calibrated decision and the composed answer; warm, one process, one core per request.

    python bench/ask_latency.py --index index [--questions eval/dev_questions.jsonl] [--n 100]
Prints p50/p95 in milliseconds; the target is p95 under 1.5 s on this project's 2-core machine."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from timing import latency_ms  # bench/ is on sys.path

import kb  # noqa: F401
from kb.answer import answer_question
from kb.backend import open_store
from kb.embed import make_embedder
from kb.search import Searcher
from kb.settings import Settings
from kb.translate import make_translator

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, default=ROOT / "index")
    ap.add_argument("--questions", type=Path, default=ROOT / "eval" / "dev_questions.jsonl")
    ap.add_argument("--n", type=int, default=100)
    a = ap.parse_args()
    settings = Settings.from_env().with_paths(index_dir=a.index)
    # as kb ask builds it: foreign questions are translated and their answers glossed
    searcher = Searcher(open_store(settings), make_embedder(settings), translator=make_translator(settings))
    questions = [json.loads(line)["question"] for line in a.questions.read_text(encoding="utf-8").splitlines()]
    questions = (questions * (a.n // max(len(questions), 1) + 1))[: a.n]
    p50, p95 = latency_ms(lambda q: answer_question(searcher, q), questions)
    print(f"kb ask (extractive) n={len(questions)} p50={p50:.0f} ms p95={p95:.0f} ms")


if __name__ == "__main__":
    main()
