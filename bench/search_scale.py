"""Search at scale: synthetic indexes of N chunks, loaded and searched like the real one.

    python bench/search_scale.py --index index --sizes 100000 1000000 [--queries 220]

How the synthetic index is built (fast, and honest about what it is):
- texts: the real chunks of --index, resampled with replacement and shuffled; the keyword index is
  built from their words (each real chunk tokenised once), so BM25 sees real Dutch term
  statistics at N rows;
- vectors: the real model's vectors of those chunks, plus Gaussian noise (norm ~0.5), renormalised:
  same dimension and norm, with neighbourhoods like real passages;
- documents of 100 chunks each, dated; the generation directory is written in the store's format.
Then, in a fresh process: index load time, RSS per chunk, hybrid search p50/p95 over real queries
(query embedding included, one thread), and the dense index's recall@10 against exact search."""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import kb  # noqa: F401  (offline switches)
from kb.embedded import EmbeddedStore
from kb.records import Document
from kb.store import Manifest
from kb.terms import RowWords, build_lexical
from kb.vectors import IVF_MIN_VECTORS, VectorIndex, build_ivf
from kb.writer import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval" / "dev_questions.jsonl"
DOC_CHUNKS = 100


def _source_rows(index: Path) -> tuple[list[tuple], np.ndarray, Manifest]:
    store = EmbeddedStore(index)
    manifest = store.manifest()
    if manifest is None:
        raise SystemExit(f"no index in {index}; run kb ingest first")
    chunks = [c for d in store.documents() for c in store.chunks_of(d.doc_id)]
    vectors = store.cached_vectors([c.content_hash for c in chunks])
    rows = [(c.header, c.text, c.section, c.page) for c in chunks]
    return rows, np.stack([vectors[c.content_hash] for c in chunks]), manifest


def noisy_copies(base: np.ndarray, pick: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors near base[pick]: noise of norm ~0.5, so neighbourhoods stay like real ones."""
    dim = base.shape[1]
    vecs = base[pick] + (0.5 / np.sqrt(dim)) * rng.standard_normal((len(pick), dim)).astype(np.float32)
    return (vecs / np.linalg.norm(vecs, axis=1, keepdims=True)).astype(np.float32)


def build_synthetic(out: Path, n: int, rows: list[tuple], base: np.ndarray, manifest: Manifest) -> np.ndarray:
    rng = np.random.default_rng(11)
    pick = rng.integers(0, len(rows), n)
    dim = base.shape[1]
    vecs = noisy_copies(base, pick, rng)
    gen = out / "gen-000001"
    (gen / "lexical").mkdir(parents=True)
    ids = np.arange(n, dtype=np.int64)
    db = sqlite3.connect(gen / "chunks.sqlite")
    db.executescript(SCHEMA)
    for d in range(0, n, DOC_CHUNKS):
        doc = Document(doc_id=f"synth-{d // DOC_CHUNKS:06d}", source=f"synth/{d // DOC_CHUNKS:06d}.txt", sha256="",
                       title=f"Synthetisch document {d // DOC_CHUNKS}", doc_type="kamerbrief",
                       date=f"{2010 + (d // DOC_CHUNKS) % 15}-0{1 + (d // DOC_CHUNKS) % 9}-15")
        db.execute("INSERT INTO documents VALUES (?, ?)", (doc.doc_id, json.dumps(doc.to_dict())))
        db.executemany("INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?)",
                       [(int(i), f"c{i}", doc.doc_id, int(i - d), f"h{i}", rows[pick[i]][3], rows[pick[i]][2],
                         rows[pick[i]][0], rows[pick[i]][1]) for i in range(d, min(n, d + DOC_CHUNKS))])
    db.commit()
    db.close()
    row_words = RowWords.from_texts([f"{r[0]}\n{r[1]}" for r in rows]).take(pick).compact()
    build_lexical(row_words, ids).save(gen / "lexical")
    row_words.save(gen / "lexical")
    vectors = build_ivf(dim, ids, vecs) if n >= IVF_MIN_VECTORS else VectorIndex(dim)
    if not vectors.approximate:
        vectors.add(ids, vecs)
    vectors.save(gen / "vectors.faiss")
    m = {**manifest.to_dict(), "generation": gen.name, "documents": -(-n // DOC_CHUNKS), "chunks": n,
         "next_vector_id": n}  # a later write must not reuse the synthetic ids
    (gen / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    (out / "CURRENT").write_text(gen.name + "\n", encoding="utf-8")
    return vecs


def recall_at_10(index: Path, vecs: np.ndarray, queries: np.ndarray) -> float:
    exact = np.argsort(-(vecs @ queries.T), axis=0)[:10].T
    loaded = VectorIndex.load(index / "gen-000001" / "vectors.faiss")
    return float(np.mean([len(set(loaded.search(q, 10)[0]) & set(e)) / 10 for q, e in zip(queries, exact,
                                                                                          strict=True)]))


MEASURE = r"""
import json, sys
sys.path.insert(0, "bench")
import kb
from kb.embed import make_embedder
from kb.embedded import EmbeddedStore
from kb.search import Searcher
from kb.settings import Settings
from timing import latency_ms
import time

def rss_mb():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 1e6

index, n, queries = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
embedder = make_embedder(Settings(), threads=1)
embedder.embed_query("warm")
before = rss_mb()
started = time.perf_counter()
store = EmbeddedStore(index)
load_s = time.perf_counter() - started
searcher = Searcher(store, embedder)
p50, p95 = latency_ms(lambda q: searcher.search(q, top_k=10), queries)
print(json.dumps({"load_s": load_s, "kb_per_chunk": (rss_mb() - before) * 1000 / n, "p50_ms": p50, "p95_ms": p95}))
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", type=Path, default=ROOT / "index")
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    p.add_argument("--queries", type=int, default=220)
    p.add_argument("--questions", type=Path, default=QUESTIONS, help="JSONL with a 'question' per line")
    args = p.parse_args()
    rows, base, manifest = _source_rows(args.index)
    questions = [json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines()]
    queries = (questions * (args.queries // max(1, len(questions)) + 1))[: args.queries]
    from kb.embed import make_embedder
    from kb.settings import Settings

    embedder = make_embedder(Settings(), threads=1)
    qvecs = np.stack([embedder.embed_query(q) for q in questions])
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            vecs = build_synthetic(Path(tmp), n, rows, base, manifest)
            built = time.perf_counter() - started
            recall = recall_at_10(Path(tmp), vecs, qvecs)
            del vecs
            out = subprocess.run([sys.executable, "-c", MEASURE, tmp, str(n), json.dumps(queries)], cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{n:>9} chunks (built in {built:.0f} s): load {r['load_s']:.2f} s, "
                  f"{r['kb_per_chunk']:.2f} KB/chunk RSS, hybrid p50 {r['p50_ms']:.0f} ms / p95 {r['p95_ms']:.0f} ms "
                  f"over {len(queries)} queries, dense recall@10 vs exact {recall:.3f} "
                  f"({'IVF' if n >= IVF_MIN_VECTORS else 'exact'})", flush=True)


if __name__ == "__main__":
    main()
