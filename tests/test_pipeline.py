"""Ingest and store plumbing with the hashing stand-in embedder (fast); the real model is in test_model.py."""

import re
import shutil
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
from conftest import need_pdfs

from ingest.extract import extract_file
from ingest.pipeline import build_index
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.lexical import LexicalIndex
from kb.records import SearchFilters
from kb.search import Searcher
from kb.settings import Settings
from kb.terms import lexical_from_texts

LETTER_2020 = "2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt"
LETTER_2018 = "2018-04-20_kamerbrief_grensoverschrijdende-samenwerking.txt"


def _build(settings: Settings, **kw):
    store = EmbeddedStore(settings.index_dir)
    return store, build_index(settings, store, HashingEmbedder(), **kw)


def test_fresh_build_then_noop(hashing_settings: Settings):
    store, report = _build(hashing_settings)
    assert len(report.added) == 5 and not report.failed
    assert report.chunks_embedded == report.chunks_total > 50
    docs = {d.source: d for d in store.documents()}
    assert all(d.date for d in docs.values())
    assert docs["2023-12-15_kamerbrief_voortgang-programma-regios-aan-de-grens.txt"].kamerstuk == "32 851, nr. 79"
    assert docs[LETTER_2018].metadata_sources["date"] == "catalog"
    _, again = _build(hashing_settings)
    assert again.chunks_embedded == 0 and len(again.unchanged) == 5
    assert again.generation == report.generation  # nothing changed: no new generation


def test_switching_the_pdf_engine_reads_every_pdf_again(hashing_settings: Settings, tmp_path: Path):
    corpus = tmp_path / "pdfs"
    corpus.mkdir()
    shutil.copy(need_pdfs() / "plooi_ah-tk-20202021-3235.pdf", corpus)
    settings = replace(hashing_settings, corpus_dir=corpus, pdf_engine="pypdf")
    store, first = _build(settings)
    assert store.manifest().pdf_engine == "pypdf" and len(first.added) == 1
    _, same = _build(settings)
    assert len(same.unchanged) == 1
    store, switched = _build(replace(settings, pdf_engine="pdfium"))
    assert switched.changed == ("plooi_ah-tk-20202021-3235.pdf",) and store.manifest().pdf_engine == "pdfium"
    assert any("rentepercentage" in c.text for d in store.documents() for c in store.chunks_of(d.doc_id))


def test_change_delete_add_reports_exactly_one_each(hashing_settings: Settings):
    pdfs = need_pdfs()
    store, _ = _build(hashing_settings)
    corpus = hashing_settings.corpus_dir
    f = corpus / LETTER_2020
    f.write_text(f.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea over de Eems-Dollard.\n", encoding="utf-8")
    (corpus / LETTER_2018).unlink()
    shutil.copy(pdfs / "plooi_20110301-draagmoederschap.pdf", corpus / "draagmoederschap.pdf")
    store, report = _build(hashing_settings)
    d = report.to_dict()["counts"]
    assert (d["added"], d["changed"], d["removed"], d["unchanged"], d["failed"]) == (1, 1, 1, 3, 0)
    assert 0 < report.chunks_embedded < report.chunks_total  # unchanged chunks came from the cache
    searcher = Searcher(store, HashingEmbedder())
    assert LETTER_2018 not in {doc.source for doc in store.documents()}
    for q in ("Nuffic buurtaalonderwijs Duits", "Grensinformatiepunten grensregio's"):
        assert all(h.document.source != LETTER_2018 for h in searcher.search(q, top_k=50))
    _assert_keyword_index_equals_a_full_build(hashing_settings.index_dir)
    pdf_hits = searcher.search("draagmoederschap VUmc wensouders", top_k=5,
                               filters=SearchFilters(sources=("draagmoederschap.pdf",)))
    assert pdf_hits and all(h.chunk.page in (1, 2, 3) for h in pdf_hits)
    _, last = _build(hashing_settings)
    assert last.chunks_embedded == 0


def _assert_keyword_index_equals_a_full_build(index_dir: Path) -> None:
    """The writer keeps unchanged chunks' words; the result must equal tokenising every chunk."""
    gen = index_dir / (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    db = sqlite3.connect(gen / "chunks.sqlite")
    rows = db.execute("SELECT vector_id, header, text FROM chunks ORDER BY vector_id").fetchall()
    db.close()
    full = lexical_from_texts([f"{h}\n{t}" for _, h, t in rows], np.array([r[0] for r in rows]))
    kept = LexicalIndex.load(gen / "lexical")
    assert list(kept.ids) == list(full.ids) and kept.decompounder.known == full.decompounder.known
    for q in ("Nuffic buurtaalonderwijs Duits", "draagmoederschap", "Eems-Dollard", "grensinformatiepunt"):
        np.testing.assert_allclose(kept.scores(q), full.scores(q), rtol=1e-6)


def test_generation_without_kept_words_is_tokenised_in_full(hashing_settings: Settings):
    _build(hashing_settings)
    index_dir = hashing_settings.index_dir
    gen = index_dir / (index_dir / "CURRENT").read_text(encoding="utf-8").strip()
    (gen / "lexical" / "row_offsets.npy").unlink()  # as written before row words were kept
    f = hashing_settings.corpus_dir / LETTER_2020
    f.write_text(f.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea over de Eems-Dollard.\n", encoding="utf-8")
    (hashing_settings.corpus_dir / LETTER_2018).unlink()
    _build(hashing_settings)
    _assert_keyword_index_equals_a_full_build(index_dir)


def test_failed_file_is_reported_and_the_rest_indexed(hashing_settings: Settings):
    corpus = hashing_settings.corpus_dir
    (corpus / "leeg.pdf").write_bytes(b"")
    (corpus / "nep.pdf").write_bytes(b"dit is geen pdf" * 20)
    store, report = _build(hashing_settings)
    failed = {f.source: f.reason for f in report.failed}
    assert set(failed) == {"leeg.pdf", "nep.pdf"} and "leeg" in failed["leeg.pdf"]
    assert len(report.added) == 5 and len(store.documents()) == 5


def test_changed_file_that_breaks_keeps_its_previous_version(hashing_settings: Settings):
    store, _ = _build(hashing_settings)
    (hashing_settings.corpus_dir / LETTER_2020).write_bytes(b"")
    _, report = _build(hashing_settings)
    assert [f.source for f in report.failed] == [LETTER_2020]
    assert LETTER_2020 in {d.source for d in store.documents()}


def test_filters_restrict_results(hashing_settings: Settings):
    from datetime import date

    store, _ = _build(hashing_settings)
    s = Searcher(store, HashingEmbedder())
    hits = s.search("grensoverschrijdende samenwerking", top_k=20,
                    filters=SearchFilters(since=date(2021, 1, 1), until=date(2022, 12, 31)))
    assert hits and {h.document.date[:4] for h in hits} <= {"2021", "2022"}
    assert s.search("samenwerking", filters=SearchFilters(doc_types=("roadmap",))) == []


def test_every_vendored_pdf_ingests_and_scans_are_reported(tmp_path: Path):
    pdfs = need_pdfs()
    # without OCR (as on a machine without tesseract); test_ocr.py covers the OCR path
    settings = Settings(corpus_dir=pdfs, index_dir=tmp_path / "idx", embed_backend="hashing", ocr="off")
    store, report = _build(settings)
    failed = {f.source: f.reason for f in report.failed}
    assert "plooi_blg-1007826.pdf" in failed and "geen tekstlaag" in failed["plooi_blg-1007826.pdf"]
    supported = [p for p in pdfs.iterdir() if p.suffix in (".pdf", ".md", ".txt")]
    assert len(report.added) + len(failed) == len(supported)
    for doc in store.documents():  # no running header/footer line in more than one chunk
        raw = extract_file(pdfs / doc.source) if doc.source.endswith(".pdf") else []
        chunks = store.chunks_of(doc.doc_id)
        exact, numbered = _running_lines(raw)
        for texts, lines in (([_norm(c.text) for c in chunks], exact),
                             ([_norm(c.text, digits=True) for c in chunks], numbered)):
            for line in lines:
                assert sum(line in t for t in texts) <= 1, (doc.source, line)


def _norm(s: str, digits: bool = False) -> str:
    s = re.sub(r"\s+", " ", s.strip().lower())
    return re.sub(r"\d+", "#", s) if digits else s


def _running_lines(pages) -> tuple[set[str], set[str]]:
    """Lines at the top or bottom of three or more pages: verbatim, or with only the numbers
    changing when short (page numbers); found independently of the cleaner."""
    if len(pages) < 3:
        return set(), set()
    exact: Counter[str] = Counter()
    numbered: Counter[str] = Counter()
    for p in pages:
        body = [ln for ln in p.text.split("\n") if ln.strip()]
        edge = body[:2] + body[-2:]
        exact.update({_norm(ln) for ln in edge})
        numbered.update({_norm(ln, digits=True) for ln in edge if len(ln) <= 60})
    return ({k for k, c in exact.items() if c >= 3 and len(k) >= 15},
            {k for k, c in numbered.items() if c >= 3 and len(k) >= 12})


def test_newer_letter_in_the_same_dossier(hashing_settings: Settings):
    from kb.docview import later_in_dossier

    store, _ = _build(hashing_settings)
    docs = {d.source: d for d in store.documents()}
    later = later_in_dossier(store, store.documents())
    assert later[docs[LETTER_2018].doc_id].date == "2023-12-15"  # the newest, not just the next one
    newest = docs["2023-12-15_kamerbrief_voortgang-programma-regios-aan-de-grens.txt"]
    assert newest.doc_id not in later
    assert not any(d.dossier is None and d.doc_id in later for d in docs.values())
