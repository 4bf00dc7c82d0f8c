"""The ranking a search asks of a store, and the one function that defines its result.

The Searcher decides what to rank (a query's vector and keyword query, the filters, the documents
of the times it names and how much they count); a store only executes it. Each list of the spec is
the store's dense and keyword candidates under that list's filters, fused by reciprocal rank or by
standardised score (the spec says which); the lists are then fused again by rank, each with its
weight. A store may run a spec natively (PostgreSQL does, in one statement) but must return what
`reference_rank` returns over its own candidate lists; the store contract tests check that on
random queries and filters."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from kb.fusion import reciprocal_rank_fusion
from kb.records import SearchFilters


@dataclass(frozen=True)
class Candidate:
    chunk_id: str
    doc_id: str
    score: float


@dataclass(frozen=True)
class RankedList:
    """One fused dense + keyword list over the documents `filters` lets through."""

    filters: SearchFilters
    weight: float = 1.0


# How a list's dense and keyword candidates are fused. RANK: reciprocal rank (Cormack et al.
# 2009). SCORE: each list's scores standardised (minus the list's lowest, over its standard
# deviation, so a passage a list lacks gets 0 from it) and summed with the weights: a convex
# combination of normalised scores, which keeps how far the best stands out where rank throws it
# away (Bruch et al. 2023, "An analysis of fusion functions for hybrid retrieval").
RANK, SCORE = "rank", "score"
SPREAD_TOLERANCE = 1e-9  # a spread below this share of the scores is rounding, not a difference


@dataclass(frozen=True)
class RankingSpec:
    vector: np.ndarray = field(compare=False, repr=False)
    lexical_query: str
    lexical_weight: float  # the keyword list's weight against the dense list; 0: dense alone
    candidates: int  # how many each dense and each keyword list brings
    rrf_k: int
    lists: tuple[RankedList, ...]  # the first is the plain list; others the times a query names
    top_k: int
    fusion: str = RANK  # how each list fuses its dense and keyword candidates: RANK or SCORE

    @property
    def uses_keywords(self) -> bool:
        return self.lexical_weight > 0 and bool(self.lexical_query.strip())


class CandidateSource(Protocol):
    """What the reference needs of a store: its two candidate lists, each best first."""

    def dense_candidates(self, vector: np.ndarray, top_k: int,
                         filters: SearchFilters | None = None) -> list[Candidate]: ...

    def lexical_candidates(self, query: str, top_k: int,
                           filters: SearchFilters | None = None) -> list[Candidate]: ...


def best_first(candidates: list[Candidate]) -> list[Candidate]:
    """Score descending, ties by chunk_id (byte order), so that every engine breaks them alike."""
    return sorted(candidates, key=lambda c: (-c.score, c.chunk_id))


def fuse(lists: list[list[Candidate]], weights: list[float], rrf_k: int) -> list[Candidate]:
    doc_of = {c.chunk_id: c.doc_id for cs in lists for c in cs}
    fused = reciprocal_rank_fusion([[c.chunk_id for c in cs] for cs in lists], k=rrf_k, weights=weights)
    return [Candidate(cid, doc_of[cid], score) for cid, score in fused]


def fuse_scores(lists: list[list[Candidate]], weights: list[float], size: int) -> list[Candidate]:
    """Sum of each list's standardised scores, best first. A list shorter than the `size` asked
    of it has given every passage that matches at all (a keyword list of a rare word): the rest
    score 0, so it is standardised as if padded with zeros to `size`, and a lone exact match
    stands far out instead of giving nothing for lack of spread."""
    doc_of = {c.chunk_id: c.doc_id for cs in lists for c in cs}
    total: dict[str, float] = {}
    for cs, w in zip(lists, weights, strict=True):
        for c, share in zip(cs, standardised([c.score for c in cs], size), strict=True):
            total[c.chunk_id] = total.get(c.chunk_id, 0.0) + w * share
    return best_first([Candidate(cid, doc_of[cid], score) for cid, score in total.items()])


def standardised(scores: list[float], size: int) -> list[float]:
    """(score - lowest) / std over the scores padded with zeros to `size`; all 0 when they do
    not vary (to rounding). kb.pgrank computes the same in SQL, from the same sums."""
    if not scores:
        return []
    n = max(size, len(scores))
    mean = sum(scores) / n
    std = math.sqrt(max(sum(x * x for x in scores) / n - mean * mean, 0.0))
    low = min(scores) if len(scores) >= n else min(min(scores), 0.0)
    if std <= SPREAD_TOLERANCE * max(abs(x) for x in scores):
        return [0.0] * len(scores)
    return [(x - low) / std for x in scores]


def fused_list(source: CandidateSource, spec: RankingSpec, filters: SearchFilters) -> list[Candidate]:
    """One list of the spec: dense and keyword candidates under `filters`, fused as it says."""
    lists = [best_first(source.dense_candidates(spec.vector, spec.candidates, filters))]
    weights = [1.0]
    if spec.uses_keywords:
        lists.append(best_first(source.lexical_candidates(spec.lexical_query, spec.candidates, filters)))
        weights.append(spec.lexical_weight)
    return fuse_scores(lists, weights, spec.candidates) if spec.fusion == SCORE else fuse(lists, weights, spec.rrf_k)


def reference_rank(source: CandidateSource, spec: RankingSpec) -> list[Candidate]:
    """The spec's result, best first, at most top_k: what every store's ranking must equal."""
    lists = [fused_list(source, spec, ranked.filters) for ranked in spec.lists]
    return fuse(lists, [ranked.weight for ranked in spec.lists], spec.rrf_k)[: spec.top_k]
