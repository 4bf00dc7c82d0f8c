"""BM25 in PostgreSQL, as close to the embedded keyword index (kb.terms) as the 'dutch' text
search configuration allows.

- Terms: `tsv` is generated with 'dutch' from the chunk text plus what kb.lexical indexes and
  PostgreSQL's parser does not make (written as `parts`): compound parts, since PostgreSQL does
  not split compounds, and the joined forms of hyphenated words.
  'dutch' and PyStemmer's 'dutch_porter' stem alike; the stopword lists differ a little.
- Statistics: document frequencies live in `lexemes` (born/died per generation, updated by the
  difference a write makes), the total document length in `generations.terms`; no count at query time.
- A word the query repeats counts as often as it is repeated, as bm25s counts it.
- Term frequency: ts_rank with all weights 1 and no normalisation gives sum(1/j^2, j = 1..tf)/(pi^2/6)
  for a one-lexeme query, which inverts exactly to tf (tsvector keeps up to 255 positions).
- Bounded: candidate rows match the query's rarest lexemes, taken in order of frequency until
  KB_KEYWORD_ROWS rows (default MAX_CANDIDATE_ROWS; at least top_k); commoner lexemes still add
  to those rows' scores. Exact while every lexeme fits, as on the shipped corpus; on very large
  archives a row with only common words can be missed (bench/scale_out.py measures how often)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kb.lexical import Decompounder, hyphen_joins, with_parts, words
from kb.terms import K1, B

MAX_CANDIDATE_ROWS = 5_000
_ZETA2 = 1.6449340668482264  # pi^2/6

# {{s}} schema, {{visible}} generation filter, {where} document filter (filled by the store).
# LEXICAL_WITH scores every candidate row once (`lex`); LEXICAL_TOP takes a list's best from it. A
# filter only removes rows: which lexemes bound the candidates does not depend on it, so the best
# rows of the allowed documents are the same whether the filter is applied before scoring or after,
# and a ranking with one list per named year scores the keywords once (kb.pgrank). `cand` is
# materialised so that each candidate row is read once, not once per query lexeme.
LEXICAL_WITH = (
    "u AS (SELECT lexeme, cardinality(positions) AS qtf FROM unnest(to_tsvector('dutch', %(text)s))), "
    "q AS (SELECT word, df, qtf * ln(1 + (%(n)s - df + 0.5) / (df + 0.5)) AS idf, quote_literal(word)::tsquery AS tq "
    "FROM {{s}}.lexemes JOIN u ON word = lexeme WHERE {{visible}}), "
    "sel AS (SELECT string_agg(quote_literal(word), ' | ')::tsquery AS tq FROM "
    "(SELECT word, df, SUM(df) OVER (ORDER BY df, word) AS cum FROM q) o "
    "WHERE cum - df < %(k)s OR cum <= %(max_rows)s), "
    "cand AS MATERIALIZED (SELECT chunk_id, doc_id, tsv, term_count FROM {{s}}.chunks, sel WHERE {{visible}}{where} AND tsv @@ sel.tq), "
    "lex AS MATERIALIZED (SELECT chunk_id, doc_id, "
    "SUM(q.idf * f.tf / (f.tf + %(k1)s * (1 - %(b)s + %(b)s * term_count / %(avgdl)s))) AS rank "
    "FROM cand JOIN q ON cand.tsv @@ q.tq, LATERAL (SELECT greatest(1, floor(1 / (%(zeta2)s - %(zeta2)s * "
    "ts_rank('{{{{1,1,1,1}}}}', cand.tsv, q.tq, 0)))) AS tf OFFSET 0) f GROUP BY chunk_id, doc_id)")
LEXICAL_TOP = "SELECT chunk_id, doc_id, rank FROM lex WHERE TRUE{where} ORDER BY rank DESC, chunk_id LIMIT %(k)s"
LEXICAL_SQL = f"WITH {LEXICAL_WITH} {LEXICAL_TOP.format(where='')}"


def query_text(ws: list[str], known: Iterable[str]) -> str:
    """The query's words and their compound parts, for to_tsvector('dutch', …) in LEXICAL_SQL."""
    return " ".join(with_parts(ws, Decompounder(known)))


def lexical_params(n_chunks: int, term_total: int, top_k: int, max_rows: int) -> dict[str, Any]:
    return {"n": n_chunks, "avgdl": max(1.0, term_total / max(1, n_chunks)), "k": top_k,
            "max_rows": max_rows, "k1": K1, "b": B, "zeta2": _ZETA2}


def update_vocabulary(conn: Any, s: str, texts: list[str]) -> Decompounder:
    """Adds the texts' words to the vocabulary; a Decompounder over all words known so far."""
    conn.execute("CREATE TEMP TABLE vocabulary_in (word text) ON COMMIT DROP")
    with conn.cursor().copy("COPY vocabulary_in (word) FROM STDIN") as copy:
        for w in sorted({w for t in texts for w in words(t)}):
            copy.write_row((w,))
    conn.execute(f"INSERT INTO {s}.vocabulary SELECT word FROM vocabulary_in ON CONFLICT DO NOTHING")
    return Decompounder(r[0] for r in conn.execute(f"SELECT word FROM {s}.vocabulary"))


def chunk_terms(texts: Iterable[str], dec: Decompounder) -> Iterator[tuple[str, int]]:
    """(parts, term_count) per chunk text, one at a time (a million chunks' words do not fit in
    memory at once): for `parts` the compound parts and the joined forms of hyphenated words, which
    kb.lexical indexes and 'dutch' does not; BM25's length as kb.terms counts it."""
    splits: dict[str, list[str]] = {}
    for text in texts:
        ws = words(text)
        parts = [p for w in ws for p in (splits[w] if w in splits else splits.setdefault(w, dec.split(w)))]
        yield " ".join(hyphen_joins(text) + parts), len(ws) + len(parts)


def update_lexemes(conn: Any, s: str, gen: int, fresh: bool) -> int:
    """Document frequencies for generation `gen` from the rows it added and retired; returns the
    total document length of `gen`'s chunks."""
    if fresh:
        conn.execute(f"UPDATE {s}.lexemes SET died = %s WHERE died IS NULL", (gen,))
    retired = "" if fresh else (f"UNION ALL SELECT word, -ndoc FROM ts_stat('SELECT tsv FROM {s}.chunks "
                                f"WHERE died = {gen:d}')")
    conn.execute(f"CREATE TEMP TABLE lexeme_delta ON COMMIT DROP AS SELECT word, SUM(n)::integer AS n FROM "
                 f"(SELECT word, ndoc AS n FROM ts_stat('SELECT tsv FROM {s}.chunks WHERE born = {gen:d}') "
                 f"{retired}) x GROUP BY word HAVING SUM(n) <> 0")
    conn.execute(f"INSERT INTO {s}.lexemes (word, born, df) SELECT d.word, %(g)s, COALESCE(l.df, 0) + d.n "
                 f"FROM lexeme_delta d LEFT JOIN {s}.lexemes l ON l.word = d.word AND l.died IS NULL "
                 "WHERE COALESCE(l.df, 0) + d.n > 0", {"g": gen})
    conn.execute(f"UPDATE {s}.lexemes l SET died = %(g)s FROM lexeme_delta d "
                 "WHERE l.word = d.word AND l.died IS NULL AND l.born < %(g)s", {"g": gen})
    return int(conn.execute(f"SELECT COALESCE(SUM(term_count), 0) FROM {s}.chunks WHERE died IS NULL").fetchone()[0])
