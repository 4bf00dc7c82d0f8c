"""Extractive answers with citations: sentences from the retrieved passages, each cited."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from kb.dates import format_date_nl
from kb.glossary import localize
from kb.lexical import analyze
from kb.records import Hit
from kb.search import Searcher, analyze_query
from kb.sentences import split_sentences

_QUANTITY_Q = re.compile(r"\b(hoeveel|hoe groot|hoe hoog|hoe veel|welk bedrag|wie ?viel|wie hoch|wie groß|"
                         r"how much|how many|how large|what amount)\b", re.I)
_MONEY_Q = re.compile(r"\b(budget|geld|bedrag|subsidie|euro|kost|kosten|money|funding|mittel|finanz)", re.I)
_NUMBER = re.compile(r"\d|\b(een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|honderd|duizend)\b", re.I)
_MONEY = re.compile(r"€|\beuro\b|\bmiljoen\b|\bmiljard\b|\bmln\b|\bEUR\b", re.I)
_COVERAGE = 0.5  # share of the question's content terms a sentence must carry to state a figure

NOT_FOUND = {
    "nl": "De documenten in de kennisbank geven hierop geen antwoord.",
    "de": "Die Dokumente in der Wissensdatenbank beantworten diese Frage nicht.",
    "en": "The documents in the knowledge base do not answer this question.",
}
INTRO = {
    "nl": "Volgens de documenten:",
    "de": "Laut den Dokumenten (Zitate auf Niederländisch):",
    "en": "According to the documents (quoted in Dutch):",
}


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: str
    source: str
    page: int | None
    date: str | None
    quote: str
    chunk_id: str
    text: str = ""  # the whole cited passage, for the reader who wants the context


@dataclass(frozen=True)
class Answer:
    answered: bool
    answer: str
    citations: tuple[Citation, ...] = ()
    language: str = "nl"
    mode: str = "extractive"  # or "generative"
    dropped: tuple[str, ...] = ()  # generated sentences left out for want of a supporting citation
    question: str = ""  # the question as searched (a follow-up made to stand alone)

    def to_dict(self) -> dict[str, Any]:
        return {"answered": self.answered, "answer": self.answer, "language": self.language,
                "mode": self.mode, "standalone_question": self.question,
                "citations": [asdict(c) for c in self.citations], "dropped": list(self.dropped)}


@dataclass(frozen=True)
class _Candidate:
    hit: Hit
    sentence: str
    score: float
    coverage: float


def answer_question(searcher: Searcher, question: str, top_k: int = 8, max_quotes: int = 3,
                    quote_sentences: int = 3) -> Answer:
    qa = analyze_query(question)
    hits = searcher.search(question, top_k=top_k)
    terms = set(analyze(qa.lexical_query))
    candidates = [_best_sentence(h, terms, quote_sentences) for h in hits[:5]]
    if not hits or not _answerable(question, candidates, qa.language):
        return Answer(False, NOT_FOUND[qa.language], (), qa.language, question=question)
    chosen = _choose(candidates, max_quotes, len(qa.time_refs) >= 2)
    citations = tuple(Citation(c.hit.document.doc_id, c.hit.document.title, c.hit.document.source,
                               c.hit.chunk.page, c.hit.document.date, c.sentence, c.hit.chunk.chunk_id,
                               c.hit.chunk.text)
                      for c in chosen)
    lines = [INTRO[qa.language]]
    for n, c in enumerate(citations, 1):
        page = f", p. {c.page}" if c.page else ""
        quote = localize(c.quote, qa.language)
        lines.append(f"- «{quote}» [{n}] ({c.title}, {format_date_nl(c.date)}{page})")
    return Answer(True, "\n".join(lines), citations, qa.language, question=question)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in split_sentences(text) if len(s.split()) >= 4]


def _best_sentence(hit: Hit, terms: set[str], window: int) -> _Candidate:
    quote, score, coverage = _best_window(hit.chunk.text, terms, window)
    return _Candidate(hit, quote, score, coverage)


def best_quote(text: str, terms: set[str], window: int = 2) -> str:
    """The sentences of a passage that carry most of the given (stemmed) terms."""
    return _best_window(text, terms, window)[0]


def _best_window(text: str, terms: set[str], window: int) -> tuple[str, float, float]:
    best = (text[:400], 0.0, 0.0)
    sentences = _sentences(text)
    for i, s in enumerate(sentences):
        got = terms & set(analyze(s))
        coverage = len(got) / len(terms) if terms else 0.0
        score = len(got) + 0.01 * (1 / (1 + i))  # ties go to the earlier sentence
        if score > best[1]:
            # the next sentences usually complete the point (a reason, a list, a date)
            best = (_window(sentences, i, window), score, coverage)
    return best


def _window(sentences: list[str], start: int, n: int, max_words: int = 110) -> str:
    """The sentence and up to n-1 following ones that complete it, within a readable length."""
    out = [sentences[start]]
    for s in sentences[start + 1 : start + n]:
        if sum(len(x.split()) for x in out) + len(s.split()) > max_words:
            break
        out.append(s)
    return " ".join(out)


def _answerable(question: str, candidates: list[_Candidate], language: str) -> bool:
    """A question asking for a figure is answered only if a retrieved sentence that carries most
    of the question's terms also states one; never fill the gap from elsewhere."""
    if _QUANTITY_Q.search(question):
        need = _MONEY if _MONEY_Q.search(question) else _NUMBER
        return any(c.coverage >= _COVERAGE and need.search(c.sentence) for c in candidates)
    # German and English questions share few words with Dutch text; their retrieval is cross-lingual.
    return language != "nl" or any(c.score >= 1 for c in candidates)


def _choose(candidates: list[_Candidate], n: int, per_document: bool) -> list[_Candidate]:
    """Best sentences, one per passage; for comparisons, first one per document."""
    ranked = sorted(candidates, key=lambda c: -c.score - 1.0 / (1 + c.hit.rank))
    out: list[_Candidate] = []
    if per_document:
        seen: set[str] = set()
        for c in ranked:
            if c.hit.document.doc_id not in seen:
                out.append(c)
                seen.add(c.hit.document.doc_id)
    for c in ranked:
        if len(out) >= n:
            break
        if c not in out and c.sentence not in {o.sentence for o in out}:
            out.append(c)
    return sorted(out[:n], key=lambda c: c.hit.rank)
