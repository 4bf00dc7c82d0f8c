"""A RankingSpec as one PostgreSQL statement: every list of the spec (the plain one and one per time
a query names) with its filter inside, fused (by rank or by standardised score) as
kb.ranking.reference_rank fuses them. Scores are float8 and ties go by chunk_id in byte order
(COLLATE "C"), as in Python."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from kb.pglexical import LEXICAL_TOP, LEXICAL_WITH
from kb.ranking import SCORE, SPREAD_TOLERANCE, RankingSpec

# {{s}} schema, {{visible}} generation filter, {where} document filter; braces doubled for .format twice.
DENSE_SQL = ("SELECT chunk_id, doc_id, 1 - dist AS score FROM (SELECT chunk_id, doc_id, embedding <=> %(v)s AS dist "
             "FROM {{s}}.chunks WHERE {{visible}}{where} ORDER BY dist LIMIT %(k)s) n")
_BY_ID = 'chunk_id COLLATE "C"'


def _ranked(select: str, weight: str, order: str) -> str:
    """A list's rows with their reciprocal-rank share, weight / (rrf_k + rank)."""
    return (f"SELECT chunk_id, doc_id, {weight}::float8 / (%(rrf)s + row_number() OVER (ORDER BY {order} DESC, "
            f"{_BY_ID})) AS s FROM ({select}) r")


def _standardised(select: str, weight: str, column: str) -> str:
    """A list's rows with their score share, weight * (score - lowest) / std over the list padded
    with zeros to %(k)s rows, from the same sums as kb.ranking.standardised (each taken once)."""
    sums = (f"SELECT chunk_id, doc_id, {column}::float8 AS x, COUNT(*) OVER () AS got, "
            f"GREATEST(%(k)s, COUNT(*) OVER ())::float8 AS n, SUM({column}::float8) OVER () AS s1, "
            f"SUM({column}::float8 * {column}::float8) OVER () AS s2, MIN({column}::float8) OVER () AS lo, "
            f"MAX(ABS({column}::float8)) OVER () AS top FROM ({select}) r")
    spread = f"SELECT *, SQRT(GREATEST(s2 / n - (s1 / n) * (s1 / n), 0)) AS sd FROM ({sums}) t"
    low = "CASE WHEN got >= %(k)s THEN lo ELSE LEAST(lo, 0) END"
    return (f"SELECT chunk_id, doc_id, CASE WHEN sd > %(spread)s * top THEN {weight}::float8 * (x - {low}) / sd "
            f"ELSE 0 END AS s FROM ({spread}) u")


def _summed(parts: Sequence[str]) -> str:
    return f"SELECT chunk_id, doc_id, SUM(s) AS score FROM ({' UNION ALL '.join(parts)}) u GROUP BY chunk_id, doc_id"


def rank_sql(spec: RankingSpec, allowed: Sequence[list[str] | None],
             lexical: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """The statement and its parameters. allowed[i]: the doc_ids list i may return (None: all);
    lexical: LEXICAL_SQL's parameters, None for no keyword lists."""
    params: dict[str, Any] = {**(lexical or {}), "v": np.asarray(spec.vector, dtype=np.float32),
                              "k": spec.candidates, "rrf": spec.rrf_k, "w": spec.lexical_weight, "top": spec.top_k,
                              "spread": SPREAD_TOLERANCE}
    lists = []
    for i, (ranked, ids) in enumerate(zip(spec.lists, allowed, strict=True)):
        where = ""
        if ids is not None:
            where, params[f"allowed{i}"] = f" AND doc_id = ANY(%(allowed{i})s)", ids
        share = _standardised if spec.fusion == SCORE else _ranked
        inner = [share(DENSE_SQL.format(where=where), "1.0", "score")]
        if lexical is not None:  # from the keyword scores the statement computes once
            inner.append(share(LEXICAL_TOP.format(where=where), "%(w)s", "rank"))
        params[f"weight{i}"] = ranked.weight
        lists.append(_ranked(_summed(inner), f"%(weight{i})s", "score"))
    shared = f"WITH {LEXICAL_WITH.format(where='')} " if lexical is not None else ""
    return f"{shared}{_summed(lists)} ORDER BY score DESC, {_BY_ID} LIMIT %(top)s", params
