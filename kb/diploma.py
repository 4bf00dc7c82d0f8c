"""Diploma recognition: for a profession and a route (NL→DE, DE→NL, ...), the recognition guides
in the index (read at ingest by kb.guide, whatever their layout or language) with their steps,
authority, documents, duration and costs, each with its page; and what the other documents say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kb.guide import Guide
from kb.guidefields import FIELDS
from kb.professions import PROFESSIONS, Profession, profession
from kb.records import Document, Hit
from kb.routes import ROUTES, parse_route
from kb.search import Searcher

__all__ = ["FIELDS", "PROFESSIONS", "ROUTES", "DiplomaAnswer", "GuideHit", "Profession", "diploma_lookup",
           "profession"]
LETTER_HITS = 3


@dataclass(frozen=True)
class GuideHit:
    document: Document
    guide: Guide


@dataclass(frozen=True)
class DiplomaAnswer:
    profession: Profession
    route: str
    guides: tuple[GuideHit, ...]
    letters: tuple[Hit, ...] = ()  # what the other documents say about recognition for this profession

    def to_dict(self) -> dict[str, Any]:
        return {"profession": self.profession.key, "route": self.route,
                "guides": [_guide_dict(g) for g in self.guides],
                "letters": [h.to_dict() for h in self.letters]}


def diploma_lookup(searcher: Searcher, profession_key: str, route: str) -> DiplomaAnswer:
    """The guides for this profession and route, newest first, and the best passages of the other
    documents. ValueError names the professions or routes when one is unknown."""
    code = parse_route(route)
    prof = profession(profession_key)
    guides = find_guides(searcher.store.documents(), prof, code)
    query = f"erkenning diploma beroepskwalificatie {prof.label} {' '.join(prof.names[:2])}"
    skip = {g.document.doc_id for g in guides}
    letters = tuple(h for h in searcher.search(query, top_k=LETTER_HITS + len(skip)) if h.document.doc_id not in skip)
    return DiplomaAnswer(prof, code, tuple(guides), letters[:LETTER_HITS])


def find_guides(documents: list[Document], prof: Profession, route: str) -> list[GuideHit]:
    hits = [GuideHit(d, d.guide) for d in documents
            if d.guide is not None and d.guide.route == route and prof.key in d.guide.professions]
    return sorted(hits, key=lambda g: g.document.date or "", reverse=True)


def _guide_dict(g: GuideHit) -> dict[str, Any]:
    out: dict[str, Any] = {"title": g.document.title, "source": g.document.source, "doc_id": g.document.doc_id,
                           "date": g.document.date, "route": g.guide.route,
                           "steps": [{"n": s.n, "text": s.text, "page": s.page} for s in g.guide.steps]}
    for key in FIELDS:
        value = getattr(g.guide, key)
        out[key] = {"text": value.text, "page": value.page} if value else None
    return out
