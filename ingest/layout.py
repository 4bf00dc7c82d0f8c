"""What a file says about itself beside its running text: the title block of a PDF's first page
found by layout (font size and position, from PDFium), the PDF's document information, and an
HTML page's <title>, first <h1> and Dublin Core / OWMS meta tags (DCTERMS.title, .modified, …).
Every reader warns and gives nothing rather than failing the file."""

from __future__ import annotations

import html
import logging
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
_MAX_CHARS = 6000  # characters of page 1 looked at: a title block comes early
_TEMPLATE = re.compile(r"^(microsoft (word|powerpoint)|untitled|naamloos|document\d*|sjabloon|template|"
                       r"presentatie\d*|\W*$)|\.(docx?|pdf|pptx?|dotx?|indd)\b|^[\w-]+\d+$", re.I)


# Publishers' names printed large as a masthead or logo line: page furniture, not a title.
_MASTHEAD = re.compile(r"^\s*(logo\b|(tweede|eerste) kamer der staten-generaal|staatscourant|staatsblad|"
                       r"rijksoverheid|ministerie van\b|dienst uitvoering\b|gemeente\s+\w+\s*$|"
                       r"provincie\s+\w+\s*$)", re.I)


@dataclass(frozen=True)
class Hints:
    layout_title: str = ""
    subject: str = ""  # the value beside a 'Betreft'/'Inzake' label in a letterhead's label column
    info_title: str = ""
    info_date: str = ""  # the PDF's creation date, ISO
    html_title: str = ""  # <title>, DCTERMS.title or og:title
    html_h1: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # lower-cased meta names -> content


def read_hints(path: Path) -> Hints:
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            return _pdf_hints(path)
        if suffix in (".html", ".htm"):
            return html_hints(path.read_text(encoding="utf-8", errors="replace")[:400_000])
    except Exception as e:  # a hint is never worth failing a file for
        log.warning("%s: no layout hints (%s: %s)", path.name, type(e).__name__, e)
    return Hints()


def _pdf_hints(path: Path) -> Hints:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        info = doc.get_metadata_dict()
        title = " ".join((info.get("Title") or "").split())
        created = re.match(r"D:(\d{4})(\d{2})(\d{2})", info.get("CreationDate") or "")
        following = doc[1].get_textpage().get_text_range() if len(doc) > 1 else ""
        first = doc[0].get_textpage().get_text_range() if len(doc) else ""
        lines = _lines(doc[0]) if len(doc) and not _is_ocr_layer(doc[0]) else []
    finally:
        doc.close()
    stale = is_template_title(title, path) or not is_printed(title, first + following)
    return Hints(layout_title=first_page_title(lines, following), subject=labelled_subject(lines),
                 info_title="" if stale else title, info_date="-".join(created.groups()) if created else "")


def is_printed(title: str, text: str) -> bool:
    """Whether most of a PDF information title's words are printed on its first pages. Files made
    from a template or an earlier document keep that one's title ('Toelichting invullen …');
    a scan without a text layer cannot tell, and keeps it."""
    words = {w for w in re.findall(r"[^\W\d_]{3,}", title.lower())}
    if not words or not text.strip():
        return True
    printed = set(re.findall(r"[^\W\d_]{3,}", text.lower()))
    return len(words & printed) >= 0.75 * len(words)


def is_template_title(title: str, path: Path | None = None) -> bool:
    """A PDF information title that names a file, a template or nothing at all."""
    t = title.strip()
    if len(re.findall(r"[^\W\d_]", t)) < 4 or _TEMPLATE.search(t) or ("_" in t and " " not in t):
        return True
    return path is not None and re.sub(r"\W+", "", t.lower()) == re.sub(r"\W+", "", path.stem.lower())


@dataclass
class _Line:
    text: str
    size: float
    top: float
    bottom: float
    left: float = 0.0
    right: float = 0.0


def _lines(page: object) -> list[_Line]:
    import pypdfium2.raw as raw

    tp = page.get_textpage()  # type: ignore[attr-defined]
    try:
        n = min(raw.FPDFText_CountChars(tp), _MAX_CHARS)
        lines: list[_Line] = []
        cur: list[str] = []
        sizes: list[float] = []
        rect = raw.FS_RECTF()
        top = bottom = left = right = 0.0
        for i in range(n):
            ch = chr(raw.FPDFText_GetUnicode(tp, i))
            if ch in "\r\n\x02":
                if cur:
                    lines.append(_Line("".join(cur).strip(), statistics.median(sizes or [0]), top, bottom, left, right))
                cur, sizes = [], []
                continue
            if ch.strip():
                # the loose box spans the font's ascent to descent: its height is the type size as
                # drawn (the font size PDFium reports is often 1, scaled by the text matrix)
                raw.FPDFText_GetLooseCharBox(tp, i, rect)
                if not sizes:
                    top, bottom, left = rect.top, rect.bottom, rect.left
                sizes.append(rect.top - rect.bottom)
                top, bottom, right = max(top, rect.top), min(bottom, rect.bottom), rect.right
            cur.append(ch)
        if cur:
            lines.append(_Line("".join(cur).strip(), statistics.median(sizes or [0]), top, bottom, left, right))
    finally:
        tp.close()
    return [ln for ln in lines if ln.text]


def first_page_title(lines: list[_Line], next_page_text: str = "") -> str:
    """The largest text on page 1 (its lines, from `page_lines`), joined; '' when no line stands
    out from the body text (a letter, a form), when what stands out is page furniture (a
    publisher's masthead, a running header that page 2 repeats), or when there are no lines (an
    invisible OCR layer's sizes say nothing)."""
    if not lines:
        return ""
    repeated = {ln.strip() for ln in next_page_text.splitlines() if ln.strip()}
    blocks = [b for b in _blocks(lines) if _is_title_text(_join(ln.text for ln in b))
              and not all(ln.text in repeated for ln in b)]
    if not blocks:
        return ""
    at = _title_block(blocks)
    best, body = blocks[at], _body_size(lines)
    if best[0].size < body * 1.15:
        return ""
    title = [*best, *_subtitle(best, blocks[at + 1] if at + 1 < len(blocks) else [], body)]
    return _join(ln.text for ln in title)[:300]


def _title_block(blocks: list[list[_Line]]) -> int:
    """The block set in the largest type; among blocks set about as large (an infographic's
    captions), the one that says most."""
    largest = max(b[0].size for b in blocks)
    large = [i for i, b in enumerate(blocks) if b[0].size >= 0.9 * largest]
    return max(large, key=lambda i: len(_join(ln.text for ln in blocks[i])))


def _subtitle(title: list[_Line], below: list[_Line], body: float) -> list[_Line]:
    """The block right under a title, set smaller but still larger than body text and at most
    three lines, is its subtitle ('Controleprotocol' / 'behorend bij …'); a date there is not."""
    size = title[0].size
    if not below or len(below) > 3 or not 1.05 * body <= below[0].size < 0.85 * size:
        return []
    if title[-1].bottom - below[0].top > 1.5 * size or re.fullmatch(r"[\d\s./-]+|.*\b(19|20)\d{2}", below[0].text):
        return []
    return below


_SUBJECT_LABEL = re.compile(r"(betreft|onderwerp|inzake|subject|titel)\s*:?", re.I)


def labelled_subject(lines: list[_Line]) -> str:
    """A letterhead or memo set as a form: labels in one column ('datum', 'inzake', 'zaaknr'),
    values beside them. The subject is the value level with the subject label and its lines
    below, up to the line level with the next label. Text order cannot tell this: PDFs often
    give the label column after the values."""
    label = next((ln for ln in lines if _SUBJECT_LABEL.fullmatch(ln.text)), None)
    if label is None:
        return ""
    level = [ln for ln in lines if ln is not label and ln.left > label.right and _level(ln, label)]
    if not level:
        return ""
    value = [min(level, key=lambda ln: ln.left)]
    labels = [ln for ln in lines if ln.right < value[0].left]
    for ln in sorted(lines, key=lambda x: -x.top):
        last = value[-1]
        if (ln.top < last.top and abs(ln.left - value[0].left) <= 2 and last.bottom - ln.top <= 0.8 * last.size
                and not any(_level(ln, lab) for lab in labels)):
            value.append(ln)
    return _join(ln.text for ln in value)[:300]


def _level(a: _Line, b: _Line) -> bool:
    """Two lines on one baseline band: their vertical spans overlap by most of the smaller."""
    overlap = min(a.top, b.top) - max(a.bottom, b.bottom)
    return overlap >= 0.5 * min(a.top - a.bottom, b.top - b.bottom)


def _blocks(lines: list[_Line]) -> list[list[_Line]]:
    """Lines top to bottom, grouped while they keep one type size, stand close together and
    share a column: an infographic's or a cover's columns interleave in text order."""
    blocks: list[list[_Line]] = []
    for ln in sorted(lines, key=lambda x: -x.top):
        home = next((b for b in reversed(blocks[-8:]) if _continues(b[-1], ln)), None)
        if home is None:
            blocks.append([ln])
        else:
            home.append(ln)
    return blocks


def _continues(last: _Line, ln: _Line) -> bool:
    same_size = abs(ln.size - last.size) <= 0.15 * last.size
    column = ln.left < last.right and last.left < ln.right
    return same_size and column and ln.top <= last.top and last.bottom - ln.top <= 2.2 * last.size


def _body_size(lines: list[_Line]) -> float:
    """The size most of page 1's characters have; on a cover with little text, the smallest."""
    chars = sum(len(ln.text) for ln in lines)
    if chars < 300:
        return min(ln.size for ln in lines)
    seen = 0
    for ln in sorted(lines, key=lambda x: x.size):
        seen += len(ln.text)
        if seen >= chars / 2:
            return ln.size
    return lines[-1].size


def _is_ocr_layer(page: object) -> bool:
    """Text drawn invisibly over a scan (render mode 3): OCR output, whose sizes say nothing."""
    import pypdfium2.raw as raw

    invisible = total = 0
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,)):  # type: ignore[attr-defined]
        total += 1
        invisible += raw.FPDFTextObj_GetTextRenderMode(obj.raw) == raw.FPDF_TEXTRENDERMODE_INVISIBLE
        if total >= 200:
            break
    return total > 0 and invisible / total > 0.5


def _is_title_text(text: str) -> bool:
    letters = len(re.findall(r"[^\W\d_]", text))
    return letters >= 3 and not _MASTHEAD.match(text) and "@" not in text and not re.fullmatch(r"(pagina|page|blz\.?)?\s*\d+(\s*(van|of|/)\s*\d+)?", text, re.I)


def _join(parts: Iterable[str]) -> str:
    """Lines joined into one, a word broken at a line-end hyphen made whole again."""
    out = ""
    for part in parts:
        p = part.strip()
        out = out[:-1] + p if out.endswith("-") and p[:1].islower() else f"{out} {p}".strip()
    return " ".join(out.split())


_META = re.compile(r"<meta\s+[^>]*?(?:name|property)\s*=\s*[\"']([^\"']+)[\"'][^>]*?content\s*=\s*[\"']([^\"']*)[\"']"
                   r"|<meta\s+[^>]*?content\s*=\s*[\"']([^\"']*)[\"'][^>]*?(?:name|property)\s*=\s*[\"']([^\"']+)[\"']",
                   re.I | re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def html_hints(text: str) -> Hints:
    meta: dict[str, str] = {}
    for m in _META.finditer(text):
        name, content = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        meta.setdefault(name.strip().lower(), html.unescape(content).strip())
    title = next((meta[k] for k in ("dcterms.title", "og:title", "dc.title") if meta.get(k)), "")
    if not title and (tag := _TITLE.search(text)):
        title = _clean(tag.group(1))
    h1 = _clean(first.group(1)) if (first := _H1.search(text)) else ""
    return Hints(html_title=title, html_h1=h1, meta=meta)


def _clean(fragment: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", fragment)).split())
