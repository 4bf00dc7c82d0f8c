from pathlib import Path

import pytest

from ingest.extract import ExtractionError, extract_file, html_to_text


def test_pdf_pages_are_numbered_from_one(pdfs: Path):
    pages = extract_file(pdfs / "plooi_ah-tk-20202021-3235.pdf")
    assert [p.number for p in pages] == [1, 2, 3]
    assert "rentepercentage" in pages[0].text


def test_scanned_pdf_gives_empty_pages(pdfs: Path):
    pages = extract_file(pdfs / "plooi_blg-1007826.pdf")
    assert pages and all(not p.text.strip() for p in pages)


def test_cp1252_text_is_read(tmp_path: Path):
    f = tmp_path / "oud.txt"
    f.write_bytes("Coördinatie in België – café".encode("cp1252"))
    assert extract_file(f)[0].text == "Coördinatie in België – café"


def test_html_scripts_and_styles_are_dropped():
    out = html_to_text("<html><head><style>p{}</style></head><body><h1>Titel</h1>"
                       "<script>alert(1)</script><p>Tekst &amp; meer</p></body></html>")
    assert "alert" not in out and "p{}" not in out
    assert "Titel" in out and "Tekst & meer" in out


@pytest.mark.parametrize("content,reason", [(b"", "leeg"), (b"\x00\x01binary junk" * 50, "geen PDF")])
def test_bad_files_raise_with_reason(tmp_path: Path, content: bytes, reason: str):
    f = tmp_path / "kapot.pdf"
    f.write_bytes(content)
    with pytest.raises(ExtractionError) as e:
        extract_file(f)
    assert reason in e.value.reason and e.value.path == f


def test_corrupt_pdf_raises(tmp_path: Path):
    f = tmp_path / "corrupt.pdf"
    f.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 9 0 R >>\n%%EOF")
    with pytest.raises(ExtractionError):
        extract_file(f)


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
