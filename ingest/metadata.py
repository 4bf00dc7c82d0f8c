"""Document metadata from its sources, in order of trust: the catalogue, the printed text, the
layout, HTML meta tags, the PDF's document information, the first heading, the file name."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from ingest.layout import Hints
from ingest.printed import (
    aanhangsel_number,
    kamerstuk,
    kamerstuk_identifier,
    kind_of,
    organisation,
    parse_any_date,
    printed_date,
    printed_title,
)
from kb.lang import detect_language
from kb.records import DOC_TYPES

FIELDS = ("title", "doc_type", "date", "kenmerk", "dossier", "number", "author", "organisation", "language")
_KENMERK = re.compile(r"^\s*(?:ons\s+)?kenmerk\s*[:]?\s*\n?\s*([\w./-]*\d{4,}[\w./-]*)\s*$", re.I | re.M)
_SIGNATURE = re.compile(
    r"^\s*(?:De |Het )?((?:minister|staatssecretaris|minister-president)\b[^\n]{0,90}?),?\s*\n+\s*"
    r"([A-Z][^\n]{2,60})\s*$", re.I | re.M)
_FILE_DATE = re.compile(r"^(\d{4}-\d{2}(?:-\d{2})?)")


class CatalogError(ValueError):
    pass


def load_catalog(corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """corpus/catalog.toml: [[document]] tables keyed by `file` (path relative to the corpus)."""
    path = corpus_dir / "catalog.toml"
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise CatalogError(f"{path}: not valid TOML ({e}); fix the file or remove it") from e
    out: dict[str, dict[str, Any]] = {}
    for entry in data.get("document", []):
        if "file" not in entry:
            raise CatalogError(f"{path}: every [[document]] needs a 'file' key")
        out[str(entry["file"])] = {k: str(v) for k, v in entry.items() if k in FIELDS and v != ""}
    return out


def metadata_from_text(raw: str, tail: str) -> dict[str, str]:
    """What the document itself prints (ingest.printed): letterhead fields and title lines at the
    top, the Kamerstuk footer anywhere in the raw text (cleaning removes it), the signature at the
    end."""
    head = raw[:4000]
    found: dict[str, str] = {}
    title = printed_title(head)
    if title:
        found["title"] = title
    if date := printed_date(head, title or ""):
        found["date"] = date
    if m := _KENMERK.search(head):
        found["kenmerk"] = m.group(1)
    if kst := kamerstuk(head, raw):
        found["dossier"], found["number"] = kst
    elif number := aanhangsel_number(head):
        found["number"] = number
    sig = list(_SIGNATURE.finditer(tail))
    if sig:
        role, name = sig[-1].group(1).strip(" ,"), sig[-1].group(2).strip()
        found["author"] = f"{name} ({role[:1].upper()}{role[1:]})"
    if org := organisation(head):
        found["organisation"] = org
    found["language"] = detect_language(head[:3000])
    return found


def metadata_from_meta(hints: Hints) -> tuple[str, dict[str, str]]:
    """An HTML page's own metadata (Dublin Core / OWMS meta tags): its date and publisher, which
    outrank any date its text happens to mention."""
    meta = hints.meta
    html_date = next((meta[k] for k in ("dcterms.modified", "dcterms.issued", "dcterms.available",
                                        "dcterms.created", "article:modified_time") if meta.get(k)), "")
    return ("html", {"date": parse_any_date(html_date) or "",
                     "organisation": meta.get("dcterms.creator", "") or meta.get("dcterms.publisher", "")})


def metadata_from_hints(hints: Hints, first_page: str) -> list[tuple[str, dict[str, str]]]:
    """The layers after the printed text, in order of trust: the subject beside a letterhead's
    label and the title block found by layout, an HTML page's title or first <h1>, the PDF's document information (its creation date only
    as a last resort), and the first line that reads as a heading (or the first sentence)."""
    return [("layout", {"title": hints.subject or hints.layout_title}),
            ("html", {"title": hints.html_title or hints.html_h1}),
            ("pdfinfo", {"title": hints.info_title, "date": hints.info_date}),
            ("firstline", {"title": first_heading(first_page)})]


_NOT_HEADING = re.compile(r"^(tweede|eerste) kamer|^ministerie van|^gemeente |^(pagina|page) \d|@|https?://|www\.|,$|"
                          r"^(to|from|cc|sent|aan|van|datum|date)\s*:", re.I)


def first_heading(text: str) -> str:
    """The first line near the top that reads as a heading (letters, not a number, a masthead or
    a header field)."""
    for line in text.splitlines()[:12]:
        line = " ".join(line.split())
        if (8 <= len(line) <= 160 and len(re.findall(r"[^\W\d_]", line)) >= 6 and len(line.split()) >= 3
                and not _NOT_HEADING.search(line)):
            return line
    sentence = re.split(r"(?<=[.?!])\s", " ".join(text[:600].split()), maxsplit=1)[0]
    if len(sentence) > 120:
        sentence = sentence[:120].rsplit(" ", 1)[0] + " …"
    return sentence if len(sentence.split()) >= 3 and len(re.findall(r"[^\W\d_]", sentence)) >= 6 else ""


def document_kind(values: dict[str, str], sources: dict[str, str], raw_head: str) -> tuple[str, str]:
    """(kind, its source): the catalogue's; else what the title's words and the text's structure
    say (ingest.printed.kind_of); else a kind the file name names; else 'other'."""
    given = values.get("doc_type", "")
    if sources.get("doc_type") == "catalog" and given in DOC_TYPES:
        return given, "catalog"
    if found := kind_of(values.get("title", ""), raw_head):
        return found, "text"
    if given in DOC_TYPES and given != "other":
        return given, sources.get("doc_type", "filename")
    return "other", "default"


def metadata_from_filename(source: str) -> dict[str, str]:
    name = Path(source).name
    found: dict[str, str] = {}
    if m := _FILE_DATE.match(name):
        found["date"] = m.group(1)
    parts = Path(source).stem.split("_")
    for p in parts:
        if p.lower() in DOC_TYPES:
            found["doc_type"] = p.lower()
    if kst := kamerstuk_identifier(name):
        found["dossier"], found["number"] = kst
    title = parts[-1] if parts else Path(source).stem
    found["title"] = re.sub(r"[-_]+", " ", title).strip().capitalize() or name
    return found


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")  # NUL cuts the model's input; no control character belongs in a title


def merge_metadata(*layers: tuple[str, dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Values and, per field, which layer won; the first layer that has a field wins."""
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name, layer in layers:
        for k in FIELDS:
            value = _CONTROL.sub(" ", str(layer.get(k) or "")).strip()
            if k not in values and value:
                values[k] = value
                sources[k] = name
    if values.get("doc_type") not in DOC_TYPES:
        values["doc_type"] = "other"
    return values, sources
