import difflib
from pathlib import Path

import pytest
from pdfmaker import encrypted_pdf

from ingest.clean import clean_pages
from ingest.extract import ExtractionError, extract_file, html_to_text
from kb.settings import ConfigError, Settings

ENGINES = ("pdfium", "pypdf")


@pytest.mark.parametrize("engine", ENGINES)
def test_pdf_pages_are_numbered_from_one(pdfs: Path, engine: str):
    pages = extract_file(pdfs / "plooi_ah-tk-20202021-3235.pdf", pdf_engine=engine)
    assert [p.number for p in pages] == [1, 2, 3]
    assert "rentepercentage" in pages[0].text


@pytest.mark.parametrize("engine", ENGINES)
def test_scanned_pdf_gives_empty_pages(pdfs: Path, engine: str):
    pages = extract_file(pdfs / "plooi_blg-1007826.pdf", pdf_engine=engine)
    assert pages and all(not p.text.strip() for p in pages)


@pytest.mark.parametrize("engine", ENGINES)
def test_encrypted_pdf_needs_a_password_and_an_empty_one_opens(tmp_path: Path, engine: str):
    locked, open_ = tmp_path / "slot.pdf", tmp_path / "open.pdf"
    locked.write_bytes(encrypted_pdf(["Beveiligde tekst."], "geheim"))
    open_.write_bytes(encrypted_pdf(["Leesbare tekst over grensarbeid."], ""))
    with pytest.raises(ExtractionError) as e:
        extract_file(locked, pdf_engine=engine)
    assert "wachtwoord" in e.value.reason
    assert "grensarbeid" in extract_file(open_, pdf_engine=engine)[0].text


def test_pdfium_cleans_to_the_text_pypdf_cleans_to(pdfs: Path):
    """Every vendored PDF through both engines and the same cleaning: the same words, in order (a
    line-end hyphen PDFium marks with \x02 is given back as pypdf gives it)."""
    ratios = {}
    for f in sorted(pdfs.glob("*.pdf")):
        a, b = ([w for p in clean_pages(extract_file(f, pdf_engine=e)) for w in p.text.split()] for e in ("pypdf", "pdfium"))
        assert not any("\x02" in w for w in b), f.name
        if len(a) < 20_000:  # the 130-page report would take a minute to align
            ratios[f.name] = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    assert len(ratios) >= 10 and min(ratios.values()) >= 0.95, ratios
    assert sum(ratios.values()) / len(ratios) >= 0.98, ratios


def test_a_pdf_pdfium_cannot_open_is_read_by_pypdf(pdfs: Path, monkeypatch, caplog):
    import pypdfium2

    def refuse(*args: object, **kwargs: object) -> None:
        raise pypdfium2.PdfiumError("Failed to load document (PDFium: Data format error).")

    monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)
    pages = extract_file(pdfs / "plooi_ah-tk-20202021-3235.pdf", pdf_engine="pdfium")
    assert [p.number for p in pages] == [1, 2, 3] and "rentepercentage" in pages[0].text
    assert "reading it with pypdf" in caplog.text


def test_engine_and_keyword_row_settings_are_checked():
    assert Settings.from_env({"KB_PDF_ENGINE": " PyPDF "}).pdf_engine == "pypdf"
    with pytest.raises(ConfigError, match="KB_PDF_ENGINE='mupdf' is unknown"):
        Settings.from_env({"KB_PDF_ENGINE": "mupdf"})
    assert Settings.from_env({"KB_KEYWORD_ROWS": "20000"}).keyword_rows == 20000
    with pytest.raises(ConfigError, match="KB_KEYWORD_ROWS=10 is too small"):
        Settings.from_env({"KB_KEYWORD_ROWS": "10"})


def test_cp1252_text_is_read(tmp_path: Path):
    f = tmp_path / "oud.txt"
    f.write_bytes("Coördinatie in België – café".encode("cp1252"))
    assert extract_file(f)[0].text == "Coördinatie in België – café"


def test_html_scripts_and_styles_are_dropped():
    out = html_to_text("<html><head><style>p{}</style></head><body><h1>Titel</h1>"
                       "<script>alert(1)</script><p>Tekst &amp; meer</p></body></html>")
    assert "alert" not in out and "p{}" not in out
    assert "Titel" in out and "Tekst & meer" in out


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("content,reason", [(b"", "leeg"), (b"\x00\x01binary junk" * 50, "geen PDF")])
def test_bad_files_raise_with_reason(tmp_path: Path, content: bytes, reason: str, engine: str):
    f = tmp_path / "kapot.pdf"
    f.write_bytes(content)
    with pytest.raises(ExtractionError) as e:
        extract_file(f, pdf_engine=engine)
    assert reason in e.value.reason and e.value.path == f


@pytest.mark.parametrize("engine", ENGINES)
def test_corrupt_pdf_raises(tmp_path: Path, engine: str):
    f = tmp_path / "corrupt.pdf"
    f.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 9 0 R >>\n%%EOF")
    with pytest.raises(ExtractionError) as e:
        extract_file(f, pdf_engine=engine)
    assert "beschadigde PDF" in e.value.reason


def test_docx_paragraphs(tmp_path: Path):
    import zipfile

    f = tmp_path / "brief.docx"
    body = ("<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>"
            "<w:p><w:r><w:t>Betreft Grenswerk</w:t></w:r></w:p>"
            "<w:p><w:r><w:t xml:space='preserve'>Eerste zin &amp; </w:t></w:r><w:r><w:t>vervolg.</w:t></w:r></w:p>"
            "</w:body></w:document>")
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("word/document.xml", body)
    assert extract_file(f)[0].text == "Betreft Grenswerk\n\nEerste zin & vervolg."


def test_html_lists_keep_their_order_for_structure_readers_only():
    page = "<ol start='2'><li>Eerste</li><li>Tweede</li></ol><ul><li>los</li></ul>"
    marked = html_to_text(page, list_markers=True)
    assert "2. Eerste" in marked and "3. Tweede" in marked and "• los" in marked
    assert "2." not in html_to_text(page) and "•" not in html_to_text(page)
