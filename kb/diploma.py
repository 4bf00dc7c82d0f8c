"""Diploma recognition: the steps, authority, documents, duration and costs that roadmap and
factsheet documents in the index give for a profession and a route (NL→DE, DE→NL, ...)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from kb.records import Chunk, Document, Hit
from kb.search import Searcher
from kb.sentences import split_sentences
from kb.store import Store


@dataclass(frozen=True)
class Profession:
    key: str
    label: str
    names: tuple[str, ...]  # how documents name it, in Dutch, German, French-Belgian and English


PROFESSIONS: tuple[Profession, ...] = (
    Profession("fysiotherapeut", "Fysiotherapeut",
               ("fysiotherapeut", "fysiotherapie", "kinesitherapeut", "physiotherapeut", "physiotherapist")),
    Profession("verzorgende-ig", "Verzorgende IG / zorgkundige",
               ("verzorgende ig", "verzorgende-ig", "verzorgende individuele gezondheidszorg", "zorgkundige",
                "pflegefachkraft", "pflegefachfrau", "pflegefachmann", "altenpfleger", "nursing assistant")),
    Profession("leraar-vo", "Leraar voortgezet onderwijs",
               ("leraar voortgezet onderwijs", "docent voortgezet onderwijs", "leraar secundair onderwijs",
                "lehrkraft", "lehrer", "lehramt", "secondary school teacher")),
)
ROUTES = ("NL→DE", "NL→BE", "DE→NL", "BE→NL")
FIELD_LABELS = {
    "authority": ("bevoegde autoriteit", "bevoegde instantie", "zuständige behörde", "zuständige stelle",
                  "competent authority"),
    "documents": ("benodigde documenten", "benodigde stukken", "erforderliche unterlagen", "required documents"),
    "duration": ("doorlooptijd", "duur", "bearbeitungsdauer", "dauer", "duration", "processing time"),
    "costs": ("kosten", "gebühren", "costs", "fees"),
}
_COUNTRY = {"NL": r"nederland|niederlanden?|netherlands", "DE": r"duitsland|deutschland|germany",
            "BE": r"belgi[eë]n?|belgium|vlaanderen|flanders"}
_CODE_ROUTE = re.compile(r"\b(NL|DE|BE)\s*(?:→|->|>|–|—|-|naar|nach|to)\s*(NL|DE|BE)\b")
_WORD_ROUTE = re.compile(
    rf"\b(?:van|uit|from|aus|von)\s+(?:het\s+|den\s+)?({'|'.join(_COUNTRY.values())})\s+"
    rf"(?:naar|in|to|nach)\s+(?:het\s+)?({'|'.join(_COUNTRY.values())})\b", re.I)
_STEP = r"(?:stap|schritt|step)\s+(?P<step>\d{1,2})\s*[:.–—-]"
_FIELD = "|".join(rf"(?P<{k}>{'|'.join(map(re.escape, v))})\s*:" for k, v in FIELD_LABELS.items())
_LABEL = re.compile(rf"(?<![\w-])(?:{_STEP}|{_FIELD})", re.I)


@dataclass(frozen=True)
class Item:
    text: str
    page: int | None
    chunk_id: str


@dataclass(frozen=True)
class RouteGuide:
    document: Document
    route: str
    steps: tuple[tuple[int, Item], ...]
    fields: dict[str, Item]  # authority, documents, duration, costs (those the document states)


@dataclass(frozen=True)
class DiplomaAnswer:
    profession: Profession
    route: str
    guides: tuple[RouteGuide, ...]
    letters: tuple[Hit, ...] = ()  # what other documents say, when no guide covers the route


def profession(key: str) -> Profession:
    for p in PROFESSIONS:
        if p.key == key or p.label == key:
            return p
    raise ValueError(f"unknown profession {key!r}; choose one of: {', '.join(p.key for p in PROFESSIONS)}")


def diploma_lookup(searcher: Searcher, profession_key: str, route: str) -> DiplomaAnswer:
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r}; choose one of: {', '.join(ROUTES)}")
    prof = profession(profession_key)
    guides = tuple(find_guides(searcher.store, prof, route))
    if guides:
        return DiplomaAnswer(prof, route, guides)
    query = f"roadmap factsheet erkenning diploma beroepskwalificaties {prof.label}"
    return DiplomaAnswer(prof, route, (), tuple(searcher.search(query, top_k=3)))


def find_guides(store: Store, prof: Profession, route: str) -> list[RouteGuide]:
    guides = []
    for doc in store.documents():
        if doc.doc_type not in ("roadmap", "factsheet") and not re.search("roadmap|factsheet", doc.title, re.I):
            continue
        chunks = store.chunks_of(doc.doc_id)
        head = f"{doc.title} {' '.join(c.text for c in chunks[:2])}"
        if detect_route(head) != route or not _names(head, prof):
            continue
        steps, fields = extract_guide(chunks)
        guides.append(RouteGuide(doc, route, steps, fields))
    return sorted(guides, key=lambda g: g.document.date or "", reverse=True)


def detect_route(text: str) -> str | None:
    """The first route a document states, as 'NL→DE'."""
    if m := _CODE_ROUTE.search(text):
        return f"{m.group(1)}→{m.group(2)}" if m.group(1) != m.group(2) else None
    if m := _WORD_ROUTE.search(text):
        a, b = (next(c for c, rx in _COUNTRY.items() if re.fullmatch(rx, g, re.I)) for g in m.groups())
        return f"{a}→{b}" if a != b else None
    return None


def extract_guide(chunks: list[Chunk]) -> tuple[tuple[tuple[int, Item], ...], dict[str, Item]]:
    """Steps in order and the labelled fields, each with the page and chunk it comes from."""
    text, offsets, origin = _document_text(chunks)
    labels = list(_LABEL.finditer(text))
    steps: dict[int, Item] = {}
    fields: dict[str, Item] = {}
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        value = text[m.end() : end].strip(" ;")
        at = origin[bisect_right(offsets, m.start()) - 1]
        item = Item(value, at.page, at.chunk_id)
        if m.group("step"):
            steps.setdefault(int(m.group("step")), item)
        else:
            key = next(k for k in FIELD_LABELS if m.group(k))
            fields.setdefault(key, item)
    return tuple(sorted(steps.items())), fields


def _document_text(chunks: list[Chunk]) -> tuple[str, list[int], list[Chunk]]:
    """The document's sentences once each (chunks overlap), with where each sentence came from."""
    parts: list[str] = []
    offsets: list[int] = []
    origin: list[Chunk] = []
    previous: set[str] = set()
    pos = 0
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        sentences = split_sentences(chunk.text)
        for s in sentences:
            if s in previous:
                continue
            parts.append(s)
            offsets.append(pos)
            origin.append(chunk)
            pos += len(s) + 1
        previous = set(sentences)
    return " ".join(parts), offsets, origin


def _names(text: str, prof: Profession) -> bool:
    low = text.lower()
    return any(re.search(rf"(?<!\w){re.escape(n)}", low) for n in prof.names)
