"""Files to pages: PDF (page by page, with PDFium or pypdf: KB_PDF_ENGINE), .txt, .md, .html and
.docx."""

from __future__ import annotations

import html
import logging
import re
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol

from kb.records import Page

log = logging.getLogger(__name__)

SUFFIXES = (".pdf", ".txt", ".md", ".html", ".htm", ".docx")


class ExtractionError(Exception):
    """A file that cannot be read; `reason` is a short, user-facing explanation."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class PageReader(Protocol):
    """Reads the text of a page that has none in its text layer (OCR)."""

    def read_page(self, page: object) -> str: ...


def extract_file(path: Path, ocr: PageReader | None = None, pdf_engine: str = "pdfium") -> list[Page]:
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise ExtractionError(path, "leeg bestand (0 bytes)")
    if suffix == ".pdf":
        return list(iter_pdfium_pages(path, ocr) if pdf_engine == "pdfium" else iter_pdf_pages(path, ocr))
    if suffix in (".txt", ".md"):
        return [Page(None, read_text(path))]
    if suffix in (".html", ".htm"):
        return [Page(None, html_to_text(read_text(path)))]
    if suffix == ".docx":
        return [Page(None, docx_to_text(path))]
    raise ExtractionError(path, f"bestandstype {suffix or '(geen)'} wordt niet ondersteund")


def structure_pages(path: Path, pages: list[Page]) -> list[Page]:
    """The pages as a reader of document structure needs them: an HTML page with its list items
    marked; other files as extracted."""
    if path.suffix.lower() in (".html", ".htm"):
        return [Page(None, html_to_text(read_text(path), list_markers=True))]
    return pages


def iter_pdf_pages(path: Path, ocr: PageReader | None = None) -> Iterator[Page]:
    """Pages one at a time, so a thousand-page PDF is never held whole as text. Pages without a
    text layer are read by `ocr` when one is given, and marked as such."""
    _check_pdf_header(path)
    reader = _open_pypdf(path)
    for i in range(len(reader.pages)):
        page = reader.pages[i]
        try:
            text = page.extract_text() or ""
        except Exception as e:  # pypdf raises many kinds on broken content streams
            log.warning("%s: page %d unreadable (%s); skipped", path, i + 1, e)
            text = ""
        if not text.strip() and ocr is not None:
            yield Page(i + 1, _ocr_page(path, i + 1, page, ocr), ocr=True)
        else:
            yield Page(i + 1, text)


def iter_pdfium_pages(path: Path, ocr: PageReader | None = None) -> Iterator[Page]:
    """The pages as iter_pdf_pages gives them, read by PDFium (8x faster here). PDFium marks a word
    broken at a line end with \x02; it becomes the hyphen and line break pypdf gives, so the
    cleaning decides alike. Pages without a text layer go to `ocr` through pypdf, which gives their
    images; a file PDFium cannot open is read by pypdf, which repairs other damage."""
    import pypdfium2 as pdfium

    _check_pdf_header(path)
    try:
        doc = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise ExtractionError(path, "versleutelde PDF (wachtwoord nodig)") from e
        log.warning("%s: PDFium cannot open it (%s); reading it with pypdf", path, e)
        yield from iter_pdf_pages(path, ocr)
        return
    reader = None
    try:
        for i in range(len(doc)):
            text = _pdfium_text(path, doc, i)
            if not text.strip() and ocr is not None:
                reader = reader or _open_pypdf(path)
                yield Page(i + 1, _ocr_page(path, i + 1, reader.pages[i], ocr), ocr=True)
            else:
                yield Page(i + 1, text)
    finally:
        doc.close()


def _pdfium_text(path: Path, doc: object, index: int) -> str:
    try:
        page = doc[index]  # type: ignore[index]
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_bounded()).replace("\x02", "-\n")
        finally:
            textpage.close()
            page.close()
    except Exception as e:  # one broken page must not lose the rest of the document
        log.warning("%s: page %d unreadable (%s); skipped", path, index + 1, e)
        return ""


def _check_pdf_header(path: Path) -> None:
    with open(path, "rb") as fh:
        if fh.read(1024).find(b"%PDF-") < 0:
            raise ExtractionError(path, "geen PDF (de bestandskop ontbreekt)")


def _open_pypdf(path: Path) -> Any:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not _decrypt_empty(reader):
            raise ExtractionError(path, "versleutelde PDF (wachtwoord nodig)")
        len(reader.pages)  # a broken page tree shows here, not halfway through the pages
    except ExtractionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise ExtractionError(path, f"beschadigde PDF ({type(e).__name__}: {e})") from e
    return reader


def _ocr_page(path: Path, number: int, page: object, ocr: PageReader) -> str:
    try:
        return ocr.read_page(page)
    except Exception as e:  # OCR failing on one page must not lose the rest of the document
        log.warning("%s: OCR of page %d failed (%s)", path, number, e)
        return ""


def _decrypt_empty(reader: object) -> bool:
    try:
        return bool(reader.decrypt(""))  # type: ignore[attr-defined]
    except Exception:
        return False


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError(path, "binair bestand, geen tekst")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    # Older Dutch government text exports are Windows-1252; it decodes any byte but a few.
    return data.decode("cp1252", errors="replace")


class _TextOnly(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "head"})
    _BLOCK = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
              "table", "ul", "ol", "blockquote", "pre"})

    def __init__(self, list_markers: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._markers = list_markers
        self._lists: list[list[int]] = []  # open lists: [next number], or [] for a bulleted one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
            if tag in ("h1", "h2", "h3", "h4"):
                self.parts.append("\n")
            if tag in ("ol", "ul"):
                start = dict(attrs).get("start") or "1"
                self._lists.append([int(start)] if tag == "ol" and start.isdigit() else [])
            elif tag == "li" and self._lists and self._markers and not self._skip:
                # the list's order stays in the text: steps read from a page need their numbers
                numbered = self._lists[-1]
                self.parts.append(f"{numbered[0]}. " if numbered else "• ")
                if numbered:
                    numbered[0] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")
            if tag in ("ol", "ul") and self._lists:
                self._lists.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str, list_markers: bool = False) -> str:
    """Visible text of an HTML page; scripts and styles dropped. With list_markers, list items
    keep their order as text ('1. ', '• '), for readers of structure (kb.guide); the indexed
    text goes without (measured on the FAQ pages: the markers moved sentence and chunk bounds
    and cost German/English R@5 0.025)."""
    parser = _TextOnly(list_markers)
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text))


def docx_to_text(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError) as e:
        raise ExtractionError(path, f"beschadigd Word-bestand ({e})") from e
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    lines = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs]
    return html.unescape("\n\n".join(lines))
