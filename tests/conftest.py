from __future__ import annotations

import os
import shutil
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
