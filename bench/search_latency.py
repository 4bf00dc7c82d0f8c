"""Query latency on an index, warm, query embedding included; optionally while `kb ingest --full`
rebuilds a copy of the corpus into another index beside it (one core busy).

    python bench/search_latency.py --index index [--with-ingest]
Prints p50/p95/max in milliseconds over the development questions (repeated to >= 200 queries)."""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import kb  # noqa: F401
from kb.backend import open_store
from kb.embed import make_embedder
from kb.search import Searcher
from kb.settings import Settings
from kb.translate import make_translator

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval" / "dev_questions.jsonl"


def measure(searcher: Searcher, queries: list[str], n: int) -> list[float]:
    times = []
    for i in range(n):
        t = time.perf_counter()
        searcher.search(queries[i % len(queries)], top_k=10)
        times.append((time.perf_counter() - t) * 1000)
    return times


def report(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"{label:28} n={len(ms)} p50={statistics.median(ms):.1f} ms p95={p95:.1f} ms max={ms[-1]:.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", type=Path, default=ROOT / "index")
    ap.add_argument("--n", type=int, default=220)
    ap.add_argument("--with-ingest", action="store_true")
    ap.add_argument("--questions", type=Path, default=QUESTIONS, help="JSONL with a 'question' per line")
    a = ap.parse_args()
    settings = Settings.from_env().with_paths(index_dir=a.index)
    # as kb search builds it: a foreign query is translated for the keyword index
    searcher = Searcher(open_store(settings), make_embedder(settings), translator=make_translator(settings))
    queries = [json.loads(x)["question"] for x in a.questions.read_text(encoding="utf-8").splitlines() if x.strip()]
    measure(searcher, queries, 10)  # warm up
    report("idle", measure(searcher, queries, a.n))
    if a.with_ingest:
        with tempfile.TemporaryDirectory() as tmp:
            proc = subprocess.Popen([sys.executable, "-m", "kb.cli", "ingest", str(ROOT / "corpus"), "--index",
                                     str(Path(tmp) / "idx"), "--full"], cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(3)  # let the re-index reach its embedding stage
            ms = measure(searcher, queries, a.n)
            running = proc.poll() is None
            proc.kill()
            proc.wait()
        report("during re-index" + ("" if running else " (ended early)"), ms)


if __name__ == "__main__":
    main()
