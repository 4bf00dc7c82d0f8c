"""The bad-input matrix: every case is reported with its file and reason, or indexed correctly,
and the rest of the batch is indexed (issue 5). Hashing embedder here; real model in test_ocr.py."""

from __future__ import annotations

import os
import shutil
import tracemalloc
from pathlib import Path

import pytest
from conftest import CORPUS, need_pdfs
from pdfmaker import encrypted_pdf, text_pdf

from ingest.extract import iter_pdf_pages
from ingest.pipeline import build_index
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.records import BuildReport, SearchFilters
from kb.search import Searcher
from kb.settings import Settings

LETTER = "2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt"
ODD_A = "Brief aan de Kamer – één 😀.txt"
ODD_B = "Brief aan de Kamer – één 🎉.txt"
THOUSAND_PAGES = 1000


def _thousand_pages() -> list[str]:
    # the first and last lines repeat on every page but for the number: page furniture the cleaner drops
    return [f"Bijlage {i}\nRegel over grensarbeid en pensioen, kenmerk woord{i}xq.\nPagina {i} van 1000"
            for i in range(1, THOUSAND_PAGES + 1)]


def _corrupt_pdf() -> bytes:
    good = text_pdf(["Deze pagina gaat verloren door een kapotte stroom."])
    return good.replace(b"stream\n", b"stream\n\x00\xff\x13garbage", 1).replace(b"/Count 1", b"/Count 7")[:-60]


@pytest.fixture
def messy_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    outside = tmp_path / "outside.txt"
    outside.write_text("Geheim bestand buiten de corpus.", encoding="utf-8")
    files: dict[str, bytes] = {
        "kapot.pdf": _corrupt_pdf(),
        "versleuteld-met-wachtwoord.pdf": encrypted_pdf(["Deze tekst is beveiligd met een wachtwoord."], "geheim"),
        "versleuteld-zonder-wachtwoord.pdf": encrypted_pdf(
            ["Open versleuteld document over de Euregio Maas-Rijn en grenspendelaars."], ""),
        "leeg.pdf": b"",
        "plaatje.pdf": bytes(range(256)) * 40,
        "duizend-paginas.pdf": text_pdf(_thousand_pages()),
        "oud-cp1252.txt": "Café-overleg over de Überbrückung van de grens – € 5 miljoen.".encode("cp1252"),
        "latin1.txt": "Coördinatie met Nordrhein-Westfalen: Ærø en façade.".encode("latin-1"),
        "met script.html": (b"<html><head><script>alert('x')</script><style>p{}</style></head><body>"
                            b"<h1>Grensinfopunt</h1><p>Advies over werken over de grens.</p>"
                            b"<script>document.write('kwaad')</script></body></html>"),
        ODD_A: b"Eerste brief met een vreemde naam over de Eems-Dollard.",
        ODD_B: b"Tweede brief met een vreemde naam over de Dollard en Delfzijl.",
    }
    for name, data in files.items():
        (corpus / name).write_bytes(data)
    (corpus / "kopie").mkdir()
    shutil.copy(corpus / LETTER, corpus / "kopie" / "dezelfde brief.txt")
    os.symlink(outside, corpus / "naar-buiten.txt")
    return corpus


def _reasons(report: BuildReport) -> dict[str, str]:
    return {f.source: f.reason for f in report.failed}


def test_every_bad_input_is_reported_and_the_rest_indexed(messy_corpus: Path, tmp_path: Path):
    settings = Settings(corpus_dir=messy_corpus, index_dir=tmp_path / "index", embed_backend="hashing", ocr="off")
    store = EmbeddedStore(settings.index_dir)
    report = build_index(settings, store, HashingEmbedder())
    failed = _reasons(report)
    assert set(failed) == {"kapot.pdf", "versleuteld-met-wachtwoord.pdf", "leeg.pdf", "plaatje.pdf",
                           "naar-buiten.txt"}, failed
    assert "beschadigd" in failed["kapot.pdf"] or "geen tekst" in failed["kapot.pdf"]
    assert "versleutelde PDF" in failed["versleuteld-met-wachtwoord.pdf"]
    assert "leeg" in failed["leeg.pdf"] and "geen PDF" in failed["plaatje.pdf"]
    assert "symbolische link" in failed["naar-buiten.txt"]
    assert report.to_dict()["counts"]["failed"] == 5
    docs = {d.source: d for d in store.documents()}
    assert len(docs) == 5 + 7  # the five letters, and every good case once (the copy is an alias)
    assert docs[LETTER].aliases == ("kopie/dezelfde brief.txt",)
    assert any("kopie/dezelfde brief.txt" in w and LETTER in w for w in report.warnings)
    assert docs[ODD_A].doc_id != docs[ODD_B].doc_id
    assert docs["duizend-paginas.pdf"].page_count == THOUSAND_PAGES
    searcher = Searcher(store, HashingEmbedder())

    def top(query: str, source: str) -> str:
        hits = searcher.search(query, top_k=3, filters=SearchFilters(sources=(source,)))
        assert hits, (query, source)
        return hits[0].chunk.text

    assert "Überbrückung" in top("Café overleg", "oud-cp1252.txt") and "€" in top("Café", "oud-cp1252.txt")
    assert "Coördinatie" in top("Coördinatie", "latin1.txt")
    html_text = top("Grensinfopunt advies", "met script.html")
    assert "Advies over werken" in html_text and "alert" not in html_text and "kwaad" not in html_text
    assert "Euregio" in top("Euregio Maas-Rijn", "versleuteld-zonder-wachtwoord.pdf")
    assert "Geheim bestand" not in " ".join(h.chunk.text for h in searcher.search("Geheim bestand", top_k=50))
    deep = searcher.search("woord777xq", top_k=1, filters=SearchFilters(sources=("duizend-paginas.pdf",)))
    assert deep and "woord777xq" in deep[0].chunk.text and deep[0].chunk.page in range(740, 778)


def test_duplicate_names_follow_the_corpus(messy_corpus: Path, tmp_path: Path):
    settings = Settings(corpus_dir=messy_corpus, index_dir=tmp_path / "index", embed_backend="hashing", ocr="off")
    store = EmbeddedStore(settings.index_dir)
    build_index(settings, store, HashingEmbedder())
    (messy_corpus / LETTER).unlink()  # the original goes; the copy carries the document on
    build_index(settings, store, HashingEmbedder())
    docs = {d.source: d for d in store.documents()}
    assert LETTER not in docs and docs["kopie/dezelfde brief.txt"].aliases == ()


def test_a_thousand_page_pdf_streams_in_bounded_memory(tmp_path: Path):
    pdf = tmp_path / "duizend.pdf"
    pdf.write_bytes(text_pdf(_thousand_pages()))
    tracemalloc.start()
    try:
        pages = sum(1 for _ in iter_pdf_pages(pdf))
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    # pypdf keeps ~8 KB of parsed objects per page read; text is yielded page by page, not held
    assert pages == THOUSAND_PAGES and peak_mb < 40, peak_mb


def test_a_changed_file_that_turns_bad_keeps_its_old_version_and_says_why(tmp_path: Path):
    pdfs = need_pdfs()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(pdfs / "plooi_kst-32545-143.pdf", corpus / "brief.pdf")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embed_backend="hashing", ocr="off")
    store = EmbeddedStore(settings.index_dir)
    build_index(settings, store, HashingEmbedder())
    before = store.chunks_of(store.documents()[0].doc_id)
    (corpus / "brief.pdf").write_bytes(encrypted_pdf(["Nu met wachtwoord."], "geheim"))
    report = build_index(settings, store, HashingEmbedder())
    assert _reasons(report) == {"brief.pdf": "versleutelde PDF (wachtwoord nodig)"}
    assert store.chunks_of(store.documents()[0].doc_id) == before
