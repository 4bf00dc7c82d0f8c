"""Document metadata from three sources, in order of trust: the catalogue, the text, the file name."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from kb.dates import parse_date_text
from kb.lang import detect_language
from kb.records import DOC_TYPES

FIELDS = ("title", "doc_type", "date", "kenmerk", "dossier", "number", "author", "language")
_DATUM = re.compile(r"^\s*(?:datum|date)\s*[:]?\s+(.+)$", re.I | re.M)
_BETREFT = re.compile(r"^\s*(?:betreft|onderwerp)\s*[:]?\s+(.+)$", re.I | re.M)
_KENMERK = re.compile(r"^\s*(?:ons\s+)?kenmerk\s*[:]?\s*\n?\s*([\w./-]*\d{4,}[\w./-]*)\s*$", re.I | re.M)
_FOOTER = re.compile(r"Tweede Kamer,? vergaderjaar \d{4}\s*[–-]\s*\d{2,4},\s*(\d{2}\s?\d{3})(?:\s*[A-Z]{1,3})?,"
                     r"\s*nr\.\s*(\d+)", re.I)
_KST_NAME = re.compile(r"kst-(\d{5,6})-(\d+)", re.I)
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
    """What the document itself prints: letterhead fields at the top, the Kamerstuk footer
    anywhere in the raw text (cleaning removes it), the signature at the end."""
    head = raw[:4000]
    found: dict[str, str] = {}
    m = _DATUM.search(head)
    date = parse_date_text(m.group(1)) if m else None
    date = date or parse_date_text(head[:600])
    if date:
        found["date"] = date
    if m := _BETREFT.search(head):
        found["title"] = m.group(1).strip()
    if m := _KENMERK.search(head):
        found["kenmerk"] = m.group(1)
    if m := _FOOTER.search(raw):
        found["dossier"] = m.group(1) if " " in m.group(1) else f"{m.group(1)[:2]} {m.group(1)[2:]}"
        found["number"] = m.group(2)
    sig = list(_SIGNATURE.finditer(tail))
    if sig:
        role, name = sig[-1].group(1).strip(" ,"), sig[-1].group(2).strip()
        found["author"] = f"{name} ({role[:1].upper()}{role[1:]})"
    doc_type = _guess_type(head, found.get("title", ""))
    if doc_type:
        found["doc_type"] = doc_type
    found["language"] = detect_language(head[:3000])
    return found


def _guess_type(head: str, title: str) -> str | None:
    low_title, low_head = title.lower(), head[:2500].lower()
    for t in ("roadmap", "factsheet"):
        if t in low_title or t in low_head[:300]:
            return t
    if "advies" in low_title:
        return "advies"
    if re.search(r"aan de voorzitter van de (tweede|eerste) kamer", low_head) or _BETREFT.search(head):
        return "kamerbrief"
    return None


def metadata_from_filename(source: str) -> dict[str, str]:
    name = Path(source).name
    found: dict[str, str] = {}
    if m := _FILE_DATE.match(name):
        found["date"] = m.group(1)
    parts = Path(source).stem.split("_")
    for p in parts:
        if p.lower() in DOC_TYPES:
            found["doc_type"] = p.lower()
    if m := _KST_NAME.search(name):
        found["dossier"] = f"{m.group(1)[:-3]} {m.group(1)[-3:]}"
        found["number"] = m.group(2)
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
