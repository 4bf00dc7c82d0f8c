"""PostgresStore against a real PostgreSQL 16 + pgvector (the `postgres` fixture in conftest)."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import psycopg
import pytest
from conftest import CORPUS, ROOT, cli_env, kb_cli
from localpg import LocalPostgres

from ingest.pipeline import build_index
from kb.diploma import diploma_lookup
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.postgres import PostgresStore
from kb.records import SearchFilters
from kb.search import Searcher
from kb.settings import Settings
from kb.store import StoreError

LETTER_2018 = "2018-04-20_kamerbrief_grensoverschrijdende-samenwerking.txt"
LETTER_2020 = "2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt"
_schemas = itertools.count()


@pytest.fixture
def pg_settings(postgres: LocalPostgres, hashing_settings: Settings) -> Settings:
    """A fresh schema per test, so tests share one server but no tables."""
    from dataclasses import replace

    return replace(hashing_settings, database_url=postgres.url, database_schema=f"t{next(_schemas)}")


def _store(s: Settings) -> PostgresStore:
    return PostgresStore(s.database_url, s.database_schema)


def test_a_recognition_guide_is_kept_and_found_on_postgres(pg_settings: Settings):
    guide = ROOT / "tests/fixtures/guides/testfixture_brochure_leraar_be-nl.pdf"
    shutil.copy(guide, pg_settings.corpus_dir)
    store = _store(pg_settings)
    build_index(pg_settings, store, HashingEmbedder())
    [found] = diploma_lookup(Searcher(store, HashingEmbedder()), "leraar-vo", "BE-NL").guides
    assert found.document.source == guide.name and [s.page for s in found.guide.steps] == [1, 1, 2, 2]
    assert found.guide.costs and found.guide.costs.text == "Je betaalt een vergoeding van 120 euro."


def test_keyword_search_uses_the_dutch_configuration_and_filters_in_where(pg_settings: Settings):
    store = _store(pg_settings)
    build_index(pg_settings, store, HashingEmbedder())
    found = store.lexical_candidates("afspraak", 5)  # stems: the letters have only 'afspraken'
    assert found and all("afspraken" in c.text.lower() for c in store.chunks([x.chunk_id for x in found]))
    parts = [c.text.lower() for c in store.chunks([x.chunk_id for x in store.lexical_candidates("belemmering", 50)])]
    assert any("grensbelemmering" in t and not re.search(r"(?<![a-z])belemmering", t) for t in parts)  # a part
    only = SearchFilters(sources=(LETTER_2020,))
    assert {c.doc_id for c in store.lexical_candidates("grens", 20, only)} == {LETTER_2020.removesuffix(".txt")}
    dense = store.dense_candidates(HashingEmbedder().embed_query("grens"), 20, only)
    assert dense and {c.doc_id for c in dense} == {LETTER_2020.removesuffix(".txt")}
    dated = Searcher(store, HashingEmbedder()).search("grens", top_k=20,
                                                      filters=SearchFilters(since=date(2022, 1, 1)))
    assert dated and all((h.document.date or "") >= "2022" for h in dated)


QUERIES = ["grensinformatiepunten Zuid-Limburg", "afspraken met Duitsland over zorg", "Noordrijn-Westfalen",
           "belemmeringen voor grensarbeiders", "arbeidsmarkt en onderwijs in de grensregio's",
           "regeringsconsultaties met Nedersaksen", "subsidie voor grensoverschrijdende projecten",
           "erkenning van diploma's", "samenwerking in de Benelux", "werkgroep Donner-Berx"]


def test_keyword_ranking_follows_the_embedded_bm25(pg_settings: Settings, hashing_settings: Settings):
    """Same corpus in both stores: PostgreSQL's BM25 ranks as kb.terms does (only the stopword
    lists and the parsers differ)."""
    pg = _store(pg_settings)
    build_index(pg_settings, pg, HashingEmbedder())
    embedded = EmbeddedStore(hashing_settings.index_dir)
    build_index(hashing_settings, embedded, HashingEmbedder())
    overlaps, same_top = [], 0
    for q in QUERIES:
        a, b = embedded.lexical_candidates(q, 10), pg.lexical_candidates(q, 10)
        overlaps.append(len({c.chunk_id for c in a} & {c.chunk_id for c in b}) / 10)
        same_top += a[0].chunk_id == b[0].chunk_id
        assert abs(a[0].score - b[0].score) < 0.15 * a[0].score, q  # the same formula, not just the same order
    assert sum(overlaps) / len(overlaps) >= 0.9 and same_top >= 8, (overlaps, same_top)


def test_rows_no_kept_generation_can_see_are_deleted(pg_settings: Settings):
    """Generations and snapshots are in the store contract (test_store_contract); this is
    PostgreSQL's own housekeeping: after a switch, rows only older generations saw are gone."""
    store = _store(pg_settings)
    build_index(pg_settings, store, HashingEmbedder())
    (pg_settings.corpus_dir / LETTER_2018).unlink()
    build_index(pg_settings, store, HashingEmbedder())
    f = pg_settings.corpus_dir / LETTER_2020
    f.write_text(f.read_text(encoding="utf-8") + "\nNog een alinea.\n", encoding="utf-8")
    build_index(pg_settings, store, HashingEmbedder())
    with psycopg.connect(pg_settings.database_url) as conn:
        gens = [r[0] for r in conn.execute(f"SELECT generation FROM {pg_settings.database_schema}.generations")]
        dead = conn.execute(f"SELECT COUNT(*) FROM {pg_settings.database_schema}.chunks WHERE doc_id = %s",
                            (LETTER_2018.removesuffix(".txt"),)).fetchone()[0]
    assert sorted(gens) == [2, 3] and dead == 0  # generation 1 and its dead rows are gone


def test_bad_database_configuration_exits_2_with_what_to_do(postgres: LocalPostgres):
    r = kb_cli("stats", env=cli_env(KB_DATABASE_URL="postgresql://kb@127.0.0.1:1/kb"))
    assert r.returncode == 2 and "Cannot connect to PostgreSQL at 127.0.0.1:1/kb" in r.stderr, r.stderr
    r = kb_cli("stats", env=cli_env(KB_DATABASE_URL="mysql://kb@127.0.0.1/kb"))
    assert r.returncode == 2 and "must be a postgresql:// URL" in r.stderr, r.stderr
    r = kb_cli("migrate", "--to", "mysql://kb@127.0.0.1/kb")  # a URL from the command line: the same one check
    assert r.returncode == 2 and "must be a postgresql:// URL" in r.stderr, r.stderr
    r = kb_cli("stats", env=cli_env(KB_DATABASE_URL=postgres.url, KB_DATABASE_SCHEMA="kb; DROP TABLE x"))
    assert r.returncode == 2 and "must be a plain SQL name" in r.stderr, r.stderr
    secret = postgres.url.replace("postgres@", "postgres:geheim@").rsplit("/", 1)[0] + "/bestaat_niet"
    r = kb_cli("stats", env=cli_env(KB_DATABASE_URL=secret))
    assert r.returncode == 2 and "bestaat_niet" in r.stderr and "geheim" not in r.stderr, r.stderr
    # A database where this user may not create the extension, as on a server without the package.
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute("CREATE ROLE app LOGIN")
        conn.execute("CREATE DATABASE novector OWNER app")
    url = postgres.url.replace("postgres@", "app@").rsplit("/", 1)[0] + "/novector"
    with pytest.raises(StoreError, match="pgvector extension is not available"):
        PostgresStore(url)
    r = kb_cli("stats", env=cli_env(KB_DATABASE_URL=url))
    assert r.returncode == 2 and "postgresql-17-pgvector" in r.stderr, r.stderr
    # A schema an older kb wrote (no keyword statistics): said, not a SQL error halfway through.
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA old; CREATE TABLE old.generations (generation integer PRIMARY KEY, "
                     "manifest jsonb NOT NULL, created timestamptz NOT NULL DEFAULT now())")
    r = kb_cli("stats", env=cli_env(KB_DATABASE_URL=postgres.url, KB_DATABASE_SCHEMA="old"))
    assert r.returncode == 2 and "written by an older kb (no generations.terms)" in r.stderr, r.stderr


@pytest.mark.model
def test_migrate_copies_the_real_index_without_embedding_and_searches_alike(postgres: LocalPostgres,
                                                                            model_index: Path):
    env = cli_env(KB_DATABASE_SCHEMA="migrated")
    r = kb_cli("migrate", "--index", str(model_index), "--to", postgres.url, "--json", env=env)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["documents"] == 5 and out["chunks"] > 50 and out["seconds"] < 30
    # the word space that translates foreign queries is a file in KB_INDEX_DIR for both stores
    pg_env = cli_env(KB_DATABASE_URL=postgres.url, KB_DATABASE_SCHEMA="migrated", KB_INDEX_DIR=str(model_index))
    for q in ("Wanneer is de grenslandagenda met Noordrijn-Westfalen vastgesteld?",
              "Welche Rolle spielen die GrenzInfoPunkte?"):
        a = json.loads(kb_cli("search", q, "--index", str(model_index), "--json").stdout)["hits"]
        b = json.loads(kb_cli("search", q, "--json", env=pg_env).stdout)["hits"]
        assert a[0]["chunk_id"] in {h["chunk_id"] for h in b[:3]}, (a[0], b[:3])
    stats = json.loads(kb_cli("stats", "--json", env=pg_env).stdout)
    assert stats["counts"]["chunks"] == out["chunks"]
    assert stats["index"].startswith("postgresql://127.0.0.1:") and "(schema migrated)" in stats["index"]
    text = kb_cli("stats", env=pg_env).stdout
    assert text.startswith("index postgresql://") and str(model_index) not in text
    assert CORPUS.is_dir()


@pytest.mark.model
def test_dev_set_scores_on_postgres_are_within_002_of_the_embedded_store(postgres: LocalPostgres, model_index: Path):
    """The issue's quality bar, on eval/dev_questions.jsonl through bench/eval_dev.py with the real model."""
    pg_env = cli_env(KB_DATABASE_URL=postgres.url, KB_DATABASE_SCHEMA="devset")
    assert kb_cli("migrate", "--index", str(model_index), "--to", postgres.url, env=pg_env).returncode == 0
    scores = []
    for env in (cli_env(), pg_env):
        r = subprocess.run([sys.executable, "bench/eval_dev.py", "--index", str(model_index)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-2000:]
        line = next(ln for ln in r.stdout.splitlines() if ln.startswith("all "))
        scores.append({k: float(v) for k, v in re.findall(r"(R5|MRR10)=([0-9.]+)", line)})
    embedded, pg = scores
    assert embedded["R5"] >= 0.9, embedded  # the real model ran
    assert abs(pg["R5"] - embedded["R5"]) <= 0.02 and abs(pg["MRR10"] - embedded["MRR10"]) <= 0.02, (embedded, pg)
