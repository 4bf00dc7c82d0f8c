"""Operator actions: sign-in, upload checks (type, size, content, names) and the background re-index."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from ingest.operator import MAX_UPLOAD_BYTES, Reindexer, UploadRefused, accept_upload, safe_name
from ingest.pipeline import build_index
from kb.backend import open_store
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.search import Searcher
from kb.settings import ConfigError, Settings


@pytest.mark.parametrize("env", [{"KB_OPERATOR_USER": "a"}, {"KB_OPERATOR_USER": "a", "KB_OPERATOR_PASSWORD": "kort"},
                                 {"KB_OPERATOR_USER": "a", "KB_OPERATOR_PASSWORD": "elf-tekens!"},
                                 {"KB_OPERATOR_USER": "a", "KB_OPERATOR_PASSWORD": "lang-genoeg-wachtwoord"},
                                 {"KB_OPERATOR_USER": "a", "KB_OPERATOR_PASSWORD": "lang-genoeg-wachtwoord",
                                  "KB_SECRET_KEY": "te-kort"}, {"KB_SIGNIN_ATTEMPTS": "0"},
                                 {"KB_LLM_BASE_URL": "localhost:11434"}, {"KB_LLM_BASE_URL": "http://x/v1"}])
def test_bad_operator_or_llm_settings_fail_at_start(env: dict[str, str]):
    with pytest.raises(ConfigError, match="KB_"):
        Settings.from_env(env)


@pytest.mark.parametrize(("name", "expected"), [
    ("../../etc/passwd.pdf", "passwd.pdf"), ("/etc/shadow.txt", "shadow.txt"), ("..\\..\\boot.ini.txt", "boot.ini.txt"),
    ("Brief aan de Kamer ✉️ 2024.PDF", "Brief aan de Kamer _ 2024.pdf"), ("Ökonomie-Überblick.docx", "Ökonomie-Überblick.docx"),
])
def test_safe_names_never_leave_the_upload_folder(name: str, expected: str):
    assert safe_name(name) == expected


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / "in" / name
    p.parent.mkdir(exist_ok=True)
    p.write_bytes(data)
    return p


def test_uploads_are_limited_in_type_size_and_content(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    cases = [("tool.exe", b"MZ", "niet toegestaan"), ("leeg.pdf", b"", "leeg"),
             ("nep.pdf", b"dit is geen pdf", "geen PDF"), ("nep.docx", b"%PDF-1.4", "geen DOCX")]
    for name, data, reason in cases:
        with pytest.raises(UploadRefused, match=reason):
            accept_upload(corpus, _file(tmp_path, name, data), name)
    big = tmp_path / "in" / "groot.pdf"
    with open(big, "wb") as fh:
        fh.write(b"%PDF-")
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    with pytest.raises(UploadRefused, match="te groot"):
        accept_upload(corpus, big, "groot.pdf")
    ok = accept_upload(corpus, _file(tmp_path, "x.txt", b"Een brief."), "../../buiten.txt")
    assert ok == corpus / "uploads" / "buiten.txt" and ok.read_text() == "Een brief."
    with pytest.raises(UploadRefused, match="al een bestand"):
        accept_upload(corpus, _file(tmp_path, "x.txt", b"Nog een."), "buiten.txt")
    assert sorted(os.listdir(corpus / "uploads")) == ["buiten.txt"]  # no temporaries left


def test_background_reindex_reads_the_recorded_corpus(hashing_settings: Settings, tmp_path: Path):
    build_index(hashing_settings, EmbeddedStore(hashing_settings.index_dir), HashingEmbedder())
    reader = EmbeddedStore(hashing_settings.index_dir)
    searcher = Searcher(reader, HashingEmbedder())
    accept_upload(hashing_settings.corpus_dir, _file(tmp_path, "n.txt", b"Een notitie over zonnepanelen op dijken."),
                  "notitie.txt")
    # the app may run with another configured corpus; the re-index follows the index's own record
    job = Reindexer(hashing_settings.with_paths(corpus_dir=tmp_path / "elders"), open_store)
    assert job.start()
    job.wait(120)
    status = job.status()
    assert not status.running and not status.error and status.report is not None
    assert [s for s in status.report.added] == ["uploads/notitie.txt"] and not status.report.removed
    assert not any("zonnepanelen" in h.chunk.text for h in searcher.search("zonnepanelen dijken"))
    assert reader.refresh()
    assert "zonnepanelen" in searcher.search("zonnepanelen dijken")[0].chunk.text


def test_search_keeps_answering_while_the_app_reindexes(hashing_settings: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    build_index(hashing_settings, EmbeddedStore(hashing_settings.index_dir), HashingEmbedder())
    reader = EmbeddedStore(hashing_settings.index_dir)
    searcher = Searcher(reader, HashingEmbedder())
    before = [h.chunk.chunk_id for h in searcher.search("Benelux samenwerking")]
    release = threading.Event()
    slow = HashingEmbedder.embed_passages

    def held(self, texts, threads=None):  # type: ignore[no-untyped-def]
        release.wait(30)  # the build stays in its embedding stage until the searches are done
        return slow(self, texts, threads)

    monkeypatch.setattr(HashingEmbedder, "embed_passages", held)
    accept_upload(hashing_settings.corpus_dir, _file(tmp_path, "n.txt", b"Een notitie over windmolens op zee."),
                  "notitie.txt")
    job = Reindexer(hashing_settings, open_store)
    assert job.start() and not job.start()  # one re-index at a time
    for _ in range(20):
        assert job.status().running
        reader.refresh()
        assert [h.chunk.chunk_id for h in searcher.search("Benelux samenwerking")] == before
    release.set()
    job.wait(120)
    assert job.status().report is not None and reader.refresh()
    assert "windmolens" in searcher.search("windmolens zee")[0].chunk.text
