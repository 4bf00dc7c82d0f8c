"""Scanned pages: read with Debian's tesseract (nld+deu) and marked as OCR; without it, reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import cli_env, kb_cli, need_pdfs

from ingest import ocr as ocr_module
from ingest.ocr import make_ocr
from ingest.pipeline import build_index
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.records import SearchFilters
from kb.render import render_hits
from kb.search import Searcher
from kb.settings import ConfigError, Settings

SCAN = "plooi_blg-1007826.pdf"  # two scanned pages, no text layer


def need_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed (bash .ci/install --dev installs it)")


@pytest.fixture
def scan_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(need_pdfs() / SCAN, corpus / SCAN)
    shutil.copy(need_pdfs() / "plooi_kst-32545-143.pdf", corpus)
    return corpus


@pytest.mark.parametrize("engine", ["pdfium", "pypdf"])
def test_scanned_pages_are_read_and_marked(scan_corpus: Path, tmp_path: Path, engine: str):
    """Through the whole build, with either PDF engine (PDFium hands a page without text to pypdf for its images)."""
    need_tesseract()
    settings = Settings(corpus_dir=scan_corpus, index_dir=tmp_path / "index", embed_backend="hashing", ocr="on",
                        pdf_engine=engine)
    store = EmbeddedStore(settings.index_dir)
    report = build_index(settings, store, HashingEmbedder())
    assert not report.failed and any("OCR" in w for w in report.warnings)
    scan = next(d for d in store.documents() if d.source == SCAN)
    assert scan.ocr_pages == (1, 2)
    text = " ".join(c.text for c in store.chunks_of(scan.doc_id)).lower()
    assert "vanggewassen" in text and "waterkwaliteit" in text
    hits = Searcher(store, HashingEmbedder()).search("inzaaidatum vanggewassen", top_k=3,
                                                      filters=SearchFilters(sources=(SCAN,)))
    assert hits and hits[0].to_dict()["ocr"] is True
    assert "kb-ocr" in render_hits(hits, "vanggewassen", {})
    other = next(d for d in store.documents() if d.source != SCAN)
    assert other.ocr_pages == ()


def test_without_ocr_a_scan_is_reported_not_indexed_empty(scan_corpus: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(ocr_module.shutil, "which", lambda name: None)  # a machine without tesseract
    settings = Settings(corpus_dir=scan_corpus, index_dir=tmp_path / "index", embed_backend="hashing")
    assert make_ocr(settings) is None
    store = EmbeddedStore(settings.index_dir)
    report = build_index(settings, store, HashingEmbedder())
    assert {f.source: f.reason for f in report.failed}[SCAN].startswith("geen tekstlaag")
    assert [d.source for d in store.documents()] == ["plooi_kst-32545-143.pdf"]
    with pytest.raises(ConfigError, match="tesseract-ocr"):
        make_ocr(Settings(ocr="on"))


def test_bad_ocr_settings_fail_at_start():
    need_tesseract()
    with pytest.raises(ConfigError, match="KB_OCR_LANGUAGES"):
        make_ocr(Settings(ocr_languages="nld+xyz"))
    with pytest.raises(ConfigError, match="KB_OCR"):
        Settings.from_env({"KB_OCR": "misschien"})


def test_ocr_page_found_by_the_real_model_through_the_cli(scan_corpus: Path, tmp_path: Path):
    need_tesseract()
    index = tmp_path / "index"
    (scan_corpus / "leeg.pdf").write_bytes(b"")
    r = kb_cli("ingest", str(scan_corpus), "--index", str(index), "--json", env=cli_env(KB_OCR="on"))
    assert r.returncode == 1, r.stderr  # one file failed, the rest indexed
    report = json.loads(r.stdout)
    assert report["counts"]["added"] == 2 and report["failed"] == [{"path": "leeg.pdf", "reason": "leeg bestand (0 bytes)"}]
    r = kb_cli("search", "Wanneer moeten vanggewassen worden ingezaaid?", "--index", str(index), "--json", "--k", "3")
    assert r.returncode == 0, r.stderr
    top = json.loads(r.stdout)["hits"][0]
    assert top["source"] == SCAN and top["ocr"] is True and top["page"] in (1, 2)
