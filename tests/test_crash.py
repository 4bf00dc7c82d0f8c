"""Crash safety: `kb ingest` killed (SIGKILL) at 20 moments of a build; two builds at once."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, cli_env, need_pdfs

from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.search import Searcher

PDFS = ("plooi_bnc-fiche-5-mifid.pdf", "advies_landsadvocaat_coronamelder.pdf", "dusi_Controleprotocol-FLO-B3-2023.pdf")
QUERIES = ("grensinformatiepunten", "Benelux", "erkenning van diploma's", "coronamelder advies", "MiFID")
KILLS_SPREAD, KILLS_IN_WRITE = 14, 6
ENV = cli_env(KB_EMBED_BACKEND="hashing", KB_OCR="off")


def _ingest(corpus: Path, index: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kb.cli", "ingest", str(corpus), "--index", str(index), *extra],
                            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _answers(index: Path) -> tuple[str, list[list[str]]]:
    store = EmbeddedStore(index)  # a fresh reader, as a restarted service would open it
    searcher = Searcher(store, HashingEmbedder())
    return store.generation or "", [[h.chunk.chunk_id for h in searcher.search(q, top_k=5)] for q in QUERIES]


def _temporaries(index: Path) -> list[Path]:
    return list(index.glob(".tmp-*"))


def _kill_when(proc: subprocess.Popen[str], index: Path, delay: float, in_write: bool) -> None:
    """SIGKILL after `delay` seconds, counted from the start or, with in_write, from the moment the
    build's temporary generation directory appears."""
    if in_write:
        deadline = time.perf_counter() + 60
        while not list(index.glob(".tmp-gen-*")) and proc.poll() is None and time.perf_counter() < deadline:
            time.sleep(0.002)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.fixture
def crash_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    for name in PDFS:
        shutil.copy(need_pdfs() / name, corpus)
    return corpus


def test_killed_builds_leave_the_previous_index_and_a_rerun_completes(crash_corpus: Path, tmp_path: Path):
    index = tmp_path / "index"
    started = time.perf_counter()
    assert _ingest(crash_corpus, index).wait() == 0
    build_seconds = time.perf_counter() - started
    moments = [(build_seconds * (0.15 + 0.85 * i / KILLS_SPREAD), False) for i in range(KILLS_SPREAD)]
    moments += [(0.02 * i * i, True) for i in range(KILLS_IN_WRITE)]  # 0 .. 0.5 s into the write
    outcomes = {"before the switch": 0, "after the switch": 0}
    for n, (delay, in_write) in enumerate(moments):
        gen, before = _answers(index)
        (crash_corpus / "wijziging.txt").write_text(f"Wijziging nummer {n}: trefwoord{n}zz.", encoding="utf-8")
        proc = _ingest(crash_corpus, index, "--full")
        _kill_when(proc, index, delay, in_write)
        assert len(_temporaries(index)) <= 1  # at most the killed build's own
        now_gen, now = _answers(index)
        if now_gen == gen:
            assert now == before, f"kill {n} at {delay:.2f}s changed the answers of {gen}"
            outcomes["before the switch"] += 1
        else:  # killed after the switch: the new generation is whole and already includes the change
            assert any(f"trefwoord{n}zz" in h.chunk.text for h in Searcher(EmbeddedStore(index), HashingEmbedder())
                       .search(f"trefwoord{n}zz", top_k=3))
            outcomes["after the switch"] += 1
        rerun = _ingest(crash_corpus, index)
        assert rerun.wait(timeout=300) == 0, rerun.stderr.read() if rerun.stderr else ""
        assert not _temporaries(index) and len(list(index.glob("gen-*"))) <= 2
        hits = Searcher(EmbeddedStore(index), HashingEmbedder()).search(f"trefwoord{n}zz", top_k=3)
        assert hits and f"trefwoord{n}zz" in hits[0].chunk.text
    print(f"\n{len(moments)} kills survived over a {build_seconds:.1f} s build: {outcomes}")
    assert outcomes["before the switch"] >= 10


def test_two_builds_at_once_never_corrupt(crash_corpus: Path, tmp_path: Path):
    index = tmp_path / "index"
    assert _ingest(crash_corpus, index).wait() == 0
    _, before = _answers(index)
    first, second = _ingest(crash_corpus, index, "--full"), _ingest(crash_corpus, index, "--full")
    codes = sorted((first.wait(timeout=300), second.wait(timeout=300)))
    errors = (first.stderr.read() if first.stderr else "") + (second.stderr.read() if second.stderr else "")
    assert codes in ([0, 0], [0, 2]), errors
    if codes == [0, 2]:
        assert "is being rebuilt by kb ingest (pid" in errors and "wait for it to finish" in errors
    _, after = _answers(index)
    assert after == before and not _temporaries(index)
