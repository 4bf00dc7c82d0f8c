"""The document pages (kb.docweb): a document opened at a passage or a PDF page, the page as an
image, the original file, a Kamerstuk dossier; nothing outside the indexed corpus. Real PDFs and
the shipped letters, a real index (stand-in embedder: these test plumbing, the browser tests use
the real model)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, PDFS, ROOT
from fastapi.testclient import TestClient

from app import KnowledgeBase, build_server
from ingest.pipeline import build_index
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.settings import Settings

BROCHURE = "testfixture_brochure_leraar_be-nl.pdf"
LETTER_PDF = "plooi_20110301-draagmoederschap.pdf"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    base = tmp_path_factory.mktemp("docview")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(ROOT / "tests/fixtures/guides" / BROCHURE, corpus)
    shutil.copy(PDFS / LETTER_PDF, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=base / "index", embed_backend="hashing")
    build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    kbase = KnowledgeBase(settings)
    c = TestClient(build_server(kbase))
    c.kbase = kbase  # type: ignore[attr-defined]
    return c


def _doc(client: TestClient, source: str):  # type: ignore[no-untyped-def]
    return next(d for d in client.kbase.store.documents() if d.source == source)  # type: ignore[attr-defined]


def test_a_pdf_opens_at_the_page_of_its_passage_with_the_page_as_an_image(client: TestClient):
    from PIL import Image

    doc = _doc(client, LETTER_PDF)
    chunk = next(c for c in client.kbase.store.chunks_of(doc.doc_id) if c.page == 2)  # type: ignore[attr-defined]
    page = client.get("/doc", params={"id": doc.doc_id, "chunk": chunk.chunk_id})
    assert page.status_code == 200 and "<html lang='nl'>" in page.text
    assert f"/doc/page?id={doc.doc_id}&n=2" in page.text and "<mark id='passage'>" in page.text
    assert "Pagina 2 van 3" in page.text and "← vorige pagina" in page.text and "volgende pagina →" in page.text
    image = client.get("/doc/page", params={"id": doc.doc_id, "n": 2})
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    width, height = Image.open(io.BytesIO(image.content)).size
    assert 800 < width < 1000 and height > width  # an A4 page at 1.5x
    original = client.get("/doc/file", params={"id": doc.doc_id})
    assert original.status_code == 200 and original.content == (PDFS / LETTER_PDF).read_bytes()


def test_a_text_document_shows_its_text_with_the_passage_marked_and_its_dossier(client: TestClient):
    doc = _doc(client, "2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt")
    chunk = client.kbase.store.chunks_of(doc.doc_id)[3]  # type: ignore[attr-defined]
    page = client.get("/doc", params={"id": doc.doc_id, "chunk": chunk.chunk_id}).text
    # four of the five letters: the catalogue gives the December 2021 letter no dossier, and it prints none
    assert "<mark id='passage'>" in page and "Kamerstuk dossier 32 851" in page and "(4 documenten)" in page
    assert "De nieuwste is" in page and "/dossier?nr=32%20851" in page
    dossier = client.get("/dossier", params={"nr": "32 851"}).text
    titles = [line.split("</a>")[0].rsplit(">", 1)[-1] for line in dossier.split("class='dossier-doc'")[1:]]
    assert titles == ["Grensoverschrijdende samenwerking", "Voortgang grensoverschrijdende samenwerking",
                      "Inzet Regio&#x27;s aan de grens", "Voortgang programma Regio&#x27;s aan de grens"]
    assert dossier.count("nieuwste") == 1 and dossier.index("nieuwste") > dossier.index("Inzet Regio")


@pytest.mark.parametrize("path", ["/doc?id=nope", "/doc?id=../../etc/passwd", "/doc?id=%2Fetc%2Fpasswd",
                                  "/doc/page?id={doc}&n=9", "/doc/page?id={doc}&n=0", "/doc?id={doc}&chunk=nope",
                                  "/doc/page?id={letter}&n=1", "/dossier?nr=99999", "/doc/file?id=../CURRENT",
                                  "/doc/file?id={doc}/../../CURRENT", "/doc", "/doc/page?id={doc}"])
def test_unknown_documents_pages_and_paths_are_404(client: TestClient, path: str):
    doc, letter = _doc(client, BROCHURE), _doc(client, "2018-04-20_kamerbrief_grensoverschrijdende-samenwerking.txt")
    r = client.get(path.format(doc=doc.doc_id, letter=letter.doc_id))
    assert r.status_code == 404 and "Niet gevonden" in r.text
    assert "root:" not in r.text and "gen-0" not in r.text and "Traceback" not in r.text


def test_a_file_outside_the_corpus_is_never_served(client: TestClient, tmp_path: Path):
    from dataclasses import replace

    from kb.docview import source_file

    doc = _doc(client, BROCHURE)
    roots = client.kbase.corpus_roots()  # type: ignore[attr-defined]
    assert source_file(doc, roots) is not None
    assert source_file(replace(doc, source="../../etc/passwd", aliases=()), roots) is None
    assert source_file(replace(doc, source="/etc/passwd", aliases=()), roots) is None
