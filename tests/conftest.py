from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kb  # noqa: F401  (offline switches)
from kb.embed import HashingEmbedder
from kb.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
PDFS = SHARED / "pdfs"


def need_pdfs() -> Path:
    if not PDFS.is_dir():
        pytest.skip("../shared/pdfs is not beside this checkout")
    return PDFS


@pytest.fixture
def pdfs() -> Path:
    return need_pdfs()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture
def hashing_settings(tmp_path: Path, corpus_copy: Path) -> Settings:
    return Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index", embed_backend="hashing")


@pytest.fixture
def hashing() -> HashingEmbedder:
    return HashingEmbedder()


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(extra)
    return env


def kb_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=ROOT, env=env or cli_env(),
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def model_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped corpus indexed once per session with the real bundled model, through the CLI."""
    index = tmp_path_factory.mktemp("model") / "index"
    r = kb_cli("ingest", str(CORPUS), "--index", str(index), "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["counts"]["added"] == 5 and report["chunks_embedded"] > 50
    return index
