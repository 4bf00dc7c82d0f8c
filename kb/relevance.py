"""How well each sentence of the retrieved passages answers a question, from meaning (the index's
own model embeds the sentences) and from words (the question's terms weighted by rarity in the
corpus, compound parts included), with the kind of answer asked as one feature among others.
Also the question-level evidence the abstention decision (kb.abstention) weighs."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice

import numpy as np

from kb.evidence import AMOUNT, MONEY, REASON, Span, asked_kind, best_span, counted_words
from kb.floor import noise_floor
from kb.lexical import analyze, stem_words, words
from kb.records import Hit
from kb.search import QueryAnalysis, Searcher
from kb.sentences import passage_sentences

PASSAGES = 5  # sentences are taken from this many of the best hits
# The model embeds a short sentence in about 35 ms on one core: of the sentences, the opening one
# of each passage and the best by words are embedded, at most this many (kb ask p95 < 1.5 s).
MAX_SENTENCES = 8
SENTENCE_WORDS = 32  # what of a long sentence is embedded
MIN_WORDS = 4
TYPED_SLOTS = 2


@dataclass(frozen=True)
class SentenceWeights:
    """Weights of a sentence's features; chosen on held-out folds by bench/calibrate.py."""

    dense: float = 1.0
    keyword: float = 0.05
    kind: float = 0.02
    lead: float = 0.05
    rank: float = 0.1


WEIGHTS = SentenceWeights()


@dataclass(frozen=True)
class Sentence:
    hit: Hit
    index: int  # position in its passage
    text: str
    dense: float  # cosine of question and sentence in the model's space
    keyword: float  # rarity-weighted share of the question's terms the sentence carries
    span: Span | None  # the phrase of the kind asked, when there is one
    score: float = 0.0


@dataclass(frozen=True)
class Evidence:
    question: str
    language: str
    kind: str | None
    sentences: tuple[Sentence, ...]  # best first
    features: dict[str, float]  # question-level, for kb.abstention
    vectors: np.ndarray  # the sentences' embeddings, in the order of `sentences`


def gather(searcher: Searcher, question: str, qa: QueryAnalysis, hits: Sequence[Hit],
           weights: SentenceWeights = WEIGHTS) -> Evidence:
    """Every sentence of the best passages, scored; and what the whole retrieval knows."""
    kind = asked_kind(question)
    terms = _question_terms(qa.lexical_query)
    idf, missing = _idf(searcher, terms)
    qvec = searcher.query_vector(question)
    spans = _span_finder(question, kind)
    pool = _shortlist([(h, i, s) for h in hits[:PASSAGES] for i, s in enumerate(_sentences(h.chunk.text, h.chunk.section))],
                      terms, idf, lambda s: spans(s) is not None)
    vectors = _embed(searcher, [s for _, _, s in pool], len(qvec))
    scored = _scored(pool, vectors, spans, qvec, terms, idf, weights)
    order = sorted(range(len(scored)), key=lambda n: -scored[n].score)
    ranked = [scored[n] for n in order]
    # a reason is often given without a word that opens it ('De TIB is dus een extra zekerheid'):
    # its phrase marks the answer and ranks sentences, but its absence tells the decision nothing
    features = _features(searcher, qa, qvec, hits, ranked, terms, idf, missing, None if kind == REASON else kind)
    return Evidence(question, qa.language, kind, tuple(ranked), features, vectors[order])


def part_scores(searcher: Searcher, evidence: Evidence, part: str, weights: SentenceWeights = WEIGHTS) -> list[float]:
    """How well each of the evidence's sentences answers one part of the question (no new
    sentence embeddings: the part is compared with the vectors already computed)."""
    terms = _question_terms(searcher.analyze(part).lexical_query)
    idf, _ = _idf(searcher, terms)
    pool = [(s.hit, s.index, s.text) for s in evidence.sentences]
    scored = _scored(pool, evidence.vectors, _span_finder(part, asked_kind(part)), searcher.query_vector(part), terms,
                     idf, weights)
    return [s.score for s in scored]


def _scored(pool: Sequence[tuple[Hit, int, str]], vectors: np.ndarray, spans: Callable[[str], Span | None],
            qvec: np.ndarray, terms: list[str], idf: dict[str, float], weights: SentenceWeights) -> list[Sentence]:
    """Each sentence scored against a question: meaning, words, and the phrase of the kind asked
    (`spans`, from _span_finder)."""
    out = []
    for (h, i, s), v in zip(pool, vectors, strict=True):
        out.append(_with_score(Sentence(h, i, s, float(np.dot(qvec, v)), _coverage(terms, idf, s), spans(s)), weights))
    return out


def _span_finder(question: str, kind: str | None) -> Callable[[str], Span | None]:
    """A sentence's phrase of the kind the question asks for (None when it asks for no kind)."""
    qwords = set(words(question))
    counted = counted_words(question) if kind == AMOUNT else frozenset()
    return lambda s: best_span(s, kind, qwords, counted) if kind else None


def _shortlist(pool: list[tuple[Hit, int, str]], terms: list[str], idf: dict[str, float],
               typed: Callable[[str], bool]) -> list[tuple[Hit, int, str]]:
    """The sentences worth embedding: each passage's first, then the best by the question's words,
    TYPED_SLOTS of them kept for sentences holding a phrase of the kind asked. A translated
    question's words are few and often common ('projecten'), and the sentence with the sum
    asked for can lose to every sentence that repeats one of them."""
    if len(pool) <= MAX_SENTENCES:
        return pool
    leads = [p for p in pool if p[1] == 0][: MAX_SENTENCES // 2]
    rest = sorted((p for p in pool if p[1] != 0), key=lambda p: (-_coverage(terms, idf, p[2]), p[0].rank, p[1]))
    room = MAX_SENTENCES - len(leads)
    kept = {id(p) for p in islice((p for p in rest if typed(p[2])), TYPED_SLOTS)}
    kept |= {id(p) for p in [p for p in rest if id(p) not in kept][: room - len(kept)]}
    return leads + [p for p in rest if id(p) in kept]


def _embed(searcher: Searcher, sentences: list[str], dim: int) -> np.ndarray:
    if not sentences:
        return np.zeros((0, dim), dtype=np.float32)
    return searcher.embedder.embed_passages([" ".join(s.split()[:SENTENCE_WORDS]) for s in sentences])


def _sentences(text: str, heading: str) -> list[str]:
    return [s.strip() for s in passage_sentences(text, heading) if len(s.split()) >= MIN_WORDS]


def _question_terms(lexical_query: str) -> list[str]:
    # A compound the corpus never writes whole ('omgevingswet', 'veiligheidsonderzoek') stays one
    # unknown term, not its known parts: on both development sets that gap is what tells a
    # question about a missing subject apart (held-out balanced accuracy 0.965 as is, 0.956 split).
    return list(dict.fromkeys(analyze(lexical_query)))


def _idf(searcher: Searcher, terms: list[str]) -> tuple[dict[str, float], set[str]]:
    """Rarity of each term in the corpus (a term the corpus lacks weighs most), and those it lacks."""
    stats = searcher.store.term_stats(terms)
    n = max(stats.rows, 1)
    idf = {t: math.log(1 + (n - stats.df.get(t, 0) + 0.5) / (stats.df.get(t, 0) + 0.5)) for t in terms}
    return idf, {t for t in terms if t not in stats.df}


def _coverage(terms: list[str], idf: dict[str, float], text: str) -> float:
    """Share of the terms' weight found in the text, as a stem or inside a compound."""
    if not terms:
        return 0.0
    stems = set(analyze(text))
    joined = " ".join(stem_words(words(text)))
    got = sum(idf[t] for t in terms if t in stems or (len(t) >= 5 and t in joined))
    return got / sum(idf.values())


def _with_score(s: Sentence, w: SentenceWeights) -> Sentence:
    score = (w.dense * s.dense + w.keyword * s.keyword + w.kind * (s.span is not None)
             + w.lead * (s.index == 0) + w.rank / s.hit.rank)
    return Sentence(s.hit, s.index, s.text, s.dense, s.keyword, s.span, score)


def _features(searcher: Searcher, qa: QueryAnalysis, qvec: np.ndarray, hits: Sequence[Hit],
              scored: list[Sentence], terms: list[str], idf: dict[str, float], missing: set[str],
              kind: str | None) -> dict[str, float]:
    dense = searcher.store.dense_candidates(qvec, 50)
    lexical = searcher.store.lexical_candidates(qa.lexical_query, 10) if qa.lexical_query.strip() else []
    both = {c.chunk_id for c in dense[:10]} & {c.chunk_id for c in lexical}
    top_text = " ".join(h.chunk.text for h in hits[:3])
    total = sum(idf.values()) or 1.0
    best = scored[0] if scored else None
    floor = noise_floor(searcher.store, searcher.embedder)
    # a sentence of the kind asked counts as much as it speaks of what the question names
    typed = [s.keyword for s in scored if s.span is not None]
    return {
        "dense_sentence": best.dense - floor if best else 0.0,
        "dense_passage": dense[0].score - floor if dense else 0.0,
        # how far the best passage stands out from the tenth: comparable across corpora, where
        # the level of the cosine itself is not
        "dense_gap": dense[0].score - dense[min(9, len(dense) - 1)].score if dense else 0.0,
        "dense_z": _standing(np.asarray([c.score for c in dense])),
        "lexical_gap": _lexical_gap([c.score for c in lexical]),
        "keyword_sentence": max((s.keyword for s in scored[:5]), default=0.0),
        "keyword_passages": _coverage(terms, idf, top_text),
        "unknown": sum(idf[t] for t in missing) / total,
        "agreement": len(both) / 10,
        "kind_missing": float(kind is not None and not any(s.span for s in scored[:3])),
        # a question for a number or a sum is not answered by a direct answer without one, where
        # a 'waar' or 'wanneer' question often is (by a website, by a condition)
        "amount_missing": float(kind in (AMOUNT, MONEY) and (best is None or best.span is None)),
        "kind_support": max(typed, default=0.0) if kind else 0.0,
        "kind_asked": float(kind is not None),
        "foreign": float(qa.language != "nl"),
    }


def _standing(scores: np.ndarray) -> float:
    """How many standard deviations the best passage stands above the fifty best."""
    if len(scores) < 3 or scores.std() == 0:
        return 0.0
    return float((scores[0] - scores.mean()) / scores.std())


def _lexical_gap(scores: list[float]) -> float:
    """Share of the best keyword score by which it leads the tenth: one passage that carries the
    question's rare words, rather than many that carry its common ones."""
    if not scores or scores[0] <= 0:
        return 0.0
    return (scores[0] - scores[min(9, len(scores) - 1)]) / scores[0]


_PART_BREAK = re.compile(r"[,;]?\s+(?:en|und|and|et|maar|aber|but)\s+(?=(?:wat|wie|hoe|welke|waarom|wanneer|waar|"
                         r"hoeveel|was|wer|wie|welche|warum|wann|wo|what|who|how|which|why|when|where|"
                         r"que|qui|comment|quel|quelle|pourquoi|quand|où)\b)", re.I)


def question_parts(question: str) -> list[str]:
    """A two-part question ('Wat vroeg X, en wat deed het kabinet ermee?') as its parts."""
    parts = [p.strip(" ,;?") for p in _PART_BREAK.split(question) if p.strip(" ,;?")]
    return parts if 1 < len(parts) <= 3 else [question]
