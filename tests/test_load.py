"""Serving while re-indexing: 16 clients x 200 searches against the running app's JSON API while
`kb ingest` swaps the generation underneath. No request may fail, and every response must be
exactly one generation's answer (real model)."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from conftest import CORPUS, ROOT, cli_env, kb_cli, running_app

CLIENTS, REQUESTS = 16, 200
FIRST = ("2018-04-20_kamerbrief_grensoverschrijdende-samenwerking.txt",
         "2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt", "catalog.toml")
ADDED = "2023-12-15_kamerbrief_voortgang-programma-regios-aan-de-grens.txt"
QUERIES = ("grensinformatiepunten", "Wat is de stand van het programma regio's aan de grens?",
           "erkenning van diploma's", "Welche Vereinbarungen gibt es mit Niedersachsen?",
           "cross-border labour market statistics", "Benelux", "onderwijs in de taal van de buren",
           "grenseffectentoets", "Euregio Maas-Rijn", "pensioen en sociale zekerheid van grensarbeiders")


def _get(url: str, query: str) -> tuple[str, list[str]]:
    with urllib.request.urlopen(f"{url}/api/search?{urllib.parse.urlencode({'q': query, 'k': 5})}",
                                timeout=120) as r:
        body = json.loads(r.read())
    return body["generation"], [h["chunk_id"] for h in body["hits"]]


def test_searches_during_a_generation_swap_all_succeed_and_are_consistent(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in FIRST:
        shutil.copy(CORPUS / name, corpus)
    index = tmp_path / "index"
    assert kb_cli("ingest", str(corpus), "--index", str(index)).returncode == 0
    with running_app(index, cli_env(), tmp_path / "serve.log") as url:
        reference = {}
        for q in QUERIES:
            gen, ids = _get(url, q)
            reference[(gen, q)] = ids
        old_gen = gen
        shutil.copy(CORPUS / ADDED, corpus)
        results: list[tuple[str, str, list[str], float]] = []
        errors: list[str] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            for i in range(REQUESTS):
                q = QUERIES[(n + i) % len(QUERIES)]
                t0 = time.perf_counter()
                try:
                    gen, ids = _get(url, q)
                except Exception as e:  # counted, never raised: the assertion below reports them
                    with lock:
                        errors.append(f"{q}: {e}")
                    continue
                with lock:
                    results.append((q, gen, ids, time.perf_counter() - t0))

        ingest = subprocess.Popen([sys.executable, "-m", "kb.cli", "ingest", str(corpus), "--index", str(index)],
                                  cwd=ROOT, env=cli_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        assert ingest.wait(timeout=600) == 0, ingest.stderr.read() if ingest.stderr else ""
        for q in QUERIES:
            gen, ids = _get(url, q)
            reference[(gen, q)] = ids
        new_gen = gen
    assert not errors, errors[:5]
    assert len(results) == CLIENTS * REQUESTS and new_gen != old_gen
    gens = {g for _, g, _, _ in results}
    assert gens == {old_gen, new_gen}, gens  # the swap happened while the load ran
    wrong = [(q, g) for q, g, ids, _ in results if reference[(g, q)] != ids]
    assert not wrong, wrong[:5]
    latencies = sorted(r[3] for r in results)
    p95 = latencies[int(0.95 * len(latencies))]
    print(f"\nload: {CLIENTS} clients x {REQUESTS} searches, 0 failed, {len(results) / seconds:.0f} req/s, "
          f"p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"generations {old_gen} -> {new_gen}")
