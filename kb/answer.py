"""Extractive answers with citations: the sentence that answers first, its answering phrase
marked, then at most two supporting quotes; every sentence cited (title, date, page).
Whether to answer at all is kb.abstention's calibrated decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from kb.abstention import answer_probability, calibration_for
from kb.dates import format_date
from kb.glossary import localize
from kb.lexical import analyze
from kb.reader import DIRECT, INTRO, MORE, NOT_FOUND, PAGE, language_of, render_phrase
from kb.records import Hit
from kb.relevance import Evidence, Sentence, gather, part_scores, question_parts
from kb.search import Searcher
from kb.sentences import passage_sentences, whole_sentences

__all__ = ["NOT_FOUND", "Answer", "Citation", "Direct", "answer_question", "best_quote"]
SUPPORT = 2  # supporting quotes after the direct answer
# A quote, the direct answer's too, is its sentence and the ones after it that complete the point
# (a reason, a list, a date), within a readable length.
QUOTE_SENTENCES, QUOTE_WORDS = 3, 110


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
    doc_type: str = "other"
    kamerstuk: str | None = None  # 'dossier, nr. number'
    organisation: str | None = None
    section: str = ""  # the heading of the cited passage's section, which a quote leaves out

    @classmethod
    def of(cls, hit: Hit, quote: str) -> Citation:
        d, c = hit.document, hit.chunk
        return cls(d.doc_id, d.title, d.source, c.page, d.date, quote, c.chunk_id, c.text, d.doc_type,
                   d.kamerstuk, d.organisation, c.section)


@dataclass(frozen=True)
class Direct:
    """A sentence that answers (or answers one part, or speaks for one letter), and its phrase."""

    sentence: str
    span: str  # the answering phrase as it stands in the sentence ('' when none of the kind asked)
    rendered: str  # the phrase as the reader writes figures and dates
    citation: int  # 1-based number of its citation


@dataclass(frozen=True)
class Answer:
    answered: bool
    answer: str
    citations: tuple[Citation, ...] = ()
    language: str = "nl"
    mode: str = "extractive"  # or "generative"
    dropped: tuple[str, ...] = ()  # generated sentences left out for want of a supporting citation
    question: str = ""  # the question as searched (a follow-up made to stand alone)
    points: tuple[Direct, ...] = ()  # the direct answer: one point, or one per part or letter
    confidence: float | None = None  # the calibrated probability that the documents answer

    def to_dict(self) -> dict[str, Any]:
        direct = None
        if self.points:
            p = self.points[0]
            direct = {"sentence": p.sentence, "span": p.span, "span_reader": p.rendered,
                      "citation": asdict(self.citations[p.citation - 1])}
        return {"answered": self.answered, "answer": self.answer, "language": self.language,
                "mode": self.mode, "standalone_question": self.question,
                "citations": [asdict(c) for c in self.citations], "dropped": list(self.dropped),
                "direct": direct, "points": [asdict(p) for p in self.points], "confidence": self.confidence}


def answer_question(searcher: Searcher, question: str, top_k: int = 8) -> Answer:
    searcher = searcher.pinned()
    qa = searcher.analyze(question)
    lang = language_of(qa.language)
    hits = searcher.search(question, top_k=top_k)
    if not hits:
        return Answer(False, NOT_FOUND[lang], (), lang, question=question, confidence=0.0)
    evidence = gather(searcher, question, qa, hits)
    probability = answer_probability(evidence.features)
    confidence = round(probability, 3)
    if probability < calibration_for(evidence.features).threshold:
        return Answer(False, NOT_FOUND[lang], (), lang, question=question, confidence=confidence)
    points = _points(searcher, question, evidence, len(qa.time_refs) >= 2)
    support = _support(evidence, points)
    return _compose(points, support, evidence, lang, question, confidence, _glossing(searcher, lang, dict(qa.glosses)))


def _points(searcher: Searcher, question: str, ev: Evidence, per_document: bool) -> list[Sentence]:
    """The direct answer: the best sentence; for a comparison the best of each letter; for a
    two-part question the best for each part."""
    ranked = list(ev.sentences)
    if per_document:
        seen: dict[str, Sentence] = {}
        for s in ranked:
            seen.setdefault(s.hit.document.doc_id, s)
        return list(seen.values())[:3]
    parts = question_parts(question)
    if len(parts) == 1:
        return ranked[:1]
    chosen: list[int] = []
    for part in parts:
        own = part_scores(searcher, ev, part)
        free = [n for n in range(len(ranked)) if n not in chosen]
        if free:
            chosen.append(max(free, key=lambda n: ranked[n].score + own[n]))
    return [ranked[n] for n in chosen]


def _support(ev: Evidence, points: list[Sentence]) -> list[Sentence]:
    """Up to SUPPORT more sentences, from passages the points do not already quote."""
    used = {s.hit.chunk.chunk_id for s in points}
    out: list[Sentence] = []
    for s in ev.sentences:
        if len(out) >= SUPPORT:
            break
        if s.hit.chunk.chunk_id not in used:
            out.append(s)
            used.add(s.hit.chunk.chunk_id)
    return out


def _glossing(searcher: Searcher, lang: str, asked: dict[str, str]) -> Callable[[str, str], str]:
    """Names (kb.glossary) and then words (kb.gloss) of a quote in the reader's language, each
    glossed once in the answer: a word the question was translated into with the question's own
    word (`asked`), in every quote; other words from the dictionaries, in the sentence that
    answers only (`focus`; the model chooses their sense, which costs time per word)."""
    glosser = searcher.translator.glosser if searcher.translator is not None else None
    seen: set[str] = set()
    if glosser is None:
        return lambda quote, focus: localize(quote, lang)
    return lambda quote, focus: glosser.gloss(localize(quote, lang), lang, searcher.embedder, seen, asked, focus)


def _compose(points: list[Sentence], support: list[Sentence], ev: Evidence, lang: str, question: str,
             confidence: float, gloss: Callable[[str, str], str]) -> Answer:
    citations: list[Citation] = []
    directs: list[Direct] = []
    lines = [INTRO[lang]]
    for s in points:
        quote = _window(s)
        citations.append(Citation.of(s.hit, quote))
        span = s.span.text(s.text) if s.span else ""
        rendered = render_phrase(span, ev.kind, lang) if span else ""
        directs.append(Direct(s.text, span, rendered, len(citations)))
        head = f"{DIRECT[lang]}: {rendered} — " if rendered else f"{DIRECT[lang]}: "
        lines.append(f"{head}«{gloss(quote, s.text)}» [{len(citations)}] {_where(citations[-1], lang)}")
    if support:
        lines.append(MORE[lang])
    for s in support:
        quote = _window(s)
        citations.append(Citation.of(s.hit, quote))
        lines.append(f"- «{gloss(quote, '')}» [{len(citations)}] {_where(citations[-1], lang)}")
    return Answer(True, "\n".join(lines), tuple(citations), lang, question=question, points=tuple(directs),
                  confidence=confidence)


def _where(c: Citation, lang: str) -> str:
    page = f", {PAGE[lang]} {c.page}" if c.page else ""
    section = f", «{c.section}»" if c.section and c.section != c.title else ""
    return f"({c.title}, {format_date(c.date, lang)}{section}{page})"


def _window(s: Sentence, n: int = QUOTE_SENTENCES, max_words: int = QUOTE_WORDS) -> str:
    """The sentence and up to n-1 following ones of its passage, within max_words."""
    sentences = [x.strip() for x in passage_sentences(s.hit.chunk.text, s.hit.chunk.section) if x.strip()]
    try:
        i = sentences.index(s.text)
    except ValueError:
        return s.text
    out = [s.text]
    for nxt in sentences[i + 1 : i + n]:
        if sum(len(x.split()) for x in out) + len(nxt.split()) > max_words:
            break
        out.append(nxt)
    return " ".join(out)


def best_quote(text: str, terms: set[str], window: int = 2) -> str:
    """The sentences of a passage that carry most of the given (stemmed) terms."""
    sentences = [s.strip() for s in whole_sentences(text) if len(s.split()) >= 4]
    if not sentences:
        return text[:400]
    best = max(range(len(sentences)), key=lambda i: (len(terms & set(analyze(sentences[i]))), -i))
    return " ".join(sentences[best : best + window])
